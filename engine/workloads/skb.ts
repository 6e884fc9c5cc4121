/**
 * skb sizing: the bytes the Linux network stack asks the memory allocator for, per kernel
 * era. One home for these constants; each names the file it was read in (addresses in
 * docs/sources.md). NTA replaced the kmalloc of an skb's DATA area (the head stayed in its
 * SLAB cache), so the model issues the data requests only.
 *
 * Linux 2.6.18 (include/linux/skbuff.h, net/core/skbuff.c):
 * - SKB_DATA_ALIGN(X) rounds X up to SMP_CACHE_BYTES (the L1 line).
 * - __alloc_skb(size): size = SKB_DATA_ALIGN(size); kmalloc(size + sizeof(struct skb_shared_info)).
 * - dev_alloc_skb(len) and __netdev_alloc_skb(dev, len): alloc_skb(len + NET_SKB_PAD), NET_SKB_PAD 16.
 * - NET_IP_ALIGN 2 (the generic default; x86 set it to 0 later).
 * - struct skb_shared_info: dataref, nr_frags, gso_size, gso_segs, gso_type, ip6_frag_id,
 *   frag_list, frags[MAX_SKB_FRAGS = 65536 / PAGE_SIZE + 2 = 18]. Derived: 312 bytes on x86_64
 *   (a 16-byte skb_frag_t), 164 on i386 (8 bytes).
 * - SMP_CACHE_BYTES: x86_64 64 with CONFIG_MK8 (K8, the Opteron of 2006), 128 with GENERIC_CPU
 *   or MPSC (arch/x86_64/Kconfig X86_L1_CACHE_BYTES); i386 32 with M686 / Pentium II-III
 *   (arch/i386/Kconfig X86_L1_CACHE_SHIFT 5), 128 with X86_GENERIC or Pentium 4. The eras below
 *   take K8 and M686; `line` overrides it.
 *
 * Linux 6.6 (include/linux/skbuff.h, net/core/skbuff.c, arch/x86/include/asm/processor.h):
 * - NET_SKB_PAD = max(32, L1_CACHE_BYTES) = 64 on x86_64; NET_IP_ALIGN 0 on x86.
 * - SKB_HEAD_ALIGN(X) = SKB_DATA_ALIGN(X) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)).
 * - struct skb_shared_info: 48 bytes of fields, then frags[MAX_SKB_FRAGS = CONFIG_MAX_SKB_FRAGS,
 *   default 17] of 16 bytes: 320 bytes (derived), already a multiple of the line.
 * - __alloc_skb(size): kmalloc_reserve(SKB_HEAD_ALIGN(size)) (small heads come from
 *   skb_small_head_cache; we issue the SKB_HEAD_ALIGN bytes and leave the cache to the allocator
 *   under test).
 * - __netdev_alloc_skb(len): len += NET_SKB_PAD; kmalloc path when len <= SKB_WITH_OVERHEAD(1024)
 *   or > SKB_WITH_OVERHEAD(PAGE_SIZE), page_frag_alloc(SKB_HEAD_ALIGN(len)) otherwise: either
 *   way SKB_HEAD_ALIGN(len) bytes.
 * - __napi_alloc_skb(len): len += NET_SKB_PAD + NET_IP_ALIGN; with 4 KiB pages
 *   (NAPI_HAS_SMALL_PAGE_FRAG) a len <= SKB_WITH_OVERHEAD(1024) gets a 1 KiB fragment
 *   (page_frag_alloc_1k); otherwise SKB_HEAD_ALIGN(len) bytes.
 * What we model of the page-fragment caches: nothing. Each fragment is asked of the allocator
 * under test as one allocation of its size, as NTA served skb data in place of kmalloc.
 */
import type { PacketSizeDistribution } from '../data/packet-sizes';

export interface SkbEra {
  readonly kernel: '2.6.18' | '6.6';
  /** SMP_CACHE_BYTES, the alignment of SKB_DATA_ALIGN. */
  readonly line: number;
  readonly netSkbPad: number;
  readonly netIpAlign: number;
  /** sizeof(struct skb_shared_info). */
  readonly shinfo: number;
  readonly pageBytes: number;
}

export const SKB_ERAS = {
  '2.6.18-x86_64': { kernel: '2.6.18', line: 64, netSkbPad: 16, netIpAlign: 2, shinfo: 312, pageBytes: 4096 },
  '2.6.18-i386': { kernel: '2.6.18', line: 32, netSkbPad: 16, netIpAlign: 2, shinfo: 164, pageBytes: 4096 },
  '6.6-x86_64': { kernel: '6.6', line: 64, netSkbPad: 64, netIpAlign: 0, shinfo: 320, pageBytes: 4096 },
} as const satisfies Readonly<Record<string, SkbEra>>;

