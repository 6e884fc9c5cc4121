/**
 * The kmalloc caches of each preset against Linux 2.6.18: the size table against the kernel's
 * own header, and the slab geometry and tunables against a real /proc/slabinfo of the time.
 */
import { describe, expect, it } from 'vitest';
import { kmallocCaches, kmallocSizes, slabHeaderBytes } from './caches';
import { slabinfoLine } from './slabinfo';
import { makeSlab } from './test-driver';

/**
 * include/linux/kmalloc_sizes.h of Linux v2.6.18, lines 1-35 (the whole file), verbatim.
 * Each CACHE(x) line is one "size-x" general cache (mm/slab.c: malloc_sizes[], cache_names[]).
 */
const KMALLOC_SIZES_H = `#if (PAGE_SIZE == 4096)
	CACHE(32)
#endif
	CACHE(64)
#if L1_CACHE_BYTES < 64
	CACHE(96)
#endif
	CACHE(128)
#if L1_CACHE_BYTES < 128
	CACHE(192)
#endif
	CACHE(256)
	CACHE(512)
	CACHE(1024)
	CACHE(2048)
	CACHE(4096)
	CACHE(8192)
	CACHE(16384)
	CACHE(32768)
	CACHE(65536)
	CACHE(131072)
#if (NR_CPUS > 512) || (MAX_NUMNODES > 256) || !defined(CONFIG_MMU)
	CACHE(262144)
#endif
#ifndef CONFIG_MMU
	CACHE(524288)
	CACHE(1048576)
#ifdef CONFIG_LARGE_ALLOCS
	CACHE(2097152)
	CACHE(4194304)
	CACHE(8388608)
	CACHE(16777216)
	CACHE(33554432)
#endif /* CONFIG_LARGE_ALLOCS */
#endif /* CONFIG_MMU */`;

/**
 * The C preprocessor on that file, for an x86 build: PAGE_SIZE 4096, an MMU, no
 * CONFIG_LARGE_ALLOCS, NR_CPUS and MAX_NUMNODES at their Kconfig maxima for 2.6.18 x86
 * (255 and 64), and the build's L1_CACHE_BYTES.
 */
