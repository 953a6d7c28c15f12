import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import type * as Config from '@scheduler/config';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as AppModule from '../../apps/api/src/app';
import type * as ContextModule from '../../apps/api/src/context';
import { type RunningApi, startApi } from './api-harness';

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; schema?: object; example?: unknown }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
  security?: Record<string, string[]>[];
}
interface OpenApiDocument {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { example?: unknown }>; securitySchemes: Record<string, object> };
}

let api: RunningApi;
let document: OpenApiDocument;

beforeAll(async () => {
  api = await startApi();
  document = (await api.request<OpenApiDocument>('GET', '/api/docs-json', { key: null })).body;
});
afterAll(async () => api?.stop());

/** "GET /api/tasks/{id}" for every operation of the document. */
function documentedRoutes(): string[] {
  return Object.entries(document.paths).flatMap(([route, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
  );
}

/**
 * The routes Nest really registers, read from the built app (the compiled code
 * carries the decorator metadata Vitest's transform would drop).
 */
async function registeredRoutes(): Promise<string[]> {
  const load = createRequire(path.join(repoRoot, 'package.json'));
  const dist = (file: string) => load(path.join(repoRoot, 'apps/api/dist', file)) as Record<string, unknown>;
  const { loadConfig, createLogger } = load(
    path.join(repoRoot, 'packages/config/dist/index.js'),
  ) as typeof Config;
  const { createApiContext } = dist('context.js') as unknown as typeof ContextModule;
  const { createApiApp } = dist('app.js') as unknown as typeof AppModule;
  const config = loadConfig({
    env: { ...process.env, DATABASE_URL: api.database.url, REDIS_PREFIX: api.prefix },
  });
  const context = createApiContext(config, createLogger('api', { ...config, logLevel: 'fatal' }));
  const app = await createApiApp(context);
  const routes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
    });
  await app.init();
  await app.close();
  await context.close();
  return routes
    .filter((route) => !/^(HEAD|OPTIONS) /.test(route) && !route.includes('/api/docs'))
    .map((route) => route.replace(/:(\w+)/g, '{$1}'));
}

describe('the OpenAPI document', () => {
  test('documents exactly the routes the API serves', async () => {
    const registered = await registeredRoutes();
    expect(registered.length).toBeGreaterThanOrEqual(11);
    expect(documentedRoutes().sort()).toEqual(registered.sort());
  });

  test('covers every route of SPEC §6', () => {
    expect(documentedRoutes()).toEqual(
      expect.arrayContaining([
        'POST /api/tasks',
        'GET /api/tasks',
        'GET /api/tasks/{id}',
        'PATCH /api/tasks/{id}',
        'DELETE /api/tasks/{id}',
        'POST /api/tasks/{id}/toggle',
        'POST /api/tasks/{id}/execute',
        'GET /api/tasks/{id}/logs',
        'GET /api/logs',
        'GET /api/dashboard/stats',
        'GET /health',
      ]),
    );
  });

  test('declares the API key scheme, required on every route but /health', () => {
    expect(document.components.securitySchemes['api-key']).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-KEY' }),
    );
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${route}`;
        if (route === '/health') {
          expect(operation.security, where).toEqual([]);
          continue;
        }
        // GET /metrics takes either the key or the METRICS_TOKEN (SPEC §15).
        expect(operation.security, where).toEqual(
          route === '/metrics' ? [{ 'api-key': [] }, { 'metrics-token': [] }] : [{ 'api-key': [] }],
        );
        // 400 too: a malformed URL, or an id over 1,000 characters, on any route.
        for (const status of ['400', '401', '429', '500', '503'])
          expect(operation.responses[status], `${where} ${status}`).toBeDefined();
      }
    }
  });

  test('every operation has a success response with a schema, and every reference resolves', () => {
    const references = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const reference of new Set(references)) {
      expect(document.components.schemas, reference).toHaveProperty(reference.split('/').pop()!);
    }
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
        expect(success, `${method} ${route}`).toBeDefined();
        // GET /metrics answers the Prometheus text format, /api/events a stream; every other answer is JSON.
        const type =
          route === '/metrics'
            ? 'text/plain'
            : route === '/api/events'
              ? 'text/event-stream'
              : 'application/json';
        if (success![0] !== '204')
          expect(success![1].content?.[type]?.schema, `${method} ${route}`).toBeDefined();
      }
    }
  });

  test('schemas carry examples, and the request bodies come from the domain schemas', () => {
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(schema.example, name).toBeDefined();
    }
    const create = document.components.schemas.CreateTask as {
      required: string[];
      properties: Record<string, { maximum?: number; description?: string }>;
      additionalProperties: boolean;
    };
    // json_payload is required unless http_method is GET or DELETE (SPEC §14): the service says so, not the schema.
    expect(create.required.sort()).toEqual(['task_name', 'webhook_url']);
    expect(create.properties.run_at?.description).toMatch(/RFC 3339/);
    expect(create.properties.max_retry?.maximum).toBe(10);
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.task_schedule?.description).toMatch(/INVALID_SCHEDULE/);
  });

  test('list routes document their query parameters; routes with an id document it', () => {
    const names = (route: string) => document.paths[route]!.get!.parameters!.map((p) => p.name).sort();
    expect(names('/api/tasks')).toEqual([
      'enabled',
      'limit',
      'order',
      'page',
      'search',
      'sort',
      'task_status',
    ]);
    expect(names('/api/logs')).toEqual(['from', 'limit', 'page', 'status', 'task_id', 'to']);
    expect(names('/api/tasks/{id}/logs')).toEqual(['from', 'id', 'limit', 'page', 'status', 'to']);
    const limit = document.paths['/api/tasks']!.get!.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
  });

  test('names its server: relative, so it holds wherever the API is served', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  test('toggle and execute declare the body they accept (none, {} or null), and 413 beside 400', () => {
    for (const route of ['/api/tasks/{id}/toggle', '/api/tasks/{id}/execute']) {
      const operation = document.paths[route]!.post!;
      expect(operation.requestBody, route).toMatchObject({
        required: false,
        content: { 'application/json': { schema: { type: 'object', nullable: true, maxProperties: 0 } } },
      });
      expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['400', '413']));
    }
    expect(Object.keys(document.paths['/api/tasks/{id}']!.delete!.responses)).toEqual(
      expect.arrayContaining(['400', '413']),
    );
  });

  test('from and to declare a date as well as a date-time, as they accept', () => {
    for (const route of ['/api/logs', '/api/tasks/{id}/logs']) {
      for (const name of ['from', 'to']) {
        const parameter = document.paths[route]!.get!.parameters!.find((p) => p.name === name)!;
        expect(parameter.schema, `${route} ${name}`).toMatchObject({
          type: 'string',
          anyOf: [{ format: 'date-time' }, { format: 'date' }],
        });
      }
    }
  });

  test('Swagger UI is served at /api/docs', async () => {
    const response = await api.request<string>('GET', '/api/docs', { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.body).toContain('swagger');
  });
});
