export { LogMailer, Mailer, NullMailer, type MailMessage } from './mailer.js';
export { MailDeliveryError, SmtpMailer, describeSmtpRelay, smtpTransportOptions } from './smtp-mailer.js';
export { MailModule } from './mail.module.js';
