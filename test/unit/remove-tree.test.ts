// removeTree: what replacing a tileset uses to delete the old one (and failed builds their
// temporaries), with a bounded number of unlinks in flight instead of Node 20's one per file.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeTree } from '../../dist/internals.js';

test('removeTree deletes a tree of directories and files, a lone file, and nothing that is not there; it does not follow symlinks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvt-rmtree-'));
  try {
    const keep = join(dir, 'keep');
    mkdirSync(keep);
    writeFileSync(join(keep, 'precious'), 'x');
    const tree = join(dir, 'tiles');
    // More files in one directory than unlinks in flight, and nesting deeper than one level.
    for (let x = 0; x < 3; x++) {
      mkdirSync(join(tree, '5', String(x), 'deep'), { recursive: true });
      for (let y = 0; y < 70; y++) writeFileSync(join(tree, '5', String(x), `${y}.pbf`), 'x');
      writeFileSync(join(tree, '5', String(x), 'deep', 'f'), 'x');
    }
    // More names in one directory than one sweep reads (4,096): it is read again after the first deletions.
    mkdirSync(join(tree, '13', '0'), { recursive: true });
    for (let y = 0; y < 5000; y++) writeFileSync(join(tree, '13', '0', `${y}.pbf`), 'x');
    writeFileSync(join(tree, 'metadata.json'), '{}');
    symlinkSync(keep, join(tree, 'link'));
    await removeTree(tree);
    assert.equal(existsSync(tree), false);
    assert.equal(existsSync(join(keep, 'precious')), true, 'the symlink went, not what it points to');
    const file = join(dir, 'one.mbtiles');
    writeFileSync(file, 'x');
    await removeTree(file);
    assert.equal(existsSync(file), false);
    await removeTree(join(dir, 'absent')); // no error
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
