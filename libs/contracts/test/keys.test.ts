import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidIdError, assertSafeId, keys } from '@holterflow/contracts';

test('record ids that could escape their prefix are rejected', () => {
  for (const id of ['../x', '..', 'a/../b', 'a/b', '.hidden', '', 'x..y', 'a\\b', 'a b', 'x'.repeat(129)])
    assert.throws(() => assertSafeId('record', id), InvalidIdError, JSON.stringify(id));
  assert.throws(() => keys.recording('archive', '../x'), /invalid record id "\.\.\/x"/);
});

test('ordinary record ids are accepted and build keys under their prefix', () => {
  for (const id of ['100', 'holter_2024-01-05', 'A.1', 'x'.repeat(128)])
    assert.equal(assertSafeId('record', id), id);
  assert.equal(keys.recording('/archive/2024/', '100'), 'archive/2024/100.parquet');
  assert.equal(keys.referenceBeats('archive', '100'), 'archive/100.beats.parquet');
});
