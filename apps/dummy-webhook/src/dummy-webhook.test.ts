import { afterEach, describe, expect, it } from 'vitest';
import { createDummyWebhook, type DummyWebhook, type DummyWebhookOptions } from './dummy-webhook';
import { describeDummyWebhook } from './describe';

interface LogLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

/** Records what the receiver logs, so tests can see the bodies it printed. */
function recordingLogger() {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: {
      info: (fields: object, message: string) =>
        lines.push({ level: 'info', fields: { ...fields }, message }),
      warn: (fields: object, message: string) =>
        lines.push({ level: 'warn', fields: { ...fields }, message }),
      isLevelEnabled: () => true,
    },
  };
}

const running: DummyWebhook[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((dummy) => dummy.close()));
});

/** A real receiver on an ephemeral loopback port. */
async function start(options: Partial<DummyWebhookOptions> = {}) {
  const { lines, logger } = recordingLogger();
  const dummy = createDummyWebhook({ failOn: [7, 11], latencyMs: { min: 0, max: 0 }, logger, ...options });
  running.push(dummy);
  const { port } = await dummy.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const post = async (body: unknown = { hello: 'world' }, init: RequestInit = {}) => {
    const response = await fetch(`${base}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, response };
  };
  const stats = async () => (await (await fetch(`${base}/stats`)).json()) as { count: number };
  return { dummy, base, post, stats, lines };
}

describe('POST /webhook', () => {
  it('answers 500 to the 7th and 11th of 12 sequential requests and 200 to the rest', async () => {
    const { post } = await start();
    const statuses: number[] = [];
    for (let n = 1; n <= 12; n++) {
      const { status, json } = await post({ n });
      statuses.push(status);
      if (status === 500) expect(json).toEqual({ ok: false, request: n, error: 'configured failure' });
      else expect(json).toEqual({ ok: true, request: n });
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 500, 200, 200, 200, 500, 200]);
  });

  it('fails on a custom list of request numbers', async () => {
    const { post } = await start({ failOn: [1, 3] });
    const statuses = [];
    for (let n = 1; n <= 4; n++) statuses.push((await post()).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('never fails with an empty fail list', async () => {
    const { post } = await start({ failOn: [] });
    for (let n = 1; n <= 12; n++) expect((await post()).status).toBe(200);
  });

  it('gives concurrent requests distinct numbers, failing exactly the configured ones', async () => {
    const { post, stats } = await start({ latencyMs: { min: 5, max: 30 } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ i })));
    const numbers = answers.map((a) => a.json.request as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const failed = answers.filter((a) => a.status === 500).map((a) => a.json.request as number);
    expect(failed.sort((a, b) => a - b)).toEqual([7, 11]);
    expect(await stats()).toEqual({ count: 20 });
  });

  it('logs each body with its request number: JSON parsed, anything else as text', async () => {
    const { post, lines } = await start();
    await post({ task: 'backup', attempt: 2 });
    expect((await post('not json at all', { headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    const received = lines.filter((line) => line.message === 'webhook request received');
    expect(received.map((line) => [line.fields.request, line.fields.body])).toEqual([
      [1, { task: 'backup', attempt: 2 }],
      [2, 'not json at all'],
    ]);
  });

  it('accepts a body up to the limit and refuses a bigger one with 413 without counting it', async () => {
    const { post, stats } = await start({ maxBodyBytes: 1024 });
    const tooBig = await post('x'.repeat(1025));
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error).toMatch(/1025 bytes is too large: expected at most 1024 bytes/);
    expect(await stats()).toEqual({ count: 0 });
    const fits = await post('y'.repeat(1024));
    expect(fits.json).toEqual({ ok: true, request: 1 });
  });

  it('refuses a body over the default 1 MiB', async () => {
    const { post } = await start();
    expect((await post('z'.repeat(1024 * 1024 + 1))).status).toBe(413);
    expect((await post('z'.repeat(1024 * 1024))).status).toBe(200);
  });

  it('keeps connections alive for 65 s', async () => {
    const { post } = await start();
    const { response } = await post();
    expect(response.headers.get('connection')).toBe('keep-alive');
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });
});

describe('latency', () => {
  it('answers at once when the latency is off, without drawing a delay', async () => {
    const random = () => {
      throw new Error('no delay should be drawn when the latency is off');
    };
    const { post, lines } = await start({ random });
    const started = performance.now();
    for (let n = 0; n < 12; n++) expect((await post()).status).not.toBe(0);
    // Twelve loopback round trips; the default 100-500 ms range would need at least 1.2 s.
    expect(performance.now() - started).toBeLessThan(500);
    expect(lines.every((line) => line.fields.delayMs === 0)).toBe(true);
  });

  it('waits at least the low end of the range before answering', async () => {
    const { post } = await start({ latencyMs: { min: 50, max: 60 } });
    for (let n = 0; n < 3; n++) {
      const started = performance.now();
      expect((await post()).status).toBe(200);
      // libuv's millisecond loop clock may fire a timer up to 1 ms before the wall clock says.
      expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    }
  });

  it('draws the delay uniformly over the whole inclusive range', async () => {
    const draws = [0, 0.5, 0.999999];
    const { post, lines } = await start({
      latencyMs: { min: 10, max: 20 },
      random: () => draws.shift() ?? 0,
    });
    for (let n = 0; n < 3; n++) await post();
    expect(lines.map((line) => line.fields.delayMs)).toEqual([10, 15, 20]);
  });

  it('delays a configured failure too', async () => {
    const { post } = await start({ failOn: [1], latencyMs: { min: 40, max: 40 } });
    const started = performance.now();
    expect((await post()).status).toBe(500);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('survives a client that hangs up during the delay', async () => {
    const { post, stats } = await start({ latencyMs: { min: 100, max: 100 } });
    await expect(post({}, { signal: AbortSignal.timeout(20) })).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await stats()).toEqual({ count: 1 });
    expect((await post()).json).toEqual({ ok: true, request: 2 });
  });

  it('refuses a malformed range', () => {
    const { logger } = recordingLogger();
    expect(() => createDummyWebhook({ failOn: [], latencyMs: { min: 500, max: 100 }, logger })).toThrow(
      /Invalid latency range 500-100: expected whole milliseconds with 0 <= min <= max/,
    );
  });
});

describe('other routes', () => {
  it('GET /stats counts the requests received on /webhook', async () => {
    const { post, stats, base } = await start();
    expect(await stats()).toEqual({ count: 0 });
    await post();
    await post();
    await fetch(`${base}/health`);
    expect(await stats()).toEqual({ count: 2 });
  });

  it('GET /health answers ok', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 404 JSON to unknown paths, and 405 to a wrong method on a known one', async () => {
    const { base, stats } = await start();
    const missing = await fetch(`${base}/nope`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await missing.json()).toEqual({
      ok: false,
      error: 'no route POST /nope: expected one of POST /webhook, GET /stats, GET /health',
    });
    const wrongMethod = await fetch(`${base}/webhook`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await stats()).toEqual({ count: 0 });
  });

  it('ignores a query string when routing', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/webhook?source=test`, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ ok: true, request: 1 });
  });
});

describe('close', () => {
  it('resolves promptly even with an idle keep-alive connection open', async () => {
    const { dummy, post } = await start();
    await post(); // leaves a pooled keep-alive connection behind
    const started = performance.now();
    await dummy.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('lets an in-flight delivery get its answer before resolving', async () => {
    const { dummy, post } = await start({ latencyMs: { min: 100, max: 100 } });
    const inFlight = post();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = dummy.close();
    const { status, response } = await inFlight;
    expect(status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    await closed;
    expect(dummy.server.listening).toBe(false);
  });
});

describe('describeDummyWebhook', () => {
  it.each([
    [[7, 11], { min: 100, max: 500 }, 'fails on requests 7,11; latency 100-500 ms'],
    [[], { min: 0, max: 0 }, 'fails on no request; no latency'],
    [[3], { min: 200, max: 200 }, 'fails on request 3; latency 200 ms'],
  ])('%j with %j reads %s', (failOn, latencyMs, expected) => {
    expect(describeDummyWebhook(failOn, latencyMs)).toBe(expected);
  });
});
