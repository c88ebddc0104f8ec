// Z-order (Morton) interleaving, as tippecanoe's quadkey index: shared by the max-zoom guess
// (generalize/zoom-guess.ts) and the as-needed strategies' order within a tile (mvt/as-needed.ts).

/** x and y, 16 bits each, interleaved into 32 bits: y's bit above x's in each pair (a quadkey's digits). */
export function interleave16(x: number, y: number): number {
  return ((spread(y) << 1) | spread(x)) >>> 0;
}

/** The 16 bits of n spread to the even bits of a 32-bit number. */
function spread(n: number): number {
  n &= 0xffff;
  n = (n | (n << 8)) & 0x00ff00ff;
  n = (n | (n << 4)) & 0x0f0f0f0f;
  n = (n | (n << 2)) & 0x33333333;
  return (n | (n << 1)) & 0x55555555;
}
