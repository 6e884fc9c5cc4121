/**
 * The debug log of the seed's userspace model (blog entry of 2 Aug 2006), line for
 * line: avl_update_node, avl_fill_bits, avl_free, avl_combine, main.
 *
 * Positions, bit counts, list indices, sizes and neighbours are computed exactly
 * as the seed prints them. Pointers come from the simulated address space, whose
 * bases (0x2554000 for pages, 0x523800 for nodes) are the seed's, so data pointers
 * match the seed too. Containers differ on purpose: the seed's first model kept
 * containers in a separate cache (0x2555f60...), while the design we model (and
 * the patches) keeps a free run's container INSIDE its first chunk, so we print
 * that chunk's address. Masks are printed as the seed's 64-bit words (BITS_PER_LONG
 * on x86_64), one avl_fill_bits line per word touched.
 */
import { blockChunks, SIZE_SHIFT } from './layout';
import type { NtaAllocator } from './nta';

const hex = (x: number) => '0x' + x.toString(16);
const ptr = (x: number) => (x < 0 ? '(nil)' : hex(x));

export class NtaLog {
  readonly lines: string[] = [];
  constructor(private readonly sink?: (line: string) => void) {}

  emit(line: string): void {
    this.lines.push(line);
    this.sink?.(line);
  }

  private addr(a: NtaAllocator, chunk: number): number {
    return chunk < 0 ? -1 : a.params.baseAddress + chunk * a.params.chunkBytes;
  }
  private nodeOf(a: NtaAllocator, chunk: number): { start: number; index: number } {
    const first = a.v.pageNode[Math.floor(chunk / a.cpp)] - 1;
    return { start: first * a.cpp, index: first >> a.params.regionOrder };
  }

  header(a: NtaAllocator): void {
    const nodes = a.params.maxPages >> a.params.regionOrder;
    this.emit(`PAGE_SIZE: ${a.params.pageBytes}, max nodes: ${nodes}, node size: ${a.params.chunkBytes}.`);
  }

  updateNode(a: NtaAllocator, c: number, cpos: number, num: number, _bytes: number): void {
    const node = this.nodeOf(a, c);
    const value = this.addr(a, node.start).toString(16).padStart(8, '0');
    // The seed's model printed avl_node addresses 32 bytes apart (its "node size").
    const nodeAddr = a.params.nodeAddress + node.index * a.params.chunkBytes;
    this.emit(
      `avl_update_node: node: ${hex(nodeAddr)}, value: ${value}, ptr: ${hex(this.addr(a, c))}, cpos: ${cpos}, size: ${num * a.params.chunkBytes}, num: ${num}.`,
    );
  }

  /** One line per 64-bit mask word touched: that word's bits, range and value after the fill. */
  fillBits(a: NtaAllocator, c: number, num: number): void {
    const rs = this.nodeOf(a, c).start;
    const pos = c - rs;
    let at = pos,
      left = num;
    while (left > 0) {
      const idx = at >> 6,
        start = at & 63,
        stop = Math.min(64, start + left);
      const p = ((1n << BigInt(stop - start)) - 1n) << BigInt(start);
      const lo = BigInt(a.v.bitmap[(rs >>> 5) + idx * 2] ?? 0);
      const inNode = (idx * 2 + 1) * 32 < a.v.nodePages[rs / a.cpp] * a.cpp;
      const hi = inNode ? BigInt(a.v.bitmap[(rs >>> 5) + idx * 2 + 1]) : 0n;
      const word = (hi << 32n) | lo;
      this.emit(
        `avl_fill_bits: num: ${num}, pos: ${pos}, idx: ${idx}, p: ${p.toString(16)}, start: ${start}, stop: ${stop}, ${word.toString(16).padStart(16, '0')}.`,
      );
      left -= stop - start;
      at += stop - start;
    }
  }

  reuseContainer(a: NtaAllocator, t: number, pos: number): void {
    this.emit(
      `avl_update_node: reuse container ${hex(this.addr(a, t))} in pos ${pos} with ptr ${hex(this.addr(a, t))}.`,
    );
  }

  free(a: NtaAllocator, c: number, rs: number): void {
    const value = this.addr(a, rs).toString(16).padStart(8, '0');
    this.emit(
      `avl_free: ptr: ${hex(this.addr(a, c))} [${value}], pos: ${c - rs}, sbits: ${blockChunks(a.v.block[c], a.chunkShift)}, size: ${a.v.block[c] >>> SIZE_SHIFT}.`,
    );
  }

  neighbour(a: NtaAllocator, side: 'left' | 'right', c: number, bits: number): void {
    this.emit(`avl_free: found free ${side} neighbour at ${hex(this.addr(a, c))}, bits: ${bits}.`);
  }

  combine(
    a: NtaAllocator,
    m: { lp: number; lbits: number; rp: number; rbits: number; cur: number; bits: number; start: number; idx: number },
  ): void {
    const lp = this.addr(a, m.lp),
      rp = this.addr(a, m.rp);
    // The container reused is the lower neighbour's if any, else the upper one's (avl_combine).
    const cont = m.rp >= 0 || m.lp >= 0 ? this.addr(a, m.start) : -1;
    this.emit(
      `avl_combine: lp: ${ptr(lp)}, lbits: ${m.lbits}, lc: ${ptr(lp)}, rp: ${ptr(rp)}, rbits: ${m.rbits}, rc: ${ptr(rp)}, `,
    );
    this.emit(
      `\tcurrent: ptr: ${hex(this.addr(a, m.cur))}, bits: ${m.bits}, combined: ptr: ${hex(this.addr(a, m.start))}, idx: ${m.idx}, cont: ${ptr(cont)}.`,
    );
    const size = (m.idx + 1) * a.params.chunkBytes;
    this.emit(
      cont < 0
        ? `avl_combine: Added new container for pointer ${hex(this.addr(a, m.start))}, size: ${size}.`
        : `avl_combine: Using existing container for pointer ${hex(this.addr(a, m.start))}, size: ${size}.`,
    );
  }

  /** Not in the seed (its model had one CPU): a free queued on the owner's remote-free list. */
  queued(a: NtaAllocator, c: number, owner: number): void {
    this.emit(`avl_free: ptr: ${hex(this.addr(a, c))} queued for cpu ${owner}, size: ${a.v.block[c] >>> SIZE_SHIFT}.`);
  }
}
