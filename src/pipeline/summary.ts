// The build's summary: what was read, written and left out (and why), how long it took. Filled in
// batch by batch, in batch order, so it does not depend on the number of threads.
import type { BatchResult } from '../stages/tile.js';
import { LIMITED } from '../stages/encode.js';
import type { EncodedBatch } from './tasks.js';
import { addToTileRanges, type TileRanges } from '../describe/tile-ranges.js';
import type { ThinningChoice } from '../generalize/drop-rate.js';
import type { MaxzoomGuess } from './survey-phase.js';

export interface BuildSummary {
  tiles: number;
  /** Bytes of tile data (after compression): the payload, not what the output takes on disk. */
  bytes: number;
  /**
   * Bytes the output takes on disk, as `du` shows it: for a directory the allocated blocks of every
   * tile file, metadata.json and the directories; for MBTiles the file's size. Absent for a sink
   * that does not say (diskBytes in TileSink).
   */
  diskBytes?: number;
  /** Features read (all layers), including skipped ones. */
  features: number;
  /** Features that made it into at least one tile. */
  featuresWritten: number;
  /** Malformed features skipped with --skip-invalid, with the first few messages. */
  invalid: number;
  invalidMessages: string[];
  /** Features without geometry (null or empty), which GDAL skips too. */
  noGeometry: number;
  /** Features wholly outside the tiling scheme's area (its zoom-0 tile matrix). */
  outside: number;
  /**
   * Features inside it with nothing to draw at any zoom: degenerate (a one-point line, a polygon
   * of zero area) or smaller than the simplification tolerance everywhere.
   */
  collapsed: number;
  /**
   * Features whose own zooms (tippecanoe.minzoom/maxzoom, --minzoom-property/--maxzoom-property)
   * lie outside their layer's.
   */
  outOfZoomRange: number;
  /** With --shard: features passed over because they reach none of this shard's tiles. */
  elsewhere: number;
  /** Input columns left out of every tile (GeoPackage BLOB and extra geometry columns), and why. */
  skippedColumns: { file: string; layer: string; column: string; why: string }[];
  tilesPerZoom: Record<number, number>;
  /** Per zoom, the features written, counted in each tile they are drawn in (as every per-zoom count here). */
  featuresPerZoom: Record<number, number>;
  /**
   * Thinning by zoom (--drop-rate, --base-zoom), when asked for: the rate and base zoom it used (and
   * whether it guessed them), the features it thinned, and per zoom those it left out of tiles.
   */
  thinning?: ThinningChoice & { thinned: Record<number, number> };
  /** The max zoom guessed (maxzoom 'g'), and the distances between features it was guessed from. */
  maxzoomGuess?: MaxzoomGuess;
  /** Per zoom, the columns (x) and rows (y) the tiles written span (tileset.json's limits). */
  tileRanges: TileRanges;
  /**
   * Polygons, counted once per tile they are drawn in: those whose rounded rings had to be made
   * valid again (their union replaces them), and rings too small to draw that were left out (their
   * area is drawn back as small squares, as tippecanoe does).
   */
  repairedPolygons: number;
  tinyRings: number;
  /**
   * Per zoom, tiles over --max-size / --max-features or cut by a strategy's threshold: how many, the
   * smallest extent one was drawn at (0: none was reduced), the features dropped to fit (GDAL's way:
   * for size, for count; tippecanoe's: by the zoom's threshold), points merged into clusters and
   * features merged into others (coalesced). Features written per zoom are in featuresPerZoom.
   */
  limited: Record<number, ZoomLimits>;
  /**
   * With one of tippecanoe's as-needed strategies: which, and per zoom the threshold its tiles
   * needed (carried to shallower zooms; zooms that keep everything are left out).
   */
  asNeeded?: { strategy: string; thresholds: Record<number, number> };
  layers: { name: string; features: number }[];
  /** Layers some tile clustered points in (--cluster-densest-as-needed), when any did. */
  clusteredLayers?: string[];
  /** [minLon, minLat, maxLon, maxLat] written to metadata. */
  bounds: [number, number, number, number];
  threads: number;
  /** Bytes of tile fragments that went through the temporary store on disk (0: all in memory). */
  spilledBytes: number;
  /** Temporaries that earlier builds left when they were killed, removed by this one. */
  staleTemporaries: number;
  elapsedMs: number;
  cpuMs: number;
  peakRssBytes: number;
  output: string;
}

