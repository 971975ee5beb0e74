import type { EventBus } from './event-bus.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { RedisEventBus } from './redis-event-bus.js';

/** Redis when a URL is configured, otherwise the in-process bus of the embedded mode. */
export async function createEventBus(options: {
  redisUrl?: string;
  onError?: (error: Error) => void;
}): Promise<EventBus> {
  if (!options.redisUrl) return new InProcessEventBus();
  return new RedisEventBus({ url: options.redisUrl, onError: options.onError }).connect();
}
