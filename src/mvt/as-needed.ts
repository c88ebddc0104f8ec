// What tippecanoe's as-needed strategies keep of a tile. Every feature has one value for the whole
// input (model/feature-ranks.ts, from generalize/as-needed-rank.ts: its gap, its place in an even
// walk, or its size) and every zoom a threshold; at that zoom a feature whose value is not above the
// threshold gives way. The tile's features are walked layer by layer in curve order, and the first
// of each geometry type in a layer always stays: tippecanoe needs a feature before it to merge into,
// and a tile keeps something to draw. One that gives way is, by the strategy's verb:
//   drop      left out
//   cluster   (points) merged into the last kept point before it, which counts it (`point_count` …)
//             and moves to the mean of the points it stands for; a line or polygon is dropped
//   coalesce  its geometry added to the last kept feature of its type before it (by size: the last
//             kept one that is itself not above the threshold, as tippecanoe has it), which keeps its own
//             attributes (the merged feature's are lost, as tippecanoe documents); the union is drawn
//             again with the tile's validity rules, so polygons are repaired (geometry/repair.ts),
//             after a closing by one unit that dissolves the borders neighbours shared in the
//             source (geometry/close-gaps.ts).
//             By size (coalesce-smallest), as in tippecanoe, a feature gives way only while its size
//             and those merged since the last kept feature sum to no more than the threshold: what
//             is merged into one feature never outweighs what the threshold lets stand alone
// fitThreshold finds a threshold at which a tile fits the limits, as tippecanoe does; the encode phase
// uses the highest any tile of the zoom needs (pipeline/as-needed-phase.ts).
import type { TileFrame } from '../geometry/quantize.js';
import type { PropertyValue } from '../model/attributes.js';
import type { FeatureRanks, Ranking } from '../model/feature-ranks.js';
import { closeGaps } from '../geometry/close-gaps.js';
import { POINT, POLYGON } from '../model/geometry.js';
import { decodeCommands } from './commands.js';
import type { TileFeature, TileLayer } from './encode-tile.js';
import { redraw } from './redraw.js';

/** GDAL's MAX_SIZE behaviour (gdal, the default, limits.ts) or one of tippecanoe's strategies. */
export type AsNeeded = 'gdal' | 'drop-smallest' | 'drop-densest' | 'drop-fraction' | 'cluster-densest' | 'coalesce-smallest' | 'coalesce-densest';
export const AS_NEEDED: readonly AsNeeded[] = ['gdal', 'drop-smallest', 'drop-densest', 'drop-fraction', 'cluster-densest', 'coalesce-smallest', 'coalesce-densest'];
/** The strategies that decide per zoom, with a threshold. */
export type Ranked = Exclude<AsNeeded, 'gdal'>;

/** The measure a strategy ranks by. */
export function rankingOf(s: Ranked): Ranking {
  return s.endsWith('densest') ? 'densest' : s === 'drop-fraction' ? 'fraction' : 'smallest';
}

/** What is done with a feature that gives way. */
export function verbOf(s: Ranked): 'drop' | 'cluster' | 'coalesce' {
  return s.startsWith('cluster') ? 'cluster' : s.startsWith('coalesce') ? 'coalesce' : 'drop';
}

/** A layer whose features are in an array, each with its input position. */
export type ListLayer = TileLayer & { features: TileFeature[] };

/** What a threshold keeps of a tile. */
export interface Choice {
  layers: ListLayer[];
  /** Features written (clusters and coalesced features once each). */
  kept: number;
  dropped: number;
  /** Points merged into clusters, and features merged into others; not counted as dropped. */
  clustered: number;
  coalesced: number;
  /** Layers holding clusters (their metadata lists the cluster fields). */
  clusteredLayers: string[];
}

interface Step {
  i: number;
  value: number;
  /** Not the first of its geometry type in its layer: it can give way. */
  droppable: boolean;
}

