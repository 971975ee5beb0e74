import { classifyXmtpError } from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';

/** Runs an SDK call and turns the failures a caller can cause into domain errors; anything else stays a 500. */
export async function xmtpCall<T>(what: string, call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    switch (classifyXmtpError(error)) {
      case 'inactive':
        throw new DomainError(ErrorCode.Conflict, `Cannot ${what}: the identity is no longer a member of this group.`);
      case 'sole_member':
        throw new DomainError(ErrorCode.Conflict, `Cannot ${what}: the identity is the group's only member.`);
      case 'permission':
        throw new DomainError(
          ErrorCode.Forbidden,
          `Cannot ${what}: the group's permissions do not allow this identity to do it.`,
        );
      case 'unknown_identifier':
      case 'unknown_inbox':
        throw new DomainError(ErrorCode.Unprocessable, `Cannot ${what}: a peer is not registered on XMTP.`);
      default:
        throw error;
    }
  }
}
