export { RealtimeModule } from './realtime.module.js';
export { StreamSupervisor } from './stream-supervisor.js';
export { WebhookSweep, type SweepPass } from './webhook-sweep.js';
export { PoolDeactivations, attachPoolDeactivations } from './pool-deactivations.js';
export { identityTopic, INTEREST_TOPIC, type TopicDefs } from './realtime-topics.js';
