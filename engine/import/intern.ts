/**
 * Names (call sites, cache names) by index, interned straight from a range of a line:
 * a trace repeats a few thousand call sites millions of times, so looking one up must
 * not make a string (or hash one) per event. FNV-1a over the range's character codes,
 * open addressing, the candidate checked with startsWith; a new name is kept detached
 * from the text it was cut from (text.ts detach).
 */
import { decodeRange } from './bytes';
import { detach } from './text';

function sameBytes(name: Uint8Array | undefined, b: Uint8Array, s: number, e: number): boolean {
  if (name === undefined || name.length !== e - s) return false;
  for (let k = 0; k < name.length; k++) if (name[k] !== b[s + k]) return false;
  return true;
}

export class Interner {
  /** Index 0 is "none" (the op buffer's 0). */
  readonly names: string[] = [''];
  private readonly hashes: number[] = [0];
  /** The bytes of the names interned from bytes (for the check of a candidate). */
  private readonly bytes: (Uint8Array | undefined)[] = [];
  private table = new Int32Array(256);
  private mask = 255;

  /** The index of line[s, e), interned on first sight; 0 for an empty range. */
  at(line: string, s: number, e: number): number {
    if (e <= s) return 0;
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ line.charCodeAt(k), 0x01000193);
    const t = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const id = t[i] - 1;
      if (id < 0) {
        const nid = this.names.length;
        this.names.push(detach(line.slice(s, e)));
        this.hashes.push(h);
        t[i] = nid + 1;
        if (nid * 2 > this.mask) this.grow();
        return nid;
      }
      const n = this.names[id];
      if (this.hashes[id] === h && n.length === e - s && line.startsWith(n, s)) return id;
    }
  }

  /**
   * The index of the UTF-8 bytes b[s, e), interned on first sight. Hashes the bytes: an import
   * looks its names up either by bytes (the kmem readers) or by strings (the others), never both,
   * so the two hashes (equal for ASCII) never have to meet.
   */
  atBytes(b: Uint8Array, s: number, e: number): number {
    if (e <= s) return 0;
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k], 0x01000193);
    const t = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const id = t[i] - 1;
      if (id < 0) {
        const nid = this.names.length;
        this.names.push(decodeRange(b, s, e));
        this.hashes.push(h);
        this.bytes[nid] = b.slice(s, e);
        t[i] = nid + 1;
        if (nid * 2 > this.mask) this.grow();
        return nid;
      }
      if (this.hashes[id] === h && sameBytes(this.bytes[id], b, s, e)) return id;
    }
  }

  /** The index of `name` (interned). */
  of(name: string): number {
    return this.at(name, 0, name.length);
  }

  private grow(): void {
    const n = (this.mask + 1) * 2;
    const t = new Int32Array(n);
    const mask = n - 1;
    for (let id = 1; id < this.names.length; id++) {
      let i = this.hashes[id] & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = id + 1;
    }
    this.table = t;
    this.mask = mask;
  }
}
