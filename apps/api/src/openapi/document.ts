import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { componentSchemas } from './components';
import { API_KEY_SECURITY, METRICS_TOKEN_SECURITY } from './decorators';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Task Scheduler API')
    .setDescription(
      'Scheduled webhooks: create tasks (a cron schedule, a webhook URL, a JSON payload, a retry budget), ' +
        'follow their delivery attempts, run them now. Every route but the docs and /health needs the ' +
        '`X-API-KEY` header. Every error has the shape `{ "error": { "code", "message", "details", "timestamp" } }`.',
    )
    .setVersion('1')
    // Relative: the document is served by the API it describes, on whatever host and port that is.
    .addServer('/', 'The API serving this document')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'The API_KEY of this deployment.' },
      API_KEY_SECURITY,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'METRICS_TOKEN, for GET /metrics only, when it is set.',
      },
      METRICS_TOKEN_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // An operation without a security requirement inherits none here, but say it outright: no key needed.
  for (const operations of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = operations[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas },
  };
  return document;
}

/** Swagger UI at /api/docs and the document at /api/docs-json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Task Scheduler API',
  });
}
