// The subtrees a shard owns (issue 12, `--shard I/N`): the tile tree cut at a shard zoom K into the
// subtrees under its tiles, numbered along the quadkey order of a square grid of 2^L × 2^L tiles at
// zoom K (L = K + the levels that square the zoom-0 matrix), so that neighbours get near numbers and
// a shard's part is one contiguous range of them. Pure: the tile stage asks it on the threads.

/** Most bits per axis of a subtree's number (shard zoom + the zoom-0 square's levels): 4^24 numbers stay exact doubles. */
export const MAX_SHARD_LEVELS = 24;

/** One shard's part of the tile tree: zooms ≥ `zoom` under subtrees [start, end); `low`: zooms below too. */
export interface ShardRegion {
  zoom: number;
  /** Bits per axis of a subtree's number: zoom + squareLevels(W0, H0). */
  levels: number;
  start: number;
  end: number;
  /** This shard also writes the zooms below `zoom` (shard 0). */
  low: boolean;
}

/** The quadkey number of tile (x, y) of a 2^levels square grid: y's bit above x's in each pair. */
export function subtreeNumber(x: number, y: number, levels: number): number {
  let n = 0;
  for (let b = levels - 1; b >= 0; b--) n = n * 4 + ((y >>> b) & 1) * 2 + ((x >>> b) & 1);
  return n;
}

/** The inverse of subtreeNumber. */
export function subtreeTile(n: number, levels: number): [number, number] {
  let x = 0, y = 0;
  for (let b = 0; b < levels; b++) {
    const d = n % 4;
    n = Math.floor(n / 4);
    x |= (d & 1) << b;
    y |= (d >> 1) << b;
  }
  return [x, y];
}

/** Whether tile (z, x, y) is the region's to write. */
export function ownsTile(r: ShardRegion, z: number, x: number, y: number): boolean {
  if (z < r.zoom) return r.low;
  const s = subtreeNumber(Math.floor(x / 2 ** (z - r.zoom)), Math.floor(y / 2 ** (z - r.zoom)), r.levels);
  return s >= r.start && s < r.end;
}

/** Beyond this many subtrees, a box is not looked at one subtree at a time (it is tiled, and filtered). */
const MAX_CELLS = 4096;

/**
 * Whether a box [minU, maxU, minV, maxV] in zoom-0 tile units, grown by `buffer` tile widths at the
 * shard zoom, may reach a subtree of the region at zooms ≥ its zoom: false only when it certainly does
 * not (so a feature can be passed over without tiling it; the tiler still prunes what it does not own).
 */
export function boxMayTouch(r: ShardRegion, minU: number, maxU: number, minV: number, maxV: number, buffer: number): boolean {
  if (r.start >= r.end) return false;
  const scale = 2 ** r.zoom;
  const side = 2 ** r.levels;
  // The buffer at zoom K is the widest of zooms ≥ K; a little more against rounding.
  const pad = buffer + 1e-6;
  const x0 = Math.max(0, Math.floor(minU * scale - pad)), x1 = Math.min(side - 1, Math.floor(maxU * scale + pad));
  const y0 = Math.max(0, Math.floor(minV * scale - pad)), y1 = Math.min(side - 1, Math.floor(maxV * scale + pad));
  if (x1 < x0 || y1 < y0) return false;
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) return true;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const s = subtreeNumber(x, y, r.levels);
      if (s >= r.start && s < r.end) return true;
    }
  }
  return false;
}
