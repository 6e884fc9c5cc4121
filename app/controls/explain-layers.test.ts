import { describe, expect, it } from 'vitest';
import type { FailureExplanation } from '../../engine/core/explain';
import { explanationLayers, legendOf, LARGEST_RGB, REASON_RGB } from './explain-layers';

const e: FailureExplanation = {
  label: 'NTA (blog)',
  cpu: 0,
  bytes: 300,
  rounded: 320,
  sizeClass: '10 chunks',
  largest: [
    { address: 9000, bytes: 224 },
    { address: 1000, bytes: 96 },
  ],
  unusable: [
    { reason: 'pending-remote', bytes: 4096, spans: [{ address: 4096, bytes: 4096 }], truncated: false },
    { reason: 'other-cpus', bytes: 8192, spans: [{ address: 16384, bytes: 8192 }], truncated: false },
  ],
  refused: null,
  paragraph: '',
};

describe('a failure explanation as overlay layers', () => {
  it('tints each reason and outlines the largest runs last, sorted by address with their sizes', () => {
    const layers = explanationLayers(e);
    expect(layers.map((l) => [l.name, l.style])).toEqual([
      ['pending-remote', 'tint'],
      ['other-cpus', 'tint'],
      ['largest-free', 'outline'],
    ]);
    expect(Array.from(layers[0].ranges)).toEqual([4096, 4096]);
    expect(layers[0].rgb).toBe(REASON_RGB['pending-remote']);
    expect(Array.from(layers[2].ranges)).toEqual([1000, 96, 9000, 224]);
    expect(layers[2].labels).toEqual(['96 B', '224 B']);
    expect(layers[2].rgb).toBe(LARGEST_RGB);
  });

  it('the legend names what is shown, with the bytes of each reason', () => {
    expect(legendOf(e).map((r) => r.text)).toEqual([
      'its largest free blocks (outlined, sized)',
      '4,096 B waits in its remote-free queue',
      "8,192 B is free on other CPUs' memory",
    ]);
    expect(legendOf({ ...e, largest: [], unusable: [] })).toEqual([]);
  });
});
