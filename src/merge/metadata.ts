// The merged tileset's layers and data extent, as the one build would have found them. Every shard
// reads every feature's attributes, so each holds the whole build's field statistics and feature
// counts (shard 0's are taken); what depends on the tiles drawn — geometry counts, the zooms with
// tiles, the data extent, tile ranges, clustered layers — is summed over the shards, which draw
// disjoint tiles. Builds merged with --join add up layer by layer, same-named layers as one.
import { LayerSchema } from '../model/layer-schema.js';
import { CLUSTER_FIELDS } from '../mvt/as-needed.js';
import { addToTileRanges, type TileRanges } from '../describe/tile-ranges.js';
import type { Shard } from './check.js';

export interface MergedMetadata {
  layers: LayerSchema[];
  bbox: [number, number, number, number];
  tileRanges: TileRanges;
}

export function mergeMetadata(groups: Shard[][]): MergedMetadata {
  const layers: LayerSchema[] = [];
  const bbox: MergedMetadata['bbox'] = [Infinity, Infinity, -Infinity, -Infinity];
  const tileRanges: TileRanges = {};
  for (const group of groups) {
    for (const schema of groupLayers(group)) {
      const same = layers.find((l) => l.name === schema.name);
      if (same) same.merge(schema.stats());
      else layers.push(schema);
    }
    for (const { manifest: m } of group) {
      for (let i = 0; i < 2; i++) bbox[i] = Math.min(bbox[i], m.bbox[i]);
      for (let i = 2; i < 4; i++) bbox[i] = Math.max(bbox[i], m.bbox[i]);
      for (const [z, r] of Object.entries(m.tileRanges)) {
        addToTileRanges(tileRanges, Number(z), r.minX, r.minY);
        addToTileRanges(tileRanges, Number(z), r.maxX, r.maxY);
      }
    }
  }
  return { layers, bbox, tileRanges };
}

/** One build's layers from its shards (in shard order). */
function groupLayers(group: Shard[]): LayerSchema[] {
  const base = group[0].manifest;
  const layers = base.layers.map((l) => {
    const s = new LayerSchema(l.name, l.description, l.minzoom, l.maxzoom);
    s.merge({ ...l.stats, geometryCounts: [0, 0, 0, 0], zoomMin: Infinity, zoomMax: -Infinity });
    return s;
  });
  const clustered = new Set<string>();
  for (const { manifest: m } of group) {
    for (const name of m.clusteredLayers) clustered.add(name);
    m.layers.forEach((l, i) => {
      const s = layers[i];
      for (let t = 1; t <= 3; t++) s.geometryCounts[t] += l.stats.geometryCounts[t];
      s.zoomMin = Math.min(s.zoomMin, l.stats.zoomMin);
      s.zoomMax = Math.max(s.zoomMax, l.stats.zoomMax);
    });
  }
  // As the build does after its last tile: layers with clusters list the fields clusters carry.
  for (const s of layers) if (clustered.has(s.name)) for (const [name, type, real] of CLUSTER_FIELDS) s.declare(name, type, real);
  return layers;
}
