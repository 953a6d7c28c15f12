import { useEffect } from 'react';
import { useAppSelector } from '../../app/hooks';
import { selectTheme, type Theme } from './preferencesSlice';

function applyTheme(theme: Theme): void {
  const dark =
    theme === 'dark' || (theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
}

/** Keeps the `dark` class on <html> in line with the preference (and the OS, for "system"). */
export function useTheme(): void {
  const theme = useAppSelector(selectTheme);
  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => applyTheme(theme);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [theme]);
}
