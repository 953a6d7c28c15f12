import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every second, so a relative time ("in 3 seconds") is never more
 * than a second stale: data refreshes every few seconds, and a clock slower than that would show
 * "in 10 seconds" for a run one second away.
 */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
