// A PMTiles v3 archive: one file, tiles clustered in Hilbert order, identical tiles stored once,
// built under a temporary sibling name and renamed into place (file-output.ts).
//
// Tiles arrive in z/x/y order, not in tile-id order, and the directories that come first in the file
// are known only once every tile is in. So put() appends each distinct tile to a spool file beside the
// output (`-tiles`, removed at the end) and keeps only numbers per tile — z, x, y and which content
// it is: 600k tiles are a few tens of MB, never their bytes. commit() orders them by tile id, lays out
// directories and metadata, then copies each content from the spool once, in tile-id order.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { InputError, UsageError } from '../errors.js';
import { formatTilingScheme, isWebMercatorQuad, type TilingScheme } from '../scheme/tiling-scheme.js';
import { crsDefinitionKeys } from '../describe/crs-keys.js';
import { describeTileset } from '../describe/descriptors.js';
import { FileOutput } from './file-output.js';
import { gdalStringify, type JsonValue } from './gdal-json.js';
import { vectorLayersJson, type TilesetMetadata } from './metadata.js';
import { PMTILES_HEADER_BYTES as HEADER_BYTES, pmtilesHeaderBytes } from '../model/pmtiles-header.js';
import { buildDirectories, PMTILES_MAX_ZOOM, tileId, type Entries } from './pmtiles-format.js';
import { ContentIds, contentKey } from './content-ids.js';
import type { TileRun, TileSink } from './sink.js';

export interface PmtilesOptions {
  /** Replace an existing output file. Default false. */
  force?: boolean;
}

/**
 * A scheme whose zoom-0 matrix is not 1 × 1 (WorldCRS84Quad's 2 × 1) has no place on PMTiles' square
 * pyramid as it is. It is re-rooted: zoom z is stored as zoom z + k, where 2^k is the smallest power of
 * two not below the matrix's width and height, so the stored zoom-k level holds the scheme's zoom 0 in
 * its top-left corner (columns and rows unchanged). The metadata records k as `zoom_offset` and the
 * scheme itself (`tiling_scheme`, GDAL's string); a reader subtracts k. A 1 × 1 scheme has k = 0.
 */
export function zoomOffset(s: TilingScheme): number {
  return Math.ceil(Math.log2(Math.max(s.matrixWidthZ0, s.matrixHeightZ0)));
}

/** Bytes of new contents gathered before one write to the spool. */
const SPOOL_CHUNK = 1 << 20;

/** Growable columns of numbers. */
class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  constructor(public data: T) {}
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const grown = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = v;
  }
}

export class PmtilesSink implements TileSink {
  readonly path: string;
  private readonly file: FileOutput;
  private spool: FileHandle | undefined;
  private spoolPath = '';
  private spoolBytes = 0;
  /** Per tile: its zoom, column, row and content number. */
  private tiles = 0;
  private readonly z = new Column(new Uint8Array(1024));
  private readonly x = new Column(new Uint32Array(1024));
  private readonly y = new Column(new Uint32Array(1024));
  private readonly content = new Column(new Uint32Array(1024));
  /** Per content: where it is in the spool and how long. */
  private readonly ids = new ContentIds();
  private readonly spoolOffset = new Column(new Float64Array(1024));
  private readonly length = new Column(new Uint32Array(1024));
  /** Contents not yet known to be in the spool (gathered, or their write in flight): compared from here. */
  private readonly unwritten = new Map<number, Uint8Array>();
  /** New contents gathered for the next write, from spool offset chunkAt. */
  private chunk: { id: number; data: Uint8Array }[] = [];
  private chunkAt = 0;
  /** The spool's writes, one after the other. */
  private writing: Promise<void> = Promise.resolve();
  /** Whether tiles are gzipped (sniffed from the first: an MVT tile never starts with gzip's 1f 8b). */
  private gzipped: boolean | undefined;
  private failure: Error | undefined;

  constructor(path: string, options: PmtilesOptions = {}) {
    this.file = new FileOutput(path, options.force ?? false, 'a .pmtiles file');
    this.path = this.file.path;
  }

  get staleRemoved(): number {
    return this.file.staleRemoved;
  }

  /** The temporary file while building (for cleanup on signals). */
  get tempPath(): string {
    return this.file.temp;
  }

