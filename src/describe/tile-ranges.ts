// The tiles a tileset holds, per zoom, as the smallest column/row rectangle around them: what an OGC
// tileset's tileMatrixSetLimits say, so that a client asks for no tile outside it.

/** Columns (x) and rows (y) of the tiles written at one zoom, inclusive. */
export interface TileRange {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Per zoom; a zoom without tiles has no entry. */
export type TileRanges = Record<number, TileRange>;

/** Widens the range of zoom z to take tile (z, x, y). */
export function addToTileRanges(ranges: TileRanges, z: number, x: number, y: number): void {
  const r = ranges[z];
  if (!r) {
    ranges[z] = { minX: x, maxX: x, minY: y, maxY: y };
    return;
  }
  if (x < r.minX) r.minX = x;
  if (x > r.maxX) r.maxX = x;
  if (y < r.minY) r.minY = y;
  if (y > r.maxY) r.maxY = y;
}
