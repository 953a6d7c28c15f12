/** A scrape in the Prometheus text format: each series (`name{label="value"}`) to its value, each metric to its type. */
export interface Scrape {
  values: Map<string, number>;
  types: Map<string, string>;
  /** The value of a series, failing loudly when it is not exported at all. */
  value(series: string): number;
}

export function parseMetrics(text: string): Scrape {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return {
    values,
    types,
    value(series) {
      const value = values.get(series);
      if (value === undefined) throw new Error(`${series} is not in the scrape`);
      return value;
    },
  };
}

/** GETs a /metrics URL and parses it; fails unless 200. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return parseMetrics(text);
}
