// Opens every input of a build as layer sources: one per GeoJSON file or code layer, one per feature
// table of a GeoPackage. Nothing is read yet but headers (a GeoPackage's schema, a file's size).
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { lonLatBoundsTo } from '../projection/bounds.js';
import { resolveCrs } from '../projection/crs.js';
import { readGeoJSONRaw, type GeoJSONSourceInfo, type RawFeature } from './geojson.js';
import { openGeoPackage } from './gpkg.js';
import type { LayerInput, LayerSource } from './layer-source.js';

export interface InputRequest {
  inputs: (string | LayerInput)[];
  /** GeoJSON layer names by position; with a GeoPackage among the inputs, the tables to read. */
  layerNames?: string[];
  /** SQL condition on GeoPackage rows. */
  where?: string;
  /** CRS of every input (--s-srs): GeoPackage tables with srs_id -1 need it. */
  sourceSrs?: string;
  /** lon/lat [w, s, e, n]: GeoPackage rows are read through the R-tree for these only. */
  bounds?: readonly [number, number, number, number];
  /** CRS of files whose `crs` member comes after their features, learnt by an earlier attempt. */
  lateCrs?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
}

const isGeoPackage = (p: string) => /\.gpkg$/i.test(p);

/**
 * Every layer, in order. With a GeoPackage among the inputs, layerNames selects its tables (as
 * ogr2ogr's layer arguments do); otherwise it names the GeoJSON inputs by position.
 */
export async function openInputs(r: InputRequest): Promise<LayerSource[]> {
  const gpkg = r.inputs.some((i) => typeof i === 'string' && isGeoPackage(i));
  const out: LayerSource[] = [];
  for (const [i, input] of r.inputs.entries()) {
    if (typeof input !== 'string') {
      out.push({
        // No file to name: messages name the layer, which they do anyway (not "layer "x": layer "x", …").
        header: { name: r.layerNames?.[i] ?? input.name, description: input.description, srs: input.srs, source: input.source, fields: [], skippedFields: [] },
        items: numbered(input.features),
      });
    } else if (isGeoPackage(input)) {
      const bounds = r.bounds;
      const bboxFor = bounds && ((srs: string) => lonLatBoundsTo(resolveCrs(srs), bounds as [number, number, number, number]));
      const tables = await openGeoPackage(input, { layers: r.layerNames, where: r.where, srs: r.sourceSrs, bboxFor });
      for (const t of tables) {
        out.push({
          header: { name: t.name, description: t.description, srs: t.srs, source: input, fields: t.fields, skippedFields: t.skippedFields, count: t.count },
          items: t.features(),
        });
      }
    } else {
      const geojson: GeoJSONSourceInfo = { crs: r.lateCrs?.get(input) };
      const name = gpkg ? undefined : r.layerNames?.[i];
      const st = await stat(input).catch(() => undefined); // a missing file is reported by the reader
      const items = readGeoJSONRaw(input, geojson);
      // A pipe or FIFO may keep a read waiting for ever: an abort must not wait with it. (A regular file
      // is not wrapped: racing every feature against the signal costs about 2 µs each.)
      const streamed = st !== undefined && !st.isFile() && !st.isDirectory();
      out.push({
        header: { name: name ?? basename(input, extname(input)), source: input, fields: [], skippedFields: [], size: st?.isFile() ? st.size : undefined, geojson },
        items: streamed ? untilAborted(items, r.signal) : items,
      });
    }
  }
  return out;
}

/** The items of `source` until `signal` aborts, even while the source is waiting for its next one. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) return yield* source;
  const it = source[Symbol.asyncIterator]();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => (onAbort = () => reject(signal.reason)));
  aborted.catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal.throwIfAborted();
      const next = it.next();
      next.catch(() => undefined); // an abandoned read may fail later: nobody waits for it then
      const res = await Promise.race([next, aborted]);
      if (res.done) return;
      yield res.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!signal.aborted) await it.return?.();
  }
}

async function* numbered(features: LayerInput['features']): AsyncGenerator<RawFeature> {
  let index = 0;
  for await (const feature of features) yield { index: index++, feature };
}