  async open(): Promise<void> {
    const temp = await this.file.open();
    this.spoolPath = `${temp}-tiles`;
    try {
      this.spool = await open(this.spoolPath, 'w+');
    } catch (e) {
      await this.abort();
      throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
  }

  async put(z: number, x: number, y: number, data: Uint8Array): Promise<void> {
    if (!this.spool) throw new Error('PmtilesSink.put() before open()');
    if (this.failure) throw this.failure;
    try {
      // Copied: a new content is kept until written, and the caller may reuse its buffer.
      const own = Buffer.from(data);
      this.place(z, x, y, own, contentKey(own));
      if (this.spoolBytes - this.chunkAt >= SPOOL_CHUNK) await this.writeChunk();
    } catch (e) {
      throw this.failed(e);
    }
  }

  async putRun(run: TileRun): Promise<void> {
    if (!this.spool) throw new Error('PmtilesSink.putRun() before open()');
    if (this.failure) throw this.failure;
    try {
      const { index, keys } = run;
      for (let i = 0, t = 0; i < index.length; i += 5, t++) {
        const data = run.data.subarray(index[i + 3], index[i + 3] + index[i + 4]);
        this.place(index[i], index[i + 1], index[i + 2], data, keys ? keys[t] : contentKey(data));
      }
      await this.writeChunk();
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** Remembered so that commit() refuses an archive with tiles missing even if the caller lost this rejection. */
  private failed(e: unknown): Error {
    this.failure ??= e instanceof UsageError ? e : new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    return this.failure;
  }

  /** Numbers the tile and its content; a new content is gathered for the spool. */
  private place(z: number, x: number, y: number, data: Uint8Array, key: number): void {
    if (data.length === 0) throw new UsageError(`tile ${z}/${x}/${y} is empty: PMTiles entries must have a length`);
    const gz = data[0] === 0x1f && data[1] === 0x8b;
    if (this.gzipped === undefined) this.gzipped = gz;
    else if (gz !== this.gzipped) throw new UsageError(`tile ${z}/${x}/${y} is ${gz ? '' : 'not '}gzipped and earlier tiles are ${gz ? 'not' : ''}: one PMTiles archive has one tile compression`);
    const { id: c, fresh } = this.ids.idOf(key, data, (id) => this.stored(id));
    if (fresh) {
      this.spoolOffset.set(c, this.spoolBytes);
      this.length.set(c, data.length);
      this.spoolBytes += data.length;
      this.unwritten.set(c, data);
      this.chunk.push({ id: c, data });
    }
    const i = this.tiles++;
    this.z.set(i, z);
    this.x.set(i, x);
    this.y.set(i, y);
    this.content.set(i, c);
  }

  /** A content's bytes, to compare with a tile of the same key. */
  private stored(c: number): Uint8Array {
    const pending = this.unwritten.get(c);
    if (pending) return pending;
    const buf = Buffer.allocUnsafe(this.length.data[c]);
    if (readSync(this.spool!.fd, buf, 0, buf.length, this.spoolOffset.data[c]) !== buf.length) throw new Error('the tile spool is shorter than written');
    return buf;
  }

  /** Writes the gathered contents to the spool as one write, after the writes before it. */
  private writeChunk(): Promise<void> {
    if (this.chunk.length) {
      const chunk = this.chunk, at = this.chunkAt;
      this.chunk = [];
      this.chunkAt = this.spoolBytes;
      const spool = this.spool!;
      const bytes = Buffer.concat(chunk.map((c) => c.data));
      this.writing = this.writing.then(async () => {
        await spool.write(bytes, 0, bytes.length, at);
        for (const c of chunk) this.unwritten.delete(c.id);
      });
    }
    return this.writing;
  }

  async commit(metadata: TilesetMetadata): Promise<void> {
    if (!this.spool) throw new Error('PmtilesSink.commit() before open()');
    if (this.failure) throw this.failure;
    const k = zoomOffset(metadata.scheme);
    if (metadata.maxzoom + k > PMTILES_MAX_ZOOM) {
      throw new UsageError(`PMTiles holds zooms up to ${PMTILES_MAX_ZOOM}${k ? ` (here ${PMTILES_MAX_ZOOM - k}: the scheme is re-rooted ${k} zoom${k > 1 ? 's' : ''} down)` : ''}; maxzoom is ${metadata.maxzoom}`);
    }
    if (this.tiles === 0) throw new UsageError('no tile to write: a PMTiles archive must hold at least one tile (is the data outside the tiling scheme?)');
    try {
      await this.writeChunk();
      await this.spool.close();
      this.spool = undefined;
      const { entries, order } = this.entries(k);
      const dirs = buildDirectories(entries);
      const meta = gzipSync(Buffer.from(gdalStringify(pmtilesMetadata(metadata, k))));
      let dataLength = 0;
      for (const c of order) dataLength += this.length.data[c];
      const [w, s, e, n] = metadata.bounds;
      const center = metadata.center ?? [(w + e) / 2, (s + n) / 2, metadata.minzoom];
      const header = pmtilesHeaderBytes({
        rootOffset: HEADER_BYTES,
        rootLength: dirs.root.length,
        metadataOffset: HEADER_BYTES + dirs.root.length,
        metadataLength: meta.length,
        leavesOffset: HEADER_BYTES + dirs.root.length + meta.length,
        leavesLength: dirs.leaves.length,
        dataOffset: HEADER_BYTES + dirs.root.length + meta.length + dirs.leaves.length,
        dataLength,
        addressedTiles: this.tiles,
        tileEntries: entries.count,
        tileContents: order.length,
        clustered: true,
        internalCompression: 2, // directories and metadata are gzipped
        tileCompression: this.gzipped ? 2 : 1,
        tileType: 1, // MVT
        minZoom: metadata.minzoom + k,
        maxZoom: metadata.maxzoom + k,
        bounds: [w, s, e, n],
        center: [center[0], center[1], Math.trunc(center[2]) + k],
      });
      this.writeArchive([header, dirs.root, meta, dirs.leaves], order);
      await rm(this.spoolPath, { force: true });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
    await this.file.place();
    await this.file.release();
  }

  /**
   * The directory entries in tile-id order, runs of one content at consecutive ids folded into one
   * entry, and the contents in the order they are first met (so the data is clustered).
   */
  private entries(k: number): { entries: Entries; order: Uint32Array } {
    const n = this.tiles;
    const ids = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z = this.z.data[i] + k, x = this.x.data[i], y = this.y.data[i];
      if (!(x < 2 ** z && y < 2 ** z)) throw new UsageError(`tile ${z - k}/${x}/${y} is outside the tiling scheme's matrix`);
      ids[i] = tileId(z, x, y);
    }
    const byId = new Uint32Array(n);
    for (let i = 0; i < n; i++) byId[i] = i;
    byId.sort((a, b) => ids[a] - ids[b]);
    const offsetOf = new Float64Array(this.ids.count).fill(-1);
    const order = new Uint32Array(this.ids.count);
    let placed = 0, dataAt = 0;
    const e: Entries = { ids: new Float64Array(n), offsets: new Float64Array(n), lengths: new Uint32Array(n), runs: new Uint32Array(n), count: 0 };
    let last = -1;
    for (let j = 0; j < n; j++) {
      const t = byId[j], c = this.content.data[t], id = ids[t];
      if (j > 0 && id === ids[byId[j - 1]]) throw new UsageError(`tile ${this.z.data[t]}/${this.x.data[t]}/${this.y.data[t]} was written twice`);
      if (offsetOf[c] < 0) {
        offsetOf[c] = dataAt;
        dataAt += this.length.data[c];
        order[placed++] = c;
      }
      if (last >= 0 && e.offsets[last] === offsetOf[c] && e.ids[last] + e.runs[last] === id) {
        e.runs[last]++;
        continue;
      }
      last = e.count++;
      e.ids[last] = id;
      e.offsets[last] = offsetOf[c];
      e.lengths[last] = this.length.data[c];
      e.runs[last] = 1;
    }
    return { entries: e, order };
  }

  /** Writes the archive: the sections given, then every content copied from the spool in `order`. */
  private writeArchive(sections: Uint8Array[], order: Uint32Array): void {
    const out = openSync(this.file.temp, 'w');
    const spool = openSync(this.spoolPath, 'r');
    try {
      let pos = 0;
      for (const s of sections) pos += writeSync(out, s, 0, s.length, pos);
      // Contents are small: gather them into one buffer per megabyte or so of output.
      let buf = Buffer.allocUnsafe(1 << 20);
      let used = 0;
      for (const c of order) {
        const len = this.length.data[c];
        if (used + len > buf.length) {
          pos += writeSync(out, buf, 0, used, pos);
          used = 0;
          if (len > buf.length) buf = Buffer.allocUnsafe(len);
        }
        if (readSync(spool, buf, used, len, this.spoolOffset.data[c]) !== len) throw new Error('the tile spool is shorter than written');
        used += len;
      }
      writeSync(out, buf, 0, used, pos);
    } finally {
      closeSync(spool);
      closeSync(out);
    }
  }

  /** The committed file's size: what a tileset of one file takes on disk. */
  async diskBytes(): Promise<number> {
    return (await stat(this.path)).size;
  }

  async abort(): Promise<void> {
    await this.spool?.close().catch(() => undefined);
    this.spool = undefined;
    try {
      if (this.spoolPath) await rm(this.spoolPath, { force: true }).catch(() => undefined);
    } finally {
      await this.file.discard();
    }
  }
}

/**
 * The archive's JSON metadata: TileJSON's `vector_layers` (what the spec asks for MVT), tilestats,
 * the strings viewers read, for a scheme other than WebMercatorQuad the scheme, the zoom offset and the
 * CRS's definitions (crs_proj4, crs_wkt),
 * and the descriptors a directory has as files (describe/; in the scheme's own zooms, as a server that
 * subtracts `zoom_offset` serves them).
 */
function pmtilesMetadata(m: TilesetMetadata, k: number): JsonValue {
  const custom = !isWebMercatorQuad(m.scheme);
  const d = describeTileset(m, { extension: 'pbf' });
  return {
    name: m.name,
    description: m.description,
    type: m.type,
    format: 'pbf',
    ...vectorLayersJson(m.layers),
    attribution: m.attribution,
    // The CRS spelt out too, as metadata.json has it, so that a client can register it.
    ...(custom ? { crs: m.scheme.crs, tiling_scheme: formatTilingScheme(m.scheme), zoom_offset: k, ...crsDefinitionKeys(m.scheme) } : {}),
    tilejson: d.tileJson as unknown as JsonValue,
    tilematrixset: d.tileMatrixSet as unknown as JsonValue,
    tileset: d.tileset as unknown as JsonValue,
  };
}
