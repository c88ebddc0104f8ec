// The publish tests' GeoPackage, made with ogr2ogr from GeoJSON generated here: three source layers in
// SWEREF 99 TM (lakes: polygons, some with holes, some multi; rivers: lines; wells: points), every
// field type GDAL writes to a GeoPackage (String, Integer, Integer64, Real, Date, DateTime with and
// without an offset, Time as text, Boolean, Int16) and nulls, some features across the extent's edge
// and some wholly outside it. Seeded, so the same file every time.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The extent the configs clip to (SWEREF 99 TM metres). */
export const EXTENT = [350000, 6400000, 850000, 7400000] as const;

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pos = [number, number];
const CRS = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } };

/** A ring around (cx, cy): n vertices at radii r·(0.6..1), closed, counter-clockwise. */
function ring(rand: () => number, cx: number, cy: number, r: number, n: number, clockwise = false): Pos[] {
  const out: Pos[] = [];
  for (let i = 0; i < n; i++) {
    const a = ((clockwise ? -1 : 1) * 2 * Math.PI * i) / n;
    const k = r * (0.6 + 0.4 * rand());
    // Centimetres and below: the areas GDAL computes are then of the coordinates as stored.
    out.push([Math.round((cx + k * Math.cos(a)) * 1000) / 1000, Math.round((cy + k * Math.sin(a)) * 1000) / 1000]);
  }
  out.push(out[0]);
  return out;
}

function common(rand: () => number, i: number, prefix: string): Record<string, unknown> {
  const day = 1 + Math.floor(rand() * 28), month = 1 + Math.floor(rand() * 12), hour = Math.floor(rand() * 24);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    code: `${prefix}${i}`,
    name: i % 7 === 0 ? `Sjön "Åre" ${i}` : `${prefix}-${i}`,
    depth: i % 5 === 0 ? null : Math.round(rand() * 10000) / 100,
    fish: Math.floor(rand() * 2000) - 1000,
    big: i % 3 === 0 ? 9007199254740000 + i : i,
    surveyed: i % 6 === 0 ? null : `20${10 + (i % 15)}-${pad(month)}-${pad(day)}`,
    updated: i % 4 === 1 ? `2023-${pad(month)}-${pad(day)}T${pad(hour)}:15:30+02:00` : `2024-${pad(month)}-${pad(day)}T${pad(hour)}:05:09Z`,
    opens: `${pad(hour)}:30:00`,
    protected: i % 2 === 0,
    small: (i % 11) - 5,
    note: i % 9 === 0 ? 'line\nbreak, "quoted"' : null,
  };
}

/** The three layers as GeoJSON FeatureCollections (with a crs member for SWEREF 99 TM). */
export function fixtureLayers(wells = 80): Record<string, object> {
  const rand = rng(42);
  const lakes = [];
  for (let i = 0; i < 40; i++) {
    const cx = 300000 + rand() * 600000, cy = 6300000 + rand() * 1200000, r = 3000 + rand() * 12000;
    const c = common(rand, i, 'L');
    const props = { ...c, name: i === 13 ? 'Drained' : c.name };
    let geometry: object;
    if (i % 8 === 3) {
      geometry = { type: 'MultiPolygon', coordinates: [[ring(rand, cx, cy, r, 9)], [ring(rand, cx + 3 * r, cy, r / 2, 7)]] };
    } else if (i % 4 === 1) {
      geometry = { type: 'Polygon', coordinates: [ring(rand, cx, cy, r, 12), ring(rand, cx, cy, r / 4, 6, true)] };
    } else geometry = { type: 'Polygon', coordinates: [ring(rand, cx, cy, r, 10)] };
    lakes.push({ type: 'Feature', properties: props, geometry });
  }
  const rivers = [];
  for (let i = 0; i < 30; i++) {
    const line = (): Pos[] => {
      let x = 300000 + rand() * 600000, y = 6300000 + rand() * 1200000;
      const out: Pos[] = [];
      for (let k = 0; k < 8; k++) {
        out.push([Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
        x += (rand() - 0.3) * 8000;
        y += (rand() - 0.5) * 8000;
      }
      return out;
    };
    const geometry = i % 6 === 2 ? { type: 'MultiLineString', coordinates: [line(), line()] } : { type: 'LineString', coordinates: line() };
    rivers.push({ type: 'Feature', properties: common(rand, i, 'R'), geometry });
  }
  const points = [];
  for (let i = 0; i < wells; i++) {
    const props = { ...common(rand, i, 'W'), kind: i % 3 === 0 ? 'private' : 'public' };
    points.push({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [Math.round((300000 + rand() * 600000) * 100) / 100, Math.round((6300000 + rand() * 1200000) * 100) / 100] } });
  }
  const fc = (features: object[]) => ({ type: 'FeatureCollection', crs: CRS, features });
  return { lakes: fc(lakes), rivers: fc(rivers), wells: fc(points) };
}

const COLUMNS = 'code, name, depth, fish, big, surveyed, updated, CAST(opens AS time) AS opens, protected, CAST(small AS smallint) AS small, note';

/** Writes `dir/nordic.gpkg` (and the GeoJSON it is made from) with ogr2ogr; returns its path. */
export function makeFixture(dir: string, o: { wells?: number; name?: string } = {}): string {
  const gpkg = join(dir, o.name ?? 'nordic.gpkg');
  const layers = fixtureLayers(o.wells);
  let first = true;
  for (const [name, fc] of Object.entries(layers)) {
    const src = join(dir, `${name}.geojson`);
    writeFileSync(src, JSON.stringify(fc));
    const extra = name === 'wells' ? ', kind' : '';
    execFileSync('ogr2ogr', ['-f', 'GPKG', ...(first ? [] : ['-update']), gpkg, src, '-nln', name, '-sql', `SELECT ${COLUMNS}${extra} FROM ${name}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    first = false;
  }
  return gpkg;
}

/** The test config for the fixture: lakes and rivers feed `water`, wells feed `poi`. */
export function fixtureConfig(gpkg: string, extra = ''): string {
  return `dataset:
  path: ${gpkg}
SRS: EPSG:3006
extent: [${EXTENT.join(', ')}]
vector-tiles:
  min-zoom: 0
  max-zoom: 6
  tiling-scheme: [EPSG:3006, -1200000, 8500000, 4194304]
layers:
  lakes:
    where: name <> 'Drained'
    publish: water
  rivers:
    publish:
      water:
        minzoom: 2
  wells:
    publish:
      poi:
        where: kind = 'public'
groups:
  water: [lakes, rivers]
  poi: [wells]
${extra}`;
}

/**
 * A one-layer publish of GeoJSON features in SWEREF 99 TM with dimensions: writes `dir/NAME.geojson`
 * and `dir/NAME.yml` (layer NAME feeding `target`); returns the config's path.
 */
export function writeDimensionConfig(dir: string, name: string, features: { properties: object; geometry: object }[], o: { target: string; maxzoom: number; scheme: string; dimensions: string; extra?: string }): string {
  writeFileSync(join(dir, `${name}.geojson`), JSON.stringify({
    type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } },
    features: features.map((f) => ({ type: 'Feature', ...f })),
  }));
  const config = join(dir, `${name}.yml`);
  writeFileSync(config, `dataset: {path: ${name}.geojson}
SRS: EPSG:3006
vector-tiles: {max-zoom: ${o.maxzoom}, tiling-scheme: "${o.scheme}"}
layers:
  ${name}: {publish: ${o.target}}
dimensions:
${o.dimensions}${o.extra ?? ''}`);
  return config;
}
