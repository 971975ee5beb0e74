import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { guardProcess } from './process-guards.js';

describe('guardProcess', () => {
  let before: { rejection: Array<(...args: never[]) => unknown>; exception: Array<(...args: never[]) => unknown> };
  let exit: jest.SpiedFunction<typeof process.exit>;
  let stderr: jest.SpiedFunction<typeof process.stderr.write>;

  beforeEach(() => {
    before = { rejection: process.listeners('unhandledRejection'), exception: process.listeners('uncaughtException') };
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    for (const listener of process.listeners('unhandledRejection'))
      if (!before.rejection.includes(listener)) process.off('unhandledRejection', listener as never);
    for (const listener of process.listeners('uncaughtException'))
      if (!before.exception.includes(listener)) process.off('uncaughtException', listener as never);
    exit.mockRestore();
    stderr.mockRestore();
  });

  const added = (event: 'unhandledRejection' | 'uncaughtException', known: Array<(...args: never[]) => unknown>) => {
    // process.listeners has one overload per event name, so each branch names its event.
    const listeners: Array<(...args: never[]) => unknown> =
      event === 'unhandledRejection' ? process.listeners(event) : process.listeners(event);
    return listeners.filter((listener) => !known.includes(listener)) as Array<(...args: unknown[]) => void>;
  };

  it('logs an unhandled rejection and keeps the process running', () => {
    guardProcess(1_000);
    const [onRejection] = added('unhandledRejection', before.rejection);
    onRejection!(new Error('ECONNREFUSED'), Promise.resolve());
    expect(exit).not.toHaveBeenCalled();
    const line = JSON.parse(String(stderr.mock.calls[0]![0])) as {
      level: number;
      msg: string;
      err: { message: string };
    };
    expect(line).toMatchObject({ level: 50, msg: 'unhandled promise rejection', err: { message: 'ECONNREFUSED' } });
  });

  it('on an uncaught exception stops the gateway gracefully, then exits non-zero', async () => {
    const guards = guardProcess(1_000);
    const stop = jest.fn(() => Promise.resolve());
    guards.stopWith(stop);
    const [onException] = added('uncaughtException', before.exception);
    onException!(new Error('boom'), 'uncaughtException');
    await new Promise((resolve) => setImmediate(resolve));
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(String(stderr.mock.calls[0]![0])).toContain('"level":60');
  });

  it('leaves no exit timer behind once the graceful stop has run', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const guards = guardProcess(1_000);
      guards.stopWith(() => Promise.resolve());
      const [onException] = added('uncaughtException', before.exception);
      onException!(new Error('boom'), 'uncaughtException');
      await new Promise((resolve) => setImmediate(resolve));
      expect(exit).toHaveBeenCalledTimes(1);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('exits non-zero even when the graceful stop fails', async () => {
    const guards = guardProcess(1_000);
    guards.stopWith(() => Promise.reject(new Error('database gone')));
    const [onException] = added('uncaughtException', before.exception);
    onException!(new Error('boom'), 'uncaughtException');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenCalledWith(1);
  });
});
