import { vi } from 'vitest';

/**
 * A route answers a JSON body (200) or `{ status, body? }`, either as a value or from a function of
 * the request (which may throw, like fetch on a network error).
 */
type Handler = (request: Request, url: URL) => unknown;

function isStatusAnswer(answer: unknown): answer is { status: number; body?: unknown } {
  return (
    typeof answer === 'object' && answer !== null && 'status' in answer && typeof answer.status === 'number'
  );
}

/**
 * Replaces `fetch`, the HTTP boundary, with routes keyed `'GET /api/tasks'`. Every request is
 * recorded; an unrouted one answers 404 in the API's error shape so a test sees it.
 */
export function mockFetch(routes: Record<string, unknown>) {
  const requests: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    requests.push(request.clone());
    const url = new URL(request.url);
    const route = routes[`${request.method} ${url.pathname}`];
    const answer: unknown =
      route === undefined
        ? {
            status: 404,
            body: { error: { code: 'NOT_FOUND', message: `No mock for ${request.method} ${url.pathname}` } },
          }
        : typeof route === 'function'
          ? await (route as Handler)(request, url)
          : route;
    const { status, body } = isStatusAnswer(answer) ? answer : { status: 200, body: answer };
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  const find = (method: string, pathname: string) =>
    requests.filter((request) => request.method === method && new URL(request.url).pathname === pathname);
  return { fetchMock, requests, find };
}

export function apiError(status: number, code: string, message: string, details: unknown = {}) {
  return { status, body: { error: { code, message, details, timestamp: '2025-03-06T12:00:00.000Z' } } };
}
