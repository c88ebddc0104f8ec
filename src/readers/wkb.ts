// GeoPackage geometry blobs (GPKG 1.x §2.1.3: "GP" header + WKB) → GeoJSON geometry objects, 2D.
//
// Pure (no I/O, no native code) so that it runs on the worker threads: the reader hands over the raw
// blob and the tiler's thread decodes it. Every read is bounds-checked first, so a corrupt blob ends
// in a WkbError naming the byte offset, never in a RangeError or a read past the end.

export type Position = [number, number];

export type GeoJSONGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: GeoJSONGeometry[] };

/** A blob that is not a well-formed GeoPackage geometry; the message says what and where. */
export class WkbError extends Error {
  override name = 'WkbError';
}

/** Envelope bytes by the flags' envelope indicator: none, xy, xyz, xym, xyzm (GPKG Table 6). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];
/** GDAL's limit on GeometryCollection nesting; deeper blobs are hostile, not data. */
const MAX_DEPTH = 32;
const TYPES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;
type TypeName = Exclude<(typeof TYPES)[number], ''>;

/**
 * Decodes a GeoPackage geometry blob. Z and M are dropped. Returns null for an empty geometry
 * (the header's empty flag, POINT(NaN NaN), or no parts). Throws WkbError on a malformed blob.
 */
export function parseGpkgGeometry(blob: Uint8Array): GeoJSONGeometry | null {
  if (blob.length < 8) throw new WkbError(`truncated GeoPackage geometry: needs an 8-byte header, has ${blob.length} bytes`);
  if (blob[0] !== 0x47 || blob[1] !== 0x50) throw new WkbError(`not a GeoPackage geometry (bad magic 0x${hex(blob[0])}${hex(blob[1])}, expected 0x4750 "GP")`);
  if (blob[2] !== 0) throw new WkbError(`unsupported GeoPackage geometry version ${blob[2]} (only 0, GeoPackage 1.x, is defined)`);
  const flags = blob[3];
  if (flags & 0x20) throw new WkbError(`extended GeoPackage geometry types are not supported (flags 0x${hex(flags)})`);
  const envelope = (flags >> 1) & 0x07;
  if (envelope > 4) throw new WkbError(`invalid envelope indicator ${envelope} in GeoPackage geometry flags 0x${hex(flags)}`);
  const start = 8 + ENVELOPE_BYTES[envelope];
  if (blob.length < start) {
    throw new WkbError(`truncated GeoPackage geometry: header with a ${ENVELOPE_BYTES[envelope]}-byte envelope needs ${start} bytes, has ${blob.length}`);
  }
  // The header's srs_id and envelope are not needed: the CRS comes from gpkg_geometry_columns, and the
  // envelope only serves indexes. The empty flag is authoritative; the WKB after it need not be read.
  if (flags & 0x10) return null;
  return parseWkb(blob, start);
}

