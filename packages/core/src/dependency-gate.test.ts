import { describe, expect, it } from 'vitest';
import {
  type DependencyState,
  dependenciesNamedIn,
  dependencyDeletedNote,
  gateDecision,
} from './dependency-gate';

const dep = (latest: DependencyState['latest'], task_name = 'export'): DependencyState => ({
  id: '11111111-1111-4111-8111-111111111111',
  task_name,
  latest,
});

describe('gateDecision', () => {
  it.each([
    { name: 'all finished: open', deps: [dep('finish'), dep('finish')], kind: 'open' },
    { name: 'none at all: open', deps: [], kind: 'open' },
    { name: 'one running: wait', deps: [dep('finish'), dep('running')], kind: 'wait' },
    { name: 'one queued: wait', deps: [dep('queued')], kind: 'wait' },
    { name: 'one failed: skip', deps: [dep('finish'), dep('failed')], kind: 'skip' },
    { name: 'one never ran: skip', deps: [dep(null)], kind: 'skip' },
    { name: 'one expired: skip', deps: [dep('expired')], kind: 'skip' },
  ] as const)('$name', ({ deps, kind }) => {
    expect(gateDecision(deps, 0).kind).toBe(kind);
  });

  it('names the dependency that stopped it', () => {
    expect(gateDecision([dep('finish', 'a'), dep(null, 'nightly export')], 0)).toEqual({
      kind: 'skip',
      message:
        'DEPENDENCY_FAILED: "nightly export" (11111111-1111-4111-8111-111111111111) has never run; no request was made',
    });
  });

  it('names every dependency that stopped it, and the links read them all', () => {
    const other = {
      id: '22222222-2222-4222-8222-222222222222',
      task_name: 'import',
      latest: 'failed' as const,
    };
    const decision = gateDecision([dep(null, 'nightly export'), dep('finish', 'a'), other], 0);
    expect(decision).toEqual({
      kind: 'skip',
      message:
        'DEPENDENCY_FAILED: "nightly export" (11111111-1111-4111-8111-111111111111) has never run; "import" (22222222-2222-4222-8222-222222222222) its latest run ended failed; no request was made',
    });
    expect(decision.kind === 'skip' && dependenciesNamedIn(decision.message)).toEqual([
      { kind: 'failed', id: '11111111-1111-4111-8111-111111111111', task_name: 'nightly export' },
      { kind: 'failed', id: other.id, task_name: 'import' },
    ]);
  });

  it('skips once the wait is over', () => {
    const decision = gateDecision([dep('running')], 600_000);
    expect(decision.kind).toBe('skip');
    expect(decision.kind === 'skip' && decision.message).toMatch(
      /^DEPENDENCY_FAILED: .* still running after 600000 ms/,
    );
    expect(gateDecision([dep('running')], 599_999).kind).toBe('wait');
  });
});

describe('dependencyDeletedNote', () => {
  it('names the deleted dependency by name and id, and says the run went on without it', () => {
    expect(dependencyDeletedNote({ id: '11111111-1111-4111-8111-111111111111', task_name: 'export' })).toBe(
      'DEPENDENCY_DELETED: "export" (11111111-1111-4111-8111-111111111111) was deleted while this run waited for it; the run went on without it',
    );
  });
});

describe('dependenciesNamedIn', () => {
  const id = '11111111-1111-4111-8111-111111111111';
  it.each([
    [
      'a skip of the gate',
      gateDecision([dep('failed', 'nightly "export"')], 0),
      'failed',
      'nightly "export"',
    ],
    ['a wait that ran out', gateDecision([dep('running')], 600_000), 'failed', 'export'],
  ])('reads the dependency of %s', (_, decision, kind, name) => {
    expect(decision.kind === 'skip' && dependenciesNamedIn(decision.message)).toEqual([
      { kind, id, task_name: name },
    ]);
  });

  it('reads a deleted dependency kept after the message of the run’s end, and nothing from other messages', () => {
    const note = dependencyDeletedNote({ id, task_name: 'export' });
    expect(dependenciesNamedIn(`delivered: HTTP 200 — ${note}`)).toEqual([
      { kind: 'deleted', id, task_name: 'export' },
    ]);
    expect(dependenciesNamedIn('delivered: HTTP 200')).toEqual([]);
    expect(dependenciesNamedIn(null)).toEqual([]);
  });
});
