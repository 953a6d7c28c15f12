export { createTestDatabase, databaseUrlFor } from './database';
export type { TestDatabase } from './database';
export { uniquePrefix, testRedis, clearPrefix } from './redis';
export {
  baseEnv,
  startProcess,
  freePort,
  waitFor,
  schedulerBin,
  dummyWebhookMain,
  TEST_ALLOWED_HOSTS,
} from './processes';
export type { RunningProcess } from './processes';
export { startSystem } from './system';
export type { SystemUnderTest } from './system';
export { startTcpProxy, through } from './tcp-proxy';
export type { TcpProxy } from './tcp-proxy';
export { lateQueuedRun, runFor } from './factories';
export { startDiscordReceiver } from './discord-receiver';
export type {
  DiscordReceiver,
  DiscordReceiverOptions,
  DiscordRequest,
  ScriptedAnswer,
} from './discord-receiver';
export { parseMetrics, scrape } from './metrics';
export type { Scrape } from './metrics';
export { openEventStream } from './event-stream';
export type { EventStream, ReceivedEvent } from './event-stream';
export { usePublisherFixture } from './publisher-fixture';
export type { PublisherFixture } from './publisher-fixture';
