-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "previous_sealed_secret" BYTEA,
ADD COLUMN     "previous_secret_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "webhook_attempts" ADD COLUMN     "response_body" TEXT;
