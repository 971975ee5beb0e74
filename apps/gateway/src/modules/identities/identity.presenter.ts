import type { Identity } from '@mailroom/persistence';

export const INSTALLATION_LIMIT = 10;
export const IDENTITY_UPDATE_LIMIT = 256;

/** The identity fields every answer carries. Key material never leaves the service. */
export interface IdentitySummary {
  id: string;
  status: Identity['status'];
  custody: Identity['custody'];
  inboxId: string | null;
  address: string;
  installationId: string | null;
  label: string | null;
  externalId: string | null;
  createdAt: string;
  brokenReason?: string;
}

export interface InboxStateView {
  installations: { id: string; createdAt: string | null; current: boolean }[];
  installationCount: number;
  installationLimit: number;
  identityUpdateCount: number | null;
  identityUpdateLimit: number;
  identifiers: { identifier: string; kind: string }[];
}

export function presentIdentity(row: Identity): IdentitySummary {
  return {
    id: row.id,
    status: row.status,
    custody: row.custody,
    inboxId: row.inboxId,
    address: row.address,
    installationId: row.installationId,
    label: row.label,
    externalId: row.externalId,
    createdAt: row.createdAt.toISOString(),
    ...(row.brokenReason ? { brokenReason: row.brokenReason } : {}),
  };
}
