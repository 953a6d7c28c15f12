import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

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
