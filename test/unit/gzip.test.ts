// Tile gzip (mvt/gzip.ts): one reset stream per level gives gzipSync's bytes, tile after tile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { gzipTile } from '../../dist/internals.js';

/** Protobuf-like bytes: small varints with a byte of noise every few. */
function tileLike(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    b[i] = i % 7 === 0 ? s & 255 : (s >> 8) & 31;
  }
  return b;
}

test('gzipTile gives the bytes of gzipSync at every level, for tiny, ordinary, window-sized and large tiles, in any order', () => {
  const sizes = [0, 1, 20, 700, 4096, 32_500, 70_000, 300_000, 5];
  for (const level of [1, 3, 6, 9]) {
    sizes.forEach((n, i) => {
      const data = tileLike(n, i + level);
      const got = gzipTile(data, level);
      assert.deepEqual(Buffer.from(got), gzipSync(data, { level }), `level ${level}, ${n} bytes`);
      assert.deepEqual(new Uint8Array(gunzipSync(got)), data);
    });
  }
});

test('gzipTile hands out arrays of its own: a later call does not change an earlier result', () => {
  const a = tileLike(1000, 1);
  const first = gzipTile(a, 6);
  const copy = Uint8Array.from(first);
  gzipTile(tileLike(2000, 2), 6);
  assert.deepEqual(first, copy);
});

test('incompressible input (stored blocks, larger than the input) fits the output buffer', () => {
  const noise = new Uint8Array(200_000).map(() => Math.floor(Math.random() * 256));
  const got = gzipTile(noise, 9);
  assert.ok(got.length > noise.length);
  assert.deepEqual(new Uint8Array(gunzipSync(got)), noise);
});
