-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "body_purged_at" TIMESTAMPTZ(3),
ALTER COLUMN "body" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "admin_refresh_tokens_expires_at_idx" ON "admin_refresh_tokens"("expires_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_succeeded_at_idx" ON "webhook_deliveries"("succeeded_at");

-- CreateIndex
CREATE INDEX "webhook_attempts_started_at_idx" ON "webhook_attempts"("started_at");
