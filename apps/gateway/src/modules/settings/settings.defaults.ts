import type { GatewayConfig } from '@mailroom/config';

/** Blob stores a tenant may pick for new attachments, by their settings name (configuration calls filesystem `fs`). */
export const ATTACHMENT_STORES = ['filesystem', 's3', 'ipfs'] as const;
export type AttachmentStore = (typeof ATTACHMENT_STORES)[number];

/** Bounds checked by validation before the operator's own limits are applied. */
export const SETTINGS_BOUNDS = {
  attachmentMaxBytes: { min: 1024, max: 5 * 1024 ** 3 },
  attachmentMaxFiles: { min: 1, max: 20 },
} as const;

/** Files in one message when the tenant set no limit (the attachments module applies the same default). */
export const DEFAULT_ATTACHMENT_MAX_FILES = 10;

const FROM_CONFIG: Record<GatewayConfig['attachments']['defaultStore'], AttachmentStore> = {
  fs: 'filesystem',
  s3: 's3',
  ipfs: 'ipfs',
};

/** The stores this gateway has configured, the operator's default first. */
export function configuredStores(attachments: GatewayConfig['attachments']): AttachmentStore[] {
  const stores: AttachmentStore[] = [
    'filesystem',
    ...(attachments.s3 ? (['s3'] as const) : []),
    ...(attachments.ipfs ? (['ipfs'] as const) : []),
  ];
  const preferred = FROM_CONFIG[attachments.defaultStore];
  return [preferred, ...stores.filter((s) => s !== preferred)];
}

export function defaultStore(attachments: GatewayConfig['attachments']): AttachmentStore {
  return FROM_CONFIG[attachments.defaultStore];
}
