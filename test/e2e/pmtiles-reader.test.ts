// The PMTiles reader (src/tileset/pmtiles-reader.ts) against the directory output of the same build:
// the same tiles with the same bytes in the scheme's own zooms (a re-rooted WorldCRS84Quad included),
// the same counts, scheme and zooms; our tile ids both ways against the reference package's; and
// inspect / validate on an archive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { tileIdToZxy as referenceZxy, zxyToTileId } from 'pmtiles';
import { buildTileset } from '../../dist/index.js';
import { openTileset } from '../../dist/tileset/tileset.js';
import { firstTileId, tileId, tileIdToZxy } from '../../dist/scheme/tile-id.js';
import { fixture, runCli, tempDir } from '../helpers.js';

const FIXTURE = fixture('finland-sample.geojson');

async function list(path: string): Promise<string[]> {
  const t = await openTileset(path);
  try {
    const out: string[] = [];
    for await (const s of t.tiles()) out.push(`${s.z}/${s.x}/${s.y} ${Buffer.from(s.data).toString('base64')}`);
    return out;
  } finally {
    await t.close();
  }
}

test('tile ids: ours both ways equal the pmtiles package, across zoom boundaries', () => {
  for (const [z, x, y] of [[0, 0, 0], [1, 1, 0], [3, 7, 7], [5, 17, 3], [12, 4095, 0], [20, 123456, 654321], [26, 2 ** 26 - 1, 12345]]) {
    const id = tileId(z, x, y);
    assert.equal(id, zxyToTileId(z, x, y), `${z}/${x}/${y}`);
    assert.deepEqual(tileIdToZxy(id), [z, x, y]);
    assert.deepEqual(tileIdToZxy(id), referenceZxy(id));
  }
  assert.deepEqual([firstTileId(0), firstTileId(1), firstTileId(2), firstTileId(3)], [0, 1, 5, 21]);
  assert.deepEqual(tileIdToZxy(4), [1, 1, 0]);
  assert.deepEqual(tileIdToZxy(5), [2, 0, 0]);
});

for (const [scheme, k] of [['WebMercatorQuad', 0], ['ETRS-TM35FIN', 0], ['WorldCRS84Quad', 1]] as const) {
  test(`PMTiles reader (${scheme}): the directory's tiles, bytes, counts, scheme and zooms`, async () => {
    const dir = tempDir('mvt-build-pmreader-');
    const common = { inputs: [FIXTURE], minzoom: 1, maxzoom: 6, tilingScheme: scheme, threads: 1 };
    await buildTileset({ ...common, output: join(dir, 't') });
    await buildTileset({ ...common, output: join(dir, 't.pmtiles') });
    const d = await list(join(dir, 't'));
    assert.ok(d.length > 20);
    assert.deepEqual(await list(join(dir, 't.pmtiles')), d);
    const [a, b] = [await openTileset(join(dir, 't')), await openTileset(join(dir, 't.pmtiles'))];
    try {
      assert.equal(b.format, 'pmtiles');
      assert.deepEqual([...(await b.tileCounts())], [...(await a.tileCounts())]);
      assert.deepEqual(b.info.scheme, a.info.scheme);
      assert.equal(b.info.schemeGiven, scheme !== 'WebMercatorQuad');
      assert.deepEqual([b.info.minzoom, b.info.maxzoom], [1, 6]);
      assert.deepEqual(b.info.layers.map((l) => l.id), ['finland-sample']);
      assert.deepEqual(b.info.problems, []);
      assert.equal((b as unknown as { zoomOffset: number }).zoomOffset, k);
      // One zoom alone, and single tiles: present, absent, outside the matrix.
      const z3: string[] = [];
      for await (const t of b.tiles({ zoom: 3 })) z3.push(`${t.z}/${t.x}/${t.y}`);
      assert.deepEqual(z3, d.filter((l) => l.startsWith('3/')).map((l) => l.split(' ')[0]));
      const [z, x, y] = z3[0].split('/').map(Number);
      assert.deepEqual(Buffer.from((await b.readTile(z, x, y))!), Buffer.from((await a.readTile(z, x, y))!));
      assert.equal(await b.readTile(0, 0, 0), undefined, 'minzoom 1: nothing at zoom 0 (stored zoom k)');
      assert.equal(await b.readTile(6, 2 ** 7, 0), undefined);
      assert.equal(await b.readTile(6, 0, 0), undefined);
    } finally {
      await a.close();
      await b.close();
    }
  });
}

test('inspect and validate read a .pmtiles archive as they read its directory', async () => {
  const dir = tempDir('mvt-build-pmreader-');
  const common = { inputs: [FIXTURE], maxzoom: 5, tilingScheme: 'WorldCRS84Quad', threads: 1 };
  await buildTileset({ ...common, output: join(dir, 't') });
  await buildTileset({ ...common, output: join(dir, 't.pmtiles') });
  const v = runCli(['validate', join(dir, 't.pmtiles'), '--json']);
  assert.equal(v.status, 0, v.stderr);
  const report = JSON.parse(v.stdout) as { kind: string; tiles: number; errors: number; warnings: number };
  const vd = JSON.parse(runCli(['validate', join(dir, 't'), '--json']).stdout) as { tiles: number; features: number };
  assert.deepEqual([report.kind, report.errors, report.warnings, report.tiles], ['pmtiles', 0, 0, vd.tiles]);
  const s = JSON.parse(runCli(['inspect', join(dir, 't.pmtiles'), '--stats', '--json']).stdout) as { format: string; zooms: unknown[] };
  const sd = JSON.parse(runCli(['inspect', join(dir, 't'), '--stats', '--json']).stdout) as { format: string; zooms: unknown[] };
  assert.equal(s.format, 'pmtiles');
  assert.deepEqual(s.zooms, sd.zooms);
  const tile = runCli(['inspect', join(dir, 't.pmtiles'), '0/1/0']);
  assert.equal(tile.status, 0, tile.stderr);
  assert.deepEqual(JSON.parse(tile.stdout), JSON.parse(runCli(['inspect', join(dir, 't'), '0/1/0']).stdout));
});
