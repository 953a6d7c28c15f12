import { useAppSelector } from '../../app/hooks';
import { selectLiveConnection } from '../live/liveSlice';
import { selectRefreshIntervalMs } from './preferencesSlice';

/**
 * RTK Query subscription options for a page that refreshes itself while open and visible: from
 * live events while the stream is open, by polling only while it is not.
 */
export function useRefreshOptions(): { pollingInterval: number; skipPollingIfUnfocused: boolean } {
  const intervalMs = useAppSelector(selectRefreshIntervalMs);
  const live = useAppSelector(selectLiveConnection) === 'live';
  return { pollingInterval: live ? 0 : intervalMs, skipPollingIfUnfocused: true };
}
