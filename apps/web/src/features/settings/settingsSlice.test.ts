import { describe, expect, it } from 'vitest';
import { makeStore } from '../../app/store';
import {
  apiKeyCleared,
  apiUrlProblem,
  connectionSaved,
  selectApiKey,
  selectApiUrl,
  selectHasApiKey,
} from './settingsSlice';

describe('settings slice', () => {
  it('starts with the same-origin API and no key', () => {
    const store = makeStore();
    expect(selectApiUrl(store.getState())).toBe('');
    expect(selectHasApiKey(store.getState())).toBe(false);
  });

  it('saves a trimmed key and an API URL without trailing slashes', () => {
    const store = makeStore();
    store.dispatch(
      connectionSaved({ apiUrl: ' http://localhost:3000/// ', apiKey: '  secret-key-0123456789 ' }),
    );
    expect(selectApiUrl(store.getState())).toBe('http://localhost:3000');
    expect(selectApiKey(store.getState())).toBe('secret-key-0123456789');
    expect(selectHasApiKey(store.getState())).toBe(true);
    store.dispatch(apiKeyCleared());
    expect(selectHasApiKey(store.getState())).toBe(false);
  });

  it('accepts an empty or absolute http(s) API URL and explains anything else', () => {
    expect(apiUrlProblem('')).toBeUndefined();
    expect(apiUrlProblem('https://scheduler.example.com')).toBeUndefined();
    expect(apiUrlProblem('localhost:3000')).toMatch(/absolute http\(s\) URL/);
    expect(apiUrlProblem('ftp://example.com')).toMatch(/absolute http\(s\) URL/);
  });
});
