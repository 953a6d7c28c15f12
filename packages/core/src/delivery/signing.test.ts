import { describe, expect, it } from 'vitest';
import { SECRET_OVERLAP_MS, signingSecrets } from './signing';

const rotatedAt = new Date('2026-01-01T12:00:00Z');
const after = (ms: number) => new Date(rotatedAt.getTime() + ms);

describe('signingSecrets', () => {
  it.each([
    ['never rotated: its one secret', null, null, after(0), ['whsec_new']],
    [
      'just rotated: both, the new one first',
      'whsec_old',
      rotatedAt,
      after(1000),
      ['whsec_new', 'whsec_old'],
    ],
    [
      'a minute before the 24 h end: both',
      'whsec_old',
      rotatedAt,
      after(SECRET_OVERLAP_MS - 60_000),
      ['whsec_new', 'whsec_old'],
    ],
    [
      '24 h after the rotation: the new one alone',
      'whsec_old',
      rotatedAt,
      after(SECRET_OVERLAP_MS),
      ['whsec_new'],
    ],
    ['days later: the new one alone', 'whsec_old', rotatedAt, after(3 * SECRET_OVERLAP_MS), ['whsec_new']],
  ])('%s', (_what, previous, at, now, expected) => {
    expect(
      signingSecrets(
        { signing_secret: 'whsec_new', previous_signing_secret: previous, secret_rotated_at: at },
        now,
      ),
    ).toEqual(expected);
  });
});
