/** The setup panel's allocator choices (the registry's kinds and presets) and their links. */
import { describe, expect, it } from 'vitest';
import { PARAMS, paramValues, specChoices, specName } from '../../engine/allocators/registry';
import { decodeUrl, DEFAULT_SETUP, encodeUrl, MAX_ALLOCATORS, type Setup } from '../url-state';

/** Every kind and preset issue 9 names (NTA's presets come from its own registry entry). */
const KERNEL_CHOICES = [
  'pow2',
  'slab:2.6.18-x86_64',
  'slab:2.6.18-x86_64-generic',
  'slab:2.6.18-i386',
  'slub:2.6.22',
  'slub:3.6-i386',
  'slub:6.6-x86_64',
  'buddy',
];

describe('allocator choices', () => {
  it("offer every kind and preset of the registry, NTA's presets first", () => {
    const names = specChoices().map(specName);
    expect(names.slice(0, 3)).toEqual(['nta:blog', 'nta:patch1', 'nta:patch2']);
    expect(names).toEqual(expect.arrayContaining(KERNEL_CHOICES));
  });

  it('a link round-trips any four of them side by side, with overrides', () => {
    const names = specChoices().map(specName);
    for (let i = 0; i + MAX_ALLOCATORS <= names.length; i++) {
      const allocators = specChoices().slice(i, i + MAX_ALLOCATORS);
      // An override of the first one's first parameter, at its preset's value on 2 CPUs (valid).
      const key = PARAMS[allocators[0].kind][0].key;
      const value = paramValues(allocators[0], 2)[key];
      allocators[0] = { ...allocators[0], overrides: { [key]: value } } as (typeof allocators)[0];
      const setup: Setup = { ...DEFAULT_SETUP, cpus: 2, allocators };
      const d = decodeUrl(encodeUrl(setup, 7));
      expect(d.errors).toEqual([]);
      expect(d.setup.allocators).toEqual(allocators);
      expect(d.op).toBe(7);
    }
  });
});
