// PMTiles v3 tile ids (spec/v3/spec.md, "Tile IDs"): every tile of the lower zooms first, then the
// position on zoom z's Hilbert curve. Both ways, for the PMTiles writer and reader. Exact up to zoom
// 26: 4^27 passes 2^53.

/** The tiles of zooms 0 .. z-1: (4^z - 1) / 3. */
function zoomBase(z: number): number {
  let base = 0;
  for (let i = 0; i < z; i++) base += 4 ** i;
  return base;
}

/** Hilbert's quadrant rotation, in place on p = [x, y] within a square of side n. */
function rotate(p: number[], n: number, rx: number, ry: number): void {
  if (ry !== 0) return;
  if (rx === 1) {
    p[0] = n - 1 - p[0];
    p[1] = n - 1 - p[1];
  }
  const t = p[0];
  p[0] = p[1];
  p[1] = t;
}

/** The tile id of z/x/y. */
export function tileId(z: number, x: number, y: number): number {
  const n = 2 ** z;
  const p = [x, y];
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (p[0] & s) > 0 ? 1 : 0;
    const ry = (p[1] & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so the curve's lower levels run the right way.
    rotate(p, n, rx, ry);
  }
  return zoomBase(z) + d;
}

/** The z/x/y of a tile id (the inverse of tileId). */
export function tileIdToZxy(id: number): [number, number, number] {
  let z = 0;
  let base = 0;
  while (base + 4 ** z <= id) base += 4 ** z++;
  let d = id - base;
  const p = [0, 0];
  for (let s = 1; s < 2 ** z; s *= 2) {
    const rx = 1 & Math.floor(d / 2);
    const ry = 1 & (d ^ rx);
    rotate(p, s, rx, ry);
    p[0] += s * rx;
    p[1] += s * ry;
    d = Math.floor(d / 4);
  }
  return [z, p[0], p[1]];
}

/** The first tile id of zoom z (and so one past the last of zoom z - 1). */
export function firstTileId(z: number): number {
  return zoomBase(z);
}
