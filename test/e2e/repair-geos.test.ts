// GEOS (GDAL's Python bindings) on the polygons that test/unit/repair.test.ts repairs: each must be valid.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repaired, wkt } from '../repair-cases.js';
import { haveGdal } from './gdal-helpers.js';

test('repair: GEOS finds every repaired case valid', { skip: !haveGdal && 'GDAL not installed' }, () => {
  const script = 'import sys\nfrom osgeo import ogr\nfor line in sys.stdin:\n    print(ogr.CreateGeometryFromWkt(line).IsValid())\n';
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: repaired.map(({ rs }) => wkt(rs)).join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), repaired.map(() => 'True'), repaired.map(({ c, rs }) => `${c.name}: ${wkt(rs)}`).join('\n'));
});
