// What a worker thread (or the main thread, with --threads 1) runs: the pure stages composed with
// where their output goes. Tiling returns fragments; encoding hands each tile to the sink's own
// thread writer when the sink describes one (TileSink.threadWriter), else packs the bytes for the
// main thread to put(), with their content keys for a sink that stores identical tiles once.
import { ByteWriter } from '../tiler/fragment-codec.js';
import { encodeTiles, fitTiles, type EncodeBatch, type EncodeReport } from '../stages/encode.js';
import { surveyBatch, type SurveyResult } from '../stages/survey.js';
import { tileBatch, type BatchResult, type FeatureBatch } from '../stages/tile.js';
import { contentKeys } from '../writers/content-ids.js';
import type { ThreadTileWriter, ThreadWriterModule, ThreadWriterSpec } from '../writers/sink.js';

export type Task =
  | { kind: 'tile'; batch: FeatureBatch }
  | { kind: 'encode'; batch: EncodeBatch; writer?: ThreadWriterSpec; keys?: boolean }
  | { kind: 'survey'; batch: FeatureBatch }
  | { kind: 'fit'; batch: EncodeBatch };

/** Per tile: z and the lowest threshold at which it fits (stages/encode.ts fitTiles). */
export interface FitResult {
  needs: number[];
}

export interface EncodedBatch {
  /** Tiles' bytes, back to back; empty when a thread writer stored them. */
  data: Uint8Array;
  /** Per tile: z, x, y, offset in data, length. */
  index: number[];
  /** Each tile's content key (writers/content-ids.ts), when the task asked for them. */
  keys?: Float64Array;
  /** True when the tiles went to the sink's thread writer (nothing left to put()). */
  stored: boolean;
  /** Tiles the limits or a strategy changed (EncodeReport.limited). */
  limited: number[];
  /** Layers some tile of the batch clustered points in. */
  clusteredLayers: string[];
  /** Per zoom: z, features written, features left out by thinning (EncodeReport.zooms). */
  zooms: number[];
  /** Sum of what the thread writer's write() returned (the sink's diskBytes takes it). */
  storedBytes: number;
  /** A tile the thread writer could not store: the build stops with this. */
  writeError?: string;
}

export async function runTask(task: Task): Promise<BatchResult | EncodedBatch | SurveyResult | FitResult> {
  if (task.kind === 'tile') return tileBatch(task.batch);
  if (task.kind === 'survey') return surveyBatch(task.batch);
  if (task.kind === 'fit') return { needs: fitTiles(task.batch) };
  return runEncode(task.batch, task.writer && (await threadWriter(task.writer)), task.keys ?? false);
}

function runEncode(b: EncodeBatch, writer: ThreadTileWriter | undefined, keyed: boolean): EncodedBatch {
  const out = new ByteWriter(writer ? 16 : 1 << 16);
  const index: number[] = [];
  let storedBytes = 0;
  let report: EncodeReport;
  try {
    report = encodeTiles(b, (z, x, y, data) => {
      if (!writer) {
        index.push(z, x, y, out.pos, data.length);
        out.bytes(data);
        return;
      }
      try {
        storedBytes += writer.write(z, x, y, data);
      } catch (e) {
        throw new WriteFailed(`cannot write tile ${z}/${x}/${y}: ${(e as Error).message}`);
      }
      index.push(z, x, y, 0, data.length);
    });
  } catch (e) {
    if (!(e instanceof WriteFailed)) throw e;
    return { data: new Uint8Array(0), index, stored: true, limited: [], clusteredLayers: [], zooms: [], storedBytes, writeError: e.message };
  }
  const data = out.finish();
  return { data, index, ...(keyed && !writer && { keys: contentKeys(data, index) }), stored: writer !== undefined, limited: report.limited, clusteredLayers: report.clusteredLayers, zooms: report.zooms, storedBytes };
}

class WriteFailed extends Error {}

/** This thread's writers, one per spec (a build's directory), made on first use. */
const writers = new Map<string, Promise<ThreadTileWriter>>();

function threadWriter(spec: ThreadWriterSpec): Promise<ThreadTileWriter> {
  const key = `${spec.module}\n${JSON.stringify(spec.config)}`;
  let w = writers.get(key);
  if (!w) {
    if (writers.size > 64) writers.clear(); // a long-lived process running many builds
    w = import(spec.module).then((m: ThreadWriterModule) => m.createTileWriter(spec.config));
    writers.set(key, w);
  }
  return w;
}
