-- AlterTable
ALTER TABLE "webhook_attempts" ADD COLUMN     "request_headers" JSONB;
