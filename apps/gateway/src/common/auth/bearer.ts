/** The credential of an `Authorization: Bearer <credential>` header, or undefined when absent or malformed. */
export function bearerCredential(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}
