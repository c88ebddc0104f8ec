// Reading tilesets back through real GDAL, and comparing ours with what `ogr2ogr -f MVT` writes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hasCommand, listTiles } from '../helpers.js';

export const haveGdal = hasCommand('ogrinfo') && hasCommand('ogr2ogr');
if (!haveGdal && process.env.REQUIRE_GDAL === '1') throw new Error('REQUIRE_GDAL=1 but ogrinfo/ogr2ogr are not on PATH (apt-get install gdal-bin)');
export const skip = !haveGdal && 'GDAL (ogrinfo) not installed';
// Wrong ring winding becomes an error (the variable's name is spelled so in GDAL).
export const STRICT = ['--config', 'OGR_MVT_ENFORE_EXTERNAL_RING_IS_CLOCKWISE', 'YES'];

export const gdalVersion = (): number[] => {
  const m = /GDAL (\d+)\.(\d+)\.(\d+)/.exec(execFileSync('ogrinfo', ['--version'], { encoding: 'utf8' }));
  return m ? m.slice(1).map(Number) : [0, 0, 0];
};
export const atLeast = (v: number[], w: number[]) => (v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2]);

export interface ReadFeature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

/** Features GDAL reads from a zoom directory or a single tile, as GeoJSON. Fails on any GDAL error. */
export function gdalFeatures(path: string, ...args: string[]): ReadFeature[] {
  const r = spawnSync('ogr2ogr', [...STRICT, '-f', 'GeoJSON', '/vsistdout/', path, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogr2ogr ${path}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ERROR/, `GDAL complained reading ${path}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { features: ReadFeature[] }).features;
}

/** Field types and SRS as `ogrinfo -so` reports them (first layer). */
export function gdalSchema(path: string): { fields: Record<string, string>; srs: string; geometry: string } {
  const out = execFileSync('ogrinfo', [...STRICT, '-so', '-al', path], { encoding: 'utf8' });
  const fields: Record<string, string> = {};
  for (const m of out.matchAll(/^(\w+): (\w+(?:\(\w+\))?) \(/gm)) fields[m[1]] = m[2];
  return { fields, srs: /ID\["EPSG",(\d+)\]\]\s*$/m.exec(out.split('Data axis')[0])?.[1] ?? '', geometry: /^Geometry: (.*)$/m.exec(out)?.[1] ?? '' };
}

export function points(c: unknown): number[][] {
  if (Array.isArray(c) && typeof c[0] === 'number') return [c as number[]];
  return (c as unknown[]).flatMap(points);
}

export function polygonArea(g: ReadFeature['geometry']): number {
  if (!g || !/Polygon/.test(g.type)) return 0;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  let s = 0;
  for (const p of polys) for (const r of p) for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] - r[i][0]) * (r[i][1] + r[j][1]);
  return Math.abs(s / 2);
}

export function polygonPerimeter(g: ReadFeature['geometry']): number {
  if (!g || !/Polygon/.test(g.type)) return 0;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  let s = 0;
  for (const p of polys) for (const r of p) for (let i = 1; i < r.length; i++) s += Math.hypot(r[i][0] - r[i - 1][0], r[i][1] - r[i - 1][1]);
  return s;
}

/** Every vertex of a has a vertex of b within tol, and the other way round. */
export function sameVertices(a: number[][], b: number[][], tol: number): boolean {
  const near = (p: number[], set: number[][]) => set.some((q) => Math.abs(p[0] - q[0]) <= tol && Math.abs(p[1] - q[1]) <= tol);
  return a.every((p) => near(p, b)) && b.every((p) => near(p, a));
}

/**
 * Ours against GDAL's, as GDAL reads them: the same tiles; per zoom the same layers' fields, types,
 * SRS and geometry type; per tile the same features (by mvt_id and kind), values, vertices within
 * one tile unit (where a tile edge cuts a segment the cut points may differ by that) and areas: within
 * 0.1%, or one unit along the boundary for small polygons, where rounding decides (GDAL drops a hole
 * that rounding pushed onto its exterior; we keep what is left of it, after making the polygon valid).
 */
export function compareTilesets(ours: string, gdal: string, maxzoom: number, dim0: number): void {
  assert.deepEqual(listTiles(ours), listTiles(gdal), 'same tiles');
  for (let z = 0; z <= maxzoom; z++) assert.deepEqual(gdalSchema(join(ours, String(z))), gdalSchema(join(gdal, String(z))), `schema at zoom ${z}`);
  for (const t of listTiles(ours)) {
    const z = Number(t.split('/')[0]);
    const unit = dim0 / 2 ** z / 4096;
    const a = gdalFeatures(join(ours, t + '.pbf'));
    const b = gdalFeatures(join(gdal, t + '.pbf'));
    const key = (f: ReadFeature) => `${f.properties.mvt_id}:${f.geometry?.type.replace('Multi', '')}`;
    assert.deepEqual(a.map(key).sort(), b.map(key).sort(), `features of ${t}`);
    for (const fa of a) {
      const fb = b.find((f) => key(f) === key(fa))!;
      assert.deepEqual(fa.properties, fb.properties, `values of ${key(fa)} in ${t}`);
      assert.ok(sameVertices(points(fa.geometry!.coordinates), points(fb.geometry!.coordinates), unit * 1.01), `vertices of ${key(fa)} in ${t}`);
      const [aa, ab] = [polygonArea(fa.geometry), polygonArea(fb.geometry)];
      const slack = Math.max(aa, ab) * 1e-3 + Math.max(unit * unit, unit * Math.min(polygonPerimeter(fa.geometry), polygonPerimeter(fb.geometry)));
      assert.ok(Math.abs(aa - ab) <= slack, `area of ${key(fa)} in ${t}: ${aa} vs ${ab}`);
    }
  }
}