export type SkbEraName = keyof typeof SKB_ERAS;
export const SKB_ERA_NAMES = Object.keys(SKB_ERAS) as SkbEraName[];

/** The era of `name`, its cache line replaced by `line` when that is > 0. */
export function skbEra(name: string, line = 0): SkbEra {
  const era: SkbEra | undefined = Object.hasOwn(SKB_ERAS, name) ? SKB_ERAS[name as SkbEraName] : undefined;
  if (era === undefined) throw new Error(`unknown skb era '${name}'; valid: ${SKB_ERA_NAMES.join(', ')}`);
  return line > 0 ? { ...era, line } : era;
}

export function skbDataAlign(x: number, era: SkbEra): number {
  return Math.ceil(x / era.line) * era.line;
}

/** The bytes __alloc_skb(size) asks for its data area. */
export function allocSkbData(size: number, era: SkbEra): number {
  const shinfo = era.kernel === '2.6.18' ? era.shinfo : skbDataAlign(era.shinfo, era);
  return skbDataAlign(size, era) + shinfo;
}

/** The bytes netdev_alloc_skb(dev, len) (or dev_alloc_skb(len)) asks for. */
export function netdevAllocSkbData(len: number, era: SkbEra): number {
  return allocSkbData(len + era.netSkbPad, era);
}

/**
 * The bytes napi_alloc_skb(napi, len) asks for (6.6; 2.6.18 had no such call and drivers
 * used netdev_alloc_skb, which this falls back to).
 */
export function napiAllocSkbData(len: number, era: SkbEra): number {
  if (era.kernel === '2.6.18') return netdevAllocSkbData(len + era.netIpAlign, era);
  const n = len + era.netSkbPad + era.netIpAlign;
  const small = 1024 - skbDataAlign(era.shinfo, era); // SKB_WITH_OVERHEAD(1024)
  return n <= small ? 1024 : allocSkbData(n, era);
}

/**
 * Data bytes `__alloc_skb` asks for when a driver calls dev_alloc_skb(len) on Linux
 * 2.6.18: SKB_DATA_ALIGN(len + NET_SKB_PAD) + sizeof(struct skb_shared_info).
 * E.g. 1540 -> 1600 + 312 = 1912 with 64-byte lines on x86_64. (producer-consumer's sizing.)
 */
export function skbDataBytes(len: number, line = 64, shinfo = 312, pad = 16): number {
  return Math.ceil((len + pad) / line) * line + shinfo;
}

/** Ethernet header (14) plus frame check sequence (4): a frame's bytes beyond its IP packet. */
export const ETH_OVERHEAD = 18;
/** The shortest Ethernet frame, FCS included. */
export const ETH_MIN_FRAME = 64;
/** IPv4 (20) + TCP (20) + the timestamp option Linux sends by default (12): a TCP segment's headers. */
export const TCP_IP_HEADERS = 52;

/**
 * Map one uniform draw u in [0, 1) to a packet size. Listed sizes take their
 * share of [0, 1) in order; the rest (if any) is spread uniformly over rest.lo..rest.hi.
 */
export function samplePacketSize(dist: PacketSizeDistribution, u: number): number {
  const listed = dist.rest ? 1 : dist.shares.reduce((a, b) => a + b, 0);
  // Without a `rest`, shares are normalised to sum to 1.
  let acc = 0;
  for (let k = 0; k < dist.sizes.length; k++) {
    acc += dist.shares[k] / listed;
    if (u < acc) return dist.sizes[k];
  }
  if (!dist.rest) return dist.sizes[dist.sizes.length - 1];
  const v = (u - acc) / (1 - acc);
  const span = dist.rest.hi - dist.rest.lo + 1;
  return Math.min(dist.rest.hi, dist.rest.lo + Math.floor(v * span));
}

/**
 * The Ethernet frame (FCS included) that carries a packet of `size` bytes of `dist`, no
 * longer than the MTU allows: max(ip + 18, 64), or the size itself for frame tables.
 */
export function frameOf(size: number, dist: PacketSizeDistribution, mtu: number): number {
  const frame = dist.wire === 'frame' ? size : Math.max(size + ETH_OVERHEAD, ETH_MIN_FRAME);
  return Math.min(frame, mtu + ETH_OVERHEAD);
}
