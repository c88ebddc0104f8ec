// Polygon repair on the integer grid, case by case: each classic way a rounded polygon goes wrong,
// repaired, with the area the positive fill rule gives and GEOS's verdict on the result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { isValidPolygon, repairPolygon, RingSet } from '../dist/internals.js';
import { haveGdal } from './gdal-helpers.js';

/** Rings as [x, y] lists (no closing point); the sign of each ring's area makes it exterior or hole. */
function ringSet(rings: number[][][]): RingSet {
  const rs = new RingSet();
  rs.reset();
  for (const r of rings) {
    const flat = r.flat();
    rs.add(flat, flat.length, false);
    rs.exterior[rs.count - 1] = rs.area2(rs.count - 1) > 0 ? 1 : 0;
  }
  return rs;
}

function area(rs: RingSet): number {
  let a = 0;
  for (let r = 0; r < rs.count; r++) a += rs.area2(r) / 2;
  return a;
}

/** MULTIPOLYGON WKT of the repaired rings, each exterior followed by its holes. */
function wkt(rs: RingSet): string {
  const polys: string[][] = [];
  for (let r = 0; r < rs.count; r++) {
    const pts: string[] = [];
    for (let i = rs.start[r]; i < rs.start[r + 1]; i += 2) pts.push(`${rs.xy[i]} ${rs.xy[i + 1]}`);
    pts.push(pts[0]);
    const ring = `(${pts.join(',')})`;
    if (rs.exterior[r]) polys.push([ring]);
    else polys[polys.length - 1].push(ring);
  }
  return `MULTIPOLYGON(${polys.map((p) => `(${p.join(',')})`).join(',')})`;
}

const sq = (x0: number, y0: number, x1: number, y1: number, exterior = true) => {
  // Positive area (exterior) in MVT's y-down convention: (x0,y0) → (x1,y0) → (x1,y1) → (x0,y1).
  const r = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  return exterior ? r : r.reverse();
};

const cases: { name: string; rings: number[][][]; area: number; exteriors: number; holes: number }[] = [
  { name: 'a bowtie: only the lobe that winds as an exterior is filled', rings: [[[0, 0], [10, 10], [10, 0], [0, 10]]], area: 25, exteriors: 1, holes: 0 },
  { name: 'two overlapping parts merge', rings: [sq(0, 0, 10, 10), sq(5, 5, 15, 15)], area: 175, exteriors: 1, holes: 0 },
  { name: 'a hole across its exterior becomes a notch', rings: [sq(0, 0, 10, 10), sq(5, 2, 15, 8, false)], area: 70, exteriors: 1, holes: 0 },
  { name: 'a ring through one vertex twice: two parts touching there', rings: [[[0, 0], [10, 0], [10, 10], [20, 10], [20, 20], [10, 20], [10, 10], [0, 10]]], area: 200, exteriors: 2, holes: 0 },
  { name: 'a hole touching its exterior at two points: two parts', rings: [sq(0, 0, 10, 10), [[0, 5], [5, 2], [10, 5], [5, 8]].reverse()], area: 70, exteriors: 2, holes: 0 },
  { name: 'a hole touching its exterior at one point stays a hole', rings: [sq(0, 0, 10, 10), [[0, 5], [4, 3], [4, 7]].reverse(), sq(20, 0, 22, 2), sq(21, 1, 23, 3)], area: 100 - 8 + 7, exteriors: 2, holes: 1 },
  { name: 'a hole as large as its exterior: the exterior stays', rings: [sq(0, 0, 10, 10), sq(0, 0, 10, 10, false)], area: 100, exteriors: 1, holes: 0 },
  { name: 'an island sharing edges with its lake merges into the land', rings: [sq(0, 0, 20, 20), sq(5, 5, 15, 15, false), sq(5, 5, 10, 10)], area: 325, exteriors: 1, holes: 1 },
  { name: 'a spike folding back on itself goes', rings: [[[0, 0], [10, 0], [20, 0], [10, 0], [10, 10], [0, 10]]], area: 100, exteriors: 1, holes: 0 },
];

const repaired = cases.map((c) => {
  const rs = ringSet(c.rings);
  const before = isValidPolygon(rs);
  repairPolygon(rs);
  return { c, rs, before };
});

for (const { c, rs, before } of repaired) {
  test(`repair: ${c.name}`, () => {
    assert.equal(before, false, 'the check doubts it');
    assert.equal(area(rs), c.area, 'area');
    let ext = 0;
    for (let r = 0; r < rs.count; r++) if (rs.exterior[r]) ext++;
    assert.equal(ext, c.exteriors, `exteriors in ${wkt(rs)}`);
    assert.equal(rs.count - ext, c.holes, `holes in ${wkt(rs)}`);
    for (let r = 0; r < rs.count; r++) assert.equal(rs.area2(r) > 0, rs.exterior[r] === 1, 'exteriors positive, holes negative');
  });
}

test('repair: GEOS finds every repaired case valid', { skip: !haveGdal && 'GDAL not installed' }, () => {
  const script = 'import sys\nfrom osgeo import ogr\nfor line in sys.stdin:\n    print(ogr.CreateGeometryFromWkt(line).IsValid())\n';
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: repaired.map(({ rs }) => wkt(rs)).join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), repaired.map(() => 'True'), repaired.map(({ c, rs }) => `${c.name}: ${wkt(rs)}`).join('\n'));
});

test('check: a valid polygon with holes and an island in a lake passes without repair', () => {
  // Each exterior is followed by its own holes: the island (20–30) sits in the first lake.
  const rs = ringSet([sq(0, 0, 100, 100), sq(10, 10, 50, 50, false), sq(60, 60, 70, 70, false), sq(20, 20, 30, 30), sq(200, 0, 210, 10)]);
  assert.equal(isValidPolygon(rs), true);
});
