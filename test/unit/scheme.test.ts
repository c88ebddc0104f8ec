import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTilingScheme, matrixSize, parseTilingScheme, tileBounds, tileDimension, UsageError } from '../../dist/index.js';

test('presets resolve by name, case-insensitively', () => {
  const fin = parseTilingScheme('etrs-tm35fin');
  assert.deepEqual([fin.crs, fin.originX, fin.originY, fin.tileDimensionZ0, fin.matrixWidthZ0, fin.matrixHeightZ0], ['EPSG:3067', -548576, 8388608, 2097152, 1, 1]);
  const crs84 = parseTilingScheme('WorldCRS84Quad');
  assert.deepEqual([crs84.crs, crs84.originX, crs84.originY, crs84.tileDimensionZ0, crs84.matrixWidthZ0, crs84.matrixHeightZ0], ['EPSG:4326', -180, 90, 180, 2, 1]);
  assert.equal(parseTilingScheme('WebMercatorQuad').crs, 'EPSG:3857');
});

test("GDAL's 4- and 6-part TILING_SCHEME strings", () => {
  const s = parseTilingScheme('EPSG:3006,-1200000,8500000,4194304');
  assert.deepEqual([s.crs, s.originX, s.originY, s.tileDimensionZ0, s.matrixWidthZ0, s.matrixHeightZ0], ['EPSG:3006', -1200000, 8500000, 4194304, 1, 1]);
  const w = parseTilingScheme('EPSG:4326, -180, 90, 180, 2, 1');
  assert.equal(w.matrixWidthZ0, 2);
  assert.equal(formatTilingScheme(w), 'EPSG:4326,-180,90,180,2,1');
  assert.equal(formatTilingScheme(s), 'EPSG:3006,-1200000,8500000,4194304');
});

test('bad scheme strings are usage errors that say what is wrong', () => {
  assert.throws(() => parseTilingScheme('EPSG:4326'), (e: Error) => e instanceof UsageError && /4 or 6 comma-separated parts\), got 1 part/.test(e.message));
  assert.throws(() => parseTilingScheme('EPSG:4326,-180,90'), /got 3 part/);
  assert.throws(() => parseTilingScheme('EPSG:4326,-180,90,180,2'), /got 5 part/);
  assert.throws(() => parseTilingScheme('EPSG:4326,west,90,180'), /upper-left X must be a number, got "west"/);
  assert.throws(() => parseTilingScheme('EPSG:4326,-180,90,0'), /tile dimension must be > 0/);
  assert.throws(() => parseTilingScheme('EPSG:4326,-180,90,180,1.5,1'), /matrix width must be a positive integer/);
  assert.throws(() => parseTilingScheme(',-180,90,180'), /CRS .* is empty/);
});

test('tile size halves per zoom and the matrix doubles', () => {
  const s = parseTilingScheme('WorldCRS84Quad');
  assert.equal(tileDimension(s, 0), 180);
  assert.equal(tileDimension(s, 3), 22.5);
  assert.deepEqual(matrixSize(s, 0), { width: 2, height: 1 });
  assert.deepEqual(matrixSize(s, 4), { width: 32, height: 16 });
  assert.deepEqual(tileBounds(s, 0, 1, 0), [0, -90, 180, 90]);
  assert.deepEqual(tileBounds(s, 1, 3, 1), [90, -90, 180, 0]);
  const fin = parseTilingScheme('ETRS-TM35FIN');
  assert.deepEqual(tileBounds(fin, 1, 0, 0), [-548576, 8388608 - 1048576, -548576 + 1048576, 8388608]);
});
