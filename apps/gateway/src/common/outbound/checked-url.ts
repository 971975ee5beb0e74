import { DomainError, ErrorCode } from '../errors/index.js';
import { OutboundRefusedError, type OutboundPolicy } from './outbound-policy.js';

/** A URL a tenant registers (webhook, push endpoint), checked against the outbound policy: 400 on field `url` if refused. */
export async function checkedRegistrationUrl(policy: OutboundPolicy, raw: string): Promise<string> {
  try {
    return (await policy.check(raw)).url.toString();
  } catch (error) {
    if (!(error instanceof OutboundRefusedError)) throw error;
    throw new DomainError(ErrorCode.ValidationFailed, `url is not allowed: ${error.message}`, {
      errors: [{ field: 'url', message: error.message }],
    });
  }
}
