// Reads a PMTiles v3 archive (spec/v3/spec.md; what writers/pmtiles.ts, go-pmtiles, tippecanoe and
// planetiler write): the header, the root and leaf directories, the JSON metadata. Tiles are handed
// out in the tiling scheme's own zooms: an archive whose metadata has `zoom_offset` k (a re-rooted
// scheme such as WorldCRS84Quad, see docs/cli.md#pmtiles) stores zoom z as zoom z + k.
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { parsePmtilesHeader, type PmtilesHeader } from '../model/pmtiles-header.js';
import { firstTileId, tileId, tileIdToZxy } from '../scheme/tile-id.js';
import { parseTilingScheme, type TilingScheme } from '../scheme/tiling-scheme.js';
import { parseTilesetMetadata } from './metadata.js';
import type { StoredTile, Tileset } from './tileset.js';

/** Readers fetch the first 16 KiB at once: the spec puts the header and the root directory there. */
const FIRST_READ = 16384;
/** Leaf directories kept decoded (each at most a few thousand entries). */
const LEAF_CACHE = 64;

/** Directory entries, columnar; a run length of 0 marks a leaf directory. */
interface Directory {
  ids: Float64Array;
  runs: Uint32Array;
  lengths: Uint32Array;
  offsets: Float64Array;
}

function decompress(data: Uint8Array, compression: number, what: string, file: string): Uint8Array {
  try {
    if (compression === 1 || compression === 0) return data;
    if (compression === 2) return gunzipSync(data);
    if (compression === 3) return brotliDecompressSync(data);
  } catch (e) {
    throw new InputError(`${what} does not decompress: ${(e as Error).message}`, file);
  }
  throw new InputError(`${what} uses compression ${compression} (zstd or unknown), which is not read`, file);
}

/** The varint-columnar directory of the spec: ids as deltas, run lengths, lengths, offsets (0: contiguous). */
export function parseDirectory(b: Uint8Array): Directory {
  let pos = 0;
  const varint = (): number => {
    let v = 0, mul = 1, byte: number;
    do {
      if (pos >= b.length) throw new Error('truncated directory');
      byte = b[pos++];
      v += (byte & 0x7f) * mul;
      mul *= 0x80;
    } while (byte & 0x80);
    return v;
  };
  const n = varint();
  const d: Directory = { ids: new Float64Array(n), runs: new Uint32Array(n), lengths: new Uint32Array(n), offsets: new Float64Array(n) };
  let last = 0;
  for (let i = 0; i < n; i++) d.ids[i] = last += varint();
  for (let i = 0; i < n; i++) d.runs[i] = varint();
  for (let i = 0; i < n; i++) d.lengths[i] = varint();
  for (let i = 0; i < n; i++) {
    const o = varint();
    d.offsets[i] = o === 0 && i > 0 ? d.offsets[i - 1] + d.lengths[i - 1] : o - 1;
  }
  return d;
}

