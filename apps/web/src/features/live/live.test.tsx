import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { page, taskItem } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const task = taskItem({ id: '11111111-1111-4111-8111-111111111111', task_name: 'Morning digest' });

/** fetch as the API answers it: the task list as JSON, the event stream as `events` says. */
function stubApi(events: 'open' | 'refused') {
  let push: (text: string) => void = () => undefined;
  const listRequests: Request[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const { pathname } = new URL(request.url);
    if (pathname === '/api/events') {
      if (events === 'refused') return new Response(null, { status: 503 });
      expect(request.headers.get('x-api-key')).toBeTruthy();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
          push(': connected\n\n');
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    if (pathname === '/api/tasks') listRequests.push(request);
    return Response.json(page([task]));
  });
  return { listRequests, push: (text: string) => push(text) };
}

describe('live updates', () => {
  it('says Live while the stream is open, and reads again what an event changed', async () => {
    const api = stubApi('open');
    renderApp('/tasks');
    await screen.findByText('Live');
    await screen.findByText('Morning digest');
    const before = api.listRequests.length;
    api.push(`event: run.finished\ndata: {"run_id":"r1","task_id":"${task.id}","status":"finish"}\n\n`);
    await waitFor(() => expect(api.listRequests.length).toBeGreaterThan(before));
  });

  it('says it polls while the stream is refused', async () => {
    stubApi('refused');
    renderApp('/tasks');
    await screen.findByText('Offline: polling every 5 s');
    await screen.findByText('Morning digest');
  });
});
