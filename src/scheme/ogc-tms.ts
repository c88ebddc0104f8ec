// OGC Two Dimensional Tile Matrix Set JSON (17-083r4, and the older 17-083r2 shape) read into a
// TilingScheme, and what the OGC registry says about our presets. Any set whose matrices are a quad
// tree fits: one origin, square tiles whose size halves and whose matrix doubles at each zoom.
import { UsageError } from '../errors.js';
import { PRESETS, parseTilingScheme, tileDimension, validateTilingScheme, type ParseSchemeOptions, type TilingScheme } from './tiling-scheme.js';

/** `en`: easting (or longitude) first; `ne`: northing (or latitude) first. */
export type AxisOrder = 'en' | 'ne';

/** What reading a tile matrix set needs to know about its CRS (projection/crs-info.ts supplies it). */
export interface CrsFacts {
  /** The CRS's own axis order, for a set without `orderedAxes`. */
  axisOrder: AxisOrder;
  /** Metres per CRS unit, to turn a scale denominator into a cell size (1.0 sets have no cellSize). */
  metersPerUnit: number;
}

/** The "standardized rendering pixel" of 0.28 mm the standard relates scale denominators to. */
export const STANDARD_PIXEL = 0.00028;
/** Pixels a tile side has in the sets we write (as the registry's quads). */
export const TILE_PIXELS = 256;

/** A pixel's side at zoom z in CRS units: a tile's side over TILE_PIXELS (the OGC `cellSize`). */
export function cellSize(s: TilingScheme, z: number): number {
  return tileDimension(s, z) / TILE_PIXELS;
}

/** The OGC scale denominator of zoom z: its cell size in metres over the 0.28 mm standard pixel. */
export function scaleDenominator(s: TilingScheme, z: number, metersPerUnit: number): number {
  return (cellSize(s, z) * metersPerUnit) / STANDARD_PIXEL;
}

/** Registry entries of the presets that are in the OGC registry (www.opengis.net/def/tilematrixset). */
export const OGC_REGISTRY: Readonly<Record<string, { uri: string; title: string; wellKnownScaleSet?: string }>> = {
  WebMercatorQuad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad',
    title: 'Google Maps Compatible for the World',
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
  },
  WorldCRS84Quad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad',
    title: 'EPSG:4326 for the World',
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleCRS84Quad',
  },
  WorldMercatorWGS84Quad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldMercatorWGS84Quad',
    title: 'World Mercator WGS84 (ellipsoid)',
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/WorldMercatorWGS84',
  },
  EuropeanETRS89_LAEAQuad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/EuropeanETRS89_LAEAQuad',
    title: 'Lambert Azimuthal Equal Area ETRS89 for Europe',
  },
  UPSArcticWGS84Quad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/UPSArcticWGS84Quad',
    title: 'Universal Polar Stereographic WGS 84 Quad for Arctic',
  },
  UPSAntarcticWGS84Quad: {
    uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/UPSAntarcticWGS84Quad',
    title: 'Universal Polar Stereographic WGS 84 Quad for Antarctic',
  },
};

export interface ReadSchemeOptions extends ParseSchemeOptions {
  /** Axis order and unit of a CRS (by the name the set gives it, e.g. `EPSG:2193`), when known. */
  crsFacts?: (crs: string) => CrsFacts | undefined;
}

/**
 * A tiling scheme from any of the forms `--tiling-scheme` takes: OGC Tile Matrix Set JSON text
 * (starting with `{`), a preset name or GDAL's `CRS,ULX,ULY,DIM0[,W0,H0]`.
 */
export function readTilingScheme(text: string, options: ReadSchemeOptions = {}): TilingScheme {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return parseTilingScheme(trimmed, options);
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (e) {
    throw new UsageError(`tile matrix set: invalid JSON: ${(e as Error).message}`);
  }
  return parseTileMatrixSet(doc, options);
}

