import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterEpoch, INITIAL_SCHEDULE, LOOP_DEFAULTS, type ScheduleState } from '../src/index.js';

/** Feeds validation losses through the schedule; returns per-epoch lr used next, stop and best. */
function run(valLosses: number[], lr = 1e-3) {
  let state: ScheduleState = INITIAL_SCHEDULE;
  const out: { lr: number; stop: boolean; best: number }[] = [];
  valLosses.forEach((loss, i) => {
    const step = afterEpoch(state, i + 1, loss, lr, LOOP_DEFAULTS);
    state = step.state;
    lr = step.learningRate;
    out.push({ lr, stop: step.stop, best: state.bestEpoch });
  });
  return out;
}

test('the learning rate halves after 3 epochs without a 1e-4 improvement, down to 1e-5', () => {
  const steps = run([1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.79995, 0.79995, 0.79995]);
  assert.deepEqual(
    steps.map((s) => s.lr),
    [1e-3, 1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4, 5e-4, 2.5e-4],
  );
  // 0.79995 beats the best (early stopping has min_delta 0) but not by 1e-4 (the plateau's)
  assert.equal(steps[8].best, 7);
  const floor = run(new Array(30).fill(1), 4e-5).map((s) => s.lr);
  // epoch 1 sets the best; epochs 2-4 are the 3 without improvement, so epoch 4 halves
  assert.deepEqual(floor.slice(0, 8), [4e-5, 4e-5, 4e-5, 2e-5, 2e-5, 2e-5, 1e-5, 1e-5]);
  assert.equal(floor[29], 1e-5);
});

test('early stopping fires after 8 epochs without improvement and keeps the best epoch', () => {
  const steps = run([1.0, 0.5, 0.6, 0.7, 0.6, 0.55, 0.52, 0.51, 0.6, 0.5, 0.49]);
  assert.deepEqual(
    steps.map((s) => s.stop),
    [false, false, false, false, false, false, false, false, false, true, false],
  );
  assert.equal(steps[9].best, 2, 'an equal loss (0.5 at epoch 10) is not an improvement');
});
