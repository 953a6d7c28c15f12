import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import type * as SchedulerConfig from '@scheduler/config';
import { defineConfig, type ProxyOptions, type UserConfig } from 'vite';

/** Vite bundles the domain package's TypeScript source: the form previews due instants with the publisher's code. */
const coreSource = fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url));

/** WEB_PORT and API_PORT from the root .env, through the one package that reads it (built: `npm run build`). */
async function loadPorts(): Promise<{ webPort: number; apiPort: number }> {
  let config: typeof SchedulerConfig;
  try {
    config = await import('@scheduler/config');
  } catch (error) {
    throw new Error(
      'The dashboard reads WEB_PORT and API_PORT through @scheduler/config, which is not built yet: run `npm run build` at the repository root first.',
      { cause: error },
    );
  }
  const { webPort, apiPort } = config.loadConfig();
  return { webPort, apiPort };
}

export default defineConfig(async ({ command }): Promise<UserConfig> => {
  const base: UserConfig = {
    plugins: [react(), tailwindcss()],
    resolve: { alias: { '@scheduler/core': coreSource } },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      rolldownOptions: {
        // The domain package is pure (no I/O, SPEC §2): declaring it free of side effects lets the
        // bundle drop what the dashboard does not use, such as the API's zod input schemas.
        treeshake: { moduleSideEffects: (id: string) => !id.includes('/packages/core/src/') },
      },
    },
  };
  // A production build needs no ports; only the dev server and `vite preview` read the root .env.
  if (command === 'build') return base;

  const { webPort, apiPort } = await loadPorts();
  const target = `http://127.0.0.1:${apiPort}`;
  // Same-origin API: the dashboard's default API URL is empty and these paths reach the API through Vite.
  const proxy: Record<string, ProxyOptions> = { '/api': { target }, '/health': { target } };
  return {
    ...base,
    server: { port: webPort, strictPort: true, proxy },
    preview: { port: webPort, strictPort: true, proxy },
  };
});
