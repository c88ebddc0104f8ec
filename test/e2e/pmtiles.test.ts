// PMTiles output, read back with the reference reader (the `pmtiles` npm package) over a small Node
// source: every tile byte-identical to the directory output's, header counts and metadata right,
// leaf directories, runs and deduplication, re-rooted schemes, and the refusals.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { PMTiles, zxyToTileId, type Source } from 'pmtiles';
import { buildTileset, PmtilesSink, UsageError, type TilesetMetadata } from '../../dist/index.js';
import { LayerSchema } from '../../dist/internals.js';

const FIXTURE = new URL('../../fixtures/finland-sample.geojson', import.meta.url).pathname;
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** A pmtiles Source over a local file. */
class NodeFileSource implements Source {
  constructor(private readonly path: string) {}
  getKey() {
    return this.path;
  }
  async getBytes(offset: number, length: number) {
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) };
    } finally {
      await fh.close();
    }
  }
}

/** Every tile file of a directory tileset: "z/x/y" → bytes. */
function directoryTiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const z of readdirSync(dir)) {
    if (!/^\d+$/.test(z)) continue;
    for (const x of readdirSync(join(dir, z))) for (const f of readdirSync(join(dir, z, x))) out.set(`${z}/${x}/${f.replace(/\.pbf$/, '')}`, readFileSync(join(dir, z, x, f)));
  }
  return out;
}

const withDir = async (f: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'mvt-build-pmtiles-'));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

for (const [scheme, k] of [['WebMercatorQuad', 0], ['ETRS-TM35FIN', 0], ['WorldCRS84Quad', 1]] as const) {
  test(`PMTiles (${scheme}): every tile byte-identical to the directory output's, read back with the pmtiles package`, async () => {
    await withDir(async (dir) => {
      const common = { inputs: [FIXTURE], maxzoom: 7, tilingScheme: scheme, threads: 2 };
      const d = await buildTileset({ ...common, output: join(dir, 'tiles') });
      const p = await buildTileset({ ...common, output: join(dir, 'tiles.pmtiles') });
      assert.equal(p.tiles, d.tiles);
      assert.equal(p.bytes, d.bytes);
      // The very bytes: the data section holds each distinct tile file once.
      const distinct = new Set([...directoryTiles(join(dir, 'tiles')).values()].map((b) => b.toString('base64')));
      assert.equal(p.diskBytes, statSync(join(dir, 'tiles.pmtiles')).size);
      const expected = directoryTiles(join(dir, 'tiles'));
      assert.equal(expected.size, d.tiles);
      const archive = new PMTiles(new NodeFileSource(join(dir, 'tiles.pmtiles')));
      const h = await archive.getHeader();
      assert.equal(h.specVersion, 3);
      assert.equal(h.numAddressedTiles, d.tiles);
      assert.ok(h.numTileEntries <= d.tiles && h.numTileEntries > 0);
      assert.ok(h.numTileContents <= h.numTileEntries);
      assert.equal(h.clustered, true);
      assert.equal(h.tileDataLength, [...distinct].reduce((n, b) => n + Buffer.from(b, 'base64').length, 0));
      assert.equal(h.numTileContents, distinct.size);
      assert.equal(h.tileCompression, 2, 'gzip');
      assert.equal(h.tileType, 1, 'MVT');
      assert.equal(h.minZoom, 0 + k);
      assert.equal(h.maxZoom, 7 + k);
      assert.ok(Math.abs(h.minLon - d.bounds[0]) < 1e-6 && Math.abs(h.maxLat - d.bounds[3]) < 1e-6, 'bounds in the header');
      for (const [zxy, bytes] of expected) {
        const [z, x, y] = zxy.split('/').map(Number);
        const t = await archive.getZxy(z + k, x, y);
        assert.ok(t, `tile ${zxy} is in the archive`);
        // The reader hands tiles out gunzipped (the header says gzip): the same tile inside.
        assert.ok(Buffer.from(t.data).equals(gunzipSync(bytes)), `tile ${zxy} is the same tile`);
      }
      // No tile that was not written (probe the neighbours of every written tile at the max zoom).
      for (const zxy of expected.keys()) {
        const [z, x, y] = zxy.split('/').map(Number);
        if (z !== 7 || expected.has(`${z}/${x + 1}/${y}`)) continue;
        assert.equal(await archive.getZxy(z + k, x + 1, y), undefined, `no tile ${z}/${x + 1}/${y}`);
      }
      const meta = (await archive.getMetadata()) as Record<string, unknown>;
      assert.equal(meta.name, 'tiles');
      const layers = meta.vector_layers as { id: string; fields: Record<string, string> }[];
      assert.deepEqual(layers.map((l) => l.id), ['finland-sample']);
      assert.ok(Object.keys(layers[0].fields).length > 0);
      // The descriptors a directory has as files, in the scheme's own zooms.
      assert.deepEqual(meta.tileset, JSON.parse(readFileSync(join(dir, 'tiles', 'tileset.json'), 'utf8')));
      assert.deepEqual(meta.tilematrixset, JSON.parse(readFileSync(join(dir, 'tiles', 'tilematrixset.json'), 'utf8')));
      assert.equal((meta.tilejson as { tilejson: string }).tilejson, '3.0.0');
      if (scheme === 'WebMercatorQuad') assert.equal(meta.tiling_scheme, undefined);
      else {
        assert.equal(meta.zoom_offset, k);
        // The CRS spelt out as in metadata.json, so that a client registers it from the archive alone.
        assert.match(String(meta.crs_proj4), scheme === 'WorldCRS84Quad' ? /^\+proj=longlat / : /^\+proj=utm \+zone=35 /);
        assert.match(String(meta.tiling_scheme), scheme === 'WorldCRS84Quad' ? /^EPSG:4326,-180,90,180,2,1$/ : /^EPSG:3067,/);
      }
      assert.deepEqual(readdirSync(dir).sort(), ['tiles', 'tiles.pmtiles'], 'no temporary or spool left');
      // A stored tile id of the re-rooted scheme is its zoom + zoom_offset (the docs' convention).
      if (k) assert.ok(await archive.getZxy(0 + k, 0, 0) || await archive.getZxy(0 + k, 1, 0), 'zoom 0 stored at zoom k');
    });
  });
}

