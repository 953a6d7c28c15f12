import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { cardClass, hintClass, inputClass, labelClass } from '../../components/ui';
import {
  refreshIntervalChosen,
  refreshIntervals,
  selectRefreshIntervalMs,
  selectTheme,
  themeChosen,
  themes,
  type Theme,
} from './preferencesSlice';

const themeLabel: Record<Theme, string> = { system: 'Same as the system', light: 'Light', dark: 'Dark' };

function intervalLabel(ms: number): string {
  if (ms === 0) return 'Off';
  return ms < 60_000
    ? `Every ${ms / 1000} seconds`
    : `Every ${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
}

export function PreferencesForm() {
  const dispatch = useAppDispatch();
  const theme = useAppSelector(selectTheme);
  const refreshIntervalMs = useAppSelector(selectRefreshIntervalMs);
  return (
    <section className={`${cardClass} p-5`} aria-labelledby="preferences-title">
      <h2 id="preferences-title" className="text-base font-semibold">
        Preferences
      </h2>
      <div className="mt-4 space-y-4">
        <fieldset>
          <legend className={labelClass}>Theme</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {themes.map((value) => (
              <label key={value} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="theme"
                  value={value}
                  checked={theme === value}
                  onChange={() => dispatch(themeChosen(value))}
                  className="accent-indigo-600"
                />
                {themeLabel[value]}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="refresh-interval" className={labelClass}>
            Refresh open pages
          </label>
          <select
            id="refresh-interval"
            className={`${inputClass} mt-1 sm:w-60`}
            value={refreshIntervalMs}
            onChange={(event) => dispatch(refreshIntervalChosen(Number(event.target.value)))}
          >
            {refreshIntervals.map((ms) => (
              <option key={ms} value={ms}>
                {intervalLabel(ms)}
              </option>
            ))}
          </select>
          <p className={hintClass}>Pages refetch while this tab is visible.</p>
        </div>
      </div>
    </section>
  );
}
