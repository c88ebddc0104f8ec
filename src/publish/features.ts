// One source layer feeding one target layer: each row measured in its own CRS (GeomArea, GeomPerimeter,
// GeomLength), taken to the target SRS, written whole to the attribute files (which give it its id),
// cut to the extent, and handed to the tiler with its id and no properties (or the kept ones).
// Every row that is not published is counted under one reason.
import type { GeoJSONFeatureLike } from '../readers/geojson.js';
import { InputError } from '../errors.js';
import { createTransform, resolveCrs, type PointTransform } from '../projection/crs.js';
import type { GeoJSONGeometry } from '../readers/wkb.js';
import { attributeValue, measure, measuredKind, metresPerUnit, reservedColumn, roundGeometry, type AttributePages } from './attributes.js';
import { clipToExtent, type Box } from './clip-extent.js';
import { mapPositions, positions } from './geojson.js';
import type { SourceLayerHandle, SourceRow } from './source.js';

/** What became of one source layer's rows in one target layer (one tree). */
export interface PairCounts {
  source: string;
  target: string;
  /** Rows in the source layer, when known (GeoPackage): those the conditions and the extent left out are the difference. */
  total?: number;
  /** Rows read (after `where`; with a dimension from a property, those of this tree's value). */
  read: number;
  published: number;
  /** Wholly outside the extent. */
  outsideExtent: number;
  /** Null or empty geometry. */
  noGeometry: number;
  /** Unreadable rows (a bad geometry blob, a value that does not fit its column) and geometries that do not transform. */
  bad: number;
  /** The first few of those, located. */
  messages: string[];
}

export interface FeatureContext {
  dataset: string;
  layer: SourceLayerHandle;
  targetSrs: string;
  extent?: Box;
  attributes: AttributePages;
  /** Decimals of the attribute files' coordinates (a centimetre in the target SRS's unit). */
  decimals: number;
  /** Properties the tiles keep too: none, all, or these. */
  tileAttributes: boolean | readonly string[];
  /** Rows of this tree, for a dimension made from a property (others are another tree's). */
  keep?: (row: SourceRow) => boolean;
  counts: PairCounts;
}

const MAX_MESSAGES = 10;

/** The features to tile, in source order; attribute files are written as they go. */
export async function* publishFeatures(ctx: FeatureContext): AsyncGenerator<GeoJSONFeatureLike> {
  const { layer, counts } = ctx;
  const srcCrs = resolveCrs(layer.srs);
  const unit = metresPerUnit(srcCrs);
  const transform = createTransform(srcCrs, resolveCrs(ctx.targetSrs));
  const declared = new Map(layer.fields.map((f) => [f.name, f.declared]));
  const note = (message: string) => {
    counts.bad++;
    if (counts.messages.length < MAX_MESSAGES) counts.messages.push(message);
  };
  for await (const row of layer.rows()) {
    if (ctx.keep && !ctx.keep(row)) continue;
    counts.read++;
    const where = `layer "${layer.name}", ${row.fid !== undefined ? `fid ${row.fid}` : `feature #${row.index}`}`;
    if (row.error) {
      note(row.error);
      continue;
    }
    const geometry = row.geometry;
    if (!geometry || isEmpty(geometry)) {
      counts.noGeometry++;
      continue;
    }
    let measures = {};
    if (measuredKind(geometry)) {
      if (unit === undefined) {
        throw new InputError(`layer "${layer.name}" is in a geographic CRS (${layer.srs}): GeomArea, GeomPerimeter and GeomLength need a projected CRS in a linear unit; reproject the layer first (ogr2ogr -t_srs)`, ctx.dataset);
      }
      measures = measure(geometry, unit);
    }
    const target = transform ? transformGeometry(geometry, transform) : geometry;
    if (!allFinite(target)) {
      note(`${where}: the geometry does not transform from ${layer.srs} to ${ctx.targetSrs} (a coordinate outside that CRS's area)`);
      continue;
    }
    const clipped = ctx.extent ? clipToExtent(target, ctx.extent) : target;
    if (!clipped) {
      counts.outsideExtent++;
      continue;
    }
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.properties)) {
      // A GeoPackage's columns were checked up front; a GeoJSON feature's properties are its own.
      const reserved = declared.size ? undefined : reservedColumn(k);
      if (reserved) throw new InputError(`${where}: the property "${k}" must be renamed: ${reserved}`, ctx.dataset);
      properties[k] = attributeValue(declared.get(k), v);
    }
    Object.assign(properties, measures);
    const id = await ctx.attributes.add(JSON.stringify({ ...properties, geom: roundGeometry(target, ctx.decimals) }));
    counts.published++;
    yield { type: 'Feature', id, properties: tileProperties(properties, ctx.tileAttributes), geometry: clipped };
  }
}

function tileProperties(p: Record<string, unknown>, keep: boolean | readonly string[]): Record<string, unknown> {
  if (keep === true) return p;
  if (keep === false) return {};
  const out: Record<string, unknown> = {};
  for (const k of keep) if (Object.hasOwn(p, k)) out[k] = p[k];
  return out;
}

function transformGeometry(g: GeoJSONGeometry, t: PointTransform): GeoJSONGeometry {
  return mapPositions(g, (c) => {
    const a = [c[0], c[1]];
    t(a, 0);
    return [a[0], a[1]];
  });
}

const allFinite = (g: GeoJSONGeometry) => positions(g).every(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
const isEmpty = (g: GeoJSONGeometry) => positions(g).length === 0;
