/**
 * One lane's slot table: what its allocator answered for each allocation slot
 * (engine/core/op-buffer.ts names allocations by slot). Written by whichever thread
 * executes the alloc, read by the thread that executes the free, map or unmap.
 *
 * Layout: three growable shared buffers (another thread sees growth after refresh()), entry s:
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

  /**
   * Views of the buffers' current size. They are fixed-length on purpose: a view that tracks a
   * growable buffer's length costs V8 (Node 20 and Chromium alike) about six times a plain one per
   * element, and these are read or written at every op. So a thread sees another's growth only
   * when it calls refresh() or ensure().
   */
  private remake(): void {
    const h = this.handle;
    const n = Math.min(h.addr.byteLength / 8, h.req.byteLength / 4, h.owner.byteLength);
    this.addr = new Float64Array(h.addr, 0, n);
    this.req = new Uint32Array(h.req, 0, n);
    this.owner = new Uint8Array(h.owner, 0, n);
  }

  /** Follow a growth made by another thread (a CPU worker before each batch). */
  refresh(): void {
    if (this.handle.owner.byteLength !== this.owner.length) this.remake();
  }

  get length(): number {
    return this.owner.length;
  }

  /** Room for `slots` entries (grows, doubling; fixed ArrayBuffers where there is no shared memory). */
  ensure(slots: number): void {
    if (slots <= this.length) return;
    this.refresh();
    if (slots <= this.length) return;
    if (slots > MAX_SLOTS) throw new Error(`more than ${MAX_SLOTS} allocations live at once`);
    const n = Math.min(MAX_SLOTS, Math.max(slots, this.length * 2));
    const h = this.handle;
    const grow = (b: ArrayBufferLike, bytes: number): ArrayBufferLike => {
      const g = b as Growable;
      if (typeof g.grow === 'function' && g.growable) {
        // Another thread may have grown it further meanwhile: never shrink.
        if (bytes > b.byteLength) {
          try {
            g.grow(bytes);
          } catch (e) {
            if (b.byteLength < bytes) throw e;
          }
        }
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
