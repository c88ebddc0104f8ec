// validate: every @mapbox/mvt-fixtures fixture judged as its validity.v2 says (fatal → an error
// marked fatal, recoverable → errors, none fatal; valid → no error), the polygon rules on small
// hand-made tiles, and the CLI's output and exit codes.
// Run from source: node --import tsx --test test/validate.test.ts
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { validateTile } from '../../src/inspect/validate-tile.js';
import { RULES, type RuleId } from '../../src/inspect/rules.js';
import { shoelace2 } from '../../src/geometry/ring-set.js';
import { encodeTile } from '../../src/mvt/encode-tile.js';
import { POLYGON, LINESTRING, type GeomType } from '../../src/model/geometry.js';
import { runCli, tempDir } from '../helpers.js';

const FIXTURES = join(dirname(createRequire(import.meta.url).resolve('@mapbox/mvt-fixtures')), 'fixtures');

interface Info {
  description: string;
  validity: { v1: boolean; v2: boolean; error?: string };
}

type Verdict = 'valid' | 'recoverable' | 'fatal';

function verdict(bytes: Uint8Array): { verdict: Verdict; rules: RuleId[] } {
  const { findings } = validateTile(bytes);
  const errors = findings.filter((f) => f.severity === 'error');
  return { verdict: !errors.length ? 'valid' : errors.some((f) => f.fatal) ? 'fatal' : 'recoverable', rules: errors.map((f) => f.rule) };
}

/** What the fixture's metadata asks: v2 valid, or invalid with "fatal" / "recoverable" (045 gives neither). */
const expected = (i: Info): Verdict | 'invalid' => (i.validity.v2 ? 'valid' : i.validity.error === 'fatal' ? 'fatal' : i.validity.error === 'recoverable' ? 'recoverable' : 'invalid');

/** The rule each invalid fixture breaks, by our names. */
const RULE_OF: Record<string, RuleId> = {
  '004': 'geometry-missing', '005': 'tags-odd', '006': 'geometry-type', '007': 'wire-type', '008': 'wire-type', '010': 'wire-type',
  '011': 'value-type', '012': 'layer-version', '013': 'wire-type', '014': 'layer-name', '015': 'layer-name-duplicate', '023': 'layer-name',
  '024': 'layer-version', '026': 'value-type', '030': 'geometry-repeated', '040': 'tag-index', '041': 'tag-index', '042': 'tag-index',
  '044': 'geometry-command', '045': 'geometry-parameters', '046': 'zero-length', '047': 'geometry-command', '048': 'geometry-command',
  '051': 'geometry-parameters', '052': 'geometry-parameters', '058': 'geometry-parameters', '061': 'geometry-command',
};

test('mvt-fixtures: our verdict equals validity.v2 for every fixture but the two pairs that contradict each other', () => {
  const ids = readdirSync(FIXTURES).sort();
  assert.equal(ids.length, 74);
  const tile = (id: string) => readFileSync(join(FIXTURES, id, 'tile.mvt'));
  const info = (id: string) => JSON.parse(readFileSync(join(FIXTURES, id, 'info.json'), 'utf8')) as Info;
  const disagree: string[] = [];
  for (const id of ids) {
    const want = expected(info(id));
    const got = verdict(tile(id));
    const agrees = want === 'invalid' ? got.verdict !== 'valid' : got.verdict === want;
    if (!agrees) disagree.push(id);
    else if (want !== 'valid') assert.ok(got.rules.includes(RULE_OF[id]), `${id}: ${RULE_OF[id]} among ${got.rules.join(', ')}`);
  }
  process.stdout.write(`mvt-fixtures: ${ids.length - disagree.length}/${ids.length} verdicts equal validity.v2; not: ${disagree.join(', ')}\n`);
  assert.deepEqual(disagree, ['003', '057']);

  // 003 (v2 invalid, recoverable: no type field) and 016 (v2 valid: an UNKNOWN type) are the same
  // bytes: proto2 does not write a field equal to its default. The package README says readers take
  // 003 as valid; we do, with a warning.
  assert.deepEqual(tile('003'), tile('016'));
  assert.equal(info('016').validity.v2, true);
  assert.deepEqual(validateTile(tile('003')).findings.map((f) => [f.rule, f.severity]), [['geometry-type-missing', 'warning']]);
  // 057 (v2 valid) and 051 (v2 invalid, fatal) are the same geometry but for the point's value: a
  // MoveTo of count 2^29 - 1 followed by a single point. We call both fatal.
  const geometry = (id: string) => (JSON.parse(readFileSync(join(FIXTURES, id, 'tile.json'), 'utf8')) as { layers: { features: { geometry: number[] }[] }[] }).layers[0].features[0].geometry;
  assert.deepEqual(geometry('051').slice(0, 1), geometry('057').slice(0, 1));
  assert.equal(geometry('051')[0] >>> 3, 2 ** 29 - 1);
  assert.deepEqual([geometry('051').length, geometry('057').length], [3, 3]);
  assert.equal(info('051').validity.error, 'fatal');
  assert.deepEqual(verdict(tile('057')), { verdict: 'fatal', rules: ['geometry-parameters'] });
});

