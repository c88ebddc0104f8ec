// Polygon repair on the integer grid, case by case: each classic way a rounded polygon goes wrong,
// repaired, with the area the positive fill rule gives (GEOS's verdict: test/e2e/repair-geos.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidPolygon, polygonProblem } from '../../dist/internals.js';
import { area, repaired, ringSet, sq, wkt } from '../repair-cases.js';

for (const { c, rs, before } of repaired) {
  test(`repair: ${c.name}`, () => {
    assert.equal(before, false, 'the check doubts it');
    assert.equal(area(rs), c.area, 'area');
    let ext = 0;
    for (let r = 0; r < rs.count; r++) if (rs.exterior[r]) ext++;
    assert.equal(ext, c.exteriors, `exteriors in ${wkt(rs)}`);
    assert.equal(rs.count - ext, c.holes, `holes in ${wkt(rs)}`);
    for (let r = 0; r < rs.count; r++) assert.equal(rs.area2(r) > 0, rs.exterior[r] === 1, 'exteriors positive, holes negative');
    assert.equal(polygonProblem(rs)?.message, undefined, `validate's exact check accepts ${wkt(rs)}`);
  });
}

test('check: a valid polygon with holes and an island in a lake passes without repair', () => {
  // Each exterior is followed by its own holes: the island (20–30) sits in the first lake.
  const rs = ringSet([sq(0, 0, 100, 100), sq(10, 10, 50, 50, false), sq(60, 60, 70, 70, false), sq(20, 20, 30, 30), sq(200, 0, 210, 10)]);
  assert.equal(isValidPolygon(rs), true);
});
