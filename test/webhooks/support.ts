import { bearer } from '../support/factories.js';

export type JsonCall = (
  method: string,
  path: string,
  body?: unknown,
  credential?: string,
) => Promise<{ status: number; body: any }>;

/** JSON calls to the gateway at `base()`, with `credential()` unless a call names another. */
export function jsonCaller(base: () => string, credential: () => string): JsonCall {
  return async (method, path, body, explicit) => {
    const res = await fetch(new URL(path, base()), {
      method,
      headers: {
        ...bearer(explicit ?? credential()),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
