import { ConfigError, loadConfig } from '../config.js';

/** For tests: the problems loadConfig reports for `env`; throws when it accepts it or fails some other way. */
export function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to reject');
}
