import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../test-support/source-aliases.mjs';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
 * system: API, publisher, worker and dummy webhook as processes on a test database of their own.
 * Node tests (no DOM here): the page lives in Chromium, these files drive it.
 */
const repo = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    name: 'web-browser',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['e2e/**/*.browser.test.ts'],
    environment: 'node',
    // The template database every test database is cloned from (as the root projects use).
    globalSetup: [repo('test-support/global-setup.ts')],
    // Waits inside the tests are generous for a loaded 2-core machine; these bound a stuck step.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
