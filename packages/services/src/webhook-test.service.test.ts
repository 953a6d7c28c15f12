import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList, TaskValidationError } from '@scheduler/core';
import { WebhookClient } from '@scheduler/engine';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookTestService } from './webhook-test.service';

/**
 * SPEC §14: "send test" goes through the delivery client, so a host name that resolves to
 * a refused address is refused when connecting — a 400, no request. The DNS stands in here
 * (every name resolves to 127.0.0.2, loopback left off the allow list): nothing leaves the machine.
 */
let database: TestDatabase;
let forbidden: http.Server;
let port: number;
let connections = 0;
let client: WebhookClient;

beforeAll(async () => {
  database = await createTestDatabase();
  forbidden = http.createServer((_req, res) => res.end());
  forbidden.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve));
  port = (forbidden.address() as AddressInfo).port;
  client = new WebhookClient(5_000, {
    allowList: parseAllowList(['127.0.0.1']),
    lookup: (_hostname, _options, callback) => callback(null, [{ address: '127.0.0.2', family: 4 }]),
  });
});
afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => forbidden?.close(resolve));
  await database?.drop();
});

it('a host name resolving to a refused address: 400 on webhook_url, saying why, no connection', async () => {
  const service = new WebhookTestService({
    tasks: database.tasks,
    webhooks: client,
    allowList: parseAllowList(['127.0.0.1']),
  });

  const sent = service.send({
    webhook_url: `http://hooks.example.test:${port}/hook`,
    json_payload: { a: 1 },
  });

  await expect(sent).rejects.toBeInstanceOf(TaskValidationError);
  await expect(sent).rejects.toMatchObject({
    code: 'VALIDATION_ERROR',
    details: {
      webhook_url: expect.stringMatching(/^refused: 127\.0\.0\.2 is a loopback address/) as unknown,
    },
  });
  expect(connections).toBe(0);
});
