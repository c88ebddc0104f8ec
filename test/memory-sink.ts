// A TileSink that keeps everything in memory, and the decoding of what it holds: for tests that
// build through the library and look at every tile.
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { TileSink, TilesetMetadata } from '../dist/index.js';

export class MemorySink implements TileSink {
  tiles = new Map<string, Uint8Array>();
  metadata?: TilesetMetadata;
  aborted = false;
  async open() {}
  async put(z: number, x: number, y: number, data: Uint8Array) {
    this.tiles.set(`${z}/${x}/${y}`, data);
  }
  async commit(m: TilesetMetadata) {
    this.metadata = m;
  }
  async abort() {
    this.aborted = true;
  }

  /** One tile decoded (gzip or raw), or undefined when it was not written. */
  tile(key: string): VectorTile | undefined {
    let data = this.tiles.get(key);
    if (!data) return undefined;
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
    return new VectorTile(new PbfReader(data));
  }

  /** Every feature of every tile: zoom, tile, layer, id, properties, and the first point in tile units. */
  features(): { z: number; tile: string; layer: string; id?: number; properties: Record<string, unknown>; x: number; y: number }[] {
    const out = [];
    for (const key of [...this.tiles.keys()].sort()) {
      const t = this.tile(key)!;
      for (const [name, layer] of Object.entries(t.layers)) {
        for (let i = 0; i < layer.length; i++) {
          const f = layer.feature(i);
          const p = f.loadGeometry()[0][0];
          out.push({ z: Number(key.split('/')[0]), tile: key, layer: name, id: f.id, properties: { ...f.properties }, x: p.x, y: p.y });
        }
      }
    }
    return out;
  }
}
