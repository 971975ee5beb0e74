import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { pollUntil } from './wait.js';

/** One message as the SMTP server received it, with its text and HTML parts decoded. */
export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface SmtpInbox {
  /** smtp://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Resolves with the first mail to `to` matching `subject`; rejects after the timeout. */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  /** Mails addressed to `to` (envelope recipient). */
  to(to: string): ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server in this process (the `smtp-server` package) that keeps every message it accepts. Plain SMTP
 * without STARTTLS or authentication unless `options` says otherwise.
 */
export async function startSmtpInbox(options: SMTPServerOptions = {}): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        try {
          mails.push(
            parseMail(
              Buffer.concat(chunks).toString('utf8'),
              session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              session.envelope.rcptTo.map((r) => r.address),
            ),
          );
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const to = (address: string) => mails.filter((m) => m.envelopeTo.includes(address));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    to,
    async waitFor(address, subject, timeoutMs = 10_000) {
      const match = () => to(address).find((m) => !subject || subject.test(m.subject));
      await pollUntil(() => match() !== undefined, `a mail to ${address}`, timeoutMs, 25);
      return match()!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    default:
      return body;
  }
}

/** Enough MIME for what nodemailer writes: one level of multipart, QP or base64 parts. */
function parseMail(raw: string, envelopeFrom: string, envelopeTo: string[]): ReceivedMail {
  const { headers, body } = splitHead(raw);
  const parts: { type: string; content: string }[] = [];
  const contentType = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitHead(chunk.replace(/^\r\n/, ''));
      parts.push({
        type: (part.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase(),
        content: decodeBody(part.body.replace(/\r\n$/, ''), part.headers.get('content-transfer-encoding')),
      });
    }
  } else {
    parts.push({
      type: contentType.split(';')[0]!.trim().toLowerCase(),
      content: decodeBody(body, headers.get('content-transfer-encoding')),
    });
  }
  const text = parts.find((p) => p.type === 'text/plain')?.content ?? '';
  const html = parts.find((p) => p.type === 'text/html')?.content;
  return { envelopeFrom, envelopeTo, headers, subject: headers.get('subject') ?? '', text, html };
}
