import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { LogMailer, Mailer, NullMailer } from './mailer.js';
import { describeSmtpRelay, SmtpMailer } from './smtp-mailer.js';

function configuredMailer(runtime: GatewayRuntime): Mailer {
  const { mail, auth, nodeEnv } = runtime.config;
  const logger = new Logger('Mail');
  switch (mail.transport) {
    case 'smtp':
      // Configuration requires both with MAILER=smtp.
      logger.log(`Admin mail goes through ${describeSmtpRelay(mail.smtpUrl!)} from ${mail.from}`);
      return new SmtpMailer(mail.smtpUrl!, mail.from!);
    case 'none':
      if (auth.emailVerification)
        logger.warn('ADMIN_EMAIL_VERIFICATION is on but MAILER=none: signups and invitations cannot complete.');
      return new NullMailer();
    case 'log':
      // Configuration refuses this combination; a hand-built one must not write tokens to production logs either.
      if (nodeEnv === 'production') throw new Error('MAILER=log is refused with NODE_ENV=production');
      return new LogMailer();
  }
}

/** The Mailer chosen by MAILER. */
@Module({
  providers: [{ provide: Mailer, inject: [GATEWAY_RUNTIME], useFactory: configuredMailer }],
  exports: [Mailer],
})
export class MailModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly mailer: Mailer,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  /** A relay that cannot be reached or refuses the login is reported at start, without holding the start up. */
  onApplicationBootstrap(): void {
    if (!(this.mailer instanceof SmtpMailer)) return;
    const relay = describeSmtpRelay(this.runtime.config.mail.smtpUrl!);
    this.mailer
      .verify()
      .catch((error: unknown) =>
        this.logger.warn(`SMTP relay ${relay} is not usable yet (admin mail will fail): ${(error as Error).message}`),
      );
  }

  onModuleDestroy(): void {
    if (this.mailer instanceof SmtpMailer) this.mailer.close();
  }
}
