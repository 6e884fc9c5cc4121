/** Small helpers shared by the generators. */

/**
 * FIFO of allocation ids (oldest first). Amortised O(1) push/shift without
 * Array.prototype.shift's O(n) copy: a head index, compacted once it passes half.
 */
export class IdFifo {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(id: number): void {
    this.items.push(id);
  }

  /** Remove and return the oldest id; -1 when empty. */
  shift(): number {
    if (this.head >= this.items.length) return -1;
    const id = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
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
}

/** The op budget: `ops` if > 0, else the workload's default (0 = unlimited). */
export function opBudget(ops: number, workloadDefault: number): number {
  return ops > 0 ? ops : workloadDefault;
}

/** Map one uniform draw u in [0, 1) to an integer in 1..max. */
export function uniformSize(u: number, max: number): number {
  return 1 + Math.floor(u * max);
}