/**
 * The CRS named by a set (`http://www.opengis.net/def/crs/EPSG/0/2193`, `urn:ogc:def:crs:EPSG::2193`,
 * `{"uri": …}`) the way the rest of mvt-build and GDAL's metadata name it: `EPSG:2193`; OGC's CRS84
 * becomes `urn:ogc:def:crs:OGC:1.3:CRS84`. Anything else is returned as written.
 */
export function crsFromUri(crs: unknown, what = 'tile matrix set'): string {
  if (crs && typeof crs === 'object' && !Array.isArray(crs)) {
    const uri = (crs as { uri?: unknown }).uri;
    if (typeof uri === 'string') return crsFromUri(uri, what);
    throw new UsageError(`${what}: crs must be a URI (such as "http://www.opengis.net/def/crs/EPSG/0/3067"); a CRS given as ${Object.keys(crs).join('/') || 'an empty object'} is not read`);
  }
  if (typeof crs !== 'string' || !crs.trim()) throw new UsageError(`${what}: crs is missing`);
  const s = crs.trim();
  const epsg = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[^/]*\/(\d+)\/?$/i.exec(s)?.[1] ?? /^urn:ogc:def:crs:EPSG:[\d.]*:(\d+)$/i.exec(s)?.[1];
  if (epsg) return `EPSG:${epsg}`;
  if (/^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[^/]*\/CRS:?84\/?$/i.test(s) || /^(?:OGC:)?CRS:?84$/i.test(s)) return 'urn:ogc:def:crs:OGC:1.3:CRS84';
  return s;
}

const EAST = /^(e|x|lon|long|longitude|east|easting)$/i;
const NORTH = /^(n|y|lat|latitude|north|northing)$/i;

interface Matrix {
  id: string;
  cellSize: number;
  /** The corner of origin, in the set's axis order. */
  point: [number, number];
  bottomLeft: boolean;
  tileWidth: number;
  tileHeight: number;
  matrixWidth: number;
  matrixHeight: number;
}

/**
 * Reads a Tile Matrix Set document — the 2.0 JSON encoding (`crs`, `orderedAxes`, `tileMatrices[]`
 * with `cellSize` and `pointOfOrigin`) or the 1.0 one (`supportedCRS`, `tileMatrix[]` with
 * `scaleDenominator` and `topLeftCorner`) — into our model, and refuses, saying why, a set that is not
 * a quad tree: variable matrix widths, tiles that are not square, cell sizes that do not halve,
 * matrices that do not double or whose origin moves, or ids that are numbers other than the zoom
 * (the registry's UTM quads start at "1"). Zoom z is the z-th matrix from the coarsest one. A
 * `bottomLeft` origin is turned into the top-left one (rows are counted from the top here).
 * A set that describes a preset's grid gives that preset.
 */