test('mvt-fixtures: valid fixtures are clean but for the SHOULD-level warnings they are made to show', () => {
  const warned: Record<string, RuleId[]> = {};
  for (const id of readdirSync(FIXTURES)) {
    const info = JSON.parse(readFileSync(join(FIXTURES, id, 'info.json'), 'utf8')) as Info;
    if (!info.validity.v2 || id === '057') continue; // 057: see above
    const w = validateTile(readFileSync(join(FIXTURES, id, 'tile.mvt'))).findings.map((f) => f.rule);
    if (w.length) warned[id] = w;
  }
  assert.deepEqual(warned, {
    '001': ['tile-empty'], // no layers
    '016': ['geometry-type-missing'],
    '025': ['layer-empty'],
    '039': ['geometry-unknown'], // type UNKNOWN written explicitly
    '049': ['coordinate-range'], // x past 2^31 - 1
    '050': ['coordinate-range'],
  });
});

// Hand-made tiles, through our own encoder (which writes the commands it is given).
const zz = (v: number) => (v << 1) ^ (v >> 31);

/** Polygon commands for rings given as [x, y] points, without closing point. */
function polygon(...rings: number[][][]): number[] {
  const out: number[] = [];
  let cx = 0, cy = 0;
  for (const ring of rings) {
    out.push(9, zz(ring[0][0] - cx), zz(ring[0][1] - cy));
    [cx, cy] = ring[0];
    out.push(((ring.length - 1) << 3) | 2);
    for (const [x, y] of ring.slice(1)) {
      out.push(zz(x - cx), zz(y - cy));
      [cx, cy] = [x, y];
    }
    out.push(15);
  }
  return out;
}

/** The ring wound as an exterior (positive area, y down) or, reversed, as a hole. */
const wound = (ring: number[][], exterior: boolean) => (shoelace2(ring.flat(), 0, 2 * ring.length) > 0 === exterior ? ring : [...ring].reverse());
const square = (x0: number, y0: number, s: number) => wound([[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s]], true);
const hole = (x0: number, y0: number, s: number) => wound(square(x0, y0, s), false);

function rulesOf(geometry: number[], type: GeomType = POLYGON): RuleId[] {
  const tile = encodeTile([{ name: 'l', extent: 4096, features: [{ id: 7, type, geometry, properties: [] }] }]);
  return validateTile(tile).findings.map((f) => f.rule);
}

test('polygon rules: valid shapes OGC allows, rings touching at points included', () => {
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100))), []);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), hole(10, 10, 20))), []);
  // A hole touching its exterior at one vertex of both, and at a point inside an exterior edge.
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), wound([[0, 0], [30, 30], [30, 10]], false))), []);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), wound([[50, 0], [60, 20], [40, 20]], false))), []);
  // An island in a lake; two polygons meeting at a corner.
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), hole(10, 10, 80), square(30, 30, 20))), []);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 10), square(10, 10, 10))), []);
});

test('polygon rules: each invalid shape is named, with where it is', () => {
  const bowtie = [[0, 0], [100, 100], [100, 0], [0, 60]];
  const tile = encodeTile([{ name: 'l', extent: 4096, features: [{ id: 7, type: POLYGON, geometry: polygon(wound(bowtie, true)), properties: [] }] }]);
  const [f] = validateTile(tile, { tile: '3/1/2' }).findings;
  assert.deepEqual({ rule: f.rule, severity: f.severity, fatal: f.fatal, tile: f.tile, layer: f.layer, feature: f.feature, id: f.id, at: f.at }, {
    rule: 'polygon-self-intersection', severity: 'error', fatal: false, tile: '3/1/2', layer: 'l', feature: 0, id: 7, at: [37.5, 37.5],
  });
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), hole(50, 50, 100))), ['polygon-rings-cross']);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), hole(200, 0, 10))), ['polygon-hole-outside']);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), hole(10, 10, 50), hole(20, 20, 10))), ['polygon-nested-holes']);
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), square(10, 10, 10))), ['polygon-overlap']);
  // A hole touching the exterior at two points cuts the interior in two.
  assert.deepEqual(rulesOf(polygon(square(0, 0, 100), wound([[0, 50], [50, 60], [100, 50], [50, 40]], false))), ['polygon-disconnected-interior']);
  // A ring through one of its vertices twice (a figure eight of two squares).
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0], [10, 10], [20, 10], [20, 20], [10, 20], [10, 10], [0, 10]])), ['polygon-self-intersection']);
  // A spike: out and back along the same line.
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0], [20, 0], [10, 0], [10, 10], [0, 10]])), ['polygon-self-intersection']);
  // Winding: all rings reversed, or a hole first.
  assert.deepEqual(rulesOf(polygon(hole(0, 0, 100))), ['polygon-winding']);
  assert.deepEqual(rulesOf(polygon(hole(0, 0, 10), square(20, 20, 10))), ['polygon-winding']);
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0], [20, 0]])), ['ring-zero-area']);
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0]])), ['ring-too-few']);
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0], [10, 10], [0, 0]])), ['ring-closing-point']);
  assert.deepEqual(rulesOf(polygon([[0, 0], [10, 0], [10, 0], [10, 10]])), ['zero-length']);
});

