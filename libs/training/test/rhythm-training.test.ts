import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initMlp, predictMlp, type MlpParameters } from '@holterflow/model';
import { RHYTHM_SCALAR_FEATURES } from '@holterflow/ecg';
import {
  DS1_FOLDS,
  DS1_RECORDS,
  DS2_RECORDS,
  INTER_VALIDATION_RECORDS,
  RHYTHM_FEATURE_SETS,
  RHYTHM_RECIPES,
  SeededRandom,
  rhythmFeatureSet,
  classWeightsFor,
  ec57Statistics,
  newAdamState,
  trainEpoch,
  trainRhythmModel,
  type FeatureSet,
  type MlpTrainOptions,
} from '@holterflow/training';
import { ec57Confusion } from './helpers/ec57-confusion.js';

/** Five separable blobs in 6 dimensions, class c centred at 2·e_c; class 0 the majority. */
function blobs(n: number, seed: number): FeatureSet {
  const r = new SeededRandom(seed);
  const width = 6;
  const rows = new Float32Array(n * width);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10 < 6 ? 0 : (i % 10) - 5 > 4 ? 4 : (i % 10) - 5;
    labels[i] = c;
    for (let k = 0; k < width; k++) rows[i * width + k] = (k === c ? 2 : 0) + (r.next() - 0.5);
  }
  return { rows, labels, width };
}

const options = (loss: 'cross-entropy' | 'focal'): MlpTrainOptions => ({
  loss,
  classWeights: [1, 2, 3, 2, 1],
  focalGamma: 2,
  dropout: 0,
  batchSize: 4,
  learningRate: 0,
  weightDecay: 0,
});

/** The weighted batch loss as trainEpoch defines it, computed independently from predictMlp. */
function batchLoss(p: MlpParameters, set: FeatureSet, o: MlpTrainOptions): number {
  const probs = predictMlp(
    { ...p, mean: new Float32Array(set.width), invStd: new Float32Array(set.width).fill(1) },
    set.rows,
    set.labels.length,
  );
  const wsum = Array.from(set.labels).reduce((a, y) => a + o.classWeights[y], 0);
  let loss = 0;
  set.labels.forEach((y, b) => {
    const pt = probs[b * 5 + y];
    const w = o.classWeights[y] / wsum;
    loss += o.loss === 'focal' ? -w * (1 - pt) ** 2 * Math.log(pt) : -w * Math.log(pt);
  });
  return loss;
}

for (const loss of ['cross-entropy', 'focal'] as const)
  test(`${loss}: the MLP's backward pass matches finite differences of its loss`, () => {
    const set = blobs(4, 3);
    const r = new SeededRandom(9);
    const layers = initMlp([6, 5, 5], () => r.next());
    const p: MlpParameters = { mean: new Float32Array(6), invStd: new Float32Array(6).fill(1), layers };
    // Adam's first step moves each weight by -lr·sign(g) (m/√v = g/|g|): with lr = 1e-3 the step
    // shows every gradient's sign; compare signs with central differences where |g| is clear.
    const o = { ...options(loss), learningRate: 1e-3 };
    const before = layers.map((l) => l.weights.slice());
    const h = 1e-3;
    const numeric = layers.map((l) =>
      Array.from(l.weights, (w, i) => {
        l.weights[i] = w + h;
        const up = batchLoss(p, set, o);
        l.weights[i] = w - h;
        const down = batchLoss(p, set, o);
        l.weights[i] = w;
        return (up - down) / (2 * h);
      }),
    );
    trainEpoch(p, newAdamState(layers), set.rows, set.labels, o, new SeededRandom(1));
    let checked = 0;
    layers.forEach((l, li) =>
      l.weights.forEach((w, i) => {
        const g = numeric[li][i];
        if (Math.abs(g) < 1e-3) return;
        checked++;
        const step = w - before[li][i];
        assert.ok(Math.sign(step) === -Math.sign(g), `layer ${li} weight ${i}: step ${step}, gradient ${g}`);
      }),
    );
    assert.ok(checked > 20, `${checked} weights checked`);
  });

test('every recipe learns separable classes (validation score near 1)', async () => {
  const train = blobs(2000, 1);
  const validation = blobs(500, 2);
  for (const name of ['class-weights', 'focal', 'smote'] as const) {
    const recipe = { ...RHYTHM_RECIPES[name], hidden: [16], maxEpochs: 15, patience: 15 };
    const result = await trainRhythmModel({ recipe, seed: 1, train, validation });
    assert.ok(result.bestScore > 0.95, `${name}: validation score ${result.bestScore}`);
  }
});

