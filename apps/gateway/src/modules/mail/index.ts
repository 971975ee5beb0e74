export { LogMailer, Mailer, NullMailer, type MailMessage } from './mailer.js';
export { MailModule } from './mail.module.js';
