-- CreateTable
CREATE TABLE "attachment_uploads" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "store" TEXT NOT NULL,
    "store_key" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "stored_size" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "sealed_keys" BYTEA NOT NULL,
    "claimed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "attachment_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attachment_uploads_tenant_id_identity_id_idx" ON "attachment_uploads"("tenant_id", "identity_id");

-- CreateIndex
CREATE INDEX "attachment_uploads_expires_at_idx" ON "attachment_uploads"("expires_at");

-- AddForeignKey
ALTER TABLE "attachment_uploads" ADD CONSTRAINT "attachment_uploads_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachment_uploads" ADD CONSTRAINT "attachment_uploads_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