/** A layer schema with one field, for sinks driven directly. */
function meta(minzoom: number, maxzoom: number): TilesetMetadata {
  const l = new LayerSchema('l', '', minzoom, maxzoom);
  l.declare('n', 'Number');
  return { name: 'synthetic', description: '', minzoom, maxzoom, bounds: [-180, -85, 180, 85], type: 'overlay', scheme: { crs: 'EPSG:3857', originX: -20037508.342789244, originY: 20037508.342789244, tileDimensionZ0: 40075016.68557849, matrixWidthZ0: 1, matrixHeightZ0: 1, name: 'WebMercatorQuad' }, layers: [l] };
}

test('PMTiles: 60k tiles need leaf directories; runs of identical tiles are one entry, identical contents stored once', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'big.pmtiles');
    const sink = new PmtilesSink(path);
    await sink.open();
    // Zoom 8 whole (65,536 tiles) in z/x/y order, as the pipeline delivers them: a quarter of them
    // the same "ocean" tile, the rest unique (a counter), of lengths that vary as real tiles' do, so
    // the directory does not compress into the root.
    const ocean = new Uint8Array([0x1a, 3, 1, 2, 3]);
    const expected = new Map<number, Uint8Array>();
    let n = 0;
    const puts: Promise<void>[] = [];
    for (let x = 0; x < 256; x++) {
      for (let y = 0; y < 256; y++) {
        const data = y >= 192 ? ocean : new Uint8Array(6 + ((n * 2654435761) >>> 26)).fill(7);
        if (y < 192) data.set([0x1a, 4, n & 255, (n >> 8) & 255, (n >> 16) & 255]);
        n++;
        expected.set(zxyToTileId(8, x, y), data);
        puts.push(sink.put(8, x, y, data));
        if (puts.length >= 32) await Promise.all(puts.splice(0));
      }
    }
    await Promise.all(puts);
    await sink.commit(meta(8, 8));
    const archive = new PMTiles(new NodeFileSource(path));
    const h = await archive.getHeader();
    assert.equal(h.numAddressedTiles, 65536);
    assert.equal(h.numTileContents, 65536 * 0.75 + 1, 'the ocean tile stored once');
    assert.ok(h.numTileEntries < 65536, `runs fold entries: ${h.numTileEntries}`);
    assert.ok((h.leafDirectoryLength ?? 0) > 0, "leaf directories");
    assert.ok(h.rootDirectoryOffset + h.rootDirectoryLength <= 16384, 'the root within the first 16 KiB');
    const file = readFileSync(path);
    assert.equal(file.length, h.tileDataOffset + h.tileDataLength!);
    let unique = 0;
    for (const b of expected.values()) if (b !== ocean) unique += b.length;
    assert.equal(h.tileDataLength, unique + ocean.length, 'every content once');
    assert.equal(expected.size, 65536);
    for (const [x, y] of [[0, 0], [255, 255], [17, 200], [128, 3], [3, 191], [200, 192]]) {
      const t = await archive.getZxy(8, x, y);
      assert.ok(t && Buffer.from(t.data).equals(Buffer.from(expected.get(zxyToTileId(8, x, y))!)), `tile 8/${x}/${y}`);
      assert.equal(t.data.byteLength, expected.get(zxyToTileId(8, x, y))!.length);
    }
    // Every tile, checked through the reader's own directory walk.
    let checked = 0;
    for (let x = 0; x < 256; x += 3) {
      for (let y = 0; y < 256; y += 5) {
        const t = await archive.getZxy(8, x, y);
        assert.ok(t && Buffer.from(t.data).equals(Buffer.from(expected.get(zxyToTileId(8, x, y))!)));
        checked++;
      }
    }
    assert.ok(checked > 4000);
    assert.equal(JSON.parse(gunzipSync(file.subarray(h.jsonMetadataOffset, h.jsonMetadataOffset + h.jsonMetadataLength)).toString()).name, 'synthetic');
  });
});

