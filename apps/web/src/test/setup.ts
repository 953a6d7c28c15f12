import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

// findBy… and waitFor wait up to 5 s, not 1: pages load their code and data lazily, and a CI
// machine running the whole suite at once can take over a second to render one.
configure({ asyncUtilTimeout: 5_000 });

beforeEach(() => {
  // No test reaches a network: a test that renders without mockFetch (the live event stream
  // connects from every page) sees a network error, not a connection to the dev server's port.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch is not mocked in this test')));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  window.localStorage.clear();
});
