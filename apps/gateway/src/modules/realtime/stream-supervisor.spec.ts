import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@mailroom/config';
import { InProcessEventBus } from '@mailroom/events';
import type { Identity } from '@mailroom/persistence';
import type { GatewayRuntime } from '../../runtime.js';
import { INTEREST_TOPIC } from './realtime-topics.js';
import { WelcomeStreams } from '../identities/welcome-streams.js';
import { StreamSupervisor } from './stream-supervisor.js';

/**
 * The supervisor's background work (bus notices, timers) runs with nobody awaiting it: when Postgres is away, each
 * of its promises must settle into a log line and a retry, never into an unhandled rejection that kills the process.
 */
const outage = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));

const row = {
  id: '00000000-0000-4000-8000-000000000001',
  tenantId: '00000000-0000-4000-8000-000000000002',
  createdAt: new Date(),
} as Identity;

function makeSupervisor() {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/mailroom-unit', LOG_LEVEL: 'silent' });
  const runtime = { config, pool: {} } as unknown as GatewayRuntime;
  const bus = new InProcessEventBus();
  const streams = {
    activeIdentity: jest.fn(outage),
    tenantHasEnabledWebhook: jest.fn(outage),
  };
  const cursors = { load: jest.fn(outage) };
  const supervisor = new StreamSupervisor(
    runtime,
    bus,
    {} as never,
    {} as never,
    cursors as never,
    {} as never,
    streams as never,
    new WelcomeStreams(),
  );
  return { supervisor, bus, streams, cursors, settings: config.events };
}

describe('StreamSupervisor during a Postgres outage', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let supervisor: StreamSupervisor | undefined;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(async () => {
    jest.useRealTimers();
    await supervisor?.onModuleDestroy();
    supervisor = undefined;
    process.off('unhandledRejection', onUnhandled);
  });

  /** Lets rejected promises be noticed (Node reports unhandled ones after the microtask queue drains). */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('survives subscriber interest it cannot look up', async () => {
    const made = makeSupervisor();
    supervisor = made.supervisor;
    await supervisor.onApplicationBootstrap();
    await made.bus.publish(INTEREST_TOPIC, { tenantId: row.tenantId, identityId: row.id, ttlMs: 30_000 });
    await settle();
    await settle();
    expect(made.streams.activeIdentity).toHaveBeenCalled();
    expect(unhandled).toEqual([]);
  });

  it('reports a failed start when the first cursor cannot be read, and keeps retrying through failed restarts', async () => {
    const made = makeSupervisor();
    supervisor = made.supervisor;
    await supervisor.onApplicationBootstrap();
    await expect(supervisor.ensure(row, { subscriberTtlMs: 60_000 })).resolves.toBe('failed');
    expect(made.cursors.load).toHaveBeenCalledTimes(1);

    // The restart looks the identity up again: Postgres is still away, so it fails and is scheduled once more.
    await jest.advanceTimersByTimeAsync(1_100);
    await settle();
    expect(made.streams.activeIdentity).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2_100);
    await settle();
    expect(made.streams.activeIdentity).toHaveBeenCalledTimes(2);

    // Postgres is back: the next restart reaches the cursor store again.
    made.streams.activeIdentity.mockImplementation(() => Promise.resolve(row) as never);
    await jest.advanceTimersByTimeAsync(4_100);
    await settle();
    expect(made.cursors.load).toHaveBeenCalledTimes(2);
    expect(unhandled).toEqual([]);
  });

  it('survives a reconciliation pass that cannot ask whether a pipeline is still wanted', async () => {
    const made = makeSupervisor();
    supervisor = made.supervisor;
    await supervisor.onApplicationBootstrap();
    const pipeline = {
      stopped: false,
      row,
      identityId: row.id,
      catchUp: jest.fn(() => Promise.resolve()),
      stop: jest.fn(),
      log: { flush: () => Promise.resolve() },
    };
    (supervisor as unknown as { entries: Map<string, unknown> }).entries.set(row.id, {
      demand: { subscriberUntil: 0, webhook: true },
      pipeline,
      failures: 0,
    });
    await jest.advanceTimersByTimeAsync(made.settings.reconcileIntervalMs + 10);
    await settle();
    expect(made.streams.tenantHasEnabledWebhook).toHaveBeenCalled();
    expect(unhandled).toEqual([]);
  });
});