export function parseTileMatrixSet(doc: unknown, options: { crsFacts?: (crs: string) => CrsFacts | undefined } = {}): TilingScheme {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError('tile matrix set: expected a JSON object');
  const d = doc as Record<string, unknown>;
  const id = typeof d.id === 'string' ? d.id : typeof d.identifier === 'string' ? d.identifier : undefined;
  const what = id ? `tile matrix set "${id}"` : 'tile matrix set';
  const list = Array.isArray(d.tileMatrices) ? d.tileMatrices : Array.isArray(d.tileMatrix) ? d.tileMatrix : undefined;
  if (!list || list.length === 0) throw new UsageError(`${what}: no tileMatrices (2.0) or tileMatrix (1.0) array of tile matrices`);
  const crs = crsFromUri(d.crs ?? d.supportedCRS, what);
  const facts = options.crsFacts?.(crs);

  const num = (m: Record<string, unknown>, key: string, where: string): number => {
    const v = m[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`${what}: ${where}: ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const matrices: Matrix[] = list.map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw new UsageError(`${what}: tile matrix #${i} is not an object`);
    const m = raw as Record<string, unknown>;
    const mid = typeof m.id === 'string' ? m.id : typeof m.identifier === 'string' ? m.identifier : String(i);
    const where = `tile matrix "${mid}"`;
    if (Array.isArray(m.variableMatrixWidths) && m.variableMatrixWidths.length > 0) {
      throw new UsageError(`${what}: ${where} has variable matrix widths (coalesced rows); only quad trees fit mvt-build's tiling schemes`);
    }
    let cellSize: number;
    if (m.cellSize !== undefined) cellSize = num(m, 'cellSize', where);
    else {
      const scale = num(m, 'scaleDenominator', where);
      if (!facts) throw new UsageError(`${what}: ${where} has no cellSize, and the unit of ${crs} is not known to derive it from scaleDenominator`);
      cellSize = (scale * STANDARD_PIXEL) / facts.metersPerUnit;
    }
    const point = m.pointOfOrigin ?? m.topLeftCorner;
    if (!Array.isArray(point) || point.length !== 2 || !point.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new UsageError(`${what}: ${where}: pointOfOrigin must be two numbers, got ${JSON.stringify(point)}`);
    }
    const corner = m.cornerOfOrigin ?? 'topLeft';
    if (corner !== 'topLeft' && corner !== 'bottomLeft') throw new UsageError(`${what}: ${where}: cornerOfOrigin must be topLeft or bottomLeft, got ${JSON.stringify(corner)}`);
    const out: Matrix = {
      id: mid,
      cellSize,
      point: [point[0], point[1]],
      bottomLeft: corner === 'bottomLeft',
      tileWidth: num(m, 'tileWidth', where),
      tileHeight: num(m, 'tileHeight', where),
      matrixWidth: num(m, 'matrixWidth', where),
      matrixHeight: num(m, 'matrixHeight', where),
    };
    if (!(cellSize > 0)) throw new UsageError(`${what}: ${where}: cellSize must be > 0, got ${cellSize}`);
    for (const k of ['tileWidth', 'tileHeight', 'matrixWidth', 'matrixHeight'] as const) {
      if (!Number.isInteger(out[k]) || out[k] < 1) throw new UsageError(`${what}: ${where}: ${k} must be a positive integer, got ${out[k]}`);
    }
    if (out.tileWidth !== out.tileHeight) {
      throw new UsageError(`${what}: ${where} has tiles of ${out.tileWidth} × ${out.tileHeight} pixels; mvt-build's tiles are square`);
    }
    return out;
  });
  matrices.sort((a, b) => b.cellSize - a.cellSize);

  let order: AxisOrder | undefined;
  if (Array.isArray(d.orderedAxes) && d.orderedAxes.length >= 2) {
    const [a, b] = d.orderedAxes.map(String);
    if (EAST.test(a) && NORTH.test(b)) order = 'en';
    else if (NORTH.test(a) && EAST.test(b)) order = 'ne';
    else throw new UsageError(`${what}: orderedAxes ${JSON.stringify(d.orderedAxes)}: expected an easting and a northing axis (E/X/Lon, N/Y/Lat)`);
  } else {
    order = facts?.axisOrder;
    if (!order) throw new UsageError(`${what}: no orderedAxes, and the axis order of ${crs} is not known`);
  }

  // Each matrix's top-left corner as (x east, y north), and its tile side in CRS units.
  const corners = matrices.map((m) => {
    const [x, y] = order === 'en' ? m.point : [m.point[1], m.point[0]];
    const side = m.cellSize * m.tileWidth;
    return { x, top: m.bottomLeft ? y + m.matrixHeight * side : y, side };
  });
  const m0 = matrices[0], c0 = corners[0];
  const dim0 = c0.side;
  const tol = dim0 * 1e-6;
  const ids = matrices.map((m) => m.id);
  const numeric = ids.every((s) => /^\d+$/.test(s));
  for (let z = 0; z < matrices.length; z++) {
    const m = matrices[z], c = corners[z];
    const where = `tile matrix "${m.id}"`;
    if (numeric && Number(m.id) !== z) {
      throw new UsageError(
        `${what}: its matrices are numbered from "${ids[0]}" (${m0.matrixWidth} × ${m0.matrixHeight} tiles there), not 0; mvt-build's zoom z is the matrix with id "z". ` +
          `Give the grid as CRS,ULX,ULY,DIM0,W0,H0 of a zoom 0 that doubles into it, or renumber the matrices`,
      );
    }
    if (Math.abs(c.side * 2 ** z - dim0) > tol) {
      throw new UsageError(`${what}: ${where}: tiles of ${c.side} CRS units where halving gives ${dim0 / 2 ** z}; mvt-build's tile size halves at each zoom (the set is not a quad tree)`);
    }
    if (m.matrixWidth !== m0.matrixWidth * 2 ** z || m.matrixHeight !== m0.matrixHeight * 2 ** z) {
      throw new UsageError(
        `${what}: ${where}: ${m.matrixWidth} × ${m.matrixHeight} tiles where doubling gives ${m0.matrixWidth * 2 ** z} × ${m0.matrixHeight * 2 ** z}; mvt-build's matrix doubles at each zoom`,
      );
    }
    if (Math.abs(c.x - c0.x) > tol || Math.abs(c.top - c0.top) > tol) {
      throw new UsageError(`${what}: ${where}: its top-left corner (${c.x}, ${c.top}) is not that of the first matrix (${c0.x}, ${c0.top})`);
    }
  }
  const scheme: TilingScheme = {
    crs,
    originX: c0.x,
    originY: c0.top,
    tileDimensionZ0: dim0,
    matrixWidthZ0: m0.matrixWidth,
    matrixHeightZ0: m0.matrixHeight,
  };
  validateTilingScheme(scheme, what);
  const preset = presetOf(scheme);
  if (preset) return preset;
  // The set's own id is kept, unless it is the one we make up for an unnamed scheme (a round trip).
  if (id && id !== tileMatrixSetId(scheme)) scheme.name = id;
  return scheme;
}

