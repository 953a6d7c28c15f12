// `--profile`: the product's processes run with --cpu-prof, and each profile
// is summarised here: self time by package (or part of this repository) and
// the hottest functions. Evidence for where a bottleneck is, not a fix.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Which package or repository part a script belongs to. */
function ownerOf(url) {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node core';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  const inRepo = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  if (inRepo) return inRepo[1];
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(file, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const totalUs = profile.endTime - profile.startTime;
  const samples = profile.samples.length || 1;
  const usPerSample = totalUs / samples;
  const byOwner = new Map();
  const byFunction = new Map();
  let idle = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += node.hitCount;
      continue;
    }
    const owner = ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + node.hitCount);
    const key = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''} [${owner}]`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
  }
  const busy = samples - idle;
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({
        name,
        self_ms: Math.round((hits * usPerSample) / 1000),
        busy_pct: Math.round((hits / busy) * 1000) / 10,
      }));
  return {
    file: path.basename(file),
    wall_ms: Math.round(totalUs / 1000),
    busy_ms: Math.round((busy * usPerSample) / 1000),
    by_owner: rank(byOwner),
    by_function: rank(byFunction),
  };
}

/** Summaries of every profile written to `dir`, keyed by the process's role (from the pid). */
export function summariseProfiles(dir, roles) {
  const out = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const pid = file.split('.')[3]; // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
    const role = Object.entries(roles).find(([, p]) => String(p) === pid)?.[0] ?? `pid ${pid}`;
    out[role] = summariseProfile(path.join(dir, file));
  }
  return out;
}
