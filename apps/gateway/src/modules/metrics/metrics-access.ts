import { timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '@mailroom/config';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'not_here';

/**
 * Who may scrape `/metrics` on a listener: with its own port configured, only that listener serves it; a token, when
 * set, is required everywhere; without either, production keeps it off the public port.
 */
export function metricsAccess(
  config: GatewayConfig,
  listener: 'public' | 'metrics',
  authorization: string | string[] | undefined,
): MetricsAccess {
  if (listener === 'public' && config.metrics.port !== undefined) return 'not_here';
  const token = config.metrics.token;
  if (token) return bearerMatches(authorization, token) ? 'allowed' : 'unauthorized';
  if (listener === 'public' && config.nodeEnv === 'production') return 'not_here';
  return 'allowed';
}

function bearerMatches(authorization: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Bearer (.+)$/i.exec(value ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
