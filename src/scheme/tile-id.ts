// PMTiles v3 tile ids (spec/v3/spec.md, "Tile IDs"): every tile of the lower zooms first, then the
// position on zoom z's Hilbert curve. Both ways, for the PMTiles writer and reader. Exact up to zoom
// 26: 4^27 passes 2^53.

/** The tiles of zooms 0 .. z-1: (4^z - 1) / 3. */
function zoomBase(z: number): number {
  let base = 0;
  for (let i = 0; i < z; i++) base += 4 ** i;
  return base;
}

/** The tile id of z/x/y. */
export function tileId(z: number, x: number, y: number): number {
  const n = 2 ** z;
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so the curve's lower levels run the right way.
    if (ry === 0) {
      if (rx === 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return zoomBase(z) + d;
}

/** The z/x/y of a tile id (the inverse of tileId). */
export function tileIdToZxy(id: number): [number, number, number] {
  let z = 0;
  let base = 0;
  while (base + 4 ** z <= id) base += 4 ** z++;
  let d = id - base;
  let x = 0, y = 0;
  for (let s = 1; s < 2 ** z; s *= 2) {
    const rx = 1 & Math.floor(d / 2);
    const ry = 1 & (d ^ rx);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
    x += s * rx;
    y += s * ry;
    d = Math.floor(d / 4);
  }
  return [z, x, y];
}

/** The first tile id of zoom z (and so one past the last of zoom z - 1). */
export function firstTileId(z: number): number {
  return zoomBase(z);
}
