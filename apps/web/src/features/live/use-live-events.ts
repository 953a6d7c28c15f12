import { fetchEventSource } from '@microsoft/fetch-event-source';
import { useEffect } from 'react';
import { api, liveEventTags } from '../../app/api';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { normalizeApiUrl } from '../settings/settingsSlice';
import { liveConnectionChanged } from './liveSlice';

/** How long after a lost stream it is tried again (pages poll meanwhile). */
const RETRY_MS = 3000;

class StreamEnded extends Error {}

/**
 * Keeps GET /api/events open with the saved key (a fetch-based client: the browser's EventSource
 * cannot send X-API-KEY) and refreshes what each event changed. While it is not open, pages poll.
 */
export function useLiveEvents(): void {
  const dispatch = useAppDispatch();
  const { apiUrl, apiKey } = useAppSelector((state) => state.settings);
  useEffect(() => {
    if (!apiKey) {
      dispatch(liveConnectionChanged('polling'));
      return;
    }
    const abort = new AbortController();
    dispatch(liveConnectionChanged('connecting'));
    void fetchEventSource(`${normalizeApiUrl(apiUrl)}/api/events`, {
      headers: { 'X-API-KEY': apiKey },
      signal: abort.signal,
      // The global fetch as it is at each call (the library would keep window.fetch from its start).
      fetch: (input, init) => fetch(input, init),
      // Hidden tabs keep listening: nothing polls then either, and the page is current when shown.
      openWhenHidden: true,
      onopen: async (response) => {
        if (!response.ok) throw new StreamEnded(`GET /api/events answered ${response.status}`);
        dispatch(liveConnectionChanged('live'));
        // What changed while the stream was down is read once, now.
        dispatch(api.util.invalidateTags(['Task', 'Log', 'Run', 'Stats']));
      },
      onmessage: (message) => {
        if (!message.event || !message.data) return;
        try {
          const data = JSON.parse(message.data) as Record<string, unknown>;
          dispatch(api.util.invalidateTags(liveEventTags(message.event, data)));
        } catch {
          // Not an event of ours.
        }
      },
      onclose: () => {
        throw new StreamEnded('the API ended the stream');
      },
      onerror: () => {
        dispatch(liveConnectionChanged('polling'));
        return RETRY_MS;
      },
    }).catch(() => undefined);
    return () => abort.abort();
  }, [apiUrl, apiKey, dispatch]);
}
