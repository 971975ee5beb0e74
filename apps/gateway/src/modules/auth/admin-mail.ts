import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { DASHBOARD_PREFIX } from '../dashboard/dashboard-routes.js';
import { Mailer, type MailMessage } from '../mail/index.js';

/**
 * The mails of admin account flows. Links carry their one-time token in the URL fragment, which browsers never
 * send, so it stays out of access logs. Mail is sent after the answer (never awaited by the request), so how long
 * a mailer takes cannot tell a caller whether an address has an account.
 */
@Injectable()
export class AdminMail {
  private readonly logger = new Logger(AdminMail.name);

  constructor(
    private readonly mailer: Mailer,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  passwordReset(to: string, token: string, ttlMinutes: number): void {
    const link = this.link('reset-password', token);
    this.sendLater(
      {
        to,
        subject: 'Reset your Mailroom password',
        ...body([
          'Someone asked to reset the password of your Mailroom admin account. To choose a new one, open',
          { link },
          `The link works once, for ${ttlMinutes} minutes. If it was not you, ignore this mail: your password stays as it is.`,
        ]),
      },
      token,
    );
  }

  signupConfirmation(to: string, token: string): void {
    const link = this.link('confirm-signup', token);
    this.sendLater(
      {
        to,
        subject: 'Confirm your Mailroom signup',
        ...body([
          'To create your Mailroom tenant, open',
          { link },
          'The link works once. If you did not sign up, ignore this mail.',
        ]),
      },
      token,
    );
  }

  /** For a signup with an address that already has an account: says so to the owner only, and how to get back in. */
  signupWithExistingAccount(to: string): void {
    this.sendLater({
      to,
      subject: 'You already have a Mailroom account',
      ...body([
        'Someone tried to sign up to Mailroom with this address, which already has an admin account; nothing was changed. Sign in at',
        { link: `${this.base()}${DASHBOARD_PREFIX}/login` },
        'or reset your password there if you forgot it. If it was not you, ignore this mail.',
      ]),
    });
  }

  invitation(to: string, token: string, role: string): void {
    const link = this.link('accept-invitation', token);
    this.sendLater(
      {
        to,
        subject: 'You are invited to a Mailroom tenant',
        ...body([
          `You are invited to administer a Mailroom tenant (role ${role}). To accept and choose your password, open`,
          { link },
          'If you did not expect this invitation, ignore this mail.',
        ]),
      },
      token,
    );
  }

  /** Failures are logged by subject only: the token must not reach the log, even inside a relay's error text. */
  private sendLater(message: MailMessage, token?: string): void {
    setImmediate(() => {
      this.mailer.send(message).catch((error: unknown) => {
        const reason = String((error as Error)?.message ?? error);
        this.logger.error(
          `Sending "${message.subject}" failed: ${token ? reason.split(token).join('[token]') : reason}`,
        );
      });
    });
  }

  private link(page: string, token: string): string {
    return `${this.base()}${DASHBOARD_PREFIX}/${page}#token=${encodeURIComponent(token)}`;
  }

  private base(): string {
    const configured = this.runtime.config.http.publicBaseUrl;
    if (configured) return configured;
    const address = (this.adapterHost.httpAdapter.getHttpServer() as Server).address() as AddressInfo | null;
    return address ? `http://localhost:${address.port}` : 'http://localhost';
  }
}

type Paragraph = string | { link: string };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The same paragraphs as plain text and as simple HTML (a link becomes an anchor). */
function body(paragraphs: readonly Paragraph[]): { text: string; html: string } {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : p.link)).join('\n\n');
  const html = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p)}</p>`
        : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`,
    )
    .join('\n');
  return { text, html: `<!doctype html>\n<html><body style="font-family: sans-serif">\n${html}\n</body></html>\n` };
}
