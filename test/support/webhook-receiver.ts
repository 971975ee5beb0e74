import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver got, with what it answered. */
export interface ReceivedWebhook {
  readonly eventId: string;
  readonly attempt: number;
  readonly timestamp: string;
  readonly signature: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  readonly receivedAt: number;
  status: number;
  /** True once the answer was handed to the socket ('finish'); false if the connection died first. */
  answered: boolean;
}

/**
 * A local HTTP endpoint for webhook tests: records every request with its raw body, answers scripted statuses
 * (then a default), can delay its answers, and can be stopped and started again on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly script: number[] = [];
  private defaultStatus = 200;
  private replyBody = 'ok';
  private delayMs = 0;
  private waiters = new Set<() => void>();
  private port = 0;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.listen();
    return receiver;
  }

  /** URL of the receiver (on 127.0.0.1); `path` defaults to /hook. */
  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answer these statuses to the next requests, in order; afterwards the default status. */
  answer(...statuses: number[]): this {
    this.script.push(...statuses);
    return this;
  }

  answerByDefault(status: number): this {
    this.defaultStatus = status;
    return this;
  }

  /** The body of every answer from now on (default `ok`). */
  answerWithBody(body: string): this {
    this.replyBody = body;
    return this;
  }

  delayAnswers(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  /** Requests answered 2xx (and handed to the socket), per event id. */
  successesByEvent(): Map<string, ReceivedWebhook[]> {
    const map = new Map<string, ReceivedWebhook[]>();
    for (const r of this.requests) {
      if (r.answered && r.status >= 200 && r.status < 300) map.set(r.eventId, [...(map.get(r.eventId) ?? []), r]);
    }
    return map;
  }

  /** Resolves once `predicate` holds (checked after every request), or rejects after `timeoutMs`. */
  waitFor(predicate: (receiver: WebhookReceiver) => boolean, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`webhook receiver: condition not met after ${timeoutMs} ms (${this.requests.length} requests)`),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Stops listening and drops open connections; the port is kept for start(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async start(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private listen(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: ReceivedWebhook = {
        eventId: String(req.headers['mailroom-event-id'] ?? ''),
        attempt: Number(req.headers['mailroom-attempt'] ?? 0),
        timestamp: String(req.headers['mailroom-timestamp'] ?? ''),
        signature: String(req.headers['mailroom-signature'] ?? ''),
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
        status: this.script.shift() ?? this.defaultStatus,
        answered: false,
      };
      this.requests.push(record);
      const reply = () => {
        res.once('finish', () => {
          record.answered = true;
          for (const waiter of [...this.waiters]) waiter();
        });
        res.writeHead(record.status, { 'content-type': 'text/plain' }).end(this.replyBody);
      };
      if (this.delayMs > 0) setTimeout(reply, this.delayMs);
      else reply();
      for (const waiter of [...this.waiters]) waiter();
    });
  }
}
