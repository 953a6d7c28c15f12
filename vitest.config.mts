import { defineConfig } from 'vitest/config';
import { sourceAliases } from './test-support/source-aliases.mjs';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    globalSetup: ['test-support/global-setup.ts'],
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
