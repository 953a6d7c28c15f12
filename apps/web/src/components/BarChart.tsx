import { useRef } from 'react';
import { useElementWidth } from '../lib/use-element-width';

export interface BarSegment {
  value: number;
  /** Tailwind fill class, e.g. `fill-emerald-500`. */
  fillClass: string;
}

export interface Bar {
  key: string;
  /**
   * Axis label under the bar; empty for none. Labels that would not fit side by side are thinned
   * out to every few (see `fitAxisLabels`), so a chart may label every bar.
   */
  axisLabel: string;
  /** Tooltip and screen-reader text for the bar. */
  title: string;
  /** Stacked bottom-up. */
  segments: BarSegment[];
}

interface BarChartProps {
  bars: Bar[];
  /** A one-sentence summary for screen readers. */
  label: string;
  formatValue: (value: number) => string;
  height?: number;
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`, so the axis reads 0, 5, 10 rather than 0, 3.5, 7. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** The width drawn at until the chart's box is measured, and if it measures 0 (as in a DOM without layout). */
const fallbackWidth = 640;
/** In CSS px as shown: the chart is drawn at the width it is shown at, never scaled down with the screen. */
const fontSize = 12;
/** A generous average advance of a label's characters (tabular digits take about 0.55 em). */
const charWidth = 0.6 * fontSize;
/** The least room between two axis labels, and between the value labels and the plot. */
const labelGap = 8;
const plotTop = 10;
const axisHeight = 20;
/** How many labelled bars apart the drawn axis labels are, tried in order: divisors of 24, so hours stay round. */
const labelSteps = [1, 2, 3, 4, 6, 8, 12, 24];

const textWidth = (text: string) => text.length * charWidth;

export interface AxisLabel {
  /** The label's centre. */
  x: number;
  text: string;
}

/**
 * The axis labels to draw, from all labels in axis order: every `step`-th, counted back from the
 * last so the latest bar always keeps its label, with the smallest step of `labelSteps` at which
 * no two drawn labels come closer than `labelGap`; the last label alone when none fits.
 */
export function fitAxisLabels<Label extends AxisLabel>(labels: Label[]): Label[] {
  for (const step of labelSteps) {
    const shown = labels.filter((_, index) => (labels.length - 1 - index) % step === 0);
    const apart = shown.every((label, index) => {
      const previous = shown[index - 1];
      if (!previous) return true;
      return label.x - previous.x >= (textWidth(previous.text) + textWidth(label.text)) / 2 + labelGap;
    });
    if (apart) return shown;
  }
  return labels.slice(-1);
}

/**
 * A small dependency-free SVG bar chart, as wide as its container. It is drawn at the width it is
 * shown at (one SVG unit is one CSS px), so its labels keep their size on a phone; a narrow chart
 * labels fewer bars instead.
 */
export function BarChart({ bars, label, formatValue, height = 180 }: BarChartProps) {
  const frame = useRef<HTMLDivElement>(null);
  const width = useElementWidth(frame, fallbackWidth);
  const plotHeight = height - plotTop - axisHeight;
  const totals = bars.map((bar) =>
    bar.segments.reduce((sum, segment) => sum + Math.max(0, segment.value), 0),
  );
  const max = niceCeiling(Math.max(...totals, 0));
  const ticks = [0, 0.5, 1].map((fraction) => ({ value: max * fraction, text: formatValue(max * fraction) }));
  const gutter = Math.ceil(Math.max(...ticks.map((tick) => textWidth(tick.text)))) + labelGap;
  const slot = (width - gutter) / Math.max(1, bars.length);
  const barWidth = Math.max(2, Math.min(32, slot * 0.7));
  const barX = (index: number) => gutter + index * slot + (slot - barWidth) / 2;
  const y = (value: number) => plotTop + plotHeight - (value / max) * plotHeight;
  const axisLabels = fitAxisLabels(
    bars.flatMap((bar, index) => {
      if (!bar.axisLabel) return [];
      const half = textWidth(bar.axisLabel) / 2;
      // Under its bar, moved in where it would be cut off at the right edge or run under the value labels.
      const x = Math.max(gutter + half, Math.min(width - half, barX(index) + barWidth / 2));
      return [{ key: bar.key, x, text: bar.axisLabel }];
    }),
  );
  return (
    <div ref={frame}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        fontSize={fontSize}
        className="h-auto w-full tabular-nums"
        role="img"
        aria-label={label}
      >
        {ticks.map((tick) => (
          <g key={tick.value}>
            <line
              x1={gutter}
              x2={width}
              y1={y(tick.value)}
              y2={y(tick.value)}
              className="stroke-slate-200 dark:stroke-slate-800"
              strokeDasharray={tick.value === 0 ? undefined : '3 3'}
            />
            {tick.text && (
              <text
                x={gutter - 6}
                y={y(tick.value) + 4}
                textAnchor="end"
                className="fill-slate-600 dark:fill-slate-300"
              >
                {tick.text}
              </text>
            )}
          </g>
        ))}
        {bars.map((bar, index) => {
          let base = 0;
          return (
            <g key={bar.key}>
              <title>{bar.title}</title>
              {/* A full-height transparent target so thin bars still show their tooltip. */}
              <rect
                x={gutter + index * slot}
                y={plotTop}
                width={slot}
                height={plotHeight}
                className="fill-transparent"
              />
              {bar.segments.map((segment, segmentIndex) => {
                const value = Math.max(0, segment.value);
                const top = y(base + value);
                const rect = (
                  <rect
                    key={segmentIndex}
                    x={barX(index)}
                    y={top}
                    width={barWidth}
                    height={Math.max(0, y(base) - top)}
                    rx={1.5}
                    className={segment.fillClass}
                  />
                );
                base += value;
                return rect;
              })}
            </g>
          );
        })}
        {axisLabels.map((axisLabel) => (
          <text
            key={axisLabel.key}
            x={axisLabel.x}
            y={height - 5}
            textAnchor="middle"
            className="fill-slate-600 dark:fill-slate-300"
          >
            {axisLabel.text}
          </text>
        ))}
      </svg>
    </div>
  );
}

export function ChartLegend({ items }: { items: { label: string; swatchClass: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-4 text-xs text-slate-500 dark:text-slate-400">
      {items.map((item) => (
        <li key={item.label} className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`size-2.5 rounded-sm ${item.swatchClass}`} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
