import { budgetExceeded, waveSizes } from './rollout-plan.js';

describe('wave sizes', () => {
  it.each([
    [[], 10, [10]],
    [[1, 10, '25%'], 100, [1, 10, 25, 64]],
    [[1, 10, '25%'], 5, [1, 4]],
    [['1%'], 7, [1, 6]],
    [['50%', '50%'], 3, [2, 1]],
    [[3], 3, [3]],
    [[5], 0, [0]],
    [['100%'], 4, [4]],
  ] as const)('%j of %i tenants -> %j', (specs, total, sizes) => {
    const got = waveSizes(specs, total);
    expect(got).toEqual(sizes);
    expect(got.reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('failure budget', () => {
  it('max_failed: pauses when more than N failed', () => {
    expect(budgetExceeded({ max_failed: 0 }, { failed: 0, ended: 5 })).toBeUndefined();
    expect(budgetExceeded({ max_failed: 0 }, { failed: 1, ended: 5 })).toBe('failure budget exceeded: 1 tenant(s) failed, at most 0 allowed');
    expect(budgetExceeded({ max_failed: 2 }, { failed: 2, ended: 2 })).toBeUndefined();
    expect(budgetExceeded({ max_failed: 2 }, { failed: 3, ended: 9 })).toBeDefined();
  });

  it('max_failed_percent: computed on the ended tenants', () => {
    expect(budgetExceeded({ max_failed_percent: 10 }, { failed: 0, ended: 0 })).toBeUndefined();
    expect(budgetExceeded({ max_failed_percent: 10 }, { failed: 1, ended: 10 })).toBeUndefined();
    expect(budgetExceeded({ max_failed_percent: 10 }, { failed: 2, ended: 10 })).toBe(
      'failure budget exceeded: 2 of 10 ended tenant(s) failed (20%), at most 10% allowed',
    );
    expect(budgetExceeded({ max_failed_percent: 50 }, { failed: 1, ended: 1 })).toBeDefined();
    expect(budgetExceeded({ max_failed_percent: 100 }, { failed: 7, ended: 7 })).toBeUndefined();
  });
});
