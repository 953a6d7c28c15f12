import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { isRecord, stringOr } from '../../lib/guards';

/** Where the API is and how to authenticate to it. An empty `apiUrl` means the dashboard's own origin. */
export interface SettingsState {
  apiUrl: string;
  apiKey: string;
}

export const initialSettings: SettingsState = { apiUrl: '', apiKey: '' };

/** Trims and drops trailing slashes so paths like `/api/tasks` join cleanly. */
export function normalizeApiUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

/** An absolute http(s) URL or empty (same origin); returns why otherwise. */
export function apiUrlProblem(value: string): string | undefined {
  const url = normalizeApiUrl(value);
  if (url === '') return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return undefined;
  } catch {
    // fall through to the message
  }
  return 'Expected an absolute http(s) URL such as http://localhost:3000, or nothing for this same origin.';
}

export const settingsSlice = createSlice({
  name: 'settings',
  initialState: initialSettings,
  reducers: {
    connectionSaved(state, action: PayloadAction<SettingsState>) {
      state.apiUrl = normalizeApiUrl(action.payload.apiUrl);
      state.apiKey = action.payload.apiKey.trim();
    },
    apiKeyCleared(state) {
      state.apiKey = '';
    },
  },
  selectors: {
    selectApiUrl: (state) => state.apiUrl,
    selectApiKey: (state) => state.apiKey,
    selectHasApiKey: (state) => state.apiKey !== '',
  },
});

export const { connectionSaved, apiKeyCleared } = settingsSlice.actions;
export const { selectApiUrl, selectApiKey, selectHasApiKey } = settingsSlice.selectors;

/** Rebuilds the state from a stored value, keeping only well-formed fields. */
export function settingsFromStorage(raw: unknown): SettingsState {
  if (!isRecord(raw)) return initialSettings;
  return {
    apiUrl: normalizeApiUrl(stringOr(raw.apiUrl, '')),
    apiKey: stringOr(raw.apiKey, '').trim(),
  };
}
