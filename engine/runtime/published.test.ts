import { describe, expect, it } from 'vitest';
import { createPublished, generationOf, nextGeneration, publishedViews, publishOp, readPublished } from './published';

describe('the published header', () => {
  it('a publish bumps the generation with its op and playing flag', () => {
    const v = publishedViews(createPublished(true));
    expect(readPublished(v)).toEqual({ generation: 0, op: 0, playing: false });
    expect(publishOp(v, 2 ** 33 + 1, true)).toBe(1);
    expect(readPublished(v)).toEqual({ generation: 1, op: 2 ** 33 + 1, playing: true });
  });

  it('nextGeneration resolves at the next publish (at once when one came since), and is null unshared', async () => {
    const v = publishedViews(createPublished(true));
    let woke = false;
    const next = nextGeneration(v, generationOf(v));
    void next?.then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(woke).toBe(false);
    publishOp(v, 7, false);
    await next;
    expect(woke).toBe(true);
    await expect(nextGeneration(v, 0)).resolves.toBeUndefined();
    expect(nextGeneration(publishedViews(createPublished(false)), 0)).toBeNull();
  });
});