test('command rules: a ring without ClosePath, split LineTo runs, counts, unknown commands', () => {
  assert.deepEqual(rulesOf([9, 0, 0, 26, 20, 0, 0, 20, 19, 0]), ['ring-closure']); // ends after LineTo
  assert.deepEqual(rulesOf([9, 0, 0, 10, 20, 0, 10, 0, 20, 10, 19, 0, 15]), ['lineto-split']);
  assert.deepEqual(rulesOf([9, 0, 0, 10, 20, 0, 10, 0, 20], LINESTRING), ['lineto-split']);
  assert.deepEqual(rulesOf([17, 0, 0, 2, 2, 10, 4, 4], LINESTRING), ['geometry-command']); // MoveTo count 2 in a line
  assert.deepEqual(rulesOf([9, 0, 0, 3, 2, 2], LINESTRING), ['geometry-command']); // command id 3
  assert.deepEqual(rulesOf([10, 2, 2], LINESTRING), ['geometry-command']); // LineTo first
  const check = validateTile(encodeTile([{ name: 'l', extent: 4096, features: [{ type: LINESTRING, geometry: [9, 0, 0, 10, 2, 2], properties: [] }] }]));
  assert.deepEqual(check.findings, []);
});

test('CLI: a lone tile file, gzip or raw; findings located, counted, exit 1 on an error and 0 on warnings only', () => {
  const dir = tempDir();
  const bad = join(dir, 'bad.mvt'), gz = join(dir, 'bad.pbf'), fine = join(dir, 'fine.mvt');
  writeFileSync(bad, readFileSync(join(FIXTURES, '040', 'tile.mvt')));
  writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, '015', 'tile.mvt'))));
  writeFileSync(fine, readFileSync(join(FIXTURES, '025', 'tile.mvt')));
  let r = runCli(['validate', bad]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /bad\.mvt: layer "hello" \(#0\), feature #0 \(id 1\): error \(fatal\) \[tag-index\]: tag 0 points to key 2, past the 1 keys of the layer/);
  assert.match(r.stdout, /INVALID: 1 tile, 1 layers, 1 features \(0 polygons checked\); 1 error \(1 fatal\) in 1 tile, 0 warnings/);
  r = runCli(['validate', gz, '--json']);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout);
  assert.deepEqual([report.errors, report.fatal, report.warnings, report.byRule], [1, 0, 0, { 'layer-name-duplicate': { severity: 'error', fatal: false, findings: 1 } }]);
  assert.deepEqual([report.findings[0].layerIndex, report.findings[0].layer], [1, 'hello']);
  r = runCli(['validate', fine]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /valid, with warnings: .* 0 errors in 0 tiles, 1 warning/);
  assert.equal(runCli(['validate', join(dir, 'missing')]).status, 1);
  assert.equal(runCli(['validate', fine, '--max-findings', 'x']).status, 2);
  assert.equal(runCli(['validate']).status, 2);
});

test('docs/cli.md lists every rule with its severity; --help names the commands', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  for (const [rule, r] of Object.entries(RULES)) {
    const severity = r.severity === 'error' ? (r.fatal ? 'error, fatal' : 'error') : 'warning';
    assert.ok(doc.includes(`| \`${rule}\` | ${severity} | ${r.ref} | ${r.what} |`), `docs/cli.md: the row of ${rule}`);
  }
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /inspect TILESET \[z\/x\/y\]/);
  assert.match(help.stdout, /validate TILESET\|TILE/);
  assert.match(runCli(['validate', '--help']).stdout, /--max-findings <n>/);
});
