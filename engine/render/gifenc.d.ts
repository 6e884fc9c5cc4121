/** The part of gifenc (no bundled types) that gif.ts uses. */
declare module 'gifenc' {
  export interface GifFrameOptions {
    palette?: readonly (readonly number[])[];
    delay?: number;
    repeat?: number;
    first?: boolean;
  }
  export interface GifEncoder {
    writeHeader(): void;
    writeFrame(index: Uint8Array, width: number, height: number, opts?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
    reset(): void;
  }
  export type CreateEncoder = (opts?: { auto?: boolean; initialCapacity?: number }) => GifEncoder;
  /**
   * The default export: GIFEncoder itself in its ES build (what Vite bundles), the CommonJS
   * exports object in Node (whose named exports Node cannot detect). gif.ts takes either.
   */
  const gifenc: CreateEncoder | { GIFEncoder: CreateEncoder };
  export default gifenc;
}
