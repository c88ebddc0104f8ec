// Identical tiles stored once (writers/content-ids.ts): keys are hints, the bytes decide.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ContentIds, contentKey } from '../../dist/internals.js';

test('contentKey is the first 52 bits of the SHA-1', () => {
  const data = Uint8Array.of(1, 2, 3, 250);
  const hex = createHash('sha1').update(data).digest('hex');
  assert.equal(contentKey(data), Number.parseInt(hex.slice(0, 13), 16));
  assert.ok(Number.isSafeInteger(contentKey(new Uint8Array(5000).fill(255))));
});

test('the same bytes get the same id; other bytes a new one, even under the same key', () => {
  const ids = new ContentIds();
  const stored: Uint8Array[] = [];
  const idOf = (key: number, data: Uint8Array) => {
    const r = ids.idOf(key, data, (id) => stored[id]);
    if (r.fresh) stored[r.id] = data;
    return r;
  };
  const a = Uint8Array.of(1, 2, 3), b = Uint8Array.of(1, 2, 4), c = Uint8Array.of(9);
  assert.deepEqual(idOf(contentKey(a), a), { id: 0, fresh: true });
  assert.deepEqual(idOf(contentKey(b), b), { id: 1, fresh: true });
  assert.deepEqual(idOf(contentKey(a), Uint8Array.of(1, 2, 3)), { id: 0, fresh: false });
  // A collision: c arrives under a's key. It is stored apart, and a is still found.
  assert.deepEqual(idOf(contentKey(a), c), { id: 2, fresh: true });
  assert.deepEqual(idOf(contentKey(a), a), { id: 0, fresh: false });
  assert.equal(ids.count, 3);
});
