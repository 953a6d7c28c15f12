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
        const reason = syntaxErrorOf(text) ?? 'a __proto__ or constructor.prototype key is not accepted';
        done(
          new ApiError('VALIDATION_ERROR', `malformed JSON: ${reason}; expected a JSON document.`, {
            body: reason,
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

/** What JSON.parse says is wrong with the text (Fastify's own message does not say where). */
function syntaxErrorOf(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : undefined;
  }
}
