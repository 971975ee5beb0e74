-- AlterTable
ALTER TABLE "admin_users" ADD COLUMN     "session_version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "admin_password_resets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "admin_user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_password_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_signup_requests" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "tenant_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_signup_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "admin_password_resets_token_hash_key" ON "admin_password_resets"("token_hash");

-- CreateIndex
CREATE INDEX "admin_password_resets_admin_user_id_idx" ON "admin_password_resets"("admin_user_id");

-- CreateIndex
CREATE INDEX "admin_password_resets_expires_at_idx" ON "admin_password_resets"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "admin_signup_requests_token_hash_key" ON "admin_signup_requests"("token_hash");

-- CreateIndex
CREATE INDEX "admin_signup_requests_expires_at_idx" ON "admin_signup_requests"("expires_at");

-- AddForeignKey
ALTER TABLE "admin_password_resets" ADD CONSTRAINT "admin_password_resets_admin_user_id_fkey" FOREIGN KEY ("admin_user_id") REFERENCES "admin_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
