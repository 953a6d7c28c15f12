/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { render } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Bar, BarChart, fitAxisLabels, niceCeiling } from './BarChart';

// Read from disk: Vitest empties CSS imports, even `?raw` ones.
const theme = readFileSync(createRequire(import.meta.url).resolve('tailwindcss/theme.css'), 'utf8');

describe('chart axis', () => {
  it('rounds the top of the axis up to a readable value', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(20)).toBe(20);
    expect(niceCeiling(981)).toBe(1000);
    expect(niceCeiling(1530)).toBe(2000);
    expect(niceCeiling(0.4)).toBeCloseTo(0.5);
  });
});

describe('axis labels that fit', () => {
  /** Labels like `09:00` (5 characters), `spacing` px apart from x = 20. */
  const hourly = (count: number, spacing: number) =>
    Array.from({ length: count }, (_, index) => ({
      x: 20 + index * spacing,
      text: `${String(index).padStart(2, '0')}:00`,
    }));
  const drawn = (labels: { text: string }[]) => labels.map((label) => label.text.slice(0, 2)).join(' ');

  it.each([
    { case: 'every label when they are far apart', labels: hourly(4, 60), expected: '00 01 02 03' },
    { case: 'every second on a desktop-wide chart', labels: hourly(6, 28), expected: '01 03 05' },
    { case: 'every fourth on a phone', labels: hourly(24, 12.5), expected: '03 07 11 15 19 23' },
    { case: 'every sixth on a narrower phone', labels: hourly(24, 9), expected: '05 11 17 23' },
    { case: 'the last alone when even two would touch', labels: hourly(2, 20), expected: '01' },
    { case: 'none of none', labels: [], expected: '' },
  ])('$case', ({ labels, expected }) => {
    expect(drawn(fitAxisLabels(labels))).toBe(expected);
  });
});

describe('chart width', () => {
  afterEach(() => vi.restoreAllMocks());

  const hours: Bar[] = Array.from({ length: 24 }, (_, hour) => ({
    key: String(hour),
    axisLabel: `${String(hour).padStart(2, '0')}:00`,
    title: `hour ${hour}`,
    segments: [{ value: hour, fillClass: 'fill-emerald-500' }],
  }));
  const renderHours = () =>
    render(createElement(BarChart, { bars: hours, label: 'Executions per hour', formatValue: String }));

  it('is drawn at the width it is shown at, one unit a pixel, with fewer hours labelled on a phone', () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 0, 320, 0));
    const { getByRole } = renderHours();
    const chart = getByRole('img', { name: 'Executions per hour' });
    expect(chart).toHaveAttribute('viewBox', '0 0 320 180');
    const hourLabels = [...chart.querySelectorAll('text')]
      .map((text) => text.textContent ?? '')
      .filter((text) => text.endsWith(':00'));
    expect(hourLabels).toEqual(['05:00', '11:00', '17:00', '23:00']);
  });

  it('is drawn, named, at a default width while its box measures 0 (before layout, or hidden)', () => {
    const { getByRole } = renderHours();
    expect(getByRole('img', { name: 'Executions per hour' })).toHaveAttribute('viewBox', '0 0 640 180');
  });
});

/** Relative luminance (WCAG) of a Tailwind palette colour such as `slate-600`, read from Tailwind's own theme. */
function luminance(color: string): number {
  const value = new RegExp(`--color-${color}:\\s*([^;]+);`).exec(theme)?.[1]?.trim();
  if (value === '#fff') return 1;
  const match = /^oklch\(([\d.]+)% ([\d.]+) ([\d.]+)\)$/.exec(value ?? '');
  if (!match) throw new Error(`No oklch() colour --color-${color} in Tailwind's theme (found ${value}).`);
  const [lightness, chroma, hue] = match.slice(1).map(Number) as [number, number, number];
  // OKLCH → OKLab → linear sRGB (Björn Ottosson's matrices), clamped to the sRGB gamut.
  const L = lightness / 100;
  const a = chroma * Math.cos((hue * Math.PI) / 180);
  const b = chroma * Math.sin((hue * Math.PI) / 180);
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const clamp = (channel: number) => Math.min(1, Math.max(0, channel));
  const red = clamp(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s);
  const green = clamp(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s);
  const blue = clamp(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s);
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

function contrast(foreground: string, background: string): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

describe('chart labels', () => {
  it('meet WCAG AA contrast (4.5:1) on the white card and on the dark theme slate-900 card', () => {
    const { container } = render(
      createElement(BarChart, {
        bars: [
          { key: 'a', axisLabel: '09:00', title: 'a', segments: [{ value: 3, fillClass: 'fill-rose-500' }] },
        ],
        label: 'A chart',
        formatValue: String,
      }),
    );
    const labels = [...container.querySelectorAll('text')];
    // The three value ticks and the one axis label.
    expect(labels.map((label) => label.textContent)).toEqual(['0', '2.5', '5', '09:00']);
    for (const label of labels) {
      const classes = label.getAttribute('class')?.split(' ') ?? [];
      const lightFill = classes.find((name) => name.startsWith('fill-'))?.slice('fill-'.length);
      const darkFill = classes.find((name) => name.startsWith('dark:fill-'))?.slice('dark:fill-'.length);
      expect(lightFill, `a fill colour on "${label.textContent}"`).toBeDefined();
      expect(contrast(lightFill ?? '', 'white')).toBeGreaterThanOrEqual(4.5);
      expect(contrast(darkFill ?? lightFill ?? '', 'slate-900')).toBeGreaterThanOrEqual(4.5);
    }
  });
});
