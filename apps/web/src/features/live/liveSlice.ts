import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/**
 * The live event stream (SPEC §15): `live` while GET /api/events is open (pages update from its
 * events and do not poll), `polling` while it is not (pages poll at the refresh interval, and the
 * stream is tried again). Not persisted: every page load starts by connecting.
 */
export type LiveConnection = 'connecting' | 'live' | 'polling';

export const liveSlice = createSlice({
  name: 'live',
  initialState: { connection: 'connecting' as LiveConnection },
  reducers: {
    liveConnectionChanged(state, action: PayloadAction<LiveConnection>) {
      state.connection = action.payload;
    },
  },
  selectors: {
    selectLiveConnection: (state) => state.connection,
  },
});

export const { liveConnectionChanged } = liveSlice.actions;
export const { selectLiveConnection } = liveSlice.selectors;
