// Per-feature zooms and layers: the `tippecanoe` member as tippecanoe reads it, and the zoom
// properties (GeoPackage columns too), in Web Mercator and ETRS-TM35FIN.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTileset, FeatureError } from '../../dist/index.js';
import { featureZooms } from '../../dist/internals.js';
import { addLayer, blob, buf, createGpkg } from '../gpkg-writer.js';
import { tempDir } from '../helpers.js';
import { MemorySink } from '../memory-sink.js';

test('the tippecanoe member: numbers for zooms, a string for the layer, other types ignored; zoom properties override', () => {
  assert.deepEqual(featureZooms({ minzoom: 3, maxzoom: 7, layer: 'labels' }, {}, undefined), { minzoom: 3, maxzoom: 7, layer: 'labels' });
  assert.equal(featureZooms({ minzoom: '3', layer: 5 }, {}, undefined), undefined);
  assert.equal(featureZooms(undefined, { mz: 4 }, undefined), undefined);
  assert.deepEqual(featureZooms({ minzoom: 3 }, { mz: 4, xz: '9', other: 1 }, { minzoomProperty: 'mz', maxzoomProperty: 'xz' }), { minzoom: 4, maxzoom: 9 });
  assert.deepEqual(featureZooms(null, { mz: null }, { minzoomProperty: 'mz' }), undefined); // a null zoom is no limit
  assert.throws(() => featureZooms({ minzoom: 2.5 }, {}, undefined), /tippecanoe.minzoom must be an integer zoom 0..30, got 2.5/);
  assert.throws(() => featureZooms({}, { mz: 'high' }, { minzoomProperty: 'mz' }), /property "mz" must be an integer zoom 0..30, got "high"/);
  assert.throws(() => featureZooms({ maxzoom: 31 }, {}, undefined), /got 31/);
});

/** Features per zoom and layer: "z layer" → names. */
function names(sink: MemorySink): Map<string, string[]> {
  const m = new Map<string, Set<string>>();
  for (const f of sink.features()) {
    const k = `${f.z} ${f.layer}`;
    if (!m.has(k)) m.set(k, new Set());
    m.get(k)!.add(String(f.properties.name));
  }
  return new Map([...m].map(([k, v]) => [k, [...v].sort()]));
}

const point = (name: string, lon: number, lat: number, extra: object = {}) => ({ type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [lon, lat] }, ...extra });

for (const tilingScheme of ['WebMercatorQuad', 'ETRS-TM35FIN']) {
  test(`${tilingScheme}: tippecanoe.minzoom keeps a feature out of shallower tiles, maxzoom out of deeper ones, layer moves it`, async () => {
    const sink = new MemorySink();
    const summary = await buildTileset({
      inputs: [{
        name: 'places', features: [
          point('always', 25, 61),
          point('from3', 25.1, 61.1, { tippecanoe: { minzoom: 3 } }),
          point('to1', 25.2, 61.2, { tippecanoe: { maxzoom: 1 } }),
          point('label2to3', 25.3, 61.3, { tippecanoe: { minzoom: 2, maxzoom: 3, layer: 'labels' } }),
          point('never', 25.4, 61.4, { tippecanoe: { minzoom: 6 } }),
        ],
      }],
      output: sink, tilingScheme, maxzoom: 4, threads: 1,
    });
    assert.deepEqual(Object.fromEntries(names(sink)), {
      '0 places': ['always', 'to1'], '1 places': ['always', 'to1'], '2 places': ['always'], '3 places': ['always', 'from3'], '4 places': ['always', 'from3'],
      '2 labels': ['label2to3'], '3 labels': ['label2to3'],
    });
    assert.equal(summary.outOfZoomRange, 1);
    assert.equal(summary.featuresWritten, 4);
    assert.deepEqual(summary.layers, [{ name: 'places', features: 3 }, { name: 'labels', features: 1 }]);
    const labels = sink.metadata!.layers.find((l) => l.name === 'labels')!;
    assert.deepEqual([labels.zoomMin, labels.zoomMax, [...labels.fields.keys()]], [2, 3, ['name']]);
    const places = sink.metadata!.layers.find((l) => l.name === 'places')!;
    assert.equal(places.featureCount, 3);
  });
}

