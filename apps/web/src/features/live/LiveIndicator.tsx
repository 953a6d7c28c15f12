import { useAppSelector } from '../../app/hooks';
import { selectRefreshIntervalMs } from '../settings/preferencesSlice';
import { selectLiveConnection } from './liveSlice';

/** Says whether pages update live or poll (and how often) while the event stream is away. */
export function LiveIndicator() {
  const connection = useAppSelector(selectLiveConnection);
  const intervalMs = useAppSelector(selectRefreshIntervalMs);
  const polling = intervalMs > 0 ? `polling every ${Math.round(intervalMs / 1000)} s` : 'not refreshing';
  const [label, title, tone] =
    connection === 'live'
      ? ['Live', 'Pages update as things happen.', 'bg-emerald-400/15 text-emerald-300 ring-emerald-400/30']
      : connection === 'connecting'
        ? ['Connecting…', 'Opening the live updates.', 'bg-slate-400/15 text-slate-300 ring-slate-400/30']
        : [
            `Offline: ${polling}`,
            'Live updates are disconnected; pages refresh on a timer until they come back.',
            'bg-amber-400/15 text-amber-300 ring-amber-400/30',
          ];
  return (
    <span
      role="status"
      title={title}
      className={`rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${tone}`}
      data-live={connection}
    >
      {label}
    </span>
  );
}
