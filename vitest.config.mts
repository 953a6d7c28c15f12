import path from 'node:path';
import { defineConfig } from 'vitest/config';

const src = (dir: string) => path.resolve(import.meta.dirname, dir, 'src/index.ts');

export default defineConfig({
  resolve: {
    alias: {
      '@scheduler/config': src('packages/config'),
      '@scheduler/core': src('packages/core'),
      '@scheduler/db': src('packages/db'),
      '@scheduler/queue': src('packages/queue'),
      '@scheduler/services': src('packages/services'),
      '@scheduler/test-support': path.resolve(import.meta.dirname, 'test-support/index.ts'),
    },
  },
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
