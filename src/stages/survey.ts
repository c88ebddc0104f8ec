// The survey stage, for a max zoom to be guessed (-zg, generalize/zoom-guess.ts): a batch of features
// read and projected as the tile stage does, but only measured — each feature's place in the grid,
// the spacing of its vertices, a polygon's area. Features that cannot be read are passed over: the
// build that follows reports them.
import { Float64Arena } from '../geometry/arena.js';
import { convertGeometry, type ConvertContext } from '../geometry/convert.js';
import { gridIndex, GRID_BITS } from '../generalize/zoom-guess.js';
import { squareLevels } from '../generalize/curve.js';
import { POINT, POLYGON, STRIDE, type Flat, type Geometry } from '../model/geometry.js';
import { readItem } from '../readers/item.js';
import { projection, type FeatureBatch } from './tile.js';

export interface SurveyResult {
  /** Each feature's place (the middle of its bounding box), as gridIndex; unsorted. */
  places: BigUint64Array;
  withinSum: number;
  withinCount: number;
  area: number;
  /**
   * Features with an extent (lines, polygons, several points): their places again, unsorted, and per
   * feature its size in zoom-0 tile units, [area, span] (a polygon's area, 0 for a line; the box's
   * width + height), from which the shard cut estimates the tiles each one is drawn in.
   */
  sized: BigUint64Array;
  sizes: Float64Array;
}

const arena = new Float64Arena();

export function surveyBatch(b: FeatureBatch): SurveyResult {
  const { scheme } = b.ctx;
  const proj = projection(b.srs, scheme);
  const k = squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0);
  const gridPerUnit = 2 ** (GRID_BITS - k);
  const places: bigint[] = [];
  const sized: bigint[] = [];
  const sizes: number[] = [];
  const r: SurveyResult = { places: new BigUint64Array(0), withinSum: 0, withinCount: 0, area: 0, sized: new BigUint64Array(0), sizes: new Float64Array(0) };
  // Every vertex kept: the spacing of vertices is what is measured.
  const cc: ConvertContext = { scheme, transform: proj.transform, minSqTolerance: 0, arena, clip: proj.clip };
  for (let i = 0; i < b.items.length; i++) {
    arena.reset();
    let geoms: Geometry[];
    try {
      const feature = readItem(b.items[i], arena);
      geoms = convertGeometry(feature?.geometry, cc);
    } catch {
      continue;
    }
    b.items[i] = '';
    if (!geoms.length) continue;
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const vertices: bigint[] = [];
    let area = 0;
    for (const g of geoms) {
      const flats: Flat[] = g.type === POINT ? [g.points] : g.type === POLYGON ? g.polygons.flat() : g.lines;
      for (const f of flats) {
        for (let j = 0; j < f.length; j += STRIDE) {
          box[0] = Math.min(box[0], f[j]);
          box[1] = Math.min(box[1], f[j + 1]);
          box[2] = Math.max(box[2], f[j]);
          box[3] = Math.max(box[3], f[j + 1]);
          if (g.type !== POINT || geoms.length > 1 || f.length > STRIDE) vertices.push(gridIndex(f[j], f[j + 1], k));
        }
      }
      if (g.type === POLYGON) for (const rings of g.polygons) area += polygonArea(rings);
    }
    r.area += area * gridPerUnit * gridPerUnit;
    const place = gridIndex((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, k);
    places.push(place);
    if (box[2] > box[0] || box[3] > box[1]) {
      sized.push(place);
      sizes.push(area, box[2] - box[0] + box[3] - box[1]);
    }
    addWithin(r, vertices);
  }
  r.places = BigUint64Array.from(places);
  r.sized = BigUint64Array.from(sized);
  r.sizes = Float64Array.from(sizes);
  return r;
}

/** A feature's vertices: the geometric mean distance between neighbours in index order (tippecanoe's). */
function addWithin(r: SurveyResult, vertices: bigint[]): void {
  if (vertices.length < 2) return;
  const sorted = BigUint64Array.from(vertices).sort();
  let n = 0, sum = 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) continue;
    sum += Math.log(Number(sorted[i] - sorted[i - 1]));
    n++;
  }
  if (n === 0) return;
  // The distance is the square root of the mean gap (an index gap is an area).
  r.withinSum += Math.log(Math.sqrt(Math.exp(sum / n))) * n;
  r.withinCount += n;
}

/** A polygon's area in zoom-0 tile units²: its exterior less its holes. */
function polygonArea(rings: Flat[]): number {
  let a = 0;
  rings.forEach((ring, i) => {
    let s = 0;
    for (let j = STRIDE; j < ring.length; j += STRIDE) s += ring[j - STRIDE] * ring[j + 1] - ring[j] * ring[j - STRIDE + 1];
    a += i === 0 ? Math.abs(s) / 2 : -Math.abs(s) / 2;
  });
  return Math.max(0, a);
}
