import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule } from './app.module';
import type { ApiContext } from './context';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { apiKeyCheck } from './http/api-key';
import { AuthFailureLimit } from './http/auth-failures';
import { registerBodyParsers } from './http/body-parsers';
import { clientErrorHandler, REQUEST_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from './http/client-errors';
import { closeIfBodyPending, requireHost } from './http/connection-hooks';
import { BODY_LIMIT_BYTES } from './http/error-response';
import { frameworkErrors } from './http/framework-errors';
import { NestLogger } from './http/nest-logger';
import { registerRateLimit } from './http/rate-limit';
import { requestLog } from './http/request-log';
import { serveOpenApi } from './openapi/document';

const MAX_PARAM_LENGTH = 1000;

/**
 * The API as a Nest application on Fastify, ready to `listen` (or to `init` in a test).
 * The order matters: CORS headers first (so even a 401 can be read by the dashboard),
 * then the key check (which counts refusals per client address), then the rate limit,
 * which counts only requests with a valid key.
 */
export async function createApiApp(context: ApiContext): Promise<NestFastifyApplication> {
  const { config, logger } = context;
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forContext(context),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      frameworkErrors: frameworkErrors(MAX_PARAM_LENGTH),
      // Room for any id a client may send, so a wrong one is a 404 like the others; past this, a 400.
      routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
      // A request, headers and body, has REQUEST_TIMEOUT_MS to arrive (Fastify's default: forever).
      requestTimeout: REQUEST_TIMEOUT_MS,
      http: {
        headersTimeout: REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
        requireHostHeader: false,
      },
      clientErrorHandler: clientErrorHandler(logger),
    }),
    { bodyParser: false, logger: new NestLogger(logger), abortOnError: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-API-KEY'],
    exposedHeaders: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
    // An OPTIONS without Origin or Access-Control-Request-Method is not a preflight: 204 with
    // no CORS headers, rather than @fastify/cors's 400 in plain text.
    strictPreflight: false,
  });
  const authFailures = new AuthFailureLimit(
    context.redis,
    config.redisPrefix,
    config.authFailuresPerMinute,
    logger,
  );
  fastify.addHook('onRequest', requireHost);
  fastify.addHook('onRequest', apiKeyCheck(config.apiKey, authFailures, config.metricsToken));
  fastify.addHook('onSend', closeIfBodyPending);
  await registerRateLimit(app, {
    apiKey: config.apiKey,
    perMinute: config.apiRateLimit,
    redis: context.redis,
    redisPrefix: config.redisPrefix,
  });
  fastify.addHook('onResponse', requestLog(logger));
  // Open event streams would hold the server open: they end first, cleanly, when it stops.
  fastify.addHook('preClose', (done) => {
    context.liveEvents.endStreams();
    done();
  });
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  serveOpenApi(app);
  return app;
}
