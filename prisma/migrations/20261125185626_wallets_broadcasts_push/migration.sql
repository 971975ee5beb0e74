-- CreateEnum
CREATE TYPE "wallet_signer_kind" AS ENUM ('eoa', 'scw');

-- CreateEnum
CREATE TYPE "broadcast_status" AS ENUM ('running', 'completed');

-- CreateEnum
CREATE TYPE "broadcast_recipient_status" AS ENUM ('queued', 'sending', 'sent', 'skipped', 'failed');

-- CreateTable
CREATE TABLE "identity_wallet_signers" (
    "identity_id" UUID NOT NULL,
    "kind" "wallet_signer_kind" NOT NULL,
    "chain_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_wallet_signers_pkey" PRIMARY KEY ("identity_id")
);

-- CreateTable
CREATE TABLE "broadcasts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "status" "broadcast_status" NOT NULL DEFAULT 'running',
    "content" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "broadcasts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "broadcast_recipients" (
    "broadcast_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "recipient" TEXT NOT NULL,
    "inbox_id" TEXT,
    "status" "broadcast_recipient_status" NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "conversation_id" TEXT,
    "message_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broadcast_recipients_pkey" PRIMARY KEY ("broadcast_id","position")
);

-- CreateTable
CREATE TABLE "push_endpoints" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "webhook_endpoint_id" UUID NOT NULL,
    "include_content" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "push_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broadcasts_status_lease_until_idx" ON "broadcasts"("status", "lease_until");

-- CreateIndex
CREATE INDEX "broadcasts_tenant_id_identity_id_created_at_idx" ON "broadcasts"("tenant_id", "identity_id", "created_at");

-- CreateIndex
CREATE INDEX "broadcast_recipients_broadcast_id_status_idx" ON "broadcast_recipients"("broadcast_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "push_endpoints_identity_id_key" ON "push_endpoints"("identity_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_endpoints_webhook_endpoint_id_key" ON "push_endpoints"("webhook_endpoint_id");

-- CreateIndex
CREATE INDEX "push_endpoints_tenant_id_idx" ON "push_endpoints"("tenant_id");

-- AddForeignKey
ALTER TABLE "identity_wallet_signers" ADD CONSTRAINT "identity_wallet_signers_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_fkey" FOREIGN KEY ("broadcast_id") REFERENCES "broadcasts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_endpoints" ADD CONSTRAINT "push_endpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_endpoints" ADD CONSTRAINT "push_endpoints_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_endpoints" ADD CONSTRAINT "push_endpoints_webhook_endpoint_id_fkey" FOREIGN KEY ("webhook_endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
