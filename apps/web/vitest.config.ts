import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const coreSource = fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@scheduler/core': coreSource } },
  test: {
    name: 'web',
    root,
    environment: 'happy-dom',
    // RTK Query builds absolute Request URLs from the page's origin, as in a browser.
    environmentOptions: { happyDOM: { url: 'http://localhost:5173/' } },
    include: ['src/**/*.test.{ts,tsx}'],
    // The browser's zone is the dashboard's display zone: pinned, so no test depends on the machine's.
    env: { TZ: 'UTC' },
    setupFiles: ['./src/test/setup.ts'],
    // Whole-app renders with user-event typing take a few seconds when every project runs at once.
    testTimeout: 15_000,
  },
});
