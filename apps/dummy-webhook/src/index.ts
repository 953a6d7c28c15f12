export { createDummyWebhook, DEFAULT_MAX_BODY_BYTES, KEEP_ALIVE_TIMEOUT_MS } from './dummy-webhook';
export type { DummyWebhook, DummyWebhookLogger, DummyWebhookOptions } from './dummy-webhook';
export { describeDummyWebhook } from './describe';
