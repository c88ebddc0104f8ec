// Phase 1: read every layer and tile it. The main thread reads and batches; the threads parse,
// reproject, clip, simplify and quantize (stages/tile.ts). Fragments go to the store as soon as a
// batch is done; statistics and errors are taken in batch order, so the output does not depend on
// the number of threads.
import { DEFAULTS } from '../defaults.js';
import { FeatureError, InputError, UsageError } from '../errors.js';
import { AttributeFilter } from '../generalize/attributes.js';
import type { FieldType } from '../model/attributes.js';
import { LayerSchema } from '../model/layer-schema.js';
import type { BuildOptions, Progress } from '../options.js';
import type { LayerSource } from '../readers/layer-source.js';
import type { BatchResult, FeatureBatch } from '../stages/tile.js';
import { ThinningKeys } from '../generalize/drop-rate.js';
import { FOREIGN_LAYER, relabelLayers } from '../tiler/fragment-codec.js';
import type { TileStore } from '../tiler/tile-store.js';
import { itemBatches } from './batches.js';
import { checkLateCrs, layerSrs, srsGuessed } from './layer-crs.js';
import { OrderedWork } from './ordered-work.js';
import type { Plan } from './plan.js';
import type { WorkerPool } from './pool.js';
import { addTiled, type BuildSummary } from './summary.js';

export interface Tiled {
  /** The output layers, in order (several source layers may feed one, with --conf). */
  schemas: LayerSchema[];
  /** Data extent in scheme units [minU, minV, maxU, maxV], clamped to the matrix (Infinity: none). */
  bbox: [number, number, number, number];
  /** With thinning by zoom: every thinned feature's key, in input order. */
  thin?: ThinningKeys;
  /** With one of tippecanoe's as-needed strategies: every feature's key and size, in input order. */
  ranks?: ThinningKeys;
}

interface Done {
  r: BatchResult;
  layer: LayerSource;
  schema: LayerSchema;
  /** Input bytes of the batch (progress). */
  textBytes: number;
}

