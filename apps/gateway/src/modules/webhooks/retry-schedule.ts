export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxDelayMs: number;
  readonly windowMs: number;
}

/**
 * Delay after failed attempt number `attempt` (1-based): base·2^(attempt−1), capped, with "equal jitter" (half fixed,
 * half random) so retries of a burst spread out while each gap stays at least as long as the previous one's minimum.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** When to try again, or undefined when the next attempt would fall outside the retry window (the delivery fails). */
export function nextAttemptAt(
  policy: RetryPolicy,
  attempt: number,
  windowStartedAt: Date,
  now: Date = new Date(),
): Date | undefined {
  const next = new Date(now.getTime() + retryDelayMs(policy, attempt));
  return next.getTime() - windowStartedAt.getTime() > policy.windowMs ? undefined : next;
}
