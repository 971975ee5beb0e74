export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface DevnetLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}

/** Plain single-line logs on stderr: `<iso time> <LEVEL> devnet: <message>`. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): DevnetLogger {
  const at = (wanted: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (RANK[wanted] <= RANK[level]) write(`${new Date().toISOString()} ${wanted.toUpperCase()} devnet: ${message}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
