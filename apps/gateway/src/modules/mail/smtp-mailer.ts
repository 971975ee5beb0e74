import { createTransport } from 'nodemailer';
import { Mailer, type MailMessage } from './mailer.js';

type SmtpTransport = ReturnType<typeof createTransport>;

/** A failed SMTP exchange, its message free of the relay's credentials. */
export class MailDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/** Where SMTP_URL points, for logs: scheme, host and port, never the credentials. */
export function describeSmtpRelay(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

/**
 * Nodemailer options for SMTP_URL. `smtps:` is TLS from the first byte (port 465 by default); `smtp:` upgrades with
 * STARTTLS when the server offers it (port 587 by default), and insists on it when the URL carries credentials, so a
 * password never crosses the network in clear.
 */
export function smtpTransportOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && user !== '',
    auth: user ? { user, pass } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  };
}

/** MAILER=smtp: one SMTP session per mail through the relay of SMTP_URL, from MAIL_FROM. */
export class SmtpMailer extends Mailer {
  private readonly transport: SmtpTransport;
  private readonly secrets: string[];

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    const options = smtpTransportOptions(smtpUrl);
    this.transport = createTransport(options);
    this.secrets = [options.auth?.pass, new URL(smtpUrl).password].filter((s): s is string => !!s);
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
    } catch (error) {
      throw this.delivery(error);
    }
  }

  /** Opens a session and says hello (and logs in, with credentials), so a wrong SMTP_URL shows at start. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw this.delivery(error);
    }
  }

  close(): void {
    this.transport.close();
  }

  private delivery(error: unknown): MailDeliveryError {
    const { message, code } = error as { message?: string; code?: string };
    let text = `${code ? `${code}: ` : ''}${message ?? String(error)}`;
    for (const secret of this.secrets) text = text.split(secret).join('[redacted]');
    return new MailDeliveryError(text);
  }
}
