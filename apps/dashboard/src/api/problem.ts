import { MailroomApiError, MailroomNetworkError } from '@mailroom/client';

/** The text a page shows for a failed call: the problem's detail plus each field's message. */
export function messageOf(error: unknown): string {
  if (error instanceof MailroomApiError) {
    const fields = error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return fields ? `${error.message} ${fields}` : error.message;
  }
  if (error instanceof MailroomNetworkError)
    return 'The gateway could not be reached. Check your connection and try again.';
  if (error instanceof Error) return error.message;
  return String(error);
}
