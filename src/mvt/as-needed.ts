// What a tile over --max-size / --max-features gives up, as tippecanoe's "as needed" strategies:
// for a tile that must keep n of its features, which n. The features are put in Z-order (quadkey
// order, tippecanoe's) within each layer by where they are drawn; a feature's gap is how far along
// that order it is from the one before it — small gaps are dense places.
//   drop-densest     keep the n with the largest gaps: raise the minimum spacing until it fits
//   drop-fraction    keep n spread evenly along the order: the same fraction everywhere
//   cluster-densest  as drop-densest, but each point left out is merged into the nearest kept point
//                    before it in the order (else after it), which then carries `clustered`,
//                    `point_count`, `sqrt_point_count` and `point_count_abbreviated` and sits at the
//                    mean of the points it stands for
// drop-smallest (the default) is limits.ts's own: the largest features as drawn stay.
import { POINT } from '../model/geometry.js';
import { interleave16 } from '../model/morton.js';
import type { PropertyValue } from '../model/attributes.js';
import { decodeCommands } from './commands.js';
import type { TileFeature, TileLayer } from './encode-tile.js';

export type AsNeeded = 'drop-smallest' | 'drop-densest' | 'drop-fraction' | 'cluster-densest';
export const AS_NEEDED: readonly AsNeeded[] = ['drop-smallest', 'drop-densest', 'drop-fraction', 'cluster-densest'];

/** A layer whose features are in an array. */
export type ListLayer = TileLayer & { features: TileFeature[] };

/** A choice of n features, how many of those left out were merged into clusters, and in which layers. */
export type Chooser = (n: number) => { layers: ListLayer[]; clustered: number; clusteredLayers: string[] };

interface Placed {
  l: number;
  i: number;
  key: number;
  gap: number;
  /** A single point's tile coordinates (cluster members). */
  point?: [number, number];
}

/** The chooser of a strategy other than drop-smallest, for these layers. */
export function asNeeded(layers: ListLayer[], strategy: Exclude<AsNeeded, 'drop-smallest'>): Chooser {
  const placed = place(layers);
  // Sparsest first; equal gaps in order along the curve, so that the choice is the same every time.
  const bySparseness = [...placed].sort((a, b) => b.gap - a.gap || a.l - b.l || a.key - b.key || a.i - b.i);
  const along = [...placed].sort((a, b) => a.l - b.l || a.key - b.key || a.i - b.i);
  return (n) => {
    const kept = layers.map(() => new Set<number>());
    if (strategy === 'drop-fraction') {
      for (let j = 0; j < n; j++) {
        const p = along[Math.floor((j * along.length) / n)];
        kept[p.l].add(p.i);
      }
    } else for (const p of bySparseness.slice(0, n)) kept[p.l].add(p.i);
    const clusters = strategy === 'cluster-densest' ? cluster(along, kept) : undefined;
    let clustered = 0;
    const clusteredLayers = new Set<string>();
    const out = layers.map((layer, l) => ({
      ...layer,
      features: layer.features.flatMap((f, i) => {
        if (!kept[l].has(i)) return [];
        const members = clusters?.get(`${l}/${i}`);
        if (!members || members.length === 1) return [f];
        clustered += members.length - 1;
        clusteredLayers.add(layer.name);
        return [clusterFeature(f, members)];
      }),
    }));
    return { layers: out, clustered, clusteredLayers: [...clusteredLayers] };
  };
}

/** Each feature's place: its Z-order key in the tile (its point, or the middle of what it draws) and gap. */
function place(layers: ListLayer[]): Placed[] {
  const out: Placed[] = [];
  layers.forEach((layer, l) => {
    const mine: Placed[] = [];
    const span = 3 * layer.extent; // the tile and a tile's width around it: buffers are far smaller
    layer.features.forEach((f, i) => {
      const parts = decodeCommands(f.geometry);
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const p of parts) {
        for (let j = 0; j < p.length; j += 2) {
          x0 = Math.min(x0, p[j]);
          y0 = Math.min(y0, p[j + 1]);
          x1 = Math.max(x1, p[j]);
          y1 = Math.max(y1, p[j + 1]);
        }
      }
      const q = (v: number) => Math.min(0xffff, Math.max(0, Math.floor(((v + layer.extent) / span) * 0x10000)));
      const single = f.type === POINT && parts.length === 1 && parts[0].length === 2;
      mine.push({ l, i, key: interleave16(q((x0 + x1) / 2), q((y0 + y1) / 2)), gap: 0, point: single ? [parts[0][0], parts[0][1]] : undefined });
    });
    mine.sort((a, b) => a.key - b.key || a.i - b.i);
    mine.forEach((p, j) => (p.gap = j === 0 ? Infinity : p.key - mine[j - 1].key));
    out.push(...mine);
  });
  return out;
}

/**
 * The clusters: for each kept single point, the points merged into it (itself first). A point left
 * out goes to the nearest kept single point of its layer before it along the curve, else after it.
 */
function cluster(along: Placed[], kept: Set<number>[]): Map<string, [number, number][]> {
  const clusters = new Map<string, [number, number][]>();
  const keptPoint = (p: Placed) => p.point !== undefined && kept[p.l].has(p.i);
  for (const p of along) if (keptPoint(p)) clusters.set(`${p.l}/${p.i}`, [p.point!]);
  for (let j = 0; j < along.length; j++) {
    const p = along[j];
    if (!p.point || kept[p.l].has(p.i)) continue;
    let k = j - 1;
    while (k >= 0 && along[k].l === p.l && !keptPoint(along[k])) k--;
    if (k < 0 || along[k].l !== p.l) {
      k = j + 1;
      while (k < along.length && along[k].l === p.l && !keptPoint(along[k])) k++;
      if (k >= along.length || along[k].l !== p.l) continue; // no point kept in the layer: dropped
    }
    clusters.get(`${along[k].l}/${along[k].i}`)!.push(p.point);
  }
  return clusters;
}

const zigzag = (v: number) => (v << 1) ^ (v >> 31);

/** The kept point standing for its cluster: at the members' mean, with tippecanoe's cluster attributes. */
function clusterFeature(f: TileFeature, members: [number, number][]): TileFeature {
  const n = members.length;
  const x = Math.round(members.reduce((s, m) => s + m[0], 0) / n);
  const y = Math.round(members.reduce((s, m) => s + m[1], 0) / n);
  const added: [string, PropertyValue][] = [
    ['clustered', true],
    ['point_count', n],
    ['sqrt_point_count', Math.round(100 * Math.sqrt(n)) / 100],
    ['point_count_abbreviated', abbreviate(n)],
  ];
  const names = new Set(added.map(([k]) => k));
  return { ...f, geometry: [9, zigzag(x), zigzag(y)], properties: [...[...f.properties].filter(([k]) => !names.has(k)), ...added] };
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
