import { Logger, Module } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { LogMailer, Mailer, NullMailer } from './mailer.js';

function configuredMailer(runtime: GatewayRuntime): Mailer {
  const { transport } = runtime.config.mail;
  const logger = new Logger('Mail');
  if (transport === 'none') {
    if (runtime.config.auth.emailVerification)
      logger.warn('ADMIN_EMAIL_VERIFICATION is on but MAILER=none: signups and invitations cannot complete.');
    return new NullMailer();
  }
  if (runtime.config.nodeEnv === 'production') {
    logger.warn(
      'MAILER=log in production: one-time tokens (password resets, signups, invitations) are written to the log.',
    );
  }
  return new LogMailer();
}

/** The Mailer chosen by MAILER. */
@Module({
  providers: [{ provide: Mailer, inject: [GATEWAY_RUNTIME], useFactory: configuredMailer }],
  exports: [Mailer],
})
export class MailModule {}
