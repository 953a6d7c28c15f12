// A hand-written SVG of lateness distributions: one panel per scenario, one
// cumulative-distribution step line per design. No plotting dependency.

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];
const W = 380;
const H = 280;
const M = { left: 52, right: 14, top: 34, bottom: 44 };

const esc = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const fmt = (ms) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

function panel(p, x0) {
  // A logarithmic lateness axis, from a power of ten below the earliest
  // arrival to one above the latest, so designs an order of magnitude apart
  // stay readable side by side. Lateness under 1 ms is drawn at 1 ms.
  const all = p.series.flatMap((s) => s.values).map((v) => Math.max(1, v));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all, 10)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, lo * 10)));
  const decades = Math.log10(hi / lo);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (v) => x0 + M.left + (Math.log10(Math.max(lo, v) / lo) / decades) * pw;
  const sy = (f) => M.top + (1 - f) * ph;
  const out = [`<text x="${x0 + M.left}" y="18" font-size="13" font-weight="600">${esc(p.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const f = i / 4;
    out.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + pw}" y1="${sy(f)}" y2="${sy(f)}" stroke="#e5e7eb"/>`,
      `<text x="${x0 + M.left - 6}" y="${sy(f) + 4}" font-size="10" text-anchor="end">${f * 100}%</text>`,
    );
  }
  for (let decade = lo; decade <= hi; decade *= 10) {
    const x = sx(decade);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + ph}" stroke="#d1d5db"/>`,
      `<text x="${x}" y="${M.top + ph + 14}" font-size="10" text-anchor="middle">${fmt(decade)}</text>`,
    );
    for (const minor of [2, 5]) {
      if (decade * minor < hi) {
        const xm = sx(decade * minor);
        out.push(`<line x1="${xm}" x2="${xm}" y1="${M.top}" y2="${M.top + ph}" stroke="#f3f4f6"/>`);
      }
    }
  }
  out.push(
    `<rect x="${x0 + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${x0 + M.left + pw / 2}" y="${H - 8}" font-size="11" text-anchor="middle">lateness (arrival − due instant), log scale</text>`,
  );
  p.series.forEach((s, i) => {
    const sorted = [...s.values].sort((a, b) => a - b);
    const color = COLORS[i % COLORS.length];
    if (sorted.length > 0) {
      // Down-sample to at most ~400 steps: the shape, not every point.
      const stride = Math.max(1, Math.floor(sorted.length / 400));
      let d = `M${sx(sorted[0]).toFixed(1)},${sy(0).toFixed(1)}`;
      for (let k = 0; k < sorted.length; k += stride) {
        const f = (k + 1) / sorted.length;
        d += ` H${sx(sorted[k]).toFixed(1)} V${sy(f).toFixed(1)}`;
      }
      d += ` H${sx(sorted.at(-1)).toFixed(1)} V${sy(1).toFixed(1)}`;
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    }
    const ly = M.top + 16 + i * 14; // top left: where a CDF has not risen yet
    const lx = x0 + M.left + 8;
    out.push(
      `<line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 18}" y="${ly}" font-size="10">${esc(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

/** @param {{ title: string, series: { label: string, values: number[] }[] }[]} panels */
export function cdfSvg(panels, caption) {
  const width = W * panels.length;
  const height = H + 22;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels.map((p, i) => panel(p, i * W)),
    `<text x="8" y="${height - 6}" font-size="10" fill="#6b7280">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
