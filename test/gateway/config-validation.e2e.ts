import { describe, expect, it } from '@jest/globals';
import { GATEWAY_MAIN, cleanEnv, runNode } from '../support/process.js';

/** The built gateway, started as an operator would, refuses bad configuration before touching anything. */
describe('gateway start-up with bad configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, ['config error: PORT must be an integer between 0 and 65535 (got "eighty")']],
    [
      { XMTP_ENV: 'main-net' },
      [
        'config error: XMTP_ENV must be one of local, dev, production, testnet-staging, testnet-dev, testnet, mainnet (got "main-net")',
      ],
    ],
    [
      { DATABASE_URL: 'mysql://root:hunter2@db/x' },
      ['config error: DATABASE_URL must be a URL with scheme postgres or postgresql'],
    ],
    [
      { NODE_ENV: 'production', XMTP_ENV: 'dev' },
      [
        'config error: DATABASE_URL is required when NODE_ENV=production',
        'config error: GATEWAY_MASTER_KEY is required when NODE_ENV=production',
        'config error: JWT_SECRET is required when NODE_ENV=production',
        'config error: XMTP_API_URL is required when NODE_ENV=production and XMTP_ENV=dev',
        'config error: ADMIN_EMAIL_VERIFICATION is on (the production default) but MAILER=none cannot send its mails: set MAILER=smtp with SMTP_URL and MAIL_FROM, or SIGNUP_ENABLED=false to close signup, or ADMIN_EMAIL_VERIFICATION=false to accept that signup tells whether an email has an account',
      ],
    ],
    [
      { LOG_LEVEL: 'loud', REDIS_URL: 'http://x' },
      [
        'config error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
        'config error: REDIS_URL must be a URL with scheme redis or rediss',
      ],
    ],
  ])('%j prints one line per problem and exits 78', async (env, lines) => {
    const run = runNode(GATEWAY_MAIN, cleanEnv({ DATA_DIR: '/nonexistent/never-created', ...env }));
    const { code } = await run.exited;
    expect(code).toBe(78);
    expect(run.stderr().trim().split('\n')).toEqual(lines);
    expect(run.stderr()).not.toContain('hunter2');
    expect(run.stdout()).toBe('');
  });
});
