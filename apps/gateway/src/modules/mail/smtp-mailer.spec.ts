import { describe, expect, it } from '@jest/globals';
import { describeSmtpRelay, smtpTransportOptions } from './smtp-mailer.js';

describe('SMTP_URL', () => {
  it('reads smtps:// as TLS from the start, port 465 by default, with URL-decoded credentials', () => {
    const options = smtpTransportOptions('smtps://mailer%40example.com:p%40ss%3Aword@smtp.example.com');
    expect(options).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'mailer@example.com', pass: 'p@ss:word' },
    });
  });

  it('insists on STARTTLS for smtp:// with credentials, so a password never goes in clear', () => {
    expect(smtpTransportOptions('smtp://user:secret@relay.example:587')).toMatchObject({
      port: 587,
      secure: false,
      requireTLS: true,
    });
  });

  it('sends without authentication (and without insisting on TLS) to a relay without credentials', () => {
    const options = smtpTransportOptions('smtp://mailpit:1025');
    expect(options).toMatchObject({ host: 'mailpit', port: 1025, secure: false, requireTLS: false });
    expect(options.auth).toBeUndefined();
    expect(smtpTransportOptions('smtp://[::1]').host).toBe('::1');
    expect(smtpTransportOptions('smtp://relay.example').port).toBe(587);
  });

  it('describes the relay for logs without its credentials', () => {
    const shown = describeSmtpRelay('smtps://mailer:hunter2@smtp.example.com:465');
    expect(shown).toBe('smtps://smtp.example.com:465');
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('mailer');
  });
});