test('class weights follow frequency (capped) unless the recipe sets a class outright', () => {
  // 800 N, 100 S, 50 V, 1 F, 49 Q.
  const labels = Int32Array.from([
    ...Array(800).fill(0),
    ...Array(100).fill(1),
    ...Array(50).fill(2),
    3,
    ...Array(49).fill(4),
  ]);
  const recipe = { ...RHYTHM_RECIPES.focal, classWeightPower: 1, maxClassWeight: 50 };
  assert.deepEqual(classWeightsFor(recipe, labels), [1, 8, 16, 50, 800 / 49]);
  assert.deepEqual(classWeightsFor({ ...recipe, classWeights: { Q: 1 } }, labels), [1, 8, 16, 50, 1]);
  assert.deepEqual(
    classWeightsFor({ ...RHYTHM_RECIPES.smote, classWeights: { Q: 3 } }, labels),
    [1, 1, 1, 1, 1],
  );
});

test('a run ended after 2 epochs continues from its checkpoint to the same weights as an uninterrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rhythm-ckpt-'));
  try {
    const train = blobs(1000, 4);
    const validation = blobs(300, 5);
    const recipe = { ...RHYTHM_RECIPES.focal, hidden: [8], maxEpochs: 5, patience: 99 };
    const straight = await trainRhythmModel({ recipe, seed: 7, train, validation });
    const controller = new AbortController();
    await assert.rejects(
      trainRhythmModel({
        recipe,
        seed: 7,
        train,
        validation,
        checkpointDir: dir,
        signal: controller.signal,
        onEpoch: (e) => e.epoch === 2 && controller.abort(),
      }),
    );
    const epochs: number[] = [];
    const resumed = await trainRhythmModel({
      recipe,
      seed: 7,
      train,
      validation,
      checkpointDir: dir,
      onEpoch: (e) => epochs.push(e.epoch),
    });
    assert.deepEqual(epochs, [3, 4, 5], 'resumed after epoch 2');
    assert.equal(resumed.history.length, 5);
    resumed.parameters.layers.forEach((l, i) =>
      assert.deepEqual(l.weights, straight.parameters.layers[i].weights),
    );
    assert.equal(resumed.bestScore, straight.bestScore);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('EC57 statistics: F beats labelled V are not VEB false positives; Q beats are left out', () => {
  const confusion = ec57Confusion();
  const { veb, sveb } = ec57Statistics(confusion);
  assert.equal(veb.tp, 90);
  assert.equal(veb.fn, 10);
  assert.equal(veb.fp, 5, 'N→V only: F→V (30) and Q→V (7) are not counted');
  assert.ok(Math.abs(veb.ppv - (100 * 90) / 95) < 1e-9);
  assert.ok(Math.abs(veb.fpr - (100 * 5) / (915 + 100)) < 1e-9);
  assert.equal(sveb.fp, 10 + 1 + 2);
  assert.ok(Math.abs(sveb.se - 80) < 1e-9);
});

test('fixedEpochs trains exactly that many epochs, whatever the patience, and keeps the last weights', async () => {
  const train = blobs(1000, 4);
  const validation = blobs(300, 5);
  const recipe = { ...RHYTHM_RECIPES.focal, hidden: [8], maxEpochs: 2, patience: 1, fixedEpochs: 4 };
  const fixed = await trainRhythmModel({ recipe, seed: 7, train, validation });
  assert.equal(fixed.history.length, 4);
  assert.equal(fixed.bestEpoch, 4);
  assert.equal(fixed.bestScore, fixed.history[3].validationScore);
  // The same four epochs with early stopping out of the way: identical training, and the last
  // weights are what a run of exactly 4 epochs ends with.
  const four = await trainRhythmModel({
    recipe: { ...recipe, fixedEpochs: undefined, maxEpochs: 4, patience: 99 },
    seed: 7,
    train,
    validation,
  });
  assert.deepEqual(
    four.history.map((h) => h.loss),
    fixed.history.map((h) => h.loss),
  );
  // Early stopping returns its best epoch's weights; fixedEpochs the fourth's, whichever is best.
  const same = four.parameters.layers.every((l, i) =>
    l.weights.every((w, k) => w === fixed.parameters.layers[i].weights[k]),
  );
  assert.equal(same, four.bestEpoch === 4, `best epoch ${four.bestEpoch}`);
});

test("the DS1 folds hold out every DS1 record exactly once, none of DS2; the first is the twin's validation", () => {
  const held = DS1_FOLDS.flat();
  assert.deepEqual([...held].sort(), [...DS1_RECORDS].sort());
  assert.equal(new Set(held).size, held.length);
  assert.ok(held.every((r) => !(DS2_RECORDS as readonly string[]).includes(r)));
  assert.equal(DS1_FOLDS[0], INTER_VALIDATION_RECORDS);
});

test('named feature sets are columns libs/ecg computes; an unknown name lists the names there are', () => {
  for (const [name, set] of Object.entries(RHYTHM_FEATURE_SETS))
    for (const f of set)
      assert.ok((RHYTHM_SCALAR_FEATURES as readonly string[]).includes(f), `${name}: ${f}`);
  assert.ok(!rhythmFeatureSet('rhythm-1-relative').includes('rr_prev_s'));
  assert.deepEqual(rhythmFeatureSet('rhythm-1-af').slice(-1), ['af_window']);
  assert.throws(() => rhythmFeatureSet('rhythm-9'), /rhythm-1\|rhythm-2.*got rhythm-9/);
});
