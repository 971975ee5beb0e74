import { describe, expect, it, jest } from '@jest/globals';
import type { AttemptResult, ClaimedDelivery, Success } from './delivery-store.js';
import { RIDE_WAIT_MS, SuccessRecorder } from './success-recorder.js';
import { useFakeTimersInEachTest } from '../../testing/fake-timers.js';

const delivery = (id: string) => ({ id }) as ClaimedDelivery;
const ok: AttemptResult = { statusCode: 200, error: null, durationMs: 3 };

function makeRecorder(ride: boolean) {
  const written: string[][] = [];
  const store = {
    recordSuccesses: jest.fn(async (batch: readonly Success[]) => {
      written.push(batch.map((s) => s.delivery.id));
      return new Set(batch.map((s) => s.delivery.id));
    }),
  };
  return { recorder: new SuccessRecorder(store, { ride }), written };
}

describe('SuccessRecorder', () => {
  useFakeTimersInEachTest();

  it('hands waiting successes to a statement that boards them, and answers from what it recorded', async () => {
    const { recorder, written } = makeRecorder(true);
    const a = recorder.record(delivery('a'), ok);
    const b = recorder.record(delivery('b'), ok);
    const ride = recorder.board();
    expect(ride?.successes.map((s) => s.delivery.id)).toEqual(['a', 'b']);
    expect(recorder.board()).toBeUndefined();
    ride?.landed(new Set(['a']));
    await expect(a).resolves.toBe(true);
    await expect(b).resolves.toBe(false); // its lease was lost
    jest.advanceTimersByTime(RIDE_WAIT_MS * 2);
    await Promise.resolve();
    expect(written).toEqual([]);
  });

  it('writes them on their own when no statement took them within the wait', async () => {
    const { recorder, written } = makeRecorder(true);
    const a = recorder.record(delivery('a'), ok);
    jest.advanceTimersByTime(RIDE_WAIT_MS - 1);
    await Promise.resolve();
    expect(written).toEqual([]);
    jest.advanceTimersByTime(1);
    await expect(a).resolves.toBe(true);
    expect(written).toEqual([['a']]);
  });

  it('writes them on their own at once when the statement that took them failed', async () => {
    const { recorder, written } = makeRecorder(true);
    const a = recorder.record(delivery('a'), ok);
    recorder.board()?.missed();
    await expect(a).resolves.toBe(true);
    expect(written).toEqual([['a']]);
  });

  it('without riding, writes at once and batches what arrives meanwhile', async () => {
    const { recorder, written } = makeRecorder(false);
    expect(recorder.board()).toBeUndefined();
    const a = recorder.record(delivery('a'), ok);
    const b = recorder.record(delivery('b'), ok);
    await Promise.all([a, b]);
    expect(written).toEqual([['a', 'b']]);
  });
});
