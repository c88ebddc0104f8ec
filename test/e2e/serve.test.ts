// `mvt-build serve` without a browser: tiles byte for byte with their headers and status codes, the
// descriptors pointed at the server, MBTiles and PMTiles (re-rooted zooms, the raw archive with byte
// ranges, read back by the pmtiles package over HTTP), the path rules tried with raw requests, a
// rebuild served without a restart, and the command line (its URL, signals, errors).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { PMTiles } from 'pmtiles';
import { startServer, type RunningServer } from '../../dist/serve/server.js';
import { listTiles, runCli, tempDir } from '../helpers.js';
import { buildLake, rawRequest, serveCli, stopCliServers } from './serve-helpers.js';

const dir = tempDir('mvt-build-serve-');
const tm35 = buildLake(dir, 'tm35', ['--tiling-scheme', 'ETRS-TM35FIN', '-Z', '1', '-z', '7']);

const servers: RunningServer[] = [];
after(() => Promise.all([...servers.map((s) => s.close()), stopCliServers()]));
async function serve(path: string): Promise<RunningServer> {
  const s = await startServer({ path, port: 0 });
  servers.push(s);
  return s;
}
const json = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
const file = (...p: string[]) => readFileSync(join(...p));
const stored = (...p: string[]) => JSON.parse(file(...p).toString('utf8')) as Record<string, unknown>;

