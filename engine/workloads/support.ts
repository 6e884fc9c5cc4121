/** Small helpers shared by the generators. */

/** Freed slots that must wait before one is reused (see SlotPool). */
export const SLOT_QUARANTINE = 1024;

/**
 * Allocation slots (see engine/core/op-buffer.ts). A freed slot is reused only once
 * SLOT_QUARANTINE other slots have been freed after it (oldest first): an op on a slot
 * waits for the slot's previous op when CPU workers run ahead (runtime/workers), so a
 * slot reused at once would tie the allocating CPU to the freeing one at every op.
 * Slot numbers stay below the peak live count plus the quarantine.
 */
export class SlotPool {
  private free = new SlotFifo();
  /** Slots ever handed out (the high-water mark: slot tables need this many entries). */
  issued = 0;

  take(): number {
    return this.free.size > SLOT_QUARANTINE ? this.free.shift() : this.issued++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  save(): { free: Int32Array; issued: number } {
    return { free: this.free.save(), issued: this.issued };
  }

  restore(s: { free: Int32Array; issued: number }): void {
    this.free.restore(s.free);
    this.issued = s.issued;
  }
}

/**
 * FIFO of slots (oldest first). Amortised O(1) push/shift without
 * Array.prototype.shift's O(n) copy: a head index, compacted once it passes half.
 */
export class SlotFifo {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(id: number): void {
    this.items.push(id);
  }

  /** The oldest without removing it; -1 when empty. */
  peek(): number {
    return this.head < this.items.length ? this.items[this.head] : -1;
  }

  /** Remove and return the oldest; -1 when empty. */
  shift(): number {
    if (this.head >= this.items.length) return -1;
    const id = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
  }

  save(): Int32Array {
    return Int32Array.from(this.items.slice(this.head));
  }

  restore(s: Int32Array): void {
    this.items = Array.from(s);
    this.head = 0;
  }
}

/**
 * Live allocations in no particular order, with their requested bytes:
 * O(1) add and O(1) remove-at-index (swap with the last).
 */
export class LiveSet {
  private ids: number[] = [];
  private bytes: number[] = [];
  /** Sum of the requested bytes of the live allocations. */
  totalBytes = 0;

  get size(): number {
    return this.ids.length;
  }

  add(id: number, bytes: number): void {
    this.ids.push(id);
    this.bytes.push(bytes);
    this.totalBytes += bytes;
  }

  /** Remove the entry at `index` (0 <= index < size) and return its id. */
  removeAt(index: number): number {
    const id = this.ids[index];
    this.totalBytes -= this.bytes[index];
    const last = this.ids.length - 1;
    this.ids[index] = this.ids[last];
    this.bytes[index] = this.bytes[last];
    this.ids.pop();
    this.bytes.pop();
    return id;
  }

  save(): { ids: Int32Array; bytes: Float64Array; totalBytes: number } {
    return { ids: Int32Array.from(this.ids), bytes: Float64Array.from(this.bytes), totalBytes: this.totalBytes };
  }

  restore(s: { ids: Int32Array; bytes: Float64Array; totalBytes: number }): void {
    this.ids = Array.from(s.ids);
    this.bytes = Array.from(s.bytes);
    this.totalBytes = s.totalBytes;
  }
}

/** The op budget: `ops` if > 0, else the workload's default (0 = unlimited). */
export function opBudget(ops: number, workloadDefault: number): number {
  return ops > 0 ? ops : workloadDefault;
}

/** Map one uniform draw u in [0, 1) to an integer in 1..max. */
export function uniformSize(u: number, max: number): number {
  return 1 + Math.floor(u * max);
}
