/**
 * A colour per slab cache name (the map's colour-by-cache and its legend), stable across runs,
 * lanes and allocators: it depends on the name alone, so size-192 is the same colour every time.
 * The hue comes from a hash of the name (FNV-1a) spread by the golden angle, so names that
 * differ by one character still land far apart on the colour wheel; saturation and lightness
 * stay in a band that reads over the map's red, green and grey.
 */

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** HSL (h in degrees, s and l in 0..1) to 8-bit RGB. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const GOLDEN_ANGLE = 137.508;

/** The cache's colour as RGB. */
export function cacheRgb(name: string): [number, number, number] {
  const h = nameHash(name);
  const hue = ((h & 0xffff) * GOLDEN_ANGLE) % 360;
  const sat = 0.55 + ((h >>> 16) & 3) * 0.1;
  const light = 0.42 + ((h >>> 18) & 3) * 0.06;
  return hslToRgb(hue, sat, light);
}

/** The cache's colour as CSS. */
export function cacheCss(name: string): string {
  const [r, g, b] = cacheRgb(name);
  return `rgb(${r}, ${g}, ${b})`;
}
