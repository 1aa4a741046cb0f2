/**
 * The fault harness's short version (bench/fault-harness.ts): five trials of a real
 * multi-process run — worker SIGKILL, coordinator restart, S3 outage, Redis flush and resubmit,
 * another worker SIGKILL — each compared byte for byte with the undisturbed run. The full
 * version (20 trials of each kind) is a command in the README.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, runFaultHarness, summarize } from '../bench/fault-harness.js';

test('five faults, each kind at least once: every trial completes byte-identical to the undisturbed run', async () => {
  const lines: string[] = [];
  const { baselineObjects, results } = await runFaultHarness({
    kinds: FAULT_KINDS,
    trials: 5,
    seed: 7,
    log: (line) => lines.push(line),
  });
  const report = `${lines.join('\n')}\n${summarize(results)}`;
  assert.ok(baselineObjects >= 30, `the run writes parts, beats, summaries (${baselineObjects} objects)`);
  assert.equal(results.length, 5);
  assert.deepEqual([...new Set(results.map((r) => r.kind))].sort(), [...FAULT_KINDS].sort());
  for (const r of results) {
    assert.equal(r.error, undefined, report);
    assert.ok(r.fault.length > 0, `trial ${r.trial} injected its fault`);
    assert.deepEqual(r.mismatches, [], report);
  }
});
