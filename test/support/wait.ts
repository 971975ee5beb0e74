/** What a poll's check answers: undefined or false for "not yet", anything else is the result. */
export type PollCheck<T> = () => Promise<T | undefined | false> | T | undefined | false;

/** Polls `check` every `intervalMs` until it answers something other than undefined/false, or fails after `timeoutMs`. */
export async function pollUntil<T>(
  check: PollCheck<T>,
  what: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
