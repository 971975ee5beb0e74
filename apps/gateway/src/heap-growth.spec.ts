import { describe, expect, it } from '@jest/globals';
import { heapGrowthFlag } from './heap-growth.js';

describe('heapGrowthFlag', () => {
  it('bounds heap growth unless the command line already chose a growing percent', () => {
    expect(heapGrowthFlag(['--enable-source-maps'])).toBe('--heap-growing-percent=50');
    expect(heapGrowthFlag(['--heap-growing-percent=100'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap_growing_percent=20'])).toBeUndefined();
  });
});