/** The index of the last entry whose id is ≤ id, or -1. */
function lastAtOrBefore(d: Directory, id: number): number {
  let lo = 0, hi = d.ids.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (d.ids[mid] <= id) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The metadata keys as metadata.json has them (GDAL's layout), from the archive's JSON metadata and its
 * header: zooms, bounds and center from the header, in the scheme's zooms; the scheme's keys from the
 * `tiling_scheme` string our writer records (without it, WebMercatorQuad, as other writers' archives are).
 */
function metadataKeys(meta: Record<string, unknown>, h: PmtilesHeader, k: number, scheme: TilingScheme | undefined): Record<string, unknown> {
  const keys: Record<string, unknown> = {
    name: meta.name,
    description: meta.description,
    minzoom: h.minZoom - k,
    maxzoom: h.maxZoom - k,
    center: [h.center[0], h.center[1], Math.max(0, h.center[2] - k)],
    bounds: h.bounds,
    type: meta.type,
    format: meta.format ?? (h.tileType === 1 ? 'pbf' : undefined),
  };
  if (scheme) {
    Object.assign(keys, {
      crs: scheme.crs,
      tile_origin_upper_left_x: scheme.originX,
      tile_origin_upper_left_y: scheme.originY,
      tile_dimension_zoom_0: scheme.tileDimensionZ0,
      tile_matrix_width_zoom_0: scheme.matrixWidthZ0,
      tile_matrix_height_zoom_0: scheme.matrixHeightZ0,
    });
  }
  if (meta.vector_layers !== undefined) keys.json = { vector_layers: meta.vector_layers, tilestats: meta.tilestats };
  return keys;
}

export interface PmtilesTileset extends Tileset {
  readonly format: 'pmtiles';
  readonly header: PmtilesHeader;
  /** The archive's JSON metadata as stored. */
  readonly metadata: Record<string, unknown>;
  /** k: the scheme's zoom z is stored as z + k. */
  readonly zoomOffset: number;
}

export async function openPmtilesTileset(path: string): Promise<PmtilesTileset> {
  const file = resolve(path);
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, file);
  }
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    if (bytesRead < length) throw new InputError(`truncated: ${length} bytes at ${offset} wanted, ${bytesRead} there`, file);
    return buf;
  };
  try {
    const size = (await fh.stat()).size;
    const first = await read(0, Math.min(size, FIRST_READ));
    let h: PmtilesHeader;
    try {
      h = parsePmtilesHeader(first);
    } catch (e) {
      throw new InputError((e as Error).message, file);
    }
    if (h.rootOffset + h.rootLength > size || h.metadataOffset + h.metadataLength > size || h.dataOffset + h.dataLength > size) {
      throw new InputError('truncated: the header points past the end of the file', file);
    }
    const section = (offset: number, length: number) => (offset + length <= first.length ? first.subarray(offset, offset + length) : read(offset, length));
    const directory = async (offset: number, length: number) => {
      const raw = decompress(await section(offset, length), h.internalCompression, 'a directory', file);
      try {
        return parseDirectory(raw);
      } catch (e) {
        throw new InputError(`a directory is broken: ${(e as Error).message}`, file);
      }
    };
    const root = await directory(h.rootOffset, h.rootLength);
    let meta: Record<string, unknown> = {};
    const problems: string[] = [];
    if (h.metadataLength > 0) {
      try {
        const doc = JSON.parse(new TextDecoder().decode(decompress(await section(h.metadataOffset, h.metadataLength), h.internalCompression, 'the metadata', file))) as unknown;
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) meta = doc as Record<string, unknown>;
        else problems.push('the PMTiles metadata is not a JSON object');
      } catch (e) {
        if (e instanceof InputError) throw e;
        problems.push(`the PMTiles metadata is not JSON: ${(e as Error).message}`);
      }
    }
    const k = typeof meta.zoom_offset === 'number' && Number.isInteger(meta.zoom_offset) && meta.zoom_offset >= 0 ? meta.zoom_offset : 0;
    let scheme: TilingScheme | undefined;
    if (typeof meta.tiling_scheme === 'string') {
      try {
        // Our writer records formatTilingScheme's string: 4 parts for a 1 × 1 zoom-0 matrix, else 6.
        scheme = parseTilingScheme(meta.tiling_scheme);
      } catch (e) {
        problems.push(`the PMTiles metadata "tiling_scheme" is not a tiling scheme: ${(e as Error).message}`);
      }
    }
    const info = parseTilesetMetadata(metadataKeys(meta, h, k, scheme), problems);
    info.raw = meta;

    // Leaves by offset, most recently used last.
    const leaves = new Map<number, Directory>();
    const leaf = async (offset: number, length: number): Promise<Directory> => {
      let d = leaves.get(offset);
      if (d) leaves.delete(offset);
      else d = await directory(h.leavesOffset + offset, length);
      leaves.set(offset, d);
      if (leaves.size > LEAF_CACHE) leaves.delete(leaves.keys().next().value!);
      return d;
    };
    /** The entry holding a tile id: its data offset and length; undefined when not stored. */
    const find = async (id: number): Promise<{ offset: number; length: number } | undefined> => {
      let d = root;
      for (let depth = 0; depth < 4; depth++) {
        const i = lastAtOrBefore(d, id);
        if (i < 0) return undefined;
        if (d.runs[i] > 0) return id < d.ids[i] + d.runs[i] ? { offset: d.offsets[i], length: d.lengths[i] } : undefined;
        d = await leaf(d.offsets[i], d.lengths[i]);
      }
      throw new InputError('directories nested deeper than the spec allows', file);
    };
    /** Every stored entry with an id in [from, to), leaves opened as needed, in id order. */
    async function* entries(d: Directory, from: number, to: number): AsyncGenerator<{ id: number; run: number; offset: number; length: number }> {
      for (let i = 0; i < d.ids.length; i++) {
        const next = i + 1 < d.ids.length ? d.ids[i + 1] : Infinity;
        if (next <= from || d.ids[i] >= to) continue;
        if (d.runs[i] === 0) yield* entries(await leaf(d.offsets[i], d.lengths[i]), from, to);
        else yield { id: d.ids[i], run: d.runs[i], offset: d.offsets[i], length: d.lengths[i] };
      }
    }
    const tileData = async (offset: number, length: number): Promise<Uint8Array> => {
      const data = await read(h.dataOffset + offset, length);
      // gzip tiles are handed out as stored (inflateTile and servers recognise them); the others inflated.
      return h.tileCompression === 2 ? data : decompress(data, h.tileCompression, 'a tile', file);
    };
    const storedRange = (zoom?: number): [number, number] =>
      zoom === undefined ? [0, Infinity] : [firstTileId(zoom + k), firstTileId(zoom + k + 1)];

    return {
      path: file,
      format: 'pmtiles',
      info,
      header: h,
      metadata: meta,
      zoomOffset: k,
      async *tiles(options: { zoom?: number } = {}): AsyncGenerator<StoredTile> {
        // Ids run in Hilbert order within a zoom; the Tileset contract is z, x, y order.
        const [from, to] = storedRange(options.zoom);
        const found: { z: number; x: number; y: number; offset: number; length: number }[] = [];
        for await (const e of entries(root, from, to)) {
          for (let id = Math.max(e.id, from); id < Math.min(e.id + e.run, to); id++) {
            const [z, x, y] = tileIdToZxy(id);
            if (z >= k) found.push({ z: z - k, x, y, offset: e.offset, length: e.length });
          }
        }
        found.sort((a, b) => a.z - b.z || a.x - b.x || a.y - b.y);
        for (const t of found) yield { z: t.z, x: t.x, y: t.y, data: await tileData(t.offset, t.length) };
      },
      async tileCounts() {
        const out = new Map<number, number>();
        for await (const e of entries(root, 0, Infinity)) {
          for (let id = e.id; id < e.id + e.run; ) {
            const z = tileIdToZxy(id)[0];
            // A run may cross into the next zoom: count it zoom by zoom.
            const end = Math.min(e.id + e.run, firstTileId(z + 1));
            if (z >= k) out.set(z - k, (out.get(z - k) ?? 0) + end - id);
            id = end;
          }
        }
        return new Map([...out].sort((a, b) => a[0] - b[0]));
      },
      async readTile(z, x, y) {
        const sz = z + k;
        if (!(Number.isInteger(sz) && sz >= 0 && sz <= 26 && x >= 0 && y >= 0 && x < 2 ** sz && y < 2 ** sz)) return undefined;
        const e = await find(tileId(sz, x, y));
        return e ? tileData(e.offset, e.length) : undefined;
      },
      async close() {
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
