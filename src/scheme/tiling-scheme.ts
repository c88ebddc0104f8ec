// Tiling schemes: GDAL's TILING_SCHEME string, named presets, and the tile-matrix math.
import { UsageError } from '../errors.js';

/**
 * A tile matrix set as GDAL's MVT driver understands it: square tiles whose size halves at each
 * zoom, a zoom-0 matrix of `matrixWidthZ0 × matrixHeightZ0` tiles whose upper-left corner is at
 * (`originX`, `originY`) in `crs`.
 */
export interface TilingScheme {
  /** Preset name when the scheme is one, or the id of the tile matrix set it was read from; else undefined. */
  name?: string;
  /** CRS as given, e.g. `EPSG:3067`. */
  crs: string;
  originX: number;
  originY: number;
  tileDimensionZ0: number;
  matrixWidthZ0: number;
  matrixHeightZ0: number;
}

const MERCATOR_HALF = 20037508.342789244;

export const PRESETS: Readonly<Record<string, TilingScheme>> = {
  WebMercatorQuad: {
    name: 'WebMercatorQuad',
    crs: 'EPSG:3857',
    originX: -MERCATOR_HALF,
    originY: MERCATOR_HALF,
    tileDimensionZ0: 2 * MERCATOR_HALF,
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  WorldCRS84Quad: {
    name: 'WorldCRS84Quad',
    crs: 'EPSG:4326',
    originX: -180,
    originY: 90,
    tileDimensionZ0: 180,
    matrixWidthZ0: 2,
    matrixHeightZ0: 1,
  },
  'ETRS-TM35FIN': {
    name: 'ETRS-TM35FIN',
    crs: 'EPSG:3067',
    originX: -548576,
    originY: 8388608,
    tileDimensionZ0: 2097152,
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  // The quad sets of the OGC Two Dimensional Tile Matrix Set registry (docs.ogc.org/is/17-083r4) that
  // fit this model, with the registry's numbers (its pointOfOrigin given there in the CRS's axis order).
  // The UTM quads are left out: their first matrix is "1", of 1 × 2 tiles, which has no zoom 0 here.
  WorldMercatorWGS84Quad: {
    name: 'WorldMercatorWGS84Quad',
    crs: 'EPSG:3395',
    originX: -MERCATOR_HALF,
    originY: MERCATOR_HALF,
    tileDimensionZ0: 2 * MERCATOR_HALF,
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  EuropeanETRS89_LAEAQuad: {
    name: 'EuropeanETRS89_LAEAQuad',
    crs: 'EPSG:3035',
    originX: 2000000,
    originY: 5500000,
    tileDimensionZ0: 4500000, // cellSize 17578.125 × 256
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  UPSArcticWGS84Quad: {
    name: 'UPSArcticWGS84Quad',
    crs: 'EPSG:5041',
    originX: -14440759.350252,
    originY: 18440759.350252,
    tileDimensionZ0: 32881518.6944, // cellSize 128443.4324 × 256
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  UPSAntarcticWGS84Quad: {
    name: 'UPSAntarcticWGS84Quad',
    crs: 'EPSG:5042',
    originX: -14440759.350252,
    originY: 18440759.350252,
    tileDimensionZ0: 32881518.6944,
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
  // LINZ's New Zealand grid (github.com/linz/NZTM2000TileMatrixSet): its zoom 0 is WebMercatorQuad's
  // zoom 2 scale, so the zoom-0 tile is a quarter of the Web Mercator world's side.
  NZTM2000Quad: {
    name: 'NZTM2000Quad',
    crs: 'EPSG:2193',
    originX: -3260586.7284,
    originY: 10438190.1652,
    tileDimensionZ0: MERCATOR_HALF / 2,
    matrixWidthZ0: 1,
    matrixHeightZ0: 1,
  },
};

export const WEB_MERCATOR: TilingScheme = PRESETS.WebMercatorQuad;

export const MAX_ZOOM = 30;

export interface ParseSchemeOptions {
  /**
   * The area of a CRS, [minX, minY, maxX, maxY] in its own units, when known (the whole world for a
   * geographic CRS or Web Mercator). A 4-part string's zoom-0 matrix then grows to cover it.
   */
  crsArea?: (crs: string) => [number, number, number, number] | undefined;
}

/** Most zoom-0 tiles a side an inferred matrix may have: past it, W0,H0 must be given. */
const MAX_INFERRED_MATRIX = 4096;

/**
 * Parses a preset name (case-insensitive) or GDAL's `CRS,ULX,ULY,DIM0[,W0,H0]` string.
 * Throws a UsageError that says which part is wrong.
 *
 * A 4-part string has no matrix size. GDAL then writes every tile data falls in, to the east and
 * south of the origin without limit (`EPSG:4326,-180,90,180` gives tiles 0/0/0 and 0/1/0); taken
 * as 1 × 1, half the world would be dropped. So with `crsArea`, W0 × H0 is the smallest matrix
 * that covers the CRS's area from the origin (2 × 1 there).
 */
export function parseTilingScheme(text: string, options: ParseSchemeOptions = {}): TilingScheme {
  const trimmed = text.trim();
  const preset = Object.values(PRESETS).find((p) => p.name!.toLowerCase() === trimmed.toLowerCase());
  if (preset) return { ...preset };

  const parts = trimmed.split(',').map((p) => p.trim());
  if (parts.length !== 4 && parts.length !== 6) {
    throw new UsageError(
      `tiling scheme must be a preset (${Object.keys(PRESETS).join(', ')}) or ` +
        `"CRS,ULX,ULY,DIM0[,W0,H0]" (4 or 6 comma-separated parts), got ${parts.length} part(s) in "${text}"`,
    );
  }
  const [crs, ...nums] = parts;
  if (!crs) throw new UsageError(`tiling scheme "${text}": the CRS (first part) is empty`);
  const names = ['upper-left X', 'upper-left Y', 'zoom-0 tile dimension', 'zoom-0 matrix width', 'zoom-0 matrix height'];
  const values = nums.map((s, i) => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v)) throw new UsageError(`tiling scheme "${text}": ${names[i]} must be a number, got "${s}"`);
    return v;
  });
  const scheme: TilingScheme = {
    crs,
    originX: values[0],
    originY: values[1],
    tileDimensionZ0: values[2],
    matrixWidthZ0: values[3] ?? 1,
    matrixHeightZ0: values[4] ?? 1,
  };
  validateTilingScheme(scheme, `tiling scheme "${text}"`);
  const area = values.length === 3 ? options.crsArea?.(crs) : undefined;
  if (area) {
    const d = scheme.tileDimensionZ0;
    // A hair of tolerance: 360 / 180 is 2 tiles, not 3 for a rounding error in the origin.
    const cover = (span: number) => Math.max(1, Math.ceil(span / d - 1e-9));
    const w = cover(area[2] - scheme.originX), h = cover(scheme.originY - area[1]);
    if (w > MAX_INFERRED_MATRIX || h > MAX_INFERRED_MATRIX) {
      throw new UsageError(
        `tiling scheme "${text}": the CRS's area spans ${w} × ${h} zoom-0 tiles of this size; ` +
          `give the zoom-0 matrix explicitly as CRS,ULX,ULY,DIM0,W0,H0 (1,1 for a single tile)`,
      );
    }
    scheme.matrixWidthZ0 = w;
    scheme.matrixHeightZ0 = h;
  }
  return scheme;
}

export function validateTilingScheme(s: TilingScheme, what = 'tiling scheme'): void {
  if (!(s.tileDimensionZ0 > 0)) throw new UsageError(`${what}: zoom-0 tile dimension must be > 0, got ${s.tileDimensionZ0}`);
  for (const [k, v] of [['matrix width', s.matrixWidthZ0], ['matrix height', s.matrixHeightZ0]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`${what}: zoom-0 ${k} must be a positive integer, got ${v}`);
  }
}

/** True for the default Web Mercator grid, which needs no tiling-scheme keys in metadata. */
export function isWebMercatorQuad(s: TilingScheme): boolean {
  const m = WEB_MERCATOR;
  return (
    /^EPSG:3857$/i.test(s.crs) &&
    Math.abs(s.originX - m.originX) < 1e-3 &&
    Math.abs(s.originY - m.originY) < 1e-3 &&
    Math.abs(s.tileDimensionZ0 - m.tileDimensionZ0) < 1e-3 &&
    s.matrixWidthZ0 === 1 &&
    s.matrixHeightZ0 === 1
  );
}

/** Size of one tile at zoom z, in CRS units. */
export function tileDimension(s: TilingScheme, z: number): number {
  return s.tileDimensionZ0 / 2 ** z;
}

/** Number of tiles along x and y at zoom z. */
export function matrixSize(s: TilingScheme, z: number): { width: number; height: number } {
  return { width: s.matrixWidthZ0 * 2 ** z, height: s.matrixHeightZ0 * 2 ** z };
}

/** Bounds of tile (z, x, y) in CRS units: [minX, minY, maxX, maxY]. */
export function tileBounds(s: TilingScheme, z: number, x: number, y: number): [number, number, number, number] {
  const d = tileDimension(s, z);
  const minX = s.originX + x * d;
  const maxY = s.originY - y * d;
  return [minX, maxY - d, minX + d, maxY];
}

/**
 * Scheme coordinates are "zoom-0 tile units": u = (X - originX) / dim0, v = (originY - Y) / dim0,
 * so the zoom-0 matrix covers [0, W0] × [0, H0] and tile (z, x, y) covers [x, x+1] / 2^z.
 * The tiler works only in these units; this maps them back.
 */
export function fromSchemeUnits(s: TilingScheme, u: number, v: number): [number, number] {
  return [s.originX + u * s.tileDimensionZ0, s.originY - v * s.tileDimensionZ0];
}

/** The GDAL string form of a scheme, e.g. `EPSG:3067,-548576,8388608,2097152`. */
export function formatTilingScheme(s: TilingScheme): string {
  const base = `${s.crs},${s.originX},${s.originY},${s.tileDimensionZ0}`;
  return s.matrixWidthZ0 === 1 && s.matrixHeightZ0 === 1 ? base : `${base},${s.matrixWidthZ0},${s.matrixHeightZ0}`;
}