export async function tilePhase(
  plan: Plan,
  options: BuildOptions,
  layers: LayerSource[],
  pool: WorkerPool,
  store: TileStore,
  summary: BuildSummary,
  progress: Progress,
): Promise<Tiled> {
  const { opts } = plan;
  const attributes = opts.attributes && new AttributeFilter(opts.attributes);
  const report = () => options.onProgress?.(progress);
  const schemas: LayerSchema[] = [];
  const bbox: Tiled['bbox'] = [Infinity, Infinity, -Infinity, -Infinity];
  let layerWritten = 0;
  const thin = plan.thinning ? new ThinningKeys() : undefined;
  const ranks = plan.ranking ? new ThinningKeys(true) : undefined;
  const tiling = new OrderedWork<Done>(
    Math.max(2, pool.threads * DEFAULTS.batchesPerThread),
    DEFAULTS.windowBytes,
    ({ r, layer, schema, textBytes }) => {
      if (r.fatal) {
        const h = layer.header;
        if (r.fatal.feature) throw new FeatureError(r.fatal.problem!, { file: h.source, layer: h.name, index: r.fatal.index!, line: r.fatal.line, id: r.fatal.id });
        throw new InputError(r.fatal.message, h.source ?? `layer "${h.name}"`);
      }
      schema.merge(r.stats);
      addTiled(summary, r);
      layerWritten += r.written;
      let to: number[] = [];
      if (r.foreign) {
        // Features that chose their own output layer (tippecanoe.layer): numbered here, in input order.
        to = r.foreign.map((f) => {
          const li = outputLayer(f.name);
          schemas[li].merge(f.stats);
          summary.layers[li].features += f.written;
          layerWritten -= f.written;
          summary.featuresWritten += f.written;
          return li;
        });
        relabelLayers(r.fragments, to);
        store.add(r.fragments);
        r.fragments = new Uint8Array(0);
      }
      const layerOf = (l: number) => (l >= FOREIGN_LAYER ? to[l - FOREIGN_LAYER] : l);
      if (r.thinKeys) thin!.add(r.thinKeys, layerOf);
      if (r.rankKeys) ranks!.add(r.rankKeys, layerOf);
      for (let i = 0; i < 2; i++) bbox[i] = Math.min(bbox[i], r.bbox[i]);
      for (let i = 2; i < 4; i++) bbox[i] = Math.max(bbox[i], r.bbox[i]);
      progress.featuresRead = summary.features;
      // Bytes of features tiled, not read: the reader runs ahead of the threads by up to the window.
      if (progress.bytesTotal !== undefined) progress.bytesRead = Math.min(progress.bytesTotal, (progress.bytesRead ?? 0) + textBytes);
      report();
    },
    ({ r }) => {
      if (r.fatal || r.foreign) return; // those with layers of their own wait for their numbers
      store.add(r.fragments);
      r.fragments = new Uint8Array(0); // the store holds them now
    },
  );
  /** The output layer of this name, made (with its summary entry) when first named. */
  const outputLayer = (name: string): number => {
    let li = schemas.findIndex((s) => s.name === name);
    if (li < 0) {
      li = schemas.push(new LayerSchema(name, '', opts.minzoom, opts.maxzoom)) - 1;
      summary.layers.push({ name, features: 0 });
    }
    return li;
  };

  // Reading progress in bytes when every input is a file of known size.
  let bytesDone = 0;
  if (layers.length && layers.every((l) => l.header.size !== undefined)) {
    progress.bytesTotal = layers.reduce((n, l) => n + l.header.size!, 0);
    progress.bytesRead = 0;
  }
  const sourceNames = new Set<string>();
  let seq = 0;
  for (const layer of layers) {
    const h = layer.header;
    if (sourceNames.has(h.name)) throw new UsageError(`two inputs give the same layer name "${h.name}": rename one with --layer`);
    sourceNames.add(h.name);
    // --conf maps source layers onto output layers (several may share one) with their own zooms.
    const conf = options.conf?.[h.name];
    const target = conf?.target_name ?? h.name;
    const li = outputLayer(target);
    const schema = schemas[li];
    const description = conf?.description ?? h.description;
    if (description !== undefined) schema.description = description; // the last one set wins, as in GDAL
    for (const f of h.fields) declareColumn(schema, f, attributes);
    for (const c of h.skippedFields) summary.skippedColumns.push({ file: h.source!, layer: h.name, column: c.name, why: c.why });
    const ctx = plan.contextFor(conf?.minzoom ?? opts.minzoom, conf?.maxzoom ?? opts.maxzoom);
    layerWritten = 0;
    // The CRS is fixed at the first batch: a GeoJSON `crs` member that comes later is checked at the end.
    let srs: string | undefined;
    let guessed = false;
    for await (const part of itemBatches(layer.items)) {
      if (srs === undefined) {
        srs = layerSrs(options.sourceSrs, h);
        guessed = srsGuessed(options.sourceSrs, h);
      }
      const batch: FeatureBatch = { ctx, layer: li, layerName: h.name, source: h.source, srs, seqBase: seq, indexBase: part.indexBase, items: part.items, lines: part.lines };
      seq += part.items.length;
      await tiling.submit(pool.run<BatchResult>({ kind: 'tile', batch }).then((r) => ({ r, layer, schema, textBytes: part.bytes })), part.bytes);
      options.signal?.throwIfAborted();
    }
    await tiling.drain();
    if (guessed && h.geojson?.crsLate) checkLateCrs(h, srs!);
    if (progress.bytesTotal !== undefined) {
      // Whitespace and separators between features count too: the layer is all done now.
      bytesDone += h.size ?? 0;
      progress.bytesRead = bytesDone;
      report();
    }
    summary.featuresWritten += layerWritten;
    summary.layers[li].features += layerWritten;
  }
  return { schemas, bbox, thin, ranks };
}

/** A column a source declares up front, unless the attribute options leave it out (with the type -T gives it). */
function declareColumn(schema: LayerSchema, f: { name: string; type: FieldType; real: boolean }, attributes: AttributeFilter | undefined): void {
  if (!attributes) return schema.declare(f.name, f.type, f.real);
  if (!attributes.declares(f.name)) return;
  const t = attributes.fieldType(f.name, f.type, f.real);
  schema.declare(f.name, t.type, t.real);
}
