import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import { expect, test } from 'vitest';

// The benchmark harness (bench/run.mjs) on a tiny load, so it cannot rot: every
// section runs — ladder, lateness through the product and both peer designs,
// publisher tick cost — and the JSON line it ends with must hold sane numbers.
const root = repoRoot;

function runHarness(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'run.mjs'), '--smoke'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(
  'bench --smoke measures every section and ends with one sane JSON line',
  { timeout: 60_000 },
  async () => {
    const { code, stdout, stderr } = await runHarness();
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    const numeric = [
      'l0_per_s',
      'l1_per_s',
      'l2_per_s',
      'l2_over_l1',
      'single_p99_ms',
      'burst_n',
      'burst_p99_ms',
      'peer_schedulers_burst_p99_ms',
      'peer_delayed_burst_p99_ms',
      'peer_cron_burst_p99_ms',
      'duplicates',
      'missed',
      'idle_tick_ms',
    ];
    for (const key of numeric) {
      expect(Number.isFinite(result[key]), `${key} = ${String(result[key])}`).toBe(true);
    }
    const n = (key: string) => result[key] as number;

    expect(n('burst_n')).toBe(20);
    expect(n('duplicates')).toBe(0);
    expect(n('missed')).toBe(0);
    expect(n('peer_duplicates')).toBe(0);
    expect(n('peer_missed')).toBe(0);
    for (const key of ['l0_per_s', 'l1_per_s', 'l2_per_s', 'idle_tick_ms']) expect(n(key)).toBeGreaterThan(0);
    // Nothing fires before it is due, and on a tiny load nothing is seconds late.
    for (const key of [
      'single_p99_ms',
      'burst_p99_ms',
      'peer_schedulers_burst_p99_ms',
      'peer_cron_burst_p99_ms',
    ]) {
      expect(n(key)).toBeGreaterThanOrEqual(0);
      expect(n(key)).toBeLessThan(10_000);
    }
    expect(result.claim_uses_index).toBe(true);
    // The human-readable summary comes before the JSON line.
    expect(stdout).toContain('== summary');
  },
);