test('PMTiles: our tile ids are the reference ones (Hilbert order)', async () => {
  const { tileId } = await import('../../dist/writers/pmtiles-format.js');
  for (const [z, x, y] of [[0, 0, 0], [1, 0, 0], [1, 0, 1], [1, 1, 1], [1, 1, 0], [5, 17, 3], [12, 4095, 0], [20, 123456, 654321], [26, 2 ** 26 - 1, 12345]]) {
    assert.equal(tileId(z, x, y), zxyToTileId(z, x, y), `${z}/${x}/${y}`);
  }
});

test('PMTiles: refusals — a zoom past 26, an empty build, a failed build leaves nothing; --force replaces', async () => {
  await withDir(async (dir) => {
    await assert.rejects(buildTileset({ inputs: [FIXTURE], output: join(dir, 'a.pmtiles'), maxzoom: 27 }), (e: Error) => e instanceof UsageError && /PMTiles holds zooms up to 26/.test(e.message));
    await assert.rejects(buildTileset({ inputs: [FIXTURE], output: join(dir, 'a.pmtiles'), maxzoom: 26, tilingScheme: 'WorldCRS84Quad' }), /up to 26, 25 for this scheme/);
    await assert.rejects(buildTileset({ inputs: [FIXTURE], output: join(dir, 'a.pmtiles'), format: 'directory' }), /a directory output cannot be named .*\.pmtiles is the PMTiles file extension/);
    await assert.rejects(buildTileset({ inputs: [FIXTURE], output: join(dir, 'a.dir'), format: 'pmtiles' }), /PMTiles output needs a file name ending in \.pmtiles/);
    const empty = join(dir, 'empty.geojson');
    writeFileSync(empty, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 89.9] } }] }));
    await assert.rejects(buildTileset({ inputs: [empty], output: join(dir, 'e.pmtiles'), tilingScheme: 'ETRS-TM35FIN' }), /no tile to write/);
    assert.deepEqual(readdirSync(dir).sort(), ['empty.geojson'], 'nothing left behind');
    // The CLI: a first build, a refused second one (exit 2), then --force.
    const out = join(dir, 'c.pmtiles');
    execFileSync(process.execPath, [CLI, FIXTURE, '-o', out, '-z', '3', '-q']);
    const first = statSync(out).size;
    assert.throws(() => execFileSync(process.execPath, [CLI, FIXTURE, '-o', out, '-z', '3', '-q'], { stdio: 'pipe' }), (e: { status: number; stderr: Buffer }) => e.status === 2 && /exists \(use --force/.test(String(e.stderr)));
    const summary = JSON.parse(execFileSync(process.execPath, [CLI, FIXTURE, '-o', out, '-z', '5', '--force', '--json']).toString());
    assert.ok(statSync(out).size > first);
    assert.equal(summary.diskBytes, statSync(out).size);
    assert.deepEqual(readdirSync(dir).sort(), ['c.pmtiles', 'empty.geojson']);
  });
});
