import { describe, expect, it } from '@jest/globals';
import { loadConfig, redactConfig } from './config.js';
import { problemsOf } from './testing/config-problems.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://u@db/x',
  GATEWAY_MASTER_KEY: '11'.repeat(32),
  JWT_SECRET: 'j'.repeat(43),
};
const smtp = {
  SMTP_URL: 'smtps://mailer:hunter2@smtp.example:465',
  MAIL_FROM: 'Mailroom <no-reply@example.com>',
  PUBLIC_BASE_URL: 'https://mailroom.example',
};

describe('mail and email verification settings', () => {
  it('keeps the zero-setup defaults outside production: log mailer, no verification', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV });
      expect(config.mail.transport).toBe('log');
      expect(config.auth.emailVerification).toBe(false);
    }
  });

  it('verifies emails by default in production, and sends through SMTP when SMTP_URL is set', () => {
    const config = loadConfig({ ...production, ...smtp });
    expect(config.auth.emailVerification).toBe(true);
    expect(config.mail).toEqual({
      transport: 'smtp',
      smtpUrl: smtp.SMTP_URL,
      from: smtp.MAIL_FROM,
    });
  });

  it('refuses production with verification on and no mailer, in one line that says what to set', () => {
    const problems = problemsOf(production);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ADMIN_EMAIL_VERIFICATION is on .* MAILER=none/);
    expect(problems[0]).toContain('MAILER=smtp with SMTP_URL and MAIL_FROM');
    expect(problems[0]).toContain('SIGNUP_ENABLED=false');
    expect(problems[0]).toContain('ADMIN_EMAIL_VERIFICATION=false');
    expect(problemsOf({ ...production, MAILER: 'none' })).toEqual(problems);
    expect(problemsOf({ ...production, ADMIN_EMAIL_VERIFICATION: 'true' })).toEqual(problems);
  });

  it('starts production without a mailer when the operator chose so knowingly', () => {
    const closed = loadConfig({ ...production, SIGNUP_ENABLED: 'false' });
    expect(closed.auth.emailVerification).toBe(false);
    expect(closed.mail.transport).toBe('none');
    const unverified = loadConfig({ ...production, ADMIN_EMAIL_VERIFICATION: 'false' });
    expect(unverified.auth.emailVerification).toBe(false);
    // Closing signup does not turn verification off when it is asked for: invitations still need the mailer.
    expect(problemsOf({ ...production, SIGNUP_ENABLED: 'false', ADMIN_EMAIL_VERIFICATION: 'true' })).toHaveLength(1);
  });

  it('refuses the log mailer in production: it would write one-time tokens to the log', () => {
    expect(problemsOf({ ...production, MAILER: 'log', ADMIN_EMAIL_VERIFICATION: 'false' })).toEqual([
      'MAILER=log writes one-time tokens to the log and is refused when NODE_ENV=production: set MAILER=smtp with SMTP_URL and MAIL_FROM',
    ]);
    expect(loadConfig({ MAILER: 'log' }).mail.transport).toBe('log');
  });

  it('needs SMTP_URL and MAIL_FROM for MAILER=smtp, and PUBLIC_BASE_URL for its links in production', () => {
    expect(problemsOf({ MAILER: 'smtp' })).toEqual([
      'SMTP_URL is required when MAILER=smtp',
      'MAIL_FROM is required when MAILER=smtp',
    ]);
    expect(problemsOf({ ...production, ...smtp, PUBLIC_BASE_URL: '' })).toEqual([
      'PUBLIC_BASE_URL is required when NODE_ENV=production and MAILER=smtp (mailed links point there)',
    ]);
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: 'dev@localhost.test' }).mail.transport).toBe(
      'smtp',
    );
  });

  it('accepts only smtp:// and smtps:// relays, and never echoes SMTP_URL', () => {
    const problems = problemsOf({ SMTP_URL: 'https://mailer:hunter2@smtp.example', MAIL_FROM: 'a@b.test' });
    expect(problems).toEqual(['SMTP_URL must be a URL with scheme smtp or smtps']);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('checks MAIL_FROM is an address or a name with an address', () => {
    for (const from of ['ops@example.com', 'Mailroom <ops@example.com>', '"Ops, Mailroom" <ops@example.com>'])
      expect(loadConfig({ ...smtp, MAIL_FROM: from }).mail.from).toBe(from);
    for (const from of ['mailroom', 'Mailroom <ops>', 'a@b.test\r\nBcc: x@y.test'])
      expect(problemsOf({ ...smtp, MAIL_FROM: from })[0]).toMatch(/^MAIL_FROM must be an address/);
  });

  it('redacts SMTP_URL (its credentials) for logging', () => {
    const shown = JSON.stringify(redactConfig(loadConfig({ ...production, ...smtp })));
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('smtp.example');
    expect(shown).toContain('"smtpUrl":"[redacted]"');
  });
});
