/** One pino-shaped JSON line, like the gateway's own logs (levels: 50 error, 60 fatal). */
function logLine(level: 50 | 60, msg: string, error?: unknown): void {
  const err =
    error instanceof Error
      ? { type: error.name, message: error.message, stack: error.stack }
      : error === undefined
        ? undefined
        : { message: String(error) };
  process.stderr.write(
    `${JSON.stringify({ level, time: Date.now(), pid: process.pid, msg, ...(err ? { err } : {}) })}\n`,
  );
}

export interface ProcessGuards {
  /** What to stop gracefully when an uncaught exception ends the process (the running gateway, once it runs). */
  stopWith(stop: () => Promise<void>): void;
}

/**
 * Last-resort handlers. A rejected promise nobody awaited is a bug to log, not a reason to drop every live stream and
 * request of the process. An uncaught exception leaves the process in an unknown state: log it, try to stop
 * gracefully (within the shutdown grace plus a margin), and exit non-zero so the supervisor restarts it.
 */
export function guardProcess(shutdownGraceMs: number): ProcessGuards {
  let stop: (() => Promise<void>) | undefined;
  let crashing = false;
  process.on('unhandledRejection', (reason) => logLine(50, 'unhandled promise rejection', reason));
  process.on('uncaughtException', (error, origin) => {
    logLine(60, `uncaught exception (${origin}); stopping`, error);
    if (crashing) process.exit(1);
    crashing = true;
    const backstop = setTimeout(() => process.exit(1), shutdownGraceMs + 5_000).unref();
    Promise.resolve()
      .then(() => stop?.())
      .catch((stopError: unknown) => logLine(50, 'graceful stop after an uncaught exception failed', stopError))
      .finally(() => {
        clearTimeout(backstop);
        process.exit(1);
      });
  });
  return {
    stopWith: (value) => {
      stop = value;
    },
  };
}
