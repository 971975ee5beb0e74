-- CreateTable
CREATE TABLE "identity_event_cursors" (
    "identity_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "started_ns" BIGINT NOT NULL,
    "messages_ns" BIGINT NOT NULL,
    "conversations_ns" BIGINT NOT NULL,
    "recent_ids" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "identity_event_cursors_pkey" PRIMARY KEY ("identity_id")
);

-- CreateIndex
CREATE INDEX "identity_event_cursors_tenant_id_idx" ON "identity_event_cursors"("tenant_id");

-- AddForeignKey
ALTER TABLE "identity_event_cursors" ADD CONSTRAINT "identity_event_cursors_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
