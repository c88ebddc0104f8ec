// What one output layer holds: field types (for the encoder) and the statistics GDAL puts in
// tilestats, kept the way GDAL's writer keeps them.
import type { GeomType } from './geometry.js';
import { valueType, type FieldType, type PropertyValue } from './attributes.js';

/** tilestats lists at most this many values per attribute: the first ones met, then sorted (GDAL). */
export const MAX_TILESTATS_VALUES = 100;
/** Distinct values are counted up to this many (GDAL). */
export const MAX_TILESTATS_COUNT = 1000;

export interface FieldStats {
  /** Undefined while only nulls have been seen (such a field is written as "String"). */
  type?: FieldType;
  /** True once a non-integral number is seen, or when the source declares the field real. */
  real: boolean;
  /** Distinct non-null values, up to MAX_TILESTATS_COUNT. */
  distinct: Set<PropertyValue>;
  /** The first MAX_TILESTATS_VALUES distinct values. */
  values: PropertyValue[];
  min: number;
  max: number;
}

/** LayerSchema's content as plain data, to cross threads and be merged in input order. */
export interface LayerStats {
  featureCount: number;
  geometryCounts: number[];
  zoomMin: number;
  zoomMax: number;
  fields: [string, { type?: FieldType; real: boolean; distinct: PropertyValue[]; values: PropertyValue[]; min: number; max: number }][];
}

/** A field that mixes kinds is a String field (as GDAL's GeoJSON reader makes it); its statistics follow. */
function becomeString(f: FieldStats): void {
  if (f.type === 'String') return;
  f.type = 'String';
  f.values = f.values.map(String);
  f.distinct = new Set([...f.distinct].map(String));
}

export class LayerSchema {
  readonly fields = new Map<string, FieldStats>();
  /** Tile features written, per MVT geometry type (index 1..3): tilestats' "geometry" is the majority. */
  readonly geometryCounts = [0, 0, 0, 0];
  /** Source features with a geometry (GDAL's tilestats "count"). */
  featureCount = 0;
  /** Zooms at which the layer has tiles (written as the layer's minzoom/maxzoom, as GDAL does). */
  zoomMin = Infinity;
  zoomMax = -Infinity;

  constructor(
    readonly name: string,
    public description = '',
    public minzoom = 0,
    public maxzoom = 0,
  ) {}

  /** Declares a field before any value is seen (sources with a schema, or a null value in GeoJSON). */
  declare(name: string, type?: FieldType, real = false): void {
    if (!this.fields.has(name)) this.fields.set(name, { type, real, distinct: new Set(), values: [], min: Infinity, max: -Infinity });
  }

  addFeature(properties: [string, PropertyValue][]): void {
    this.featureCount++;
    for (const [k, v] of properties) this.addValue(k, v);
  }

  addTileFeature(z: number, type: GeomType): void {
    this.geometryCounts[type]++;
    if (z < this.zoomMin) this.zoomMin = z;
    if (z > this.zoomMax) this.zoomMax = z;
  }

  private addValue(name: string, v: PropertyValue): void {
    const vt = valueType(v);
    this.declare(name);
    const f = this.fields.get(name)!;
    if (f.type === undefined) f.type = vt;
    else if (f.type !== vt) becomeString(f);
    const stored = f.type === 'String' ? String(v) : v;
    if (f.distinct.size < MAX_TILESTATS_COUNT && !f.distinct.has(stored)) {
      f.distinct.add(stored);
      if (f.values.length < MAX_TILESTATS_VALUES) f.values.push(stored);
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) f.real = true;
      if (v < f.min) f.min = v;
      if (v > f.max) f.max = v;
    }
  }

  stats(): LayerStats {
    return {
      featureCount: this.featureCount,
      geometryCounts: [...this.geometryCounts],
      zoomMin: this.zoomMin,
      zoomMax: this.zoomMax,
      fields: [...this.fields].map(([k, f]) => [k, { type: f.type, real: f.real, distinct: [...f.distinct], values: [...f.values], min: f.min, max: f.max }]),
    };
  }

  /**
   * Adds the statistics of a later part of the input. Merging the parts in input order gives what
   * reading the whole input here would have given (up to the 1000-value count cap).
   */
  merge(s: LayerStats): void {
    this.featureCount += s.featureCount;
    for (let t = 1; t <= 3; t++) this.geometryCounts[t] += s.geometryCounts[t];
    this.zoomMin = Math.min(this.zoomMin, s.zoomMin);
    this.zoomMax = Math.max(this.zoomMax, s.zoomMax);
    for (const [name, o] of s.fields) {
      this.declare(name);
      const f = this.fields.get(name)!;
      if (o.type !== undefined) {
        if (f.type === undefined) f.type = o.type;
        else if (f.type !== o.type) becomeString(f);
      }
      const asString = f.type === 'String';
      for (const v of o.distinct) {
        const stored = asString ? String(v) : v;
        if (f.distinct.size >= MAX_TILESTATS_COUNT) break;
        f.distinct.add(stored);
      }
      for (const v of o.values) {
        const stored = asString ? String(v) : v;
        if (f.values.length >= MAX_TILESTATS_VALUES) break;
        if (!f.values.includes(stored)) f.values.push(stored);
      }
      f.real ||= o.real;
      f.min = Math.min(f.min, o.min);
      f.max = Math.max(f.max, o.max);
    }
  }

  fieldTypes(): Map<string, FieldType> {
    return new Map([...this.fields].map(([k, f]) => [k, f.type ?? 'String']));
  }

  realFields(): Set<string> {
    return new Set([...this.fields].filter(([, f]) => f.type === 'Number' && f.real).map(([k]) => k));
  }

  /** The tilestats geometry GDAL's reader maps to a layer type: the most frequent, ties to the later. */
  geometryName(): 'Point' | 'LineString' | 'Polygon' {
    const c = this.geometryCounts;
    if (c[3] >= c[2] && c[3] >= c[1] && c[3] > 0) return 'Polygon';
    if (c[2] >= c[1] && c[2] > 0) return 'LineString';
    return 'Point';
  }
}
