import { describe, expect, it } from 'vitest';
import { niceCeiling } from './BarChart';

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
