// Issue 8, "no feature silently lost", in process: messages of layers fed from code, the zoom-0
// matrix of a 4-part scheme string, the progress bar's estimates. Through the CLI: test/e2e/leaks.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset, crsArea, FeatureError, InputError, parseTilingScheme, resolveCrs, UsageError, type TileSink } from '../../dist/index.js';

/** A sink that keeps nothing: for tests that look only at the summary or the error. */
const nullSink = (): TileSink => ({ async open() {}, async put() {}, async commit() {}, async abort() {} });

test('a layer fed from code is named once in a message, not "layer "bad": layer "bad", …"', async () => {
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: ['x', 1] } }];
  await assert.rejects(buildTileset({ inputs: [{ name: 'bad', features }], output: nullSink(), threads: 1 }), (e: Error) => {
    assert.ok(e instanceof FeatureError);
    assert.equal(e.message, 'layer "bad", feature #0: Point: position 0 has a non-numeric or non-finite coordinate: ["x",1]');
    return true;
  });
  // A layer-level problem still says which layer.
  await assert.rejects(buildTileset({ inputs: [{ name: 'bad', features, srs: 'EPSG:0' }], output: nullSink(), threads: 1 }), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /^layer "bad": unknown CRS "EPSG:0"/);
    return true;
  });
});

test('a 4-part scheme string gets the zoom-0 matrix that covers its CRS\'s area (geographic, Web Mercator); W0,H0 given are kept', async () => {
  const area = (crs: string) => crsArea(resolveCrs(crs));
  const size = (t: string) => {
    const s = parseTilingScheme(t, { crsArea: area });
    return [s.matrixWidthZ0, s.matrixHeightZ0];
  };
  assert.deepEqual(size('EPSG:4326,-180,90,180'), [2, 1]);
  assert.deepEqual(size('EPSG:4326,-180,90,90'), [4, 2]);
  assert.deepEqual(size('EPSG:4326,-180,180,360'), [1, 1], 'the GDAL 3.6 whole-world square stays one tile');
  assert.deepEqual(size('EPSG:4326,-180,90,180,1,1'), [1, 1], 'an explicit matrix is kept');
  assert.deepEqual(size('EPSG:3857,-20037508.342789244,20037508.342789244,40075016.68557849'), [1, 1]);
  assert.deepEqual(size('EPSG:3857,-20037508.342789244,20037508.342789244,20037508.342789244'), [2, 2]);
  assert.deepEqual(size('EPSG:3067,-548576,8388608,2097152'), [1, 1], 'no area known for a national grid');
  assert.deepEqual([parseTilingScheme('EPSG:4326,-180,90,180').matrixWidthZ0], [1], 'without crsArea, as before');
  assert.throws(() => size('EPSG:4326,-180,90,0.01'), (e: Error) => e instanceof UsageError && /spans 36000 × 18000 zoom-0 tiles of this size; give the zoom-0 matrix explicitly as CRS,ULX,ULY,DIM0,W0,H0/.test(e.message));
  // Through buildTileset: the point at lon 120 is written, not counted outside.
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120, 40] } }];
  const s = await buildTileset({ inputs: [{ name: 'p', features }], output: nullSink(), maxzoom: 0, tilingScheme: 'EPSG:4326,-180,90,180', threads: 1 });
  assert.deepEqual([s.featuresWritten, s.outside, s.tiles], [1, 0, 1]);
});

test('progress: no "ETA NFs" or "ETA 0s" before there is a rate; then a real estimate (pseudo clock)', async () => {
  const { PassThrough } = await import('node:stream');
  const { createProgress, formatEta } = await import('../../dist/cli/progress.js');
  // A fake terminal; each bar's last frame is drawn on stop(), whatever cli-progress's redraw rate.
  const terminal = () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const seen = { out: '' };
    stream.on('data', (d: Buffer) => (seen.out += d.toString()));
    return { stream: stream as unknown as NodeJS.WriteStream, seen };
  };
  const flush = () => new Promise((r) => setImmediate(r));
  const read = (bytesRead: number) => ({ phase: 'read' as const, featuresRead: bytesRead, tilesWritten: 0, bytesRead, bytesTotal: 1000 });

  let clock = 0;
  const a = terminal();
  const va = createProgress(a.stream, () => clock)!;
  va.update(read(0));
  clock = 5000;
  va.update(read(0)); // five seconds and nothing yet: still no estimate
  va.stop();
  await flush();
  assert.match(a.seen.out, /reading: .* 0% \| 0 features \| ETA …/);
  assert.doesNotMatch(a.seen.out, /NF|INF|NULL|ETA 0s/);

  clock = 0;
  const b = terminal();
  const vb = createProgress(b.stream, () => clock)!;
  vb.update(read(0));
  clock = 10000;
  vb.update(read(250)); // a quarter in 10 s: 30 s to go
  vb.stop();
  await flush();
  assert.match(b.seen.out, /reading: .* 25% \| 250 features \| ETA 30s/);

  const c = terminal();
  const vc = createProgress(c.stream, () => clock)!;
  vc.update({ phase: 'write', featuresRead: 250, tilesWritten: 0, tilesTotal: 40 });
  vc.stop();
  await flush();
  assert.match(c.seen.out, /writing: .* 0% \| 0\/40 tiles \| ETA …/);
  assert.doesNotMatch(c.seen.out, /NF|INF|NULL|ETA 0s/);

  // The formatting on its own
  assert.equal(formatEta(0, 100, 60_000), '…');
  assert.equal(formatEta(50, 100, 500), '…', 'under a second: too soon to tell');
  assert.equal(formatEta(10, 100, 10_000), '1m30s');
  assert.equal(formatEta(1, 100, 60_000), '1h39m');
  assert.equal(formatEta(100, 100, 1), '0s');
});
