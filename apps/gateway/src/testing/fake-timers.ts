import { afterEach, beforeEach, jest } from '@jest/globals';

/**
 * Fake timers around each test of the enclosing describe. Microtasks, nextTick and setImmediate stay real, so awaited
 * promises and the work scheduled on the next turn (group commits, batched writes) still settle.
 */
export function useFakeTimersInEachTest(): void {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
}
