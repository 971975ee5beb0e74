/** An RFC 9457 problem+json answer from the gateway, or a network failure, as one error type for the pages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string | null = null,
    readonly fieldErrors: readonly { field: string; message: string }[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** The text shown in the page: the problem's detail plus each field's message. */
  get display(): string {
    if (this.fieldErrors.length === 0) return this.detail;
    return `${this.detail} ${this.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  }
}

export async function problemFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string; code?: string; errors?: { field: string; message: string }[] };
    return new ApiError(response.status, body.detail ?? body.title ?? `Request failed (${response.status}).`, body.code ?? null, body.errors ?? []);
  } catch {
    return new ApiError(response.status, `Request failed (${response.status}).`);
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.display;
  if (error instanceof Error) return error.message;
  return String(error);
}
