// The max zoom guessed from the spacing of features (maxzoom 'g', tippecanoe's -zg), in the scheme's
// own grid: the rule on made-up spacings, then builds in Web Mercator and ETRS-TM35FIN.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset, InputError, UsageError } from '../../dist/index.js';
import { gridIndex, guessMaxzoom } from '../../dist/internals.js';
import { MemorySink } from '../memory-sink.js';

test('the grid index interleaves y above x, as a quadkey', () => {
  const unit = 2 ** -32; // one grid unit in zoom-0 tile units
  assert.equal(gridIndex(0, 0, 0), 0n);
  assert.equal(gridIndex(unit, 0, 0), 1n);
  assert.equal(gridIndex(0, unit, 0), 2n);
  assert.equal(gridIndex(3 * unit, 3 * unit, 0), 15n);
  assert.equal(gridIndex(0.9999999999, 0.9999999999, 0), 2n ** 64n - 1n);
  assert.equal(gridIndex(0.5, 0, 1), 1n << 60n); // a 2 × 2 square: half a zoom-0 tile is a quarter of the grid, x = 2^30
});

test('the rule: a zoom whose tile unit is half the nearby distance (mean − 1.5 sd of ln gap), vertices over 8', () => {
  const spaced = (gap: bigint, n: number) => BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * gap);
  const none = { withinSum: 0, withinCount: 0, area: 0 };
  // every gap 2^20: nearby = √2^20 = 1024 grid units, want 512 = 2^9: a tile unit of 2^(32 − z − 12)
  assert.deepEqual(guessMaxzoom({ places: spaced(2n ** 20n, 100), ...none }, { extent: 4096, k: 0, minzoom: 0 }), { maxzoom: 11, typical: 1024, nearby: 1024 });
  // duplicates do not count; extent 512 (detail 9) adds three zooms; a 2 × 2 square (k = 1) one less
  const dup = BigUint64Array.from([0n, 0n, 2n ** 20n, 2n ** 20n, 2n ** 21n]);
  assert.equal(guessMaxzoom({ places: dup, ...none }, { extent: 512, k: 1, minzoom: 0 })!.maxzoom, 13);
  // vertices 2^12 grid units apart within lines: want 2^9, zoom 11, deeper than the places say
  const within = { withinSum: Math.log(2 ** 12) * 50, withinCount: 50, area: 0 };
  assert.equal(guessMaxzoom({ places: spaced(2n ** 40n, 10), ...within }, { extent: 4096, k: 0, minzoom: 0 })!.maxzoom, 11);
  assert.equal(guessMaxzoom({ places: new BigUint64Array(1), ...within }, { extent: 4096, k: 0, minzoom: 0 })!.maxzoom, 11);
  // limits: the grid's precision (zoom 20 at extent 4096), 2M tiles of polygons, the min zoom
  assert.deepEqual(guessMaxzoom({ places: spaced(1n, 10), ...none }, { extent: 4096, k: 0, minzoom: 0 })!, { maxzoom: 20, typical: 1, nearby: 1, limitedBy: 'precision' });
  const world = { withinSum: Math.log(2 ** 8) * 50, withinCount: 50, area: 2 ** 64 };
  const tiles = guessMaxzoom({ places: new BigUint64Array(1), ...world }, { extent: 4096, k: 0, minzoom: 0 })!;
  assert.deepEqual([tiles.maxzoom, tiles.limitedBy], [10, 'tiles']); // the world: 4 + 16 + … + 4^11 > 2^21 tiles
  assert.deepEqual(guessMaxzoom({ places: spaced(2n ** 60n, 3), ...none }, { extent: 4096, k: 0, minzoom: 3 })!.limitedBy, 'minzoom');
  assert.equal(guessMaxzoom({ places: BigUint64Array.from([5n, 5n]), ...none }, { extent: 4096, k: 0, minzoom: 0 }), undefined);
});

/** A lattice of n × n points `step` metres apart, in EPSG:3067 around Tampere. */
function lattice(n: number, step: number) {
  return Array.from({ length: n * n }, (_, i) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [330000 + (i % n) * step, 6820000 + Math.floor(i / n) * step] } }));
}

for (const tilingScheme of ['ETRS-TM35FIN', 'WebMercatorQuad']) {
  test(`${tilingScheme}: maxzoom 'g' builds to the zoom whose tile unit is half the nearby distance`, async () => {
    const sink = new MemorySink();
    const s = await buildTileset({ inputs: [{ name: 'p', features: lattice(40, 500), srs: 'EPSG:3067' }], output: sink, tilingScheme, maxzoom: 'g', threads: 2 });
    const g = s.maxzoomGuess!;
    assert.equal(Math.max(...Object.keys(s.tilesPerZoom).map(Number)), g.maxzoom);
    assert.equal(sink.metadata!.maxzoom, g.maxzoom);
    // points on a 500 m lattice: nearby ones are about that far apart, in the scheme's metres
    const scale = tilingScheme === 'WebMercatorQuad' ? 1 / Math.cos((61.5 * Math.PI) / 180) : 1; // Mercator's metres at 61.5° N
    assert.ok(g.nearbyMeters! > 0.3 * 500 * scale && g.nearbyMeters! <= 1.01 * 500 * scale, `${g.nearbyMeters}`);
    const unit = (z: number) => (tilingScheme === 'WebMercatorQuad' ? 40075016.68557849 : 2097152) / 4096 / 2 ** z;
    assert.ok(unit(g.maxzoom) <= g.nearbyMeters! / 2 && unit(g.maxzoom - 1) > g.nearbyMeters! / 2, `zoom ${g.maxzoom}`);
  });
}

test("maxzoom 'g' needs inputs it can read twice, and two places to measure", async () => {
  async function* once() {
    yield { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } };
  }
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features: once() }], output: new MemorySink(), maxzoom: 'g' }), (e: Error) => e instanceof UsageError && /maxzoom g reads the input twice: layer "p" must be a file or an array of features/.test(e.message));
  const one = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }];
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features: one }], output: new MemorySink(), maxzoom: 'g', threads: 1 }), (e: Error) => e instanceof InputError && /cannot guess the max zoom/.test(e.message));
});
