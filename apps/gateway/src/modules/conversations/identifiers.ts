import { IdentifierKind, type XmtpIdentifier } from '@mailroom/xmtp';
import { DomainError, ErrorCode, type FieldProblem } from '../../common/errors/index.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const INBOX_ID = /^[0-9a-fA-F]{64}$/;

/** A peer named by the caller: an Ethereum address or an XMTP inbox id (both normalised to lowercase). */
export type PeerRef = { kind: 'address'; address: string } | { kind: 'inboxId'; inboxId: string };

export function isAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value);
}

export function isInboxId(value: unknown): value is string {
  return typeof value === 'string' && INBOX_ID.test(value);
}

export function addressIdentifier(address: string): XmtpIdentifier {
  return { identifier: address.toLowerCase(), identifierKind: IdentifierKind.Ethereum };
}

export function validationFailed(problems: FieldProblem[]): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field} ${p.message}`).join('; '), {
    errors: problems,
  });
}

/** Parses a list of peers; every malformed entry is reported with its index. */
export function parsePeers(values: readonly unknown[], field: string): PeerRef[] {
  const problems: FieldProblem[] = [];
  const peers = values.map((value, i): PeerRef => {
    if (isAddress(value)) return { kind: 'address', address: value.toLowerCase() };
    if (isInboxId(value)) return { kind: 'inboxId', inboxId: value.toLowerCase() };
    problems.push({
      field: `${field}.${i}`,
      message: 'must be an Ethereum address (0x + 40 hex) or an inbox id (64 hex)',
    });
    return { kind: 'inboxId', inboxId: '' };
  });
  if (problems.length) throw validationFailed(problems);
  return peers;
}

export function parsePeer(value: unknown, field: string): PeerRef {
  if (isAddress(value)) return { kind: 'address', address: value.toLowerCase() };
  if (isInboxId(value)) return { kind: 'inboxId', inboxId: value.toLowerCase() };
  throw validationFailed([{ field, message: 'must be an Ethereum address (0x + 40 hex) or an inbox id (64 hex)' }]);
}
