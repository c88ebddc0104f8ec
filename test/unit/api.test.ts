// The library API: buildTileset with layers from code and a custom sink.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildTileset, FeatureError } from '../../dist/index.js';
import { MemorySink } from '../memory-sink.js';

test('buildTileset: async iterable input, custom sink, summary', async () => {
  async function* roads() {
    yield { type: 'Feature', id: 5, properties: { name: 'A', lanes: 2 }, geometry: { type: 'LineString', coordinates: [[10, 50], [11, 51]] } };
    yield { type: 'Feature', properties: { name: 'B', lanes: null }, geometry: null };
  }
  const sink = new MemorySink();
  const summary = await buildTileset({ inputs: [{ name: 'roads', features: roads() }], output: sink, maxzoom: 3, compress: false });
  assert.equal(summary.features, 2);
  assert.equal(summary.featuresWritten, 1);
  assert.equal(summary.noGeometry, 1);
  assert.equal(summary.tiles, sink.tiles.size);
  assert.deepEqual(summary.tilesPerZoom, { 0: 1, 1: 1, 2: 1, 3: 1 });
  const tile = new VectorTile(new PbfReader(sink.tiles.get('0/0/0')!));
  const f = tile.layers.roads.feature(0);
  assert.equal(f.id, 5);
  assert.deepEqual({ ...f.properties }, { name: 'A', lanes: 2 });
  assert.equal(sink.metadata!.layers[0].name, 'roads');
  // a field seen only as null still exists (GDAL lists such fields too)
  assert.deepEqual([...sink.metadata!.layers[0].fields.keys()], ['name', 'lanes']);
  assert.deepEqual(summary.bounds.map((v) => +v.toFixed(6)), [10, 50, 11, 51]);
});

test('buildTileset: a bad feature rejects with its location and aborts the sink', async () => {
  const sink = new MemorySink();
  const features = [{ type: 'Feature', id: 'x1', properties: {}, geometry: { type: 'Point', coordinates: [Infinity, 1] } }];
  await assert.rejects(
    buildTileset({ inputs: [{ name: 'pts', features, source: 'my-db' }], output: sink }),
    (e: Error) => e instanceof FeatureError && /my-db: layer "pts", feature #0 \(id "x1"\): Point: position 0 has a non-numeric or non-finite coordinate/.test(e.message),
  );
  assert.ok(sink.aborted);
});

test('buildTileset: latitudes beyond Web Mercator are clamped, not NaN', async () => {
  const sink = new MemorySink();
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[0, 89.9], [10, 89.99]] } }];
  const s = await buildTileset({ inputs: [{ name: 'polar', features }], output: sink, maxzoom: 1, compress: false });
  assert.equal(s.featuresWritten, 1);
  const tile = new VectorTile(new PbfReader(sink.tiles.get('0/0/0')!));
  const pts = tile.layers.polar.feature(0).loadGeometry()[0];
  for (const p of pts) assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
  assert.equal(pts[0].y, 0, 'clamped to the top edge');
  assert.ok(s.bounds[3] <= 85.0511287799 && s.bounds[3] > 85.05);
});

test('buildTileset: a failing sink.put fails the build and nothing is committed', async () => {
  class FailingSink extends MemorySink {
    override async put() {
      throw new Error('disk full');
    }
  }
  const sink = new FailingSink();
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }];
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: sink, threads: 1 }), /disk full/);
  assert.ok(sink.aborted);
  assert.equal(sink.metadata, undefined);
});

test('buildTileset: a tile file a worker thread cannot write fails the build, names the tile, and commits nothing', async () => {
  // A sink whose threads write tile files under a regular file: every z/x directory fails with ENOTDIR.
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mvt-build-test-'));
  const file = join(dir, 'not-a-directory');
  writeFileSync(file, '');
  class FileTargetSink extends MemorySink {
    threadWriter() {
      return { module: new URL('../../dist/writers/directory-writer.js', import.meta.url).href, config: { root: file, extension: 'pbf' } };
    }
  }
  try {
    for (const threads of [1, 2]) {
      const sink = new FileTargetSink();
      const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }];
      await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: sink, threads }), /cannot write tile 0\/0\/0: ENOTDIR/);
      assert.ok(sink.aborted, `threads=${threads}: aborted`);
      assert.equal(sink.metadata, undefined);
      assert.equal(sink.tiles.size, 0, 'put() is not used when threads write');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buildTileset: a sink of its own can have the encoding threads store its tiles through a module it names', async () => {
  // The writer module (test/flat-writer.mjs) puts each tile in one flat file per zoom and reports
  // 1000 bytes a tile: what diskBytes() is given back is the threads' sum, whatever the thread count.
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mvt-build-test-'));
  class FlatSink extends MemorySink {
    threadBytes = -1;
    threadWriter() {
      return { module: new URL('../flat-writer.mjs', import.meta.url).href, config: { dir } };
    }
    async diskBytes(threadBytes: number) {
      this.threadBytes = threadBytes;
      return threadBytes;
    }
  }
  try {
    for (const threads of [1, 2]) {
      const sink = new FlatSink();
      const features = [{ type: 'Feature', properties: { n: 1 }, geometry: { type: 'Point', coordinates: [10, 60] } }];
      const summary = await buildTileset({ inputs: [{ name: 'p', features }], output: sink, threads, maxzoom: 3 });
      assert.equal(summary.tiles, 4);
      assert.equal(sink.tiles.size, 0, 'put() is not used when threads store the tiles');
      assert.equal(sink.threadBytes, 4000);
      assert.equal(summary.diskBytes, 4000);
      assert.ok(sink.metadata, 'committed');
      assert.deepEqual(readdirSync(dir).sort(), ['0-0-0.mvt', '1-1-0.mvt', '2-2-1.mvt', '3-4-2.mvt']);
      rmSync(dir, { recursive: true, force: true });
      (await import('node:fs')).mkdirSync(dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buildTileset: progress counts features and input bytes while reading, then tiles written', async () => {
  const { statSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const input = new URL('../../fixtures/finland-sample.geojson', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'mvt-build-test-'));
  const events: { phase: string; featuresRead: number; tilesWritten: number; tilesTotal?: number; bytesRead?: number; bytesTotal?: number }[] = [];
  try {
    const summary = await buildTileset({ inputs: [input], output: join(dir, 'out'), maxzoom: 4, threads: 2, onProgress: (p) => events.push({ ...p }) });
    const reads = events.filter((e) => e.phase === 'read');
    const writes = events.filter((e) => e.phase === 'write');
    assert.ok(reads.length > 0 && writes.length > 0);
    assert.ok(reads.every((e) => e.bytesTotal === statSync(input).size), 'the input size is the total');
    for (let i = 1; i < reads.length; i++) {
      assert.ok(reads[i].bytesRead! >= reads[i - 1].bytesRead! && reads[i].featuresRead >= reads[i - 1].featuresRead, 'never goes back');
    }
    assert.equal(reads.at(-1)!.bytesRead, statSync(input).size, 'all of it read by the end');
    assert.equal(reads.at(-1)!.featuresRead, summary.features);
    assert.equal(writes.at(-1)!.tilesWritten, summary.tiles);
    assert.equal(writes[0].tilesTotal, summary.tiles, 'the tile total is known when writing starts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Layers from code have no size: features only.
  const code: { bytesTotal?: number }[] = [];
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }];
  await buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), threads: 1, onProgress: (p) => code.push({ ...p }) });
  assert.ok(code.length > 0 && code.every((e) => e.bytesTotal === undefined));
});
