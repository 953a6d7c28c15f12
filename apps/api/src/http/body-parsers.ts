import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';

/**
 * JSON only. An empty body is accepted whatever its Content-Type (clients send
 * `application/json` on every request, even POSTs without a body such as toggle),
 * and reaches the route as `undefined`, which the schemas of routes that need a body
 * refuse with a message of their own.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();

  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // Fastify's parser also refuses __proto__ and constructor.prototype keys.
    void parseJson(request, text, (error, value) => {
      if (error) {
        const syntax = syntaxErrorOf(text);
        if (syntax !== undefined) {
          done(
            new ApiError('VALIDATION_ERROR', `malformed JSON: ${syntax}; expected a JSON document.`, {
              body: syntax,
            }),
          );
          return;
        }
        // Valid JSON that Fastify refuses: a key that would reach an object's prototype.
        const path = prototypeKeyPath(JSON.parse(text) as unknown) ?? [];
        const reason = `a ${path.at(-1) === 'prototype' ? 'constructor.prototype' : '__proto__'} key is not accepted${path.length > 0 ? ` (at ${path.join('.')})` : ''}`;
        done(
          new ApiError('VALIDATION_ERROR', `${reason}: expected a JSON document without one.`, {
            [path.length > 1 ? (path[0] as string) : 'body']: reason,
          }),
        );
      } else {
        done(null, value);
      }
    });
  });

  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if ((body as Buffer).length === 0) {
      done(null, undefined);
      return;
    }
    const type = request.headers['content-type'] ?? '(none)';
    done(
      new ApiError('VALIDATION_ERROR', `unsupported Content-Type "${type}": expected application/json.`, {
        'content-type': type,
      }),
    );
  });
}

/**
 * Where the first `__proto__` key, or `constructor` object with a `prototype` key, sits
 * (JSON.parse keeps either as a plain own property, so walking the parsed value is safe).
 */
function prototypeKeyPath(value: unknown, path: string[] = []): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === '__proto__') return [...path, key];
    if (
      key === 'constructor' &&
      child !== null &&
      typeof child === 'object' &&
      Object.hasOwn(child, 'prototype')
    ) {
      return [...path, key, 'prototype'];
    }
    const found = prototypeKeyPath(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** What JSON.parse says is wrong with the text (Fastify's own message does not say where). */
function syntaxErrorOf(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : undefined;
  }
}