function preprocess(text: string, l1: number): number[] {
  const macros: Record<string, number> = { PAGE_SIZE: 4096, L1_CACHE_BYTES: l1, NR_CPUS: 255, MAX_NUMNODES: 64 };
  const defined = new Set<string>(['CONFIG_MMU']);
  const cond = (e: string): boolean => {
    const js = e
      .replace(/!defined\((\w+)\)/g, (_, m: string) => String(!defined.has(m)))
      .replace(/\b[A-Z][A-Z0-9_]*\b/g, (m) => {
        if (!(m in macros)) throw new Error(`unknown macro ${m}`);
        return String(macros[m]);
      });
    if (!/^[\d\s<>=()|&!truefals]+$/.test(js)) throw new Error(`cannot evaluate ${e}`);
    return Boolean(new Function(`return ${js};`)());
  };
  const live: boolean[] = [];
  const sizes: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    const on = live.every(Boolean);
    let m: RegExpExecArray | null;
    if ((m = /^#if (.*)$/.exec(t))) live.push(on && cond(m[1]));
    else if ((m = /^#ifdef (\w+)/.exec(t))) live.push(defined.has(m[1]));
    else if ((m = /^#ifndef (\w+)/.exec(t))) live.push(!defined.has(m[1]));
    else if (t.startsWith('#endif')) live.pop();
    else if ((m = /^CACHE\((\d+)\)$/.exec(t)) && on) sizes.push(Number(m[1]));
  }
  return sizes;
}

describe('size-N classes: include/linux/kmalloc_sizes.h of v2.6.18', () => {
  it.each([
    ['2.6.18-x86_64', 64, [32, 64, 128, 192, 256]],
    ['2.6.18-x86_64-generic', 128, [32, 64, 128, 256]],
    ['2.6.18-i386', 32, [32, 64, 96, 128, 192, 256]],
  ] as const)('%s (L1_CACHE_BYTES %i) has the header sizes, the small ones %j', (preset, l1, small) => {
    const fromHeader = preprocess(KMALLOC_SIZES_H, l1);
    expect(fromHeader.filter((s) => s <= 256)).toEqual(small);
    expect(fromHeader.at(-1)).toBe(131072);
    expect(kmallocSizes(l1)).toEqual(fromHeader);
    const a = makeSlab(preset, 1);
    expect(a.caches.map((c) => c.csSize)).toEqual(fromHeader);
    expect(a.caches.map((c) => c.name)).toEqual(fromHeader.map((s) => `size-${s}`));
  });

  it('hands out the object size of the smallest class that fits', () => {
    const x86 = makeSlab('2.6.18-x86_64', 1),
      i386 = makeSlab('2.6.18-i386', 1);
    expect([1, 32, 33, 65, 96, 97, 129, 193, 4097, 131072].map((n) => x86.handedOut(n))).toEqual([
      32, 32, 64, 128, 128, 128, 192, 256, 8192, 131072,
    ]);
    expect([65, 96, 97, 129, 193].map((n) => i386.handedOut(n))).toEqual([96, 96, 128, 192, 256]);
    expect([0, -1, 131073].map((n) => x86.handedOut(n))).toEqual([0, 0, 0]);
  });
});

/**
 * /proc/slabinfo of an x86_64 SLAB kernel of December 2006 (posted to linux-kernel, "Re: Ext3
 * Errors...", Jim van Wel, 9 Dec 2006, Message-ID
 * <16096.62.194.65.8.1165661845.squirrel@webmail.coolzero.info>): its general caches, objsize,
 * objperslab, pagesperslab and the tunables limit, batchcount, sharedfactor. It has size-192 and
 * no size-96: L1_CACHE_BYTES 64, as the 2.6.18-x86_64 preset.
 */
const SLABINFO_2006 = `size-131072 131072 1 32 8 4 0
size-65536 65536 1 16 8 4 0
size-32768 32768 1 8 8 4 0
size-16384 16384 1 4 8 4 0
size-8192 8192 1 2 8 4 0
size-4096 4096 1 1 24 12 8
size-2048 2048 2 1 24 12 8
size-1024 1024 4 1 54 27 8
size-512 512 8 1 54 27 8
size-256 256 15 1 120 60 8
size-192 192 20 1 120 60 8
size-128 128 30 1 120 60 8
size-64 64 59 1 120 60 8
size-32 32 112 1 120 60 8`;

describe('slab geometry and tunables (kmem_cache_create, calculate_slab_order, enable_cpucache)', () => {
  it('2.6.18-x86_64 prints the slabinfo of a real x86_64 machine of 2006', () => {
    const a = makeSlab('2.6.18-x86_64', 2);
    for (const line of SLABINFO_2006.split('\n')) {
      const [name, ...n] = line.split(' ');
      const r = a.slabinfo().find((x) => x.name === name);
      expect([r?.objSize, r?.objPerSlab, r?.pagesPerSlab, r?.limit, r?.batchcount, r?.sharedFactor]).toEqual(
        n.map(Number),
      );
    }
    expect(slabinfoLine(a.slabinfo()[3])).toBe(
      'size-192               0      0    192   20    1 : tunables  120   60    8 : slabdata      0      0      0',
    );
  });

  it('i386 (32-byte lines, 4-byte words): on-slab management, colours and off-slab caches as derived', () => {
    // Derived from cache_estimate with sizeof(struct slab) = 28: num = (4096 - 28) / (size + 4),
    // less one when ALIGN(28 + 4 num, 32) + num * size > 4096; colour = left-over / 32.
    expect(slabHeaderBytes(4)).toBe(28);
    expect(slabHeaderBytes(8)).toBe(48);
    const got = kmallocCaches({ l1Bytes: 32, lineBytes: 32, wordBytes: 4, cpus: 1 }).map((c) => [
      c.name,
      c.num,
      c.offSlab ? -1 : c.slabSize,
      c.colour,
      c.mgmtCache,
    ]);
    expect(got.slice(0, 10)).toEqual([
      ['size-32', 113, 480, 0, -1],
      ['size-64', 59, 288, 1, -1],
      ['size-96', 40, 192, 2, -1],
      ['size-128', 30, 160, 3, -1],
      ['size-192', 20, 128, 4, -1],
      ['size-256', 15, 96, 5, -1],
      ['size-512', 8, -1, 0, 1], // 28 + 8 * 4 = 60 bytes of management: size-64
      ['size-1024', 4, -1, 0, 1],
      ['size-2048', 2, -1, 0, 1],
      ['size-4096', 1, -1, 0, 0], // 32 bytes: size-32
    ]);
  });

  it('free_limit = (1 + online CPUs at its last update) * batchcount + num: n * batchcount + num from 2 CPUs on', () => {
    const limit = (cpus: number) =>
      kmallocCaches({ l1Bytes: 64, lineBytes: 64, wordBytes: 8, cpus }).find((c) => c.name === 'size-128')?.freeLimit;
    expect([1, 2, 3, 4, 64].map(limit)).toEqual([150, 150, 210, 270, 3870]);
  });

  it('x86_64-generic (128-byte lines): size-128 fills its page, size-256 has one colour of 128 bytes', () => {
    const c = kmallocCaches({ l1Bytes: 128, lineBytes: 128, wordBytes: 8, cpus: 1 });
    expect(c[2]).toMatchObject({ name: 'size-128', align: 128, num: 30, slabSize: 256, leftOver: 0, colour: 0 });
    expect(c[3]).toMatchObject({ name: 'size-256', num: 15, slabSize: 128, leftOver: 128, colour: 1, colourOff: 128 });
  });
});
