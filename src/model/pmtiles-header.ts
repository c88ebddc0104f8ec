// The PMTiles v3 header (github.com/protomaps/PMTiles, spec/v3/spec.md, "Header"): 127 bytes, as
// numbers both ways — what the writer lays down (writers/pmtiles.ts) and the reader starts from
// (tileset/pmtiles-reader.ts). One field table serves both, so they cannot disagree on the layout.

export const PMTILES_HEADER_BYTES = 127;

export interface PmtilesHeader {
  rootOffset: number;
  rootLength: number;
  metadataOffset: number;
  metadataLength: number;
  leavesOffset: number;
  leavesLength: number;
  dataOffset: number;
  dataLength: number;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  clustered: boolean;
  /** Compression of directories and metadata, and of tiles: 0 unknown, 1 none, 2 gzip, 3 brotli, 4 zstd. */
  internalCompression: number;
  tileCompression: number;
  /** TileType: 1 MVT. */
  tileType: number;
  minZoom: number;
  maxZoom: number;
  /** [w, s, e, n] in degrees. */
  bounds: [number, number, number, number];
  /** [lon, lat, zoom]. */
  center: [number, number, number];
}

/** The 64-bit little-endian fields, in the spec's order from byte 8. */
const U64_FIELDS = ['rootOffset', 'rootLength', 'metadataOffset', 'metadataLength', 'leavesOffset', 'leavesLength', 'dataOffset', 'dataLength', 'addressedTiles', 'tileEntries', 'tileContents'] as const;
/** The single bytes from byte 96 (clustered is 0 or 1). */
const BYTE_FIELDS = ['clustered', 'internalCompression', 'tileCompression', 'tileType', 'minZoom', 'maxZoom'] as const;
/** Degrees as signed 32-bit integers of 1e-7 degree: the bounds from byte 102, the center's lon/lat from 119. */
const E7 = { bounds: 102, center: 119 } as const;

export function pmtilesHeaderBytes(h: PmtilesHeader): Uint8Array {
  const b = new Uint8Array(PMTILES_HEADER_BYTES);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode('PMTiles'), 0);
  b[7] = 3;
  U64_FIELDS.forEach((k, i) => v.setBigUint64(8 + 8 * i, BigInt(h[k]), true));
  BYTE_FIELDS.forEach((k, i) => (b[96 + i] = Number(h[k])));
  h.bounds.forEach((deg, i) => v.setInt32(E7.bounds + 4 * i, Math.round(deg * 1e7), true));
  b[118] = h.center[2];
  [h.center[0], h.center[1]].forEach((deg, i) => v.setInt32(E7.center + 4 * i, Math.round(deg * 1e7), true));
  return b;
}

/** The header of the first bytes of an archive; throws when they are not a PMTiles v3 header. */
export function parsePmtilesHeader(b: Uint8Array): PmtilesHeader {
  if (b.length < PMTILES_HEADER_BYTES || new TextDecoder().decode(b.subarray(0, 7)) !== 'PMTiles') throw new Error('not a PMTiles archive (no "PMTiles" magic)');
  if (b[7] !== 3) throw new Error(`PMTiles version ${b[7]}: only version 3 is read`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const e7 = (at: number) => v.getInt32(at, true) / 1e7;
  const h = { bounds: [0, 1, 2, 3].map((i) => e7(E7.bounds + 4 * i)), center: [e7(E7.center), e7(E7.center + 4), b[118]] } as PmtilesHeader;
  U64_FIELDS.forEach((k, i) => (h[k] = Number(v.getBigUint64(8 + 8 * i, true))));
  BYTE_FIELDS.forEach((k, i) => ((h as unknown as Record<string, number | boolean>)[k] = k === 'clustered' ? b[96 + i] === 1 : b[96 + i]));
  return h;
}
