import { describe, expect, it } from 'vitest';
import { MAX_COARSE, MOVING_BUDGET_MS, nextCoarseness } from './map-painter';

describe('nextCoarseness(ms, q)', () => {
  it('keeps a moving frame near its budget: coarser after a slow frame, finer after a fast one', () => {
    expect(nextCoarseness(MOVING_BUDGET_MS / 2, 1)).toBe(1);
    expect(nextCoarseness(MOVING_BUDGET_MS * 1.5, 1)).toBe(2);
    expect(nextCoarseness(MOVING_BUDGET_MS * 0.9, 2)).toBe(2); // 1.8 budgets at full width
    expect(nextCoarseness(MOVING_BUDGET_MS * 0.3, 3)).toBe(1);
    expect(nextCoarseness(MOVING_BUDGET_MS * 50, 1)).toBe(MAX_COARSE);
  });
});