/** A tile's features in curve order, ready to be cut at any threshold. */
export class TileChoice {
  private readonly walks: Step[][];
  /** The values of the features that can give way, ascending (fitThreshold picks from them). */
  readonly sorted: Float64Array;
  private readonly verb: 'drop' | 'cluster' | 'coalesce';
  /** coalesce-smallest: the sizes merged since the last kept feature count with the next one's. */
  private readonly summed: boolean;

  constructor(
    private readonly layers: ListLayer[],
    ranks: FeatureRanks,
    strategy: Ranked,
    /** How merged geometries are drawn again (coalesce): the tile's own rules, at full extent. */
    private readonly frame: TileFrame,
  ) {
    this.verb = verbOf(strategy);
    this.summed = this.verb === 'coalesce' && rankingOf(strategy) === 'smallest';
    const values: number[] = [];
    this.walks = layers.map((layer) => {
      const at = layer.features.map((f, i) => ({ i, order: ranks.order[f.seq!], value: ranks.value[f.seq!] }));
      at.sort((a, b) => a.order - b.order || a.i - b.i);
      const seen = new Set<number>();
      return at.map(({ i, value }) => {
        const type = layer.features[i].type;
        const droppable = seen.has(type);
        seen.add(type);
        if (droppable) values.push(value);
        return { i, value, droppable };
      });
    });
    // Summed, the largest value still leaves runs of small features that cannot all merge; the sum
    // of them all merges every one, so that the tile can still fit without losing any area.
    if (this.summed && values.length > 1) values.push(values.reduce((a, b) => a + b, 0));
    this.sorted = Float64Array.from(values).sort();
  }

  /** The tile with every feature that can give way and is not above `threshold` gone (or merged). */
  at(threshold: number): Choice {
    const c: Choice = { layers: [], kept: 0, dropped: 0, clustered: 0, coalesced: 0, clusteredLayers: [] };
    this.layers.forEach((layer, l) => {
      const keep = new Uint8Array(layer.features.length);
      const last = new Map<number, number>(); // geometry type → the last kept feature of it
      // coalesce-smallest: the last kept feature of each type that is itself not above the threshold.
      // tippecanoe merges a small feature only into such a one (find_feature_to_accumulate_onto with
      // the threshold for its bound), so small features gather among themselves and a large one
      // never swallows its small neighbours; with none before it, a small feature stays.
      const lastSmall = new Map<number, number>();
      const donors = new Map<number, number[]>(); // kept feature → those merged into it
      let merged = 0; // sizes merged since the last kept feature (tippecanoe's coalesced_area)
      for (const s of this.walks[l]) {
        const type = layer.features[s.i].type;
        if (s.droppable && (this.summed ? s.value + merged : s.value) <= threshold) {
          const into = this.summed ? lastSmall.get(type) : last.get(type);
          if (this.verb === 'drop' || (this.verb === 'cluster' && type !== POINT)) {
            c.dropped++;
            continue;
          }
          if (into !== undefined) {
            let list = donors.get(into);
            if (!list) donors.set(into, (list = []));
            list.push(s.i);
            merged += s.value;
            continue;
          }
        }
        keep[s.i] = 1;
        last.set(type, s.i);
        if (s.value <= threshold) lastSmall.set(type, s.i);
        merged = 0;
      }
      let clusters = 0;
      const features: TileFeature[] = [];
      layer.features.forEach((f, i) => {
        if (!keep[i]) return;
        const merged = donors.get(i);
        if (!merged) return features.push(f);
        const others = merged.map((j) => layer.features[j]);
        if (this.verb === 'cluster') {
          clusters++;
          c.clustered += others.length;
          features.push(clusterFeature(f, others));
        } else {
          c.coalesced += others.length;
          const parts = [f, ...others].flatMap((g) => decodeCommands(g.geometry));
          features.push(redraw(f, f.type === POLYGON ? closeGaps(parts) : parts, this.frame) ?? f);
        }
      });
      if (clusters) c.clusteredLayers.push(layer.name);
      c.kept += features.length;
      c.layers.push({ ...layer, features });
    });
    return c;
  }
}

