import path from 'node:path';

const repo = (relative: string) => path.resolve(import.meta.dirname, '..', relative);
const src = (dir: string) => repo(`${dir}/src/index.ts`);

/**
 * The workspaces as Vitest resolves them: each `@scheduler/*` package from its
 * TypeScript source, so tests run the code as it is, not a stale build.
 * Shared by the root Vitest config and the dashboard's browser-test config.
 */
export const sourceAliases: Record<string, string> = {
  '@scheduler/config': src('packages/config'),
  '@scheduler/core': src('packages/core'),
  '@scheduler/db': src('packages/db'),
  '@scheduler/queue': src('packages/queue'),
  '@scheduler/services': src('packages/services'),
  '@scheduler/engine': src('packages/engine'),
  '@scheduler/test-support': repo('test-support/index.ts'),
};