test('tiles: every tile byte for byte, gzip sent as such, CORS, ETag and 304, HEAD; 204 inside the matrix, 404 outside it or its zooms', async () => {
  const s = await serve(tm35);
  assert.equal(s.host, '127.0.0.1', 'the loopback address by default');
  const tiles = listTiles(tm35);
  assert.ok(tiles.length > 30, `${tiles.length} tiles`);
  for (const t of tiles) {
    const r = await rawRequest(s.port, `/${t}.pbf`);
    const bytes = file(tm35, `${t}.pbf`);
    assert.equal(r.status, 200, t);
    assert.ok(r.body.equals(bytes), `${t}: the file's bytes`);
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
    assert.equal(r.headers['content-type'], 'application/vnd.mapbox-vector-tile');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(Number(r.headers['content-length']), bytes.length);
  }
  const t = tiles.find((x) => x.startsWith('7/'))!;
  const first = await rawRequest(s.port, `/${t}.pbf`);
  const etag = first.headers.etag;
  assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
  const again = await rawRequest(s.port, `/${t}.pbf`, { headers: { 'If-None-Match': etag } });
  assert.deepEqual([again.status, again.body.length, again.headers.etag], [304, 0, etag]);
  assert.equal((await rawRequest(s.port, `/${t}.pbf`, { headers: { 'If-None-Match': `"x", W/${etag}` } })).status, 304, 'weak comparison, in a list');
  assert.equal((await rawRequest(s.port, `/${t}.pbf`, { headers: { 'If-None-Match': '"other"' } })).status, 200);
  const plain = await rawRequest(s.port, `/${t}.pbf`, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(plain.headers['content-encoding'], undefined, 'a client that takes no gzip gets the tile inflated');
  assert.ok(plain.body.equals(gunzipSync(file(tm35, `${t}.pbf`))));
  assert.notEqual(plain.headers.etag, etag);
  const head = await rawRequest(s.port, `/${t}.pbf`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.body.length, Number(head.headers['content-length'])], [200, 0, file(tm35, `${t}.pbf`).length]);

  // Zoom 7 of ETRS-TM35FIN is 128 × 128 tiles; its corner tile 7/0/0 is in the matrix, far from Finland.
  assert.ok(!tiles.includes('7/0/0'));
  const empty = await rawRequest(s.port, '/7/0/0.pbf');
  assert.deepEqual([empty.status, empty.body.length, empty.headers['access-control-allow-origin']], [204, 0, '*']);
  for (const [path, why] of [
    ['/7/128/0.pbf', /outside the tile matrix \(128 × 128 at zoom 7\)/],
    ['/7/0/128.pbf', /outside the tile matrix/],
    ['/8/0/0.pbf', /zoom 8 is outside the tileset's zooms 1–7/],
    ['/0/0/0.pbf', /zoom 0 is outside/],
    ['/7/0/0.png', /not found/],
    ['/07/0/0.pbf', /not found/],
    ['/7/-1/0.pbf', /not found/],
  ] as const) {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, 404, path);
    assert.match(r.body.toString(), why);
  }
  const pre = await rawRequest(s.port, `/${t}.pbf`, { method: 'OPTIONS', headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
  assert.match(pre.headers['access-control-allow-headers'], /Range/);
  const post = await rawRequest(s.port, `/${t}.pbf`, { method: 'POST', headers: { 'Content-Length': '0' } });
  assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD, OPTIONS']);
});

test('descriptors: URLs pointed at the server as the client reached it, everything else as stored; metadata.json; /health', async () => {
  const s = await serve(tm35);
  const tj = await rawRequest(s.port, '/tilejson.json');
  assert.equal(tj.headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(json(tj), { ...stored(tm35, 'tilejson.json'), tiles: [`${s.url}{z}/{x}/{y}.pbf`] });
  assert.equal((json(tj).tileGrid as { crs: string }).crs, 'EPSG:3067');
  const ts = stored(tm35, 'tileset.json') as { links: { rel: string; href: string }[] };
  const hrefs: Record<string, string> = { item: `${s.url}{tileMatrix}/{tileCol}/{tileRow}.pbf`, 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme': `${s.url}tilematrixset.json`, alternate: `${s.url}tilejson.json` };
  assert.deepEqual(json(await rawRequest(s.port, '/tileset.json')), { ...ts, links: ts.links.map((l) => ({ ...l, href: hrefs[l.rel] })) });
  assert.deepEqual(json(await rawRequest(s.port, '/tilematrixset.json')), stored(tm35, 'tilematrixset.json'));
  const meta = json(await rawRequest(s.port, '/metadata.json'));
  assert.deepEqual(meta, stored(tm35, 'metadata.json'));
  assert.match(String(meta.crs_proj4), /^\+proj=utm \+zone=35 /);
  const etag = tj.headers.etag;
  assert.equal((await rawRequest(s.port, '/tilejson.json', { headers: { 'If-None-Match': etag } })).status, 304);
  // The Host the client used is the address it gets back; one unfit for a URL is not echoed.
  assert.deepEqual(json(await rawRequest(s.port, '/tilejson.json', { headers: { Host: `localhost:${s.port}` } })).tiles, [`http://localhost:${s.port}/{z}/{x}/{y}.pbf`]);
  assert.deepEqual(json(await rawRequest(s.port, '/tilejson.json', { headers: { Host: 'evil.test/"><script>' } })).tiles, [`${s.url}{z}/{x}/{y}.pbf`]);
  assert.deepEqual(json(await rawRequest(s.port, '/health')), { status: 'ok', format: 'directory', name: 'tm35', minzoom: 1, maxzoom: 7 });

  // Built for another host (--base-url) and with tiles of another extension: served from here all the same.
  const other = buildLake(dir, 'based', ['-z', '4', '--base-url', 'https://tiles.example.com/v1/', '--tile-extension', 'mvt']);
  assert.deepEqual((stored(other, 'tilejson.json') as { tiles: string[] }).tiles, ['https://tiles.example.com/v1/{z}/{x}/{y}.mvt']);
  const o = await serve(other);
  assert.deepEqual(json(await rawRequest(o.port, '/tilejson.json')).tiles, [`${o.url}{z}/{x}/{y}.mvt`]);
  const links = (json(await rawRequest(o.port, '/tileset.json')) as { links: { href: string }[] }).links.map((l) => l.href);
  assert.deepEqual(links, [`${o.url}{tileMatrix}/{tileCol}/{tileRow}.mvt`, `${o.url}tilematrixset.json`, `${o.url}tilejson.json`]);
  const mvt = listTiles(other)[0];
  assert.ok((await rawRequest(o.port, `/${mvt}.mvt`)).body.equals(file(other, `${mvt}.mvt`)));
  assert.equal((await rawRequest(o.port, `/${mvt}.pbf`)).status, 204, 'no such file: the tile is asked for by the extension it has');
});

test('a tileset without descriptors (GDAL-made, older builds) gets them made from metadata.json', async () => {
  const bare = join(dir, 'bare');
  cpSync(tm35, bare, { recursive: true });
  for (const f of ['tilejson.json', 'tileset.json', 'tilematrixset.json']) unlinkSync(join(bare, f));
  const s = await serve(bare);
  const tj = json(await rawRequest(s.port, '/tilejson.json'));
  const want = stored(tm35, 'tilejson.json');
  for (const k of ['tilejson', 'name', 'minzoom', 'maxzoom', 'bounds', 'center', 'tileGrid']) assert.deepEqual(tj[k], want[k], k);
  assert.deepEqual((tj.vector_layers as { id: string }[]).map((l) => l.id), ['land', 'islands']);
  assert.deepEqual(tj.tiles, [`${s.url}{z}/{x}/{y}.pbf`]);
  const tms = json(await rawRequest(s.port, '/tilematrixset.json'));
  assert.deepEqual(tms, stored(tm35, 'tilematrixset.json'));
  const ts = json(await rawRequest(s.port, '/tileset.json')) as { tileMatrixSetLimits?: unknown; tileMatrixSet: { tileMatrices: { id: string }[] } };
  assert.equal(ts.tileMatrixSetLimits, undefined, 'no limits: only the list of tiles could say them');
  assert.deepEqual(ts.tileMatrixSet.tileMatrices.map((m) => m.id), ['1', '2', '3', '4', '5', '6', '7']);
});

test('MBTiles: the tiles of the same build, rows turned from TMS; descriptors and metadata.json from the metadata rows', async () => {
  const args = ['-z', '6'];
  const wm = buildLake(dir, 'wm', args);
  const mb = buildLake(dir, 'wm.mbtiles', args);
  const s = await serve(mb);
  const tiles = listTiles(wm);
  assert.ok(tiles.length > 10);
  for (const t of tiles) assert.ok((await rawRequest(s.port, `/${t}.pbf`)).body.equals(file(wm, `${t}.pbf`)), t);
  assert.equal((await rawRequest(s.port, '/6/0/0.pbf')).status, 204);
  assert.equal((await rawRequest(s.port, '/6/64/0.pbf')).status, 404);
  assert.deepEqual(json(await rawRequest(s.port, '/tilejson.json')), { ...stored(wm, 'tilejson.json'), tiles: [`${s.url}{z}/{x}/{y}.pbf`] });
  const meta = json(await rawRequest(s.port, '/metadata.json'));
  assert.deepEqual([meta.format, meta.scheme, meta.minzoom, meta.maxzoom], ['pbf', 'tms', '0', '6'], 'the rows as stored (text)');
  assert.equal(meta.tilejson, undefined, 'the descriptors have routes of their own');
  assert.equal(meta.crs_proj4, undefined, 'Web Mercator needs no definition');
});

test('PMTiles: a re-rooted scheme served in its own zooms, the archive with byte ranges (206, 416), read back by the pmtiles package over HTTP', async () => {
  const args = ['--tiling-scheme', 'WorldCRS84Quad', '-z', '5'];
  const crs84 = buildLake(dir, 'crs84', args);
  const pm = buildLake(dir, 'crs84.pmtiles', args);
  const s = await serve(pm);
  const tiles = listTiles(crs84);
  assert.ok(tiles.includes('0/1/0'), 'zoom 0 of WorldCRS84Quad is 2 × 1; the data is in its eastern tile');
  for (const t of tiles) assert.ok((await rawRequest(s.port, `/${t}.pbf`)).body.equals(file(crs84, `${t}.pbf`)), t);
  assert.equal((await rawRequest(s.port, '/0/0/0.pbf')).status, 204);
  assert.equal((await rawRequest(s.port, '/0/2/0.pbf')).status, 404, 'outside the 2 × 1 matrix');
  assert.equal((await rawRequest(s.port, '/6/0/0.pbf')).status, 404, 'past maxzoom 5');
  const tj = json(await rawRequest(s.port, '/tilejson.json'));
  assert.deepEqual((tj.tileGrid as { matrixAtZoom0: number[] }).matrixAtZoom0, [2, 1]);
  assert.deepEqual(tj, { ...stored(crs84, 'tilejson.json'), tiles: [`${s.url}{z}/{x}/{y}.pbf`] });
  const meta = json(await rawRequest(s.port, '/metadata.json'));
  assert.deepEqual([meta.zoom_offset, meta.minzoom, meta.maxzoom, meta.tiling_scheme], [1, 0, 5, 'EPSG:4326,-180,90,180,2,1']);
  assert.match(String(meta.crs_proj4), /^\+proj=longlat /);
  assert.equal(meta.tileset, undefined);

  const bytes = file(pm);
  const size = bytes.length;
  const whole = await rawRequest(s.port, '/crs84.pmtiles');
  assert.deepEqual([whole.status, whole.headers['accept-ranges'], whole.headers['content-type']], [200, 'bytes', 'application/vnd.pmtiles']);
  assert.ok(whole.body.equals(bytes));
  const range = async (r: string, extra: Record<string, string> = {}) => rawRequest(s.port, '/crs84.pmtiles', { headers: { Range: r, ...extra } });
  const header = await range('bytes=0-126');
  assert.deepEqual([header.status, header.headers['content-range'], header.body.length], [206, `bytes 0-126/${size}`, 127]);
  assert.equal(header.body.subarray(0, 7).toString(), 'PMTiles');
  const tail = await range('bytes=-10');
  assert.deepEqual([tail.status, tail.headers['content-range']], [206, `bytes ${size - 10}-${size - 1}/${size}`]);
  assert.ok(tail.body.equals(bytes.subarray(size - 10)));
  const rest = await range(`bytes=${size - 5}-`);
  assert.ok(rest.body.equals(bytes.subarray(size - 5)));
  assert.ok((await range(`bytes=${size - 3}-${size + 100}`)).body.equals(bytes.subarray(size - 3)), 'an end past the file is cut to it');
  const past = await range(`bytes=${size}-`);
  assert.deepEqual([past.status, past.headers['content-range'], past.body.length], [416, `bytes */${size}`, 0]);
  assert.equal((await range('bytes=-0')).status, 416);
  assert.equal((await range('bytes=0-1,5-6')).status, 200, 'several ranges: the whole file (no multipart)');
  assert.equal((await range('items=0-5')).status, 200, 'another unit: the whole file');
  assert.equal((await range('bytes=0-9', { 'If-Range': '"another-version"' })).status, 200, 'If-Range of another version: the whole file');
  assert.equal((await range('bytes=0-9', { 'If-Range': whole.headers.etag })).status, 206);
  assert.equal((await rawRequest(s.port, '/crs84.pmtiles', { headers: { 'If-None-Match': whole.headers.etag } })).status, 304);
  const headRange = await rawRequest(s.port, '/crs84.pmtiles', { method: 'HEAD', headers: { Range: 'bytes=0-126' } });
  assert.deepEqual([headRange.status, headRange.body.length, headRange.headers['content-length']], [206, 0, '127']);

  // The reference reader, over HTTP with its own range requests: stored zoom = scheme zoom + 1.
  const archive = new PMTiles(`${s.url}crs84.pmtiles`);
  const h = await archive.getHeader();
  assert.deepEqual([h.minZoom, h.maxZoom], [1, 6]);
  const t = await archive.getZxy(1, 1, 0);
  assert.ok(t && Buffer.from(t.data).equals(gunzipSync(file(crs84, '0/1/0.pbf'))));
});

test('never a file outside the tileset: .., %2e%2e, %2f, absolute paths, backslashes, NUL, over-long paths, symlinks out', async () => {
  const root = join(dir, 'guarded');
  const tiles = join(root, 'tiles');
  mkdirSync(root);
  cpSync(tm35, tiles, { recursive: true });
  const SECRET = 'TOP-SECRET-42';
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'secret.json'), JSON.stringify({ secret: SECRET }));
  mkdirSync(join(root, 'elsewhere'));
  writeFileSync(join(root, 'elsewhere', '0.pbf'), SECRET);
  // Symlinks out: a tile file, a column directory, a descriptor; and one inside, to another tile.
  mkdirSync(join(tiles, '7', '0'));
  symlinkSync(join(root, 'secret.txt'), join(tiles, '7', '0', '0.pbf'), 'file');
  symlinkSync(join(root, 'elsewhere'), join(tiles, '7', '1'), 'dir');
  unlinkSync(join(tiles, 'tilematrixset.json'));
  symlinkSync('../secret.json', join(tiles, 'tilematrixset.json'));
  const inside = listTiles(tm35).find((t) => t.startsWith('7/'))!;
  mkdirSync(join(tiles, '7', '2'));
  symlinkSync(join(tiles, `${inside}.pbf`), join(tiles, '7', '2', '0.pbf'));
  const s = await serve(tiles);

  const refused: [string, number][] = [
    ['/../secret.txt', 400],
    ['/%2e%2e/secret.txt', 400],
    ['/%2E%2E/secret.txt', 400],
    ['/.%2e/secret.txt', 400],
    ['/7/0/%2e%2e/%2e%2e/%2e%2e/secret.txt', 400],
    ['/..%2fsecret.txt', 400],
    ['/7/0/..%2F..%2F..%2F..%2Fsecret.txt', 400],
    ['/%2f' + join(root, 'secret.txt').slice(1).split('/').join('%2f'), 400],
    // An absolute file path as the request path: resolved under the tileset, where there is no such file.
    [join(root, 'secret.txt'), 404],
    ['/' + join(root, 'secret.txt'), 400],
    ['/..\\secret.txt', 400],
    ['/%5c..%5csecret.txt', 400],
    ['/%2e%2e%5csecret.txt', 400],
    [`http://127.0.0.1:${s.port}/../secret.txt`, 400],
    ['/7/0/0.pbf%00.json', 400],
    ['/tilejson.json%00', 400],
    ['/%252e%252e/secret.txt', 404],
    ['/' + 'a'.repeat(2000), 414],
    ['/7/0/0.pbf', 404],
    ['/7/1/0.pbf', 404],
    ['/preview/../index.html', 400],
    ['/preview/%2e%2e/%2e%2e/secret.txt', 400],
    ['/preview/nothing.js', 404],
    ['/secret.txt', 404],
    ['/metadata.json/', 400],
  ];
  for (const [target, status] of refused) {
    const r = await rawRequest(s.port, target);
    assert.equal(r.status, status, `${target}: ${r.body}`);
    assert.ok(!r.body.includes(SECRET), `${target} leaked the secret`);
  }
  // A NUL byte in the request line itself: Node's parser refuses it before any route.
  const nul = await rawRequest(s.port, '', { raw: Buffer.from(`GET /7/0/0.pbf\0/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1') });
  assert.equal(nul.status, 400);
  assert.ok(!nul.body.includes(SECRET));
  // The symlinked descriptor is not followed out: the one served is made from metadata.json.
  const tms = await rawRequest(s.port, '/tilematrixset.json');
  assert.equal(tms.status, 200);
  assert.ok(!tms.body.includes(SECRET));
  assert.deepEqual(json(tms), stored(tm35, 'tilematrixset.json'));
  // A symlink that stays inside is followed.
  const ok = await rawRequest(s.port, '/7/2/0.pbf');
  assert.equal(ok.status, 200);
  assert.ok(ok.body.equals(file(tm35, `${inside}.pbf`)));
  // metadata.json leading out: the tileset is not served at all.
  renameSync(join(tiles, 'metadata.json'), join(root, 'metadata.json'));
  symlinkSync(join(root, 'metadata.json'), join(tiles, 'metadata.json'));
  await assert.rejects(startServer({ path: tiles, port: 0 }), /metadata\.json leads outside the tileset/);
});

test('the preview page and its files, with a policy that keeps the page on this server', async () => {
  const s = await serve(tm35);
  const page = await rawRequest(s.port, '/');
  assert.equal(page.status, 200);
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(page.headers['content-security-policy'], /default-src 'self'.*connect-src 'self'/);
  assert.match(page.body.toString(), /<script type="module" src="preview\/preview\.js">/);
  for (const f of ['preview/preview.js', 'preview/preview.css', 'preview/maplibre-gl-worker.mjs']) {
    const r = await rawRequest(s.port, `/${f}`);
    assert.equal(r.status, 200, f);
    assert.ok(r.body.equals(file('dist', f)), f);
    assert.match(r.headers['content-type'], f.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
  }
  assert.equal((await rawRequest(s.port, '/preview/preview.js', { headers: { 'If-None-Match': (await rawRequest(s.port, '/preview/preview.js')).headers.etag } })).status, 304);
});

test('a rebuild is served without a restart; close() lets go of the port', async () => {
  const out = buildLake(dir, 'rebuilt', ['-z', '3', '--name', 'first']);
  const s = await startServer({ path: out, port: 0 });
  assert.equal(json(await rawRequest(s.port, '/tilejson.json')).name, 'first');
  const r = runCli([join(dir, 'land.geojson'), '-o', out, '-z', '4', '--name', 'second', '-f', '-q']);
  assert.equal(r.status, 0, r.stderr);
  const tj = json(await rawRequest(s.port, '/tilejson.json'));
  assert.deepEqual([tj.name, tj.maxzoom, (tj.vector_layers as { id: string }[]).map((l) => l.id)], ['second', 4, ['land']]);
  assert.equal((await rawRequest(s.port, '/4/0/0.pbf')).status, 204, 'zoom 4 is in the new zooms');
  await s.close();
  await assert.rejects(rawRequest(s.port, '/health'), /ECONNREFUSED/);
});

test('the command line: prints the URL, serves, stops with exit 0 on SIGINT and SIGTERM; errors', async () => {
  const a = await serveCli([tm35]);
  assert.match(a.stdout(), /^mvt-build serve: .*tm35 \(directory, ETRS-TM35FIN, zooms 1–7, 2 layers\) at http:\/\/127\.0\.0\.1:\d+\/\n/);
  assert.match(a.stdout(), /tilejson\.json +TileJSON/);
  assert.equal((await rawRequest(a.port, '/health')).status, 200);
  assert.equal(await a.stop('SIGINT'), 0);
  assert.match(a.stderr(), /SIGINT: stopping\nmvt-build serve: stopped\n$/);
  await assert.rejects(rawRequest(a.port, '/health'), /ECONNREFUSED/);

  const pm = buildLake(dir, 'cli.pmtiles', ['--tiling-scheme', 'ETRS-TM35FIN', '-z', '3']);
  const b = await serveCli([pm, '--log']);
  assert.match(b.stdout(), /cli\.pmtiles \(pmtiles, ETRS-TM35FIN, zooms 0–3, 2 layers\)/);
  assert.match(b.stdout(), /cli\.pmtiles +the archive/);
  const some = listTiles(tm35).find((t) => t.startsWith('3/'))!;
  assert.equal((await rawRequest(b.port, `/${some}.pbf`)).status, 200);
  assert.equal(await b.stop('SIGTERM'), 0);
  assert.match(b.stderr(), new RegExp(`^200 GET /${some}\\.pbf [\\d.]+ ms$`, 'm'));

  const busy = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => busy.once('listening', r));
  const port = (busy.address() as { port: number }).port;
  const inUse = runCli(['serve', tm35, '--port', String(port)]);
  busy.close();
  assert.equal(inUse.status, 1);
  assert.match(inUse.stderr, new RegExp(`cannot listen: port ${port} is in use on 127\\.0\\.0\\.1`));
  assert.equal(runCli(['serve', tm35, '--port', 'http']).status, 2);
  assert.equal(runCli(['serve', tm35, '--port', '70000']).status, 2);
  assert.equal(runCli(['serve']).status, 2);
  const missing = runCli(['serve', join(dir, 'nothing-here')]);
  assert.deepEqual([missing.status, /no such file or directory/.test(missing.stderr)], [1, true]);
  const notTiles = runCli(['serve', join(dir, 'land.geojson')]);
  assert.deepEqual([notTiles.status, /not a tileset/.test(notTiles.stderr)], [2, true]);
  assert.match(runCli(['--help']).stdout, /serve TILESET/);
});