/** What a tile weighs against the limits: its features, and its bytes as written. */
export interface Weight {
  features: number;
  bytes: number;
}

/**
 * The threshold at which the tile fits `limits`, raised in tippecanoe's steps rather than bisected
 * to the most that fit: each try keeps the share of the features it can give up that the tile's
 * overshoot says (the limit over the count or the size, times tippecanoe's margin, at most 80%), and
 * takes the measure found that far down their sorted values, so tiles land below the limits as
 * tippecanoe's do, in a few tries. −Infinity: the tile fits whole; the highest value when nothing it
 * can give up is enough (the limits then cut it as GDAL would, limits.ts).
 */
export function fitThreshold<C>(v: Float64Array, at: (threshold: number) => C, weigh: (c: C) => Weight, limits: { maxFeatures: number; maxSize: number }, strategy: Ranked): number {
  let threshold = -Infinity;
  let share = 1;
  const [countMargin, sizeMargin] = MARGINS[rankingOf(strategy)];
  for (;;) {
    const w = weigh(at(threshold));
    if (w.features <= limits.maxFeatures && w.bytes <= limits.maxSize) return threshold;
    if (v.length === 0) return threshold;
    share *= w.features > limits.maxFeatures ? (limits.maxFeatures / w.features) * countMargin : (limits.maxSize / w.bytes) * sizeMargin;
    share = Math.min(share, 0.8);
    let ix = Math.floor((v.length - 1) * (1 - share));
    while (ix + 1 < v.length && v[ix] <= threshold) ix++;
    if (v[ix] <= threshold) return threshold; // nothing more to give up
    threshold = v[ix];
  }
}

/** tippecanoe's margins below the limits, for the feature count and the size (tile.cpp). */
const MARGINS: Record<Ranking, [number, number]> = { densest: [0.8, 0.8], smallest: [0.75, 0.75], fraction: [0.95, 0.75] };

const zigzag = (v: number) => (v << 1) ^ (v >> 31);

/**
 * The kept point standing for its cluster, with tippecanoe's cluster attributes; a single point moves
 * to the mean of the single points it stands for (a multipoint is counted but does not move it).
 */
function clusterFeature(f: TileFeature, others: TileFeature[]): TileFeature {
  const n = 1 + others.length;
  const own = decodeCommands(f.geometry);
  let geometry = f.geometry;
  if (own.length === 1 && own[0].length === 2) {
    let x = own[0][0], y = own[0][1], m = 1;
    for (const o of others) {
      const p = decodeCommands(o.geometry);
      if (p.length !== 1 || p[0].length !== 2) continue;
      x += p[0][0];
      y += p[0][1];
      m++;
    }
    geometry = [9, zigzag(Math.round(x / m)), zigzag(Math.round(y / m))];
  }
  const added: [string, PropertyValue][] = [
    ['clustered', true],
    ['point_count', n],
    ['sqrt_point_count', Math.round(100 * Math.sqrt(n)) / 100],
    ['point_count_abbreviated', abbreviate(n)],
  ];
  const names = new Set(added.map(([k]) => k));
  return { ...f, geometry, properties: [...[...f.properties].filter(([k]) => !names.has(k)), ...added] };
}

/** tippecanoe's abbreviation: 999, 1.2k, 12k (an exact half rounds up here, to even in C's printf). */
export function abbreviate(n: number): string {
  if (n >= 10000) return `${(n / 1000).toFixed(0)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/** The fields clusters add to a layer, with their types (for its metadata). */
export const CLUSTER_FIELDS: [string, 'Boolean' | 'Number' | 'String', boolean][] = [
  ['clustered', 'Boolean', false],
  ['point_count', 'Number', false],
  ['sqrt_point_count', 'Number', true],
  ['point_count_abbreviated', 'String', false],
];
