import { describe, it, expect } from '@jest/globals';
import { ConfigError, loadConfig, redactConfig } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('attachment and blob store settings', () => {
  it('defaults to the filesystem store, 100 MiB, every MIME type, 30 s fetches, uploads kept a day', () => {
    expect(loadConfig({}).attachments).toEqual({
      defaultStore: 'fs',
      s3: undefined,
      ipfs: undefined,
      maxBytes: 104_857_600,
      mimeAllow: ['*'],
      mimeDeny: [],
      fetchTimeoutMs: 30_000,
      uploadTtlSeconds: 86_400,
    });
  });

  it('makes S3 the default once a bucket is configured, with presigned URLs for 7 days', () => {
    const config = loadConfig({
      S3_BUCKET: 'mail-room',
      S3_ENDPOINT: 'http://minio:9000/',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
    });
    expect(config.attachments.defaultStore).toBe('s3');
    expect(config.attachments.s3).toEqual({
      endpoint: 'http://minio:9000',
      bucket: 'mail-room',
      region: 'us-east-1',
      accessKeyId: 'k',
      secretAccessKey: 's',
      forcePathStyle: true,
      publicBaseUrl: undefined,
      presignTtlSeconds: 604_800,
    });
    expect(JSON.stringify(redactConfig(config))).not.toContain('"s"');
  });

  it('makes IPFS the default when only IPFS is configured, and honours BLOB_STORE', () => {
    const ipfs = { IPFS_API_URL: 'http://kubo:5001', IPFS_GATEWAY_URL: 'https://ipfs.example.com/' };
    expect(loadConfig(ipfs).attachments).toMatchObject({
      defaultStore: 'ipfs',
      ipfs: { apiUrl: 'http://kubo:5001', gatewayUrl: 'https://ipfs.example.com' },
    });
    expect(loadConfig({ ...ipfs, S3_BUCKET: 'b-1', BLOB_STORE: 'fs' }).attachments.defaultStore).toBe('fs');
  });

  it('parses limits and MIME lists', () => {
    const config = loadConfig({
      ATTACHMENT_MAX_BYTES: '1048576',
      ATTACHMENT_MIME_ALLOW: 'image/*, Application/PDF',
      ATTACHMENT_MIME_DENY: 'image/svg+xml',
    });
    expect(config.attachments).toMatchObject({
      maxBytes: 1_048_576,
      mimeAllow: ['image/*', 'application/pdf'],
      mimeDeny: ['image/svg+xml'],
    });
    expect(loadConfig({ ATTACHMENT_UPLOAD_TTL_SECONDS: '3600' }).attachments.uploadTtlSeconds).toBe(3600);
    expect(() => loadConfig({ ATTACHMENT_UPLOAD_TTL_SECONDS: '0' })).toThrow(/ATTACHMENT_UPLOAD_TTL_SECONDS/);
  });

  it('reports impossible combinations, one line each, without echoing the secret', () => {
    expect(problemsOf({ BLOB_STORE: 's3', IPFS_API_URL: 'http://kubo:5001', S3_SECRET_ACCESS_KEY: 'hunter2' })).toEqual(
      [
        'BLOB_STORE=s3 needs S3_BUCKET',
        'IPFS_GATEWAY_URL is required when IPFS_API_URL is set',
        'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together',
      ],
    );
    expect(problemsOf({ BLOB_STORE: 'ipfs' })).toEqual(['BLOB_STORE=ipfs needs IPFS_API_URL']);
  });

  it.each([
    [{ BLOB_STORE: 'gcs' }, 'BLOB_STORE must be fs, s3 or ipfs (got "gcs")'],
    [
      { S3_BUCKET: 'Bad_Bucket' },
      'S3_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens) (got "Bad_Bucket")',
    ],
    [{ ATTACHMENT_MAX_BYTES: '0' }, 'ATTACHMENT_MAX_BYTES must be an integer between 1 and 5368709120 (got "0")'],
    [
      { ATTACHMENT_MIME_ALLOW: 'images' },
      'ATTACHMENT_MIME_ALLOW must be comma-separated MIME types or patterns (e.g. image/*,application/pdf) (got "images")',
    ],
    [
      { S3_PRESIGN_TTL_SECONDS: '604801' },
      'S3_PRESIGN_TTL_SECONDS must be an integer between 1 and 604800 (got "604801")',
    ],
    [
      { IPFS_API_URL: 'kubo:5001', IPFS_GATEWAY_URL: 'http://g' },
      'IPFS_API_URL must be a URL with scheme http or https (got "kubo:5001")',
    ],
  ])('rejects %j', (env, line) => {
    expect(problemsOf(env as Record<string, string>)).toEqual([line]);
  });
});
