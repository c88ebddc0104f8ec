// The attributes of a published tileset, kept out of its tiles: every feature's properties and whole
// geometry go once into JSON side files `attr/XXXX.json`, which a page fetches when a feature is
// picked, instead of being repeated (and clipped) in every tile the feature crosses. Also the values
// computed for them: GeomArea, GeomPerimeter, GeomLength in metres, and dates in one format.
//
// Feature ids say where the attributes are: id = page · 65536 + index, the file `attr/` + the page as
// four hex digits + `.json`, a JSON array whose element `index` is the feature. A page closes after
// the feature that takes it past 256 KiB, or at 65,536 features (what 16 bits of index hold).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import proj4 from 'proj4';
import type { GeoJSONGeometry, Position } from '../readers/wkb.js';
import { mapPositions } from './geojson.js';
import type { ResolvedCrs } from '../projection/crs.js';

export const PAGE_BYTES = 256 * 1024;
export const PAGE_FEATURES = 65536;
/** Four hex digits name a page. */
export const MAX_PAGES = 65536;

/** The file (relative to the tileset) and array index of a feature's attributes: what a page computes. */
export function attributeLocation(id: number): { file: string; index: number } {
  const page = Math.floor(id / PAGE_FEATURES);
  return { file: `attr/${page.toString(16).padStart(4, '0')}.json`, index: id % PAGE_FEATURES };
}

