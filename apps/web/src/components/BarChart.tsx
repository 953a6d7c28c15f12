export interface BarSegment {
  value: number;
  /** Tailwind fill class, e.g. `fill-emerald-500`. */
  fillClass: string;
}

export interface Bar {
  key: string;
  /** Axis label under the bar; empty to skip (dense charts label every few bars). */
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

const width = 640;
const plotTop = 8;
const axisHeight = 18;
const gutter = 44;

/** A small dependency-free SVG bar chart; it scales to its container's width. */
export function BarChart({ bars, label, formatValue, height = 180 }: BarChartProps) {
  const plotHeight = height - plotTop - axisHeight;
  const totals = bars.map((bar) =>
    bar.segments.reduce((sum, segment) => sum + Math.max(0, segment.value), 0),
  );
  const max = niceCeiling(Math.max(...totals, 0));
  const slot = (width - gutter) / Math.max(1, bars.length);
  const barWidth = Math.max(2, Math.min(32, slot * 0.7));
  const y = (value: number) => plotTop + plotHeight - (value / max) * plotHeight;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full" role="img" aria-label={label}>
      {[0, 0.5, 1].map((fraction) => (
        <g key={fraction}>
          <line
            x1={gutter}
            x2={width}
            y1={y(max * fraction)}
            y2={y(max * fraction)}
            className="stroke-slate-200 dark:stroke-slate-800"
            strokeDasharray={fraction === 0 ? undefined : '3 3'}
          />
          <text
            x={gutter - 6}
            y={y(max * fraction) + 4}
            textAnchor="end"
            className="fill-slate-600 text-[10px] dark:fill-slate-300"
          >
            {formatValue(max * fraction)}
          </text>
        </g>
      ))}
      {bars.map((bar, index) => {
        const x = gutter + index * slot + (slot - barWidth) / 2;
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
                  x={x}
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
            {bar.axisLabel && (
              <text
                x={x + barWidth / 2}
                y={height - 4}
                textAnchor="middle"
                className="fill-slate-600 text-[10px] dark:fill-slate-300"
              >
                {bar.axisLabel}
              </text>
            )}
          </g>
        );
      })}
    </svg>
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
