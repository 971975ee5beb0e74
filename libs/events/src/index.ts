export type { EventBus, EventHandler } from './event-bus.js';
export { InProcessEventBus } from './in-process-event-bus.js';
export { RedisEventBus } from './redis-event-bus.js';
export { createEventBus } from './create-event-bus.js';