export function emptySummary(threads: number, output: string): BuildSummary {
  return {
    tiles: 0, bytes: 0, features: 0, featuresWritten: 0, invalid: 0, invalidMessages: [], noGeometry: 0, outside: 0, collapsed: 0, outOfZoomRange: 0, elsewhere: 0, skippedColumns: [],
    tilesPerZoom: {}, featuresPerZoom: {}, tileRanges: {}, repairedPolygons: 0, tinyRings: 0, limited: {}, layers: [], bounds: [0, 0, 0, 0], threads, spilledBytes: 0, staleTemporaries: 0,
    elapsedMs: 0, cpuMs: 0, peakRssBytes: 0, output,
  };
}

export interface ZoomLimits {
  tiles: number;
  reducedExtent: number;
  droppedForSize: number;
  droppedForCount: number;
  droppedAsNeeded: number;
  clustered: number;
  coalesced: number;
}

/** Most messages of skipped features kept. */
const MESSAGES = 10;

/** Counts a tiled batch in (written features are counted per layer by the caller). */
export function addTiled(s: BuildSummary, r: BatchResult): void {
  s.features += r.features;
  s.invalid += r.invalid;
  s.noGeometry += r.noGeometry;
  s.outside += r.outside;
  s.collapsed += r.collapsed;
  s.outOfZoomRange += r.outOfZoomRange;
  s.elsewhere += r.elsewhere;
  s.repairedPolygons += r.repairedPolygons;
  s.tinyRings += r.tinyRings;
  for (const m of r.invalidMessages) if (s.invalidMessages.length < MESSAGES) s.invalidMessages.push(m);
}

/** Counts an encoded batch's tiles in, and what the limits did to them. */
export function addEncoded(s: BuildSummary, r: EncodedBatch): void {
  for (let i = 0; i < r.index.length; i += 5) {
    const z = r.index[i];
    s.tiles++;
    s.bytes += r.index[i + 4];
    s.tilesPerZoom[z] = (s.tilesPerZoom[z] ?? 0) + 1;
    addToTileRanges(s.tileRanges, z, r.index[i + 1], r.index[i + 2]);
  }
  for (let i = 0; i < r.zooms.length; i += 3) {
    const z = r.zooms[i];
    if (r.zooms[i + 1]) s.featuresPerZoom[z] = (s.featuresPerZoom[z] ?? 0) + r.zooms[i + 1];
    if (s.thinning) s.thinning.thinned[z] = (s.thinning.thinned[z] ?? 0) + r.zooms[i + 2];
  }
  for (let i = 0; i < r.limited.length; i += LIMITED) {
    const l = (s.limited[r.limited[i]] ??= { tiles: 0, reducedExtent: 0, droppedForSize: 0, droppedForCount: 0, droppedAsNeeded: 0, clustered: 0, coalesced: 0 });
    l.tiles++;
    if (r.limited[i + 1]) l.reducedExtent = l.reducedExtent ? Math.min(l.reducedExtent, r.limited[i + 1]) : r.limited[i + 1];
    l.droppedForSize += r.limited[i + 2];
    l.droppedForCount += r.limited[i + 3];
    l.droppedAsNeeded += r.limited[i + 4];
    l.clustered += r.limited[i + 5];
    l.coalesced += r.limited[i + 6];
  }
}

/** Time, CPU and memory, at the very end. */
export function finishSummary(s: BuildSummary, started: number, cpu0: NodeJS.CpuUsage): BuildSummary {
  const cpu = process.cpuUsage(cpu0);
  s.cpuMs = (cpu.user + cpu.system) / 1000;
  s.elapsedMs = performance.now() - started;
  // maxRSS is the kernel's high-water mark for the whole process, threads included (KiB).
  s.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return s;
}
