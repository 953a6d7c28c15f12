import { useAppSelector } from '../../app/hooks';
import { selectRefreshIntervalMs } from './preferencesSlice';

/** RTK Query subscription options for a page that refreshes itself while open and visible. */
export function useRefreshOptions(): { pollingInterval: number; skipPollingIfUnfocused: boolean } {
  const pollingInterval = useAppSelector(selectRefreshIntervalMs);
  return { pollingInterval, skipPollingIfUnfocused: true };
}
