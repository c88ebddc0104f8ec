// What the as-needed strategies know of each feature of the whole input (generalize/as-needed-rank.ts
// computes it, mvt/as-needed.ts applies it tile by tile): shared by the layers below both.

/** Which measure a strategy ranks features by (generalize/as-needed-rank.ts). */
export type Ranking = 'densest' | 'fraction' | 'smallest';

/** Per feature, by input position (seq), in memory shared by the encoding threads. */
export interface FeatureRanks {
  /** Place along the curve (0, 1, 2 …): a tile's features are walked in this order. */
  order: Float64Array;
  /** Kept at zoom z while above that zoom's threshold. */
  value: Float64Array;
  /** How many values are gaps where the ranking is by size (points, and lines of no length). */
  byGap: number;
}