/** Decodes standard/ISO WKB (with EWKB Z/M flags tolerated) starting at `offset`. Trailing bytes are ignored. */
export function parseWkb(bytes: Uint8Array, offset = 0): GeoJSONGeometry | null {
  if (!(offset >= 0 && offset <= bytes.length)) throw new WkbError(`WKB offset ${offset} is outside the ${bytes.length}-byte buffer`);
  return new WkbReader(bytes, offset).geometry(0);
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** A geometry's byte order and type, as read from its first five bytes. */
interface Header {
  at: number;
  le: boolean;
  type: TypeName;
  /** Doubles per position: 2 plus one each for Z and M. */
  dims: number;
}

class WkbReader {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private pos: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** One geometry; empty geometries and members come back as null so that callers drop them. */
  geometry(depth: number): GeoJSONGeometry | null {
    const h = this.header();
    const { type } = h;
    switch (type) {
      case 'Point': {
        const coordinates = this.point(h);
        return coordinates && { type, coordinates };
      }
      case 'LineString': {
        const coordinates = this.line(h);
        return coordinates && { type, coordinates };
      }
      case 'Polygon': {
        const coordinates = this.polygon(h);
        return coordinates && { type, coordinates };
      }
      case 'MultiPoint': {
        const coordinates = this.members(h, 'Point', (m) => this.point(m));
        return coordinates.length ? { type, coordinates } : null;
      }
      case 'MultiLineString': {
        const coordinates = this.members(h, 'LineString', (m) => this.line(m));
        return coordinates.length ? { type, coordinates } : null;
      }
      case 'MultiPolygon': {
        const coordinates = this.members(h, 'Polygon', (m) => this.polygon(m));
        return coordinates.length ? { type, coordinates } : null;
      }
      case 'GeometryCollection': {
        // Only collections nest without bound, so only they need a depth limit.
        if (depth >= MAX_DEPTH) throw new WkbError(`GeometryCollection at byte ${h.at} is nested more than ${MAX_DEPTH} deep`);
        const n = this.uint32(h.le);
        const geometries: GeoJSONGeometry[] = [];
        for (let i = 0; i < n; i++) {
          const g = this.geometry(depth + 1);
          if (g) geometries.push(g);
        }
        return geometries.length ? { type, geometries } : null;
      }
    }
  }

  /** Byte order and type code. Each nested geometry has its own, so byte orders may mix. */
  private header(): Header {
    const at = this.pos;
    this.need(5);
    const order = this.bytes[this.pos++];
    if (order > 1) throw new WkbError(`bad WKB byte order 0x${hex(order)} at byte ${at} (expected 0 or 1)`);
    const le = order === 1;
    const code = this.uint32(le);
    // ISO WKB adds 1000 (Z), 2000 (M), 3000 (ZM); EWKB (PostGIS) and OGR's old wkb25DBit set the top bits.
    const base = code & 0x3fffffff;
    const iso = Math.floor(base / 1000);
    const type = TYPES[base % 1000];
    if (!type || iso > 3) throw new WkbError(`unsupported WKB geometry type ${code} at byte ${at}`);
    const z = (code & 0x80000000) !== 0 || iso === 1 || iso === 3;
    const m = (code & 0x40000000) !== 0 || iso === 2 || iso === 3;
    return { at, le, type, dims: 2 + (z ? 1 : 0) + (m ? 1 : 0) };
  }

  /** The members of a Multi*: full geometries of one type each; empty ones are dropped. */
  private members<C>(h: Header, member: TypeName, body: (m: Header) => C | null): C[] {
    const n = this.uint32(h.le);
    const out: C[] = [];
    for (let i = 0; i < n; i++) {
      const m = this.header();
      if (m.type !== member) throw new WkbError(`${m.type} at byte ${m.at} inside a ${h.type} (byte ${h.at}), expected ${member}`);
      const c = body(m);
      if (c) out.push(c);
    }
    return out;
  }

  /** POINT(NaN NaN) is how WKB spells an empty point (ISO 13249-3, GPKG §2.1.3.1.1). */
  private point(h: Header): Position | null {
    const p = this.positions(1, h)[0];
    return Number.isNaN(p[0]) && Number.isNaN(p[1]) ? null : p;
  }

  private line(h: Header): Position[] | null {
    const line = this.positions(this.uint32(h.le), h);
    return line.length ? line : null;
  }

  /** Empty rings are dropped; a polygon whose exterior ring is empty is empty. */
  private polygon(h: Header): Position[][] | null {
    const n = this.uint32(h.le);
    const rings: Position[][] = [];
    let exterior = true;
    for (let i = 0; i < n; i++) {
      const ring = this.positions(this.uint32(h.le), h); // read even when dropped: the bytes must be there
      if (i === 0) exterior = ring.length > 0;
      if (exterior && ring.length) rings.push(ring);
    }
    return rings.length ? rings : null;
  }

  /** `n` positions of `dims` doubles, keeping x and y. The size is checked before anything is allocated. */
  private positions(n: number, h: Header): Position[] {
    const stride = h.dims * 8;
    const has = this.bytes.length - this.pos;
    // Before allocating: a corrupt count must end in a WkbError, not in a four-billion-element array.
    if (n > Math.floor(has / stride)) throw new WkbError(`truncated WKB: needs ${n * stride} bytes at byte ${this.pos}, has ${has}`);
    const out = new Array<Position>(n);
    const v = this.view;
    const le = h.le;
    let p = this.pos;
    for (let i = 0; i < n; i++, p += stride) out[i] = [v.getFloat64(p, le), v.getFloat64(p + 8, le)];
    this.pos = p;
    return out;
  }

  private need(n: number): void {
    const has = this.bytes.length - this.pos;
    if (has < n) throw new WkbError(`truncated WKB: needs ${n} bytes at byte ${this.pos}, has ${has}`);
  }

  private uint32(le: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, le);
    this.pos += 4;
    return v;
  }
}
