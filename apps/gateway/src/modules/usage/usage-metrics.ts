/** Counters kept per tenant and UTC day. Add metrics; never rename one (rows are keyed by the name). */
export const USAGE_METRICS = ['messages.sent', 'messages.received', 'webhooks.succeeded', 'webhooks.failed'] as const;

export type UsageMetric = (typeof USAGE_METRICS)[number];

/** Days shown by GET /v1/usage, today included. */
export const USAGE_WINDOW_DAYS = 14;

const DAY_MS = 86_400_000;

/** Midnight UTC of the day `at` falls in. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** The last `count` UTC days ending with the day of `now`, oldest first, as YYYY-MM-DD. */
export function lastDays(now: Date, count: number): string[] {
  const today = utcDay(now).getTime();
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}
