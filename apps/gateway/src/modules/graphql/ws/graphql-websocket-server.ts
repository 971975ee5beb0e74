import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { handleProtocols, makeServer } from 'graphql-ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Authenticator } from '../../../common/auth/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../../runtime.js';
import { GRAPHQL_PATH, graphqlWsServerOptions, type SocketExtra } from '../graphql-transport.js';
import { DEFAULT_QUERY_LIMITS } from '../limits/query-limits.js';
import { LoaderServices } from '../request-loaders.js';
import { SocketCredentials } from './socket-credentials.js';
import { DEFAULT_WEBSOCKET_LIMITS, WsCloseCode, type WebsocketLimits } from './websocket-limits.js';

/** Outgoing data of one socket: a reader that stops reading leaves sends pending with no progress. */
class SendProgress {
  pending = 0;
  movedAt = Date.now();
  answeredPing = true;

  started(): void {
    if (this.pending++ === 0) this.movedAt = Date.now();
  }

  finished(): void {
    this.pending--;
    this.movedAt = Date.now();
  }

  stalledFor(now: number): number {
    return this.pending > 0 ? now - this.movedAt : 0;
  }
}

/**
 * graphql-ws on /graphql, on a `ws` server this module owns (rather than the one @nestjs/apollo would create) so the
 * socket layer itself is bounded: frames over `maxPayloadBytes` are refused by `ws` with 1009 before they are read,
 * sockets whose reader stalls are dropped (their subscriptions end, nothing piles up), sockets that stop answering
 * pings are dropped, and every socket's credential is authenticated again on each operation and periodically.
 */
@Injectable()
export class GraphqlWebsocketServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('GraphqlWebsocket');
  private limits: WebsocketLimits = DEFAULT_WEBSOCKET_LIMITS;
  private readonly credentials: SocketCredentials;
  private readonly sockets = new Map<WebSocket, SendProgress>();
  private wss?: WebSocketServer;
  private httpServer?: Server;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly loaders: LoaderServices,
    private readonly authenticator: Authenticator,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {
    this.credentials = new SocketCredentials(authenticator, () => this.limits);
  }

  /** Open sockets on this replica. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Changes the bounds (tests shorten the intervals); sockets already open keep the payload limit they started with. */
  configure(limits: Partial<WebsocketLimits>): void {
    this.limits = { ...this.limits, ...limits };
    if (this.wss) this.wss.options.maxPayload = this.limits.maxPayloadBytes;
    this.startTimers();
  }

  onApplicationBootstrap(): void {
    const config = this.runtime.config;
    const server = makeServer<Record<string, unknown>, SocketExtra>(
      graphqlWsServerOptions(
        {
          authenticator: this.authenticator,
          loaders: this.loaders,
          limits: DEFAULT_QUERY_LIMITS,
          production: config.nodeEnv === 'production',
          introspection: config.apiDocs,
          schema: () => this.schemaHost.schema,
        },
        this.credentials,
        () => this.limits,
      ),
    );
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxPayloadBytes, handleProtocols });
    this.wss.on('connection', (socket: WebSocket, request: IncomingMessage) => this.serve(server, socket, request));
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.startTimers();
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.httpServer?.off('upgrade', this.onUpgrade);
    for (const socket of this.sockets.keys()) socket.close(WsCloseCode.GoingAway, 'Going away');
    // A peer that never answers the close handshake must not hold the HTTP server open.
    const stragglers = setTimeout(() => {
      for (const socket of this.sockets.keys()) socket.terminate();
    }, 1_000);
    stragglers.unref();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const wss = this.wss;
    const path = new URL(request.url ?? '/', 'http://upgrade.invalid').pathname;
    if (!wss || path !== GRAPHQL_PATH) {
      // Nothing else here speaks websocket; an unanswered upgrade would hold the connection forever.
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };

  private serve(
    server: ReturnType<typeof makeServer<Record<string, unknown>, SocketExtra>>,
    socket: WebSocket,
    request: IncomingMessage,
  ): void {
    const progress = new SendProgress();
    this.sockets.set(socket, progress);
    // `ws` closes the socket itself on protocol errors (1009 for an oversized frame); this only keeps them quiet.
    socket.on('error', (error) => this.logger.debug({ err: error }, 'websocket protocol error'));
    socket.on('pong', () => (progress.answeredPing = true));
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            progress.started();
            socket.send(data, (error) => {
              progress.finished();
              if (error) reject(error);
              else resolve();
            });
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              this.logger.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(WsCloseCode.InternalError, 'Internal server error');
            });
          }),
      },
      { socket, request, dropSlowReader: (reason: string) => this.dropSlowReader(socket, reason) },
    );
    socket.once('close', (code, reason) => {
      this.sockets.delete(socket);
      closed(code, reason.toString()).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'graphql-ws close handling failed'),
      );
    });
  }

  private startTimers(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const { recheckIntervalMs, stalledSendMs, keepAliveMs } = this.limits;
    const every = (ms: number, task: () => void) => {
      const timer = setInterval(task, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(recheckIntervalMs, () => {
      this.credentials
        .sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'websocket credential sweep failed'));
    });
    every(Math.max(50, Math.min(1_000, Math.floor(stalledSendMs / 2))), () => this.dropStalledReaders());
    every(keepAliveMs, () => this.ping());
  }

  private dropStalledReaders(): void {
    const now = Date.now();
    for (const [socket, progress] of this.sockets) {
      if (progress.stalledFor(now) <= this.limits.stalledSendMs) continue;
      this.logger.warn(
        { pendingSends: progress.pending, stalledMs: progress.stalledFor(now) },
        'dropping a websocket whose reader stopped reading',
      );
      // A close frame would queue behind the data the reader is not taking.
      socket.terminate();
    }
  }

  /** Closes with a reason the reader may still get; terminates if the close cannot get through in time. */
  private dropSlowReader(socket: WebSocket, reason: string): void {
    this.logger.warn('dropping a websocket whose reader fell too far behind');
    socket.close(WsCloseCode.PolicyViolation, reason);
    const deadline = setTimeout(() => socket.terminate(), Math.min(this.limits.stalledSendMs, 5_000));
    deadline.unref();
    socket.once('close', () => clearTimeout(deadline));
  }

  private ping(): void {
    for (const [socket, progress] of this.sockets) {
      if (!progress.answeredPing) {
        socket.terminate();
        continue;
      }
      progress.answeredPing = false;
      socket.ping();
    }
  }
}