test('a zoom that is no integer makes the feature malformed: the build stops, or --skip-invalid counts it', async () => {
  const features = [point('a', 25, 61, { tippecanoe: { minzoom: 1.5 } }), point('b', 25, 61)];
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), maxzoom: 2, threads: 1 }), (e: Error) => e instanceof FeatureError && /feature #0: tippecanoe.minzoom must be an integer zoom/.test(e.message));
  const s = await buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), maxzoom: 2, threads: 1, skipInvalid: true });
  assert.deepEqual([s.invalid, s.featuresWritten], [1, 1]);
});

test('--minzoom-property / --maxzoom-property read GeoPackage columns (SWEREF 99 TM)', async () => {
  const path = join(tempDir(), 'zooms.gpkg');
  const db = createGpkg(path);
  addLayer(db, 'towns', 3006, 'fid INTEGER PRIMARY KEY, geom POINT, name TEXT, minz INTEGER, maxz TEXT');
  const insert = db.prepare('INSERT INTO towns VALUES (?, ?, ?, ?, ?)');
  const rows: [string, number | null, string | null][] = [['big', null, null], ['mid', 2, null], ['small', 4, '4'], ['top', null, '1']];
  rows.forEach(([name, minz, maxz], i) => insert.run(i + 1, buf(blob({ type: 'Point', coordinates: [600000 + i * 1000, 6600000] })), name, minz, maxz));
  db.close();
  const sink = new MemorySink();
  await buildTileset({ inputs: [path], output: sink, tilingScheme: 'EPSG:3006,-1200000,8500000,4194304', maxzoom: 5, threads: 1, minzoomProperty: 'minz', maxzoomProperty: 'maxz', exclude: ['minz', 'maxz'] });
  const got = names(sink);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((z) => got.get(`${z} towns`)), [
    ['big', 'top'], ['big', 'top'], ['big', 'mid'], ['big', 'mid'], ['big', 'mid', 'small'], ['big', 'mid'],
  ]);
  assert.deepEqual([...sink.metadata!.layers[0].fields.keys()], ['name']); // the zoom columns left out with -x
});

test('features choosing their own layer: byte-identical tiles and metadata with 1 and 3 threads (several batches)', async () => {
  const features = Array.from({ length: 9000 }, (_, i) => point(`p${i % 50}`, 20 + (i % 97) * 0.1, 60 + (i % 89) * 0.05, i % 3 ? { tippecanoe: { layer: i % 3 === 1 ? 'odd' : 'even', minzoom: i % 4 } } : {}));
  const build = async (threads: number) => {
    const sink = new MemorySink();
    const s = await buildTileset({ inputs: [{ name: 'base', features }], output: sink, maxzoom: 4, threads, compress: false });
    return { sink, s };
  };
  const a = await build(1), b = await build(3);
  assert.deepEqual([...b.sink.tiles.keys()], [...a.sink.tiles.keys()]);
  for (const [k, v] of a.sink.tiles) assert.ok(Buffer.from(v).equals(Buffer.from(b.sink.tiles.get(k)!)), k);
  assert.deepEqual(b.sink.metadata!.layers.map((l) => [l.name, l.featureCount]), [['base', 3000], ['odd', 3000], ['even', 3000]]);
  assert.deepEqual(a.sink.metadata!.layers.map((l) => [l.name, l.featureCount]), [['base', 3000], ['odd', 3000], ['even', 3000]]);
  assert.deepEqual(b.s.layers, [{ name: 'base', features: 3000 }, { name: 'odd', features: 3000 }, { name: 'even', features: 3000 }]);
});
