import {
  Server,
  ServerCredentials,
  status,
  type MethodDefinition,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type { DevnetLogger } from './logger.js';
import { IDENTITY_SERVICE, loadXmtpProtos, MLS_SERVICE } from './proto.js';
import {
  encodeIdentityUpdatesAnswer,
  identityHandlers,
  RAW_IDENTITY_UPDATE,
  type IdentityUpdatesAnswer,
} from './rpc/identity-service.js';
import { mlsHandlers } from './rpc/mls-service.js';
import { RpcError } from './rpc/status.js';
import { StreamRegistry } from './rpc/streams.js';
import type { DevnetStore } from './store/devnet-store.js';
import { extractLengthDelimitedField } from './wire.js';

/** libxmtp allows 25 MiB payloads each way; grpc-js defaults to 4 MiB. Leave headroom like the real node. */
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

// Handlers are typed by their own request shapes; grpc-js hands them decoded objects of unknown shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (request: any) => unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StreamHandler = (call: ServerWritableStream<any, unknown>) => void;

export interface GrpcDevnetServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

export async function startGrpcServer(
  store: DevnetStore,
  logger: DevnetLogger,
  host: string,
  port: number,
): Promise<GrpcDevnetServer> {
  const definitions = loadXmtpProtos();
  const streams = new StreamRegistry();
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  logUnknownMethods(server, logger);

  const mlsDefinition = definitions[MLS_SERVICE] as ServiceDefinition;
  const identityDefinition = withRawIdentityUpdates(definitions[IDENTITY_SERVICE] as ServiceDefinition);
  server.addService(mlsDefinition, implement('MlsApi', mlsDefinition, mlsHandlers(store, streams), logger));
  server.addService(identityDefinition, implement('IdentityApi', identityDefinition, identityHandlers(store), logger));

  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host.includes(':') ? `[${host}]` : host}:${port}`,
      ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );

  return {
    server,
    port: boundPort,
    stop: () =>
      new Promise<void>((resolve) => {
        streams.endAll();
        const force = setTimeout(() => server.forceShutdown(), 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/**
 * grpc-js answers a method of no registered service (a newer SDK's API, say) with UNIMPLEMENTED without calling any
 * handler, so nothing would show it in the log. Its Server looks each call's handler up by path in `_retrieveHandler`
 * (grpc-js 1.14); where that exists, a miss is logged like the known methods the devnet does not implement.
 */
function logUnknownMethods(server: Server, logger: DevnetLogger): void {
  const internals = server as unknown as { _retrieveHandler?: (path: string) => unknown };
  const retrieve = internals._retrieveHandler;
  if (typeof retrieve !== 'function') return;
  internals._retrieveHandler = function (this: Server, path: string) {
    const handler = retrieve.call(this, path);
    if (handler === null || handler === undefined) logger.info(`${path} UNIMPLEMENTED (no such method on the devnet)`);
    return handler;
  };
}

/**
 * PublishIdentityUpdate also hands the handler the update's original bytes, and GetIdentityUpdates
 * writes those bytes back verbatim (see wire.ts for why).
 */
function withRawIdentityUpdates(definition: ServiceDefinition): ServiceDefinition {
  const publish = definition.PublishIdentityUpdate as MethodDefinition<object, unknown>;
  const getUpdates = definition.GetIdentityUpdates as MethodDefinition<unknown, IdentityUpdatesAnswer>;
  return {
    ...definition,
    PublishIdentityUpdate: {
      ...publish,
      requestDeserialize: (bytes: Buffer) => ({
        ...publish.requestDeserialize(bytes),
        [RAW_IDENTITY_UPDATE]: extractLengthDelimitedField(bytes, 1),
      }),
    },
    GetIdentityUpdates: { ...getUpdates, responseSerialize: encodeIdentityUpdatesAnswer },
  };
}

/** Binds handlers to every method of a service; a method without a handler answers UNIMPLEMENTED. */
function implement(
  serviceName: string,
  definition: ServiceDefinition,
  handlers: object,
  logger: DevnetLogger,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [method, methodDefinition] of Object.entries(definition)) {
    const name = `${serviceName}.${method}`;
    const handler = (handlers as Record<string, Handler | StreamHandler | undefined>)[method];
    if (methodDefinition.requestStream && methodDefinition.responseStream) {
      implementation[method] = unimplementedStream(name, logger);
    } else if (!handler) {
      implementation[method] = unimplementedUnary(name, logger);
    } else if (methodDefinition.responseStream) {
      implementation[method] = serverStream(name, handler as StreamHandler, logger);
    } else {
      implementation[method] = unary(name, handler as Handler, logger);
    }
  }
  return implementation;
}

function unary(name: string, handler: Handler, logger: DevnetLogger): UntypedHandleCall {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const started = process.hrtime.bigint();
    try {
      const response = handler(call.request);
      logger.debug(`${name} OK ${elapsedMs(started)}ms`);
      callback(null, response);
    } catch (error) {
      callback(toServiceError(name, error, logger));
    }
  };
}

function serverStream(name: string, handler: StreamHandler, logger: DevnetLogger): UntypedHandleCall {
  return (call: ServerWritableStream<unknown, unknown>) => {
    try {
      handler(call);
      logger.debug(`${name} stream opened`);
      call.on('cancelled', () => logger.debug(`${name} stream cancelled by client`));
    } catch (error) {
      call.emit('error', toServiceError(name, error, logger));
    }
  };
}

function unimplementedUnary(name: string, logger: DevnetLogger): UntypedHandleCall {
  return (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    logger.info(`${name} UNIMPLEMENTED`);
    callback({ code: status.UNIMPLEMENTED, details: `${name} is not implemented by the devnet` });
  };
}

function unimplementedStream(name: string, logger: DevnetLogger): UntypedHandleCall {
  return (call: { emit(event: 'error', error: unknown): void }) => {
    logger.info(`${name} UNIMPLEMENTED`);
    call.emit('error', { code: status.UNIMPLEMENTED, details: `${name} is not implemented by the devnet` });
  };
}

function toServiceError(name: string, error: unknown, logger: DevnetLogger): { code: status; details: string } {
  if (error instanceof RpcError) {
    logger.warn(`${name} ${status[error.code]}: ${error.message}`);
    return { code: error.code, details: error.message };
  }
  logger.error(`${name} INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: status.INTERNAL, details: 'internal devnet error' };
}

function elapsedMs(started: bigint): string {
  return (Number(process.hrtime.bigint() - started) / 1e6).toFixed(2);
}