/** Writes the side files one page at a time; `add` hands out the feature ids, unique across layers. */
export class AttributePages {
  private page = 0;
  private parts: string[] = [];
  private size = 0;
  private pending: Promise<void> = Promise.resolve();
  /** Pages written, features in them, bytes of JSON. */
  readonly stats = { pages: 0, features: 0, bytes: 0 };

  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Adds one feature's attribute object (already JSON text); returns its id. */
  async add(json: string): Promise<number> {
    if (this.page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} attribute files (${MAX_PAGES * PAGE_FEATURES} features): the id scheme holds no more`);
    const id = this.page * PAGE_FEATURES + this.parts.length;
    this.parts.push(json);
    this.size += Buffer.byteLength(json) + 1; // the '[' or ',' before it
    this.stats.features++;
    if (this.size > PAGE_BYTES || this.parts.length >= PAGE_FEATURES) await this.flush();
    return id;
  }

  /** Writes the open page, if it has features; the next feature starts a new page. */
  private async flush(): Promise<void> {
    if (!this.parts.length) return;
    const text = `[${this.parts.join(',')}]`;
    const file = join(this.dir, `${this.page.toString(16).padStart(4, '0')}.json`);
    this.parts = [];
    this.size = 0;
    this.page++;
    this.stats.pages++;
    this.stats.bytes += Buffer.byteLength(text);
    // One page written while the next fills: the reader is not held up, and memory stays at two pages.
    await this.pending;
    this.pending = writeFile(file, text, { flag: 'wx' });
    this.pending.catch(() => undefined); // awaited by the next flush or by close()
  }

  /** Writes the last page and waits for every write. */
  async close(): Promise<void> {
    await this.flush();
    await this.pending;
  }
}

/** Source columns these names would shadow (compared without case), as the GDAL job refuses them. */
export const RESERVED_COLUMNS = ['geom', 'GeomArea', 'GeomPerimeter', 'GeomLength'];

/** Why a source column may not have this name: `the attribute files give "geom" to the geometry`; undefined when it may. */
export function reservedColumn(name: string): string | undefined {
  const hit = RESERVED_COLUMNS.find((r) => r.toLowerCase() === name.toLowerCase());
  if (!hit) return undefined;
  return `the attribute files give "${hit}" to ${hit === 'geom' ? 'the geometry' : 'a computed value'} (${RESERVED_COLUMNS.join(', ')} are compared without case)`;
}

/**
 * Metres in one unit of a projected CRS: its `+to_meter` or `+units` (proj4 knows the foot, the US
 * survey foot, the kilometre, …), or a WKT's UNIT. Geographic CRSs have no linear unit: undefined.
 */
export function metresPerUnit(crs: ResolvedCrs): number | undefined {
  if (crs.geographic) return undefined;
  const p = proj4.Proj(crs.definition) as unknown as { to_meter?: number };
  return typeof p.to_meter === 'number' && p.to_meter > 0 ? p.to_meter : 1;
}

/**
 * Decimals that keep a centimetre in a CRS's unit (the GDAL job's ⌈log10(unit) + 2⌉, at least 0:
 * 2 for metres, 5 for kilometres); 7 for degrees (1e-7° is about a centimetre on the ground).
 */
export function centimetreDecimals(crs: ResolvedCrs): number {
  const unit = metresPerUnit(crs);
  return unit === undefined ? 7 : Math.max(0, Math.ceil(Math.log10(unit) + 2));
}

/** A geometry with every coordinate rounded to `decimals` (as JSON then writes it: shortest form). */
export function roundGeometry(g: GeoJSONGeometry, decimals: number): GeoJSONGeometry {
  const k = 10 ** decimals;
  return mapPositions(g, (c) => [Math.round(c[0] * k) / k, Math.round(c[1] * k) / k]);
}

export interface Measures {
  GeomArea?: number;
  GeomPerimeter?: number;
  GeomLength?: number;
}

/** What a geometry asks to be measured: areas for polygons, lengths for lines, nothing for points. */
export function measuredKind(g: GeoJSONGeometry): 'area' | 'length' | undefined {
  switch (g.type) {
    case 'Polygon':
    case 'MultiPolygon':
      return 'area';
    case 'LineString':
    case 'MultiLineString':
      return 'length';
    case 'GeometryCollection': {
      const kinds = g.geometries.map(measuredKind);
      return kinds.includes('area') ? 'area' : kinds.includes('length') ? 'length' : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * GeomArea and GeomPerimeter (every ring, holes included) of polygons, GeomLength of lines, in
 * metres (m²) from the CRS's unit and rounded to 0.01, as the GDAL job's `ROUND(ST_Area(geom) · u², 2)`
 * — planar, in the source CRS, before any clipping. A collection sums the members of its measured
 * kind. `unit` is metres per CRS unit.
 */
export function measure(g: GeoJSONGeometry, unit: number): Measures {
  const kind = measuredKind(g);
  if (!kind) return {};
  let area = 0, perimeter = 0, length = 0;
  const visit = (m: GeoJSONGeometry) => {
    if (m.type === 'Polygon') {
      m.coordinates.forEach((r, i) => {
        area += (i === 0 ? 1 : -1) * Math.abs(ringArea(r)); // holes are taken out, whatever their winding
        perimeter += pathLength(r);
      });
    } else if (m.type === 'MultiPolygon') for (const p of m.coordinates) visit({ type: 'Polygon', coordinates: p });
    else if (m.type === 'LineString') length += pathLength(m.coordinates);
    else if (m.type === 'MultiLineString') for (const l of m.coordinates) length += pathLength(l);
    else if (m.type === 'GeometryCollection') m.geometries.forEach(visit);
  };
  visit(g);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return kind === 'area' ? { GeomArea: r2(area * unit * unit), GeomPerimeter: r2(perimeter * unit) } : { GeomLength: r2(length * unit) };
}

/** Shoelace, relative to the first vertex so that large coordinates (northings of 7e6) lose no digits. */
function ringArea(r: Position[]): number {
  if (r.length < 3) return 0;
  const [x0, y0] = r[0];
  let s = 0;
  for (let i = 1; i + 1 < r.length; i++) s += (r[i][0] - x0) * (r[i + 1][1] - y0) - (r[i + 1][0] - x0) * (r[i][1] - y0);
  return s / 2;
}

function pathLength(l: Position[]): number {
  let s = 0;
  for (let i = 1; i < l.length; i++) s += Math.hypot(l[i][0] - l[i - 1][0], l[i][1] - l[i - 1][1]);
  return s;
}

/**
 * A source value as the attribute files hold it. Dates stay `YYYY-MM-DD` (as the reader gives them);
 * date-times become `YYYY-MM-DDTHH:MM:SS`, with the zone (`Z`, `±HH:MM`) when the source has one and
 * without fractions of a second, as the GDAL job's strftime('%FT%T') writes them.
 */
export function attributeValue(declared: string | undefined, v: unknown): unknown {
  if (typeof v !== 'string' || !declared || !/^\s*DATETIME/i.test(declared)) return v;
  return v.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d+/, '$1');
}
