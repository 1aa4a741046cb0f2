import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childFailures, parseRunJobId, runJobIds } from '@holterflow/contracts';

test('parseRunJobId reads back what runJobIds makes, from an id or a BullMQ job key', () => {
  assert.deepEqual(parseRunJobId(runJobIds.classify('run-1', '100', 7)), {
    kind: 'classify',
    runId: 'run-1',
    recordId: '100',
    window: 7,
  });
  // getIgnoredChildrenFailures keys: `<prefix>:<queue>:<id>`, and the prefix may hold ':' itself.
  assert.deepEqual(parseRunJobId(`hf:test:summarize:${runJobIds.summarize('run-1', '100')}`), {
    kind: 'summarize',
    runId: 'run-1',
    recordId: '100',
  });
  assert.deepEqual(parseRunJobId(`bull:finalize:${runJobIds.finalize('run-1')}`), {
    kind: 'finalize',
    runId: 'run-1',
  });
  assert.equal(parseRunJobId('bull:planning.run-1:gate'), undefined);
  assert.equal(parseRunJobId('run-1:100:'), undefined);
  assert.equal(parseRunJobId('run-1:100:x'), undefined);
});

test('childFailures keys a parent job’s ignored failures by what the child ids name', () => {
  const failures = {
    [`bull:classify:${runJobIds.classify('r', '100', 3)}`]: 'bad window',
    [`bull:summarize:${runJobIds.summarize('r', '105')}`]: 'no parts',
    'bull:planning.r:gate': 'ignored',
  };
  assert.deepEqual([...childFailures(failures, 'classify', (ref) => ref.window)], [[3, 'bad window']]);
  assert.deepEqual([...childFailures(failures, 'summarize', (ref) => ref.recordId)], [['105', 'no parts']]);
});
