// The tiler's flat geometry: coordinates in scheme units (see scheme/tiling-scheme.ts), stride 3.

/**
 * A run of points as `[u0, v0, w0, u1, v1, w1, …]` where w is the vertex's simplification
 * importance (squared distance in scheme units; KEEP = always kept). Rings are closed (last = first).
 */
export type Flat = Float64Array | number[];

/** MVT geometry types. */
export const POINT = 1;
export const LINESTRING = 2;
export const POLYGON = 3;
export type GeomType = typeof POINT | typeof LINESTRING | typeof POLYGON;

/** Points: one Flat. Lines: one Flat per line. Polygons: per polygon, its rings (exterior first). */
export type Geometry =
  | { type: typeof POINT; points: Flat }
  | { type: typeof LINESTRING; lines: Flat[] }
  | { type: typeof POLYGON; polygons: Flat[][] };

export const STRIDE = 3;

/** Importance of vertices no tolerance may drop: line ends and points added on tile edges. */
export const KEEP = Infinity;