/**
 * A scheme's id in the descriptors: its preset's name (the registry's id for those in the OGC
 * registry) or its own name, else one made from the CRS code, such as `EPSG3006Quad` (`CustomQuad`
 * for a CRS given as proj4 or WKT).
 */
export function tileMatrixSetId(s: TilingScheme): string {
  const name = presetOf(s)?.name ?? s.name;
  if (name) return name;
  const code = /^EPSG:+(\d+)$/i.exec(s.crs.trim())?.[1];
  return code ? `EPSG${code}Quad` : 'CustomQuad';
}

const sameCrs = (a: string, b: string) => {
  const norm = (s: string) => (/CRS:?84$/i.test(s) ? 'EPSG:4326' : s.toUpperCase());
  return norm(a) === norm(b);
};

/**
 * The preset a scheme describes, if any: the same CRS (CRS84 counts as EPSG:4326: the axis order does
 * not change the grid), the same matrix, and origin and tile size within a billionth of the tile size
 * (the registry's numbers are rounded to 15 digits).
 */
export function presetOf(s: TilingScheme): TilingScheme | undefined {
  for (const p of Object.values(PRESETS)) {
    const tol = p.tileDimensionZ0 * 1e-9;
    if (
      sameCrs(p.crs, s.crs) &&
      p.matrixWidthZ0 === s.matrixWidthZ0 &&
      p.matrixHeightZ0 === s.matrixHeightZ0 &&
      Math.abs(p.originX - s.originX) <= tol &&
      Math.abs(p.originY - s.originY) <= tol &&
      Math.abs(p.tileDimensionZ0 - s.tileDimensionZ0) <= tol
    ) {
      return { ...p };
    }
  }
  return undefined;
}
