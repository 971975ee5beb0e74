-- CreateTable
CREATE TABLE "received_messages" (
    "identity_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "received_messages_pkey" PRIMARY KEY ("identity_id","message_id")
);

-- CreateIndex
CREATE INDEX "received_messages_sent_at_idx" ON "received_messages"("sent_at");
