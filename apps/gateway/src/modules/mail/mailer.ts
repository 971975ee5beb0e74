import { Logger } from '@nestjs/common';

/** A mail to one admin: plain text, and optionally the same content as simple HTML. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * Sends mail to admins (password resets, signup confirmations, invitations). Pluggable: provide another
 * implementation of this class (a provider API client, say) in place of the configured one.
 */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}

/**
 * DEVELOPMENT ONLY: writes each message, links and one-time tokens included, to the log, because on a developer's
 * machine the log is the mailbox. Anyone who reads the logs can take over the accounts these mails are for, so
 * configuration refuses MAILER=log with NODE_ENV=production.
 */
export class LogMailer extends Mailer {
  private readonly logger = new Logger('LogMailer (development only)');

  async send(message: MailMessage): Promise<void> {
    this.logger.warn({
      msg: 'mail (MAILER=log, development only)',
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
  }
}

/** MAILER=none: mail is dropped (flows that need it, like password resets, cannot complete). */
export class NullMailer extends Mailer {
  async send(): Promise<void> {}
}
