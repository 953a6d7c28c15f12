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
        done(refusalOf(text));
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

/** How deep the search for a prototype key goes; a key deeper than this is refused under `body`. */
const PROTOTYPE_KEY_SEARCH_DEPTH = 100;

/**
 * Why Fastify refused a body, said where it can be: malformed JSON (as JSON.parse puts
 * it: Fastify's message does not say where), or a `__proto__` key or `constructor` object
 * with a `prototype` key, under the top-level field it sits in, else `body`.
 */
function refusalOf(text: string): ApiError {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const syntax = error instanceof Error ? error.message : String(error);
    return new ApiError('VALIDATION_ERROR', `malformed JSON: ${syntax}; expected a JSON document.`, {
      body: syntax,
    });
  }
  const found = prototypeKeyPath(root);
  let reason = 'a __proto__ or constructor.prototype key is not accepted';
  let field = 'body';
  if (found) {
    const { path, offending } = found;
    reason = `a ${offending.join('.')} key is not accepted (at ${path.join('.')})`;
    // A field of the task only when the key sits inside one; at the top, or in a top-level array, the body.
    if (path.length > offending.length && !Array.isArray(root)) field = path[0] as string;
  }
  return new ApiError('VALIDATION_ERROR', `${reason}: expected a JSON document without one.`, {
    [field]: reason,
  });
}

interface Visit {
  value: unknown;
  key: string | undefined;
  parent: Visit | undefined;
  depth: number;
}

/**
 * Where the first prototype key sits (JSON.parse keeps one as a plain own property, so the
 * parsed value is safe to walk). Iterative and bounded: a body nested thousands deep must not
 * exhaust the stack of the process that serves every request.
 */
function prototypeKeyPath(root: unknown): { path: string[]; offending: string[] } | undefined {
  const pending: Visit[] = [{ value: root, key: undefined, parent: undefined, depth: 0 }];
  const pathTo = (visit: Visit, offending: string[]) => {
    const keys: string[] = [];
    for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return { path: [...keys.reverse(), ...offending], offending };
  };
  while (pending.length > 0) {
    const visit = pending.pop() as Visit;
    if (visit.value === null || typeof visit.value !== 'object') continue;
    if (visit.depth >= PROTOTYPE_KEY_SEARCH_DEPTH) continue;
    for (const [key, child] of Object.entries(visit.value as Record<string, unknown>)) {
      if (key === '__proto__') return pathTo(visit, ['__proto__']);
      if (
        key === 'constructor' &&
        child !== null &&
        typeof child === 'object' &&
        Object.hasOwn(child, 'prototype')
      ) {
        return pathTo(visit, ['constructor', 'prototype']);
      }
      pending.push({ value: child, key, parent: visit, depth: visit.depth + 1 });
    }
  }
  return undefined;
}
