// Small helpers shared by the devnet suites.
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client as GrpcClient,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadXmtpProtos } from '@mailroom/devnet';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type UnaryMethod = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: any) => void,
) => void;

export interface RawXmtpClients {
  mls: GrpcClient & Record<string, UnaryMethod & ((request: object) => any)>;
  identity: GrpcClient & Record<string, UnaryMethod>;
  close(): void;
}

/** Plain gRPC clients for the devnet's services, for protocol-level checks the SDK cannot make. */
export function rawXmtpClients(url: string, channelOptions: Record<string, number> = {}): RawXmtpClients {
  const loaded = loadPackageDefinition(loadXmtpProtos()) as any;
  const address = new URL(url).host;
  const mls = new loaded.xmtp.mls.api.v1.MlsApi(address, credentials.createInsecure(), channelOptions);
  const identity = new loaded.xmtp.identity.api.v1.IdentityApi(address, credentials.createInsecure());
  return { mls, identity, close: () => (mls.close(), identity.close()) };
}

/** Calls a unary method and resolves with the response, or rejects with the ServiceError. */
export function call<T = any>(client: GrpcClient, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) =>
    (client as any)[method](request, new Metadata(), (error: ServiceError | null, response: T) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

/** The gRPC status code a call fails with, or 'OK'. */
export async function statusOf(client: GrpcClient, method: string, request: object): Promise<number | 'OK'> {
  try {
    await call(client, method, request);
    return 'OK';
  } catch (error) {
    return (error as ServiceError).code;
  }
}
