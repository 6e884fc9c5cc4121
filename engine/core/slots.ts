/**
 * One lane's slot table: what its allocator answered for each allocation slot
 * (engine/core/op-buffer.ts names allocations by slot). Written by whichever thread
 * executes the alloc, read by the thread that executes the free, map or unmap.
 *
 * Layout: three growable shared buffers (readers in other threads see growth), entry s:
 *   addr   f64   the address the allocator returned (>= 0), or its negative error code:
 *                a later free/map/unmap of the slot is then skipped
 *   req    u32   the requested bytes (a free passes them, as avl_free requires)
 *   owner  u8    the CPU that executed the alloc (NTA's and pow2's owner of the block)
 * A slot's entry is rewritten by its next alloc; it is as large as the op buffer's
 * slot high-water mark, i.e. the peak live set of the stream.
 */
export const MAX_SLOTS = 1 << 26;

type SabCtor = new (length: number, options?: { maxByteLength: number }) => SharedArrayBuffer;
type Growable = ArrayBufferLike & { grow?(n: number): void; readonly growable?: boolean };

function buffer(bytes: number, max: number): ArrayBufferLike {
  if (typeof SharedArrayBuffer === 'undefined') return new ArrayBuffer(bytes);
  return new (SharedArrayBuffer as unknown as SabCtor)(bytes, { maxByteLength: max });
}

export interface SlotTableHandle {
  addr: ArrayBufferLike;
  req: ArrayBufferLike;
  owner: ArrayBufferLike;
}

export class SlotTable {
  addr!: Float64Array;
  req!: Uint32Array;
  owner!: Uint8Array;

  static create(initial = 1024): SlotTable {
    const n = Math.max(1024, initial);
    return new SlotTable({
      addr: buffer(n * 8, MAX_SLOTS * 8),
      req: buffer(n * 4, MAX_SLOTS * 4),
      owner: buffer(n, MAX_SLOTS),
    });
  }

  constructor(readonly handle: SlotTableHandle) {
    this.remake();
  }

  private remake(): void {
    this.addr = new Float64Array(this.handle.addr);
    this.req = new Uint32Array(this.handle.req);
    this.owner = new Uint8Array(this.handle.owner);
  }

  get length(): number {
    return this.owner.length;
  }

  /** Room for `slots` entries (grows, doubling; fixed ArrayBuffers where there is no shared memory). */
  ensure(slots: number): void {
    if (slots <= this.length) return;
    if (slots > MAX_SLOTS) throw new Error(`more than ${MAX_SLOTS} allocations live at once`);
    const n = Math.min(MAX_SLOTS, Math.max(slots, this.length * 2));
    const h = this.handle;
    const grow = (b: ArrayBufferLike, bytes: number): ArrayBufferLike => {
      const g = b as Growable;
      if (typeof g.grow === 'function' && g.growable) {
        g.grow(bytes);
        return b;
      }
      const c = new ArrayBuffer(bytes);
      new Uint8Array(c).set(new Uint8Array(b));
      return c;
    };
    h.addr = grow(h.addr, n * 8);
    h.req = grow(h.req, n * 4);
    h.owner = grow(h.owner, n);
    this.remake();
  }

  /** A copy of the first `slots` entries (checkpoints). */
  save(slots: number): { addr: Float64Array; req: Uint32Array; owner: Uint8Array } {
    const n = Math.min(slots, this.length);
    return { addr: this.addr.slice(0, n), req: this.req.slice(0, n), owner: this.owner.slice(0, n) };
  }

  restore(s: { addr: Float64Array; req: Uint32Array; owner: Uint8Array }): void {
    this.ensure(s.addr.length);
    this.addr.set(s.addr);
    this.req.set(s.req);
    this.owner.set(s.owner);
  }
}
