import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** The vendored xmtp/proto sources; `src` and `dist` both sit next to `proto`. */
export const PROTO_ROOT = fileURLToPath(new URL('../proto', import.meta.url));

export const MLS_SERVICE = 'xmtp.mls.api.v1.MlsApi';
export const IDENTITY_SERVICE = 'xmtp.identity.api.v1.IdentityApi';

/**
 * Loads the two services the SDK talks to. Decoding keeps field names as written in the .proto files,
 * 64-bit integers as decimal strings (ns timestamps do not fit a JS number) and oneofs with a discriminator.
 */
export function loadXmtpProtos(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(['mls/api/v1/mls.proto', 'identity/api/v1/identity.proto'], {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    oneofs: true,
    defaults: false,
  });
}
