import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import {
  freePort,
  type RunningProcess,
  startProcess,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const API_KEY = 'browser-test-api-key-0123456789';

const apiMain = path.join(repoRoot, 'apps/api/dist/main.js');
const webRoot = path.join(repoRoot, 'apps/web');
const viteBin = path.join(repoRoot, 'node_modules/vite/bin/vite.js');

/** Debian's Chromium (`.ci/run` installs the `chromium` package when it is missing). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The machine has no outside network: keep Chromium from phoning home (and waiting for it).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/**
 * Everything a user of the dashboard has in front of them: the built API, the built dashboard
 * served by `vite preview` (which proxies /api to that API, as `npm start` does), the publisher,
 * the worker and the dummy webhook, on a database and a Redis prefix of this test's own; and a
 * Chromium page to drive it.
 */
export interface Dashboard {
  system: SystemUnderTest;
  api: RunningProcess;
  web: RunningProcess;
  apiUrl: string;
  webUrl: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors thrown in the page, to assert there were none. */
  pageErrors: Error[];
  /** A call to the API as another client would make it (with the key), to check what the page did. */
  request<T = unknown>(method: string, route: string, body?: unknown): Promise<ApiResponse<T>>;
  /** What every process printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  /** The browser's IANA zone: the task form defaults to it. */
  timezoneId?: string;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  for (const [file, what] of [
    [apiMain, 'the API'],
    [path.join(webRoot, 'dist/index.html'), 'the dashboard'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (${what}).`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: install Debian's chromium package (apt-get install chromium).`,
    );
  }

  // Whatever starts is stopped again, also when a later step fails.
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  const processes: RunningProcess[] = [];
  const output = () =>
    processes.map((child) => `--- ${child.name} ---\n${child.output().slice(-4000)}`).join('\n');

  try {
    const system = await startSystem({ latencyMs: '0' });
    cleanups.push(() => system.stop());
    processes.push(system.dummy, ...system.publishers, ...system.workers);

    const [apiPort, webPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    const env: NodeJS.ProcessEnv = {
      ...system.env,
      API_PORT: String(apiPort),
      API_KEY,
      API_RATE_LIMIT: '100000',
      CORS_ORIGIN: webUrl,
      WEB_PORT: String(webPort),
      // Unbuffered lines, so a failure message shows what the API said last.
      LOG_FORMAT: 'pretty',
    };

    const api = startProcess('api', apiMain, [], env);
    cleanups.push(() => api.stop('SIGTERM'));
    processes.push(api);
    // The dashboard's production build, served as `npm start` serves it, proxying /api to this API.
    const web = startProcess('web', viteBin, ['preview', webRoot, '--host', '127.0.0.1'], env);
    cleanups.push(() => web.stop('SIGTERM'));
    processes.push(web);
    const exited = (child: RunningProcess) =>
      child.exited.then((code) => {
        throw new Error(`${child.name} exited (${code}) while starting:\n${child.output()}`);
      });
    await Promise.race([
      Promise.all([
        waitFor('the API to answer /health', () => answers(`${apiUrl}/health`), 45_000, 200),
        waitFor('vite preview to serve the dashboard', () => answers(`${webUrl}/`), 45_000, 200),
      ]),
      exited(api),
      exited(web),
    ]);

    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      locale: 'en-US',
      timezoneId: options.timezoneId ?? 'UTC',
      colorScheme: 'light',
    });
    const page = await context.newPage();
    // Actions and waits: generous, for a loaded 2-core machine.
    page.setDefaultTimeout(20_000);
    page.setDefaultNavigationTimeout(30_000);
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));

    return {
      system,
      api,
      web,
      apiUrl,
      webUrl,
      browser,
      context,
      page,
      pageErrors,
      output,
      async request<T>(method: string, route: string, body?: unknown): Promise<ApiResponse<T>> {
        const headers: Record<string, string> = { 'x-api-key': API_KEY };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${apiUrl}${route}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
      },
      stop: stopAll,
    };
  } catch (error) {
    const printed = output();
    await stopAll();
    if (error instanceof Error && printed) error.message += `\n${printed}`;
    throw error;
  }
}
