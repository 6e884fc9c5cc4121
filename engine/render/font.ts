/**
 * A 3x5 bitmap font drawn by pure code, so the CLI and the app burn the same pixels into
 * animation frames (a canvas font would differ between browsers and is absent in Node).
 * Lower-case letters are drawn as capitals; a character the font lacks is drawn as '?'.
 */

/** Glyph rows, top first, '#' = ink. */
const GLYPHS: Record<string, string> = {
  '0': '###|#.#|#.#|#.#|###',
  '1': '.#.|##.|.#.|.#.|###',
  '2': '###|..#|###|#..|###',
  '3': '###|..#|.##|..#|###',
  '4': '#.#|#.#|###|..#|..#',
  '5': '###|#..|###|..#|###',
  '6': '###|#..|###|#.#|###',
  '7': '###|..#|.#.|.#.|.#.',
  '8': '###|#.#|###|#.#|###',
  '9': '###|#.#|###|..#|###',
  A: '.#.|#.#|###|#.#|#.#',
  B: '##.|#.#|##.|#.#|##.',
  C: '.##|#..|#..|#..|.##',
  D: '##.|#.#|#.#|#.#|##.',
  E: '###|#..|##.|#..|###',
  F: '###|#..|##.|#..|#..',
  G: '.##|#..|#.#|#.#|.##',
  H: '#.#|#.#|###|#.#|#.#',
  I: '###|.#.|.#.|.#.|###',
  J: '..#|..#|..#|#.#|.#.',
  K: '#.#|#.#|##.|#.#|#.#',
  L: '#..|#..|#..|#..|###',
  M: '#.#|###|###|#.#|#.#',
  N: '##.|#.#|#.#|#.#|#.#',
  O: '.#.|#.#|#.#|#.#|.#.',
  P: '##.|#.#|##.|#..|#..',
  Q: '.#.|#.#|#.#|##.|.##',
  R: '##.|#.#|##.|#.#|#.#',
  S: '.##|#..|.#.|..#|##.',
  T: '###|.#.|.#.|.#.|.#.',
  U: '#.#|#.#|#.#|#.#|###',
  V: '#.#|#.#|#.#|#.#|.#.',
  W: '#.#|#.#|###|###|#.#',
  X: '#.#|#.#|.#.|#.#|#.#',
  Y: '#.#|#.#|.#.|.#.|.#.',
  Z: '###|..#|.#.|#..|###',
  ' ': '...|...|...|...|...',
  ':': '...|.#.|...|.#.|...',
  '.': '...|...|...|...|.#.',
  ',': '...|...|...|.#.|#..',
  '-': '...|...|###|...|...',
  '+': '...|.#.|###|.#.|...',
  '=': '...|###|...|###|...',
  '/': '..#|..#|.#.|#..|#..',
  '(': '.#.|#..|#..|#..|.#.',
  ')': '.#.|..#|..#|..#|.#.',
  _: '...|...|...|...|###',
  '%': '#.#|..#|.#.|#..|#.#',
  '#': '#.#|###|#.#|###|#.#',
  '?': '###|..#|.##|...|.#.',
};

export const GLYPH_W = 3;
export const GLYPH_H = 5;

/** Each glyph as 15 bits, row-major from the top left (bit 14 first). */
const BITS = new Map<string, number>(
  Object.entries(GLYPHS).map(([ch, rows]) => [
    ch,
    [...rows.replaceAll('|', '')].reduce((n, c) => (n << 1) | (c === '#' ? 1 : 0), 0),
  ]),
);
const UNKNOWN = BITS.get('?') ?? 0;

/** Pixels a text takes at `scale` (one blank glyph column between characters). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_W + 1) - 1) * scale;
}

/**
 * Draw `text` into an index image (one byte per pixel, `width` wide) with its top left at
 * (x, y): ink pixels get `ink`; others are left alone. Clipped at the image's edges.
 */
export function drawText(
  out: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  text: string,
  ink: number,
  scale: number,
): void {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const bits = BITS.get(ch) ?? UNKNOWN;
    for (let r = 0; r < GLYPH_H; r++) {
      for (let c = 0; c < GLYPH_W; c++) {
        if (!((bits >> (14 - (r * GLYPH_W + c))) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = y + r * scale + dy;
          if (py < 0 || py >= height) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = cx + c * scale + dx;
            if (px >= 0 && px < width) out[py * width + px] = ink;
          }
        }
      }
    }
    cx += (GLYPH_W + 1) * scale;
  }
}
