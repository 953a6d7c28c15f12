import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from './test-support/source-aliases.mjs';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    globalSetup: ['test-support/global-setup.ts'],
    // Two files at once at least: most end-to-end time is spent waiting (timers, receivers,
    // processes starting), and every file has its own database and key prefix. On two
    // cores Vitest's default (one less than the cores) would run them one by one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      'apps/web/vitest.config.ts',
      'apps/web/vitest.browser.config.ts',
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/{cli,dummy-webhook}/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
