import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { intIn, isRecord, oneOf } from '../../lib/guards';

export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

/** How often open pages refetch, in milliseconds; 0 switches refreshing off. */
export const refreshIntervals = [0, 2000, 5000, 10000, 30000, 60000] as const;

export interface PreferencesState {
  theme: Theme;
  refreshIntervalMs: number;
}

export const initialPreferences: PreferencesState = { theme: 'system', refreshIntervalMs: 5000 };

export const preferencesSlice = createSlice({
  name: 'preferences',
  initialState: initialPreferences,
  reducers: {
    themeChosen(state, action: PayloadAction<Theme>) {
      state.theme = action.payload;
    },
    refreshIntervalChosen(state, action: PayloadAction<number>) {
      state.refreshIntervalMs = intIn(action.payload, refreshIntervals, state.refreshIntervalMs);
    },
  },
  selectors: {
    selectTheme: (state) => state.theme,
    selectRefreshIntervalMs: (state) => state.refreshIntervalMs,
  },
});

export const { themeChosen, refreshIntervalChosen } = preferencesSlice.actions;
export const { selectTheme, selectRefreshIntervalMs } = preferencesSlice.selectors;

export function preferencesFromStorage(raw: unknown): PreferencesState {
  if (!isRecord(raw)) return initialPreferences;
  return {
    theme: oneOf(raw.theme, themes, initialPreferences.theme),
    refreshIntervalMs: intIn(raw.refreshIntervalMs, refreshIntervals, initialPreferences.refreshIntervalMs),
  };
}
