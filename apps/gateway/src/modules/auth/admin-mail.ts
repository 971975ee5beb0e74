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
    this.sendLater({
      to,
      subject: 'Reset your Mailroom password',
      text: `Someone asked to reset the password of your Mailroom admin account. To choose a new one, open\n\n${this.link('reset-password', token)}\n\nThe link works once, for ${ttlMinutes} minutes. If it was not you, ignore this mail: your password stays as it is.`,
    });
  }

  signupConfirmation(to: string, token: string): void {
    this.sendLater({
      to,
      subject: 'Confirm your Mailroom signup',
      text: `To create your Mailroom tenant, open\n\n${this.link('confirm-signup', token)}\n\nIf you did not sign up, ignore this mail.`,
    });
  }

  /** For a signup with an address that already has an account: says so to the owner only, and how to get back in. */
  signupWithExistingAccount(to: string): void {
    this.sendLater({
      to,
      subject: 'You already have a Mailroom account',
      text: `Someone tried to sign up to Mailroom with this address, which already has an admin account. Sign in at ${this.base()}${DASHBOARD_PREFIX}/login, or reset your password there if you forgot it. If it was not you, ignore this mail.`,
    });
  }

  invitation(to: string, token: string, role: string): void {
    this.sendLater({
      to,
      subject: 'You are invited to a Mailroom tenant',
      text: `You are invited to administer a Mailroom tenant (role ${role}). To accept and choose your password, open\n\n${this.link('accept-invitation', token)}`,
    });
  }

  private sendLater(message: MailMessage): void {
    setImmediate(() => {
      this.mailer
        .send(message)
        .catch((error: unknown) =>
          this.logger.error(`Sending "${message.subject}" failed: ${(error as Error).message}`),
        );
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
