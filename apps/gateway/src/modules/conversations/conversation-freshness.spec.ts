import { describe, expect, it, jest } from '@jest/globals';
import type { Identity } from '@mailroom/persistence';
import type { GatewayRuntime } from '../../runtime.js';
import type { IdentityHosting } from '../identities/identity-hosting.js';
import { WelcomeStreams } from '../identities/welcome-streams.js';
import { ConversationFreshness, WELCOME_SYNC_INTERVAL_MS } from './conversation-freshness.js';
import { useFakeTimersInEachTest } from '../../testing/fake-timers.js';

const row = (id: string) => ({ id, tenantId: 't' }) as Identity;

describe('ConversationFreshness', () => {
  useFakeTimersInEachTest();

  it('polls welcomes of recently used identities, except those whose pipeline streams their conversations', async () => {
    const synced: string[] = [];
    const hosting = {
      use: async (identity: Identity) => {
        synced.push(identity.id);
      },
    } as unknown as IdentityHosting;
    const runtime = { pool: { isLive: () => true } } as unknown as GatewayRuntime;
    const streams = new WelcomeStreams();
    streams.answerWith((id) => id === 'streamed');
    const freshness = new ConversationFreshness(runtime, hosting, streams);
    freshness.onModuleInit();
    // The first use of each syncs once, streamed or not.
    await freshness.touch(row('polled'));
    await freshness.touch(row('streamed'));
    expect(synced).toEqual(['polled', 'streamed']);

    await jest.advanceTimersByTimeAsync(WELCOME_SYNC_INTERVAL_MS * 2);
    expect(synced.filter((id) => id === 'streamed')).toHaveLength(1);
    expect(synced.filter((id) => id === 'polled').length).toBeGreaterThanOrEqual(2);
    await freshness.onModuleDestroy();
  });
});
