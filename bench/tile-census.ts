// Features per zoom and the largest tile of a {z}/{x}/{y}.pbf directory (gzipped or not), read back
// with @mapbox/vector-tile: the same count for every tool's output (bench/run.ts --generalize).
//   node --import tsx bench/tile-census.ts DIR   → one JSON line
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export interface Census {
  /** Features per zoom (each counted in every tile it is in, as the build summaries count them). */
  featuresPerZoom: Record<number, number>;
  /** Bytes of the largest tile file, and which. */
  largestBytes: number;
  largestTile: string;
}

export function census(dir: string): Census {
  const out: Census = { featuresPerZoom: {}, largestBytes: 0, largestTile: '' };
  for (const z of readdirSync(dir).filter((d) => /^\d+$/.test(d))) {
    let n = 0;
    for (const x of readdirSync(join(dir, z))) {
      for (const f of readdirSync(join(dir, z, x))) {
        if (!f.endsWith('.pbf') && !f.endsWith('.mvt')) continue;
        let buf = readFileSync(join(dir, z, x, f));
        if (buf.length > out.largestBytes) (out.largestBytes = buf.length), (out.largestTile = `${z}/${x}/${f.replace(/\..*$/, '')}`);
        if (buf[0] === 0x1f) buf = gunzipSync(buf);
        const tile = new VectorTile(new PbfReader(buf));
        for (const layer of Object.values(tile.layers)) n += layer.length;
      }
    }
    out.featuresPerZoom[Number(z)] = n;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(census(process.argv[2]!)));
