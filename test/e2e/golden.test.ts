// Golden input → tiles pairs: any change in what we write shows up as a diff here.
// Regenerate deliberately with `UPDATE=1 npm test` and review the diff of test/e2e/golden/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, listTiles, readTile, ROOT, runCli, tempDir } from '../helpers.js';

const cases: { name: string; input: string; args: string[] }[] = [
  { name: 'finland-sample-tm35fin', input: 'finland-sample.geojson', args: ['-z', '3', '--tiling-scheme', 'ETRS-TM35FIN'] },
  { name: 'all-types-webmercator', input: 'all-types.geojson', args: ['-z', '2', '--simplification', '0'] },
];

/** Every tile decoded with @mapbox/vector-tile into plain JSON, plus metadata.json as written. */
function snapshot(dir: string) {
  const tiles: Record<string, unknown> = {};
  for (const t of listTiles(dir)) {
    const [z, x, y] = t.split('/').map(Number);
    const vt = readTile(dir, z, x, y);
    tiles[t] = Object.fromEntries(
      Object.entries(vt.layers).map(([name, layer]) => [
        name,
        Array.from({ length: layer.length }, (_, i) => {
          const f = layer.feature(i);
          return { id: f.id, type: f.type, properties: { ...f.properties }, geometry: f.loadGeometry().map((r) => r.flatMap((p) => [p.x, p.y])) };
        }),
      ]),
    );
  }
  return { metadata: readFileSync(join(dir, 'metadata.json'), 'utf8'), tiles };
}

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const out = join(tempDir(), 'tiles');
    const r = runCli([fixture(c.input), '-o', out, ...c.args, '-q']);
    assert.equal(r.status, 0, r.stderr);
    const got = snapshot(out);
    const file = join(ROOT, 'test/e2e/golden', `${c.name}.json`);
    if (process.env.UPDATE === '1' || !existsSync(file)) {
      writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
      if (process.env.UPDATE !== '1') assert.fail(`${file} did not exist and was written: review and commit it`);
      return;
    }
    const want = JSON.parse(readFileSync(file, 'utf8'));
    // metadata carries the output directory's name, which is always "tiles" here
    assert.equal(got.metadata, want.metadata);
    assert.deepEqual(got.tiles, want.tiles);
  });
}
