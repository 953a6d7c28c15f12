// The pooled HTTP client every non-product design POSTs with: undici over
// keep-alive connections, the body read to the end, like the product's
// WebhookClient (packages/engine/src/webhook-client.ts) minus its bookkeeping.
import { Agent, request } from 'undici';

export function createPoster(connections) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections });
  const body = (payload) => JSON.stringify(payload);
  return {
    async post(url, payload) {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'user-agent': 'task-scheduler-bench' },
        body: body(payload),
      });
      await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new Error(`receiver answered ${response.statusCode}`);
      }
    },
    close: () => agent.close(),
  };
}
