import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RhythmClassifier,
  assembleRhythmInput,
  initMlp,
  parseRhythmModel,
  predictEnsemble,
  predictMlp,
  readingInputOf,
  rhythmInputWidth,
  rhythmModelDescription,
  rhythmModelFiles,
  type MlpParameters,
  type RhythmModel,
} from '@holterflow/model';

function model(): RhythmModel {
  const spec = { morphology: 'difference' as const, beatStride: 4, scalarCount: 3 };
  const d = rhythmInputWidth(spec);
  let s = 1;
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return {
    description: rhythmModelDescription({
      featuresVersion: 'test',
      segmentation: 'test',
      contextSeconds: 150,
      scalarFeatures: ['a', 'b', 'c'],
      input: spec,
      widths: [d, 8, 5],
    }),
    members: [
      {
        mean: Float32Array.from({ length: d }, (_, i) => i / d),
        invStd: Float32Array.from({ length: d }, (_, i) => 1 + i / d),
        layers: initMlp([d, 8, 5], random),
      },
    ],
  };
}

test('the difference input is the cut minus its template every beatStride-th sample, then the scalars', () => {
  const spec = { morphology: 'difference' as const, beatStride: 4, scalarCount: 2 };
  const x = Float32Array.from({ length: 187 }, (_, k) => k / 187);
  const template = new Float32Array(187).fill(0.25);
  const row = assembleRhythmInput(spec, { x, template, scalars: Float32Array.of(7, 8) }, 1);
  assert.equal(row.length, 47 + 2);
  assert.ok(Math.abs(row[1] - (4 / 187 - 0.25)) < 1e-7);
  assert.deepEqual(Array.from(row.subarray(47)), [7, 8]);
  const both = assembleRhythmInput(
    { ...spec, morphology: 'cut+difference' },
    { x, template, scalars: Float32Array.of(7, 8) },
    1,
  );
  assert.equal(both.length, 2 * 47 + 2);
  assert.ok(Math.abs(both[1] - 4 / 187) < 1e-7);
  assert.throws(
    () => assembleRhythmInput(spec, { x, template, scalars: Float32Array.of(1) }, 1),
    /rhythm scalars/,
  );
});

test('predictMlp: probabilities per beat that sum to 1, equal to a hand computation', () => {
  const m = model();
  const d = m.description.widths[0];
  const raw = Float32Array.from({ length: 3 * d }, (_, i) => Math.sin(i));
  const probs = predictMlp(m.members[0], raw, 3);
  assert.equal(probs.length, 15);
  for (let b = 0; b < 3; b++) {
    const row = Array.from(probs.subarray(b * 5, b * 5 + 5));
    assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-6);
    // By hand, in double precision.
    const [l1, l2] = m.members[0].layers;
    const x = Array.from(
      { length: d },
      (_, i) => (raw[b * d + i] - m.members[0].mean[i]) * m.members[0].invStd[i],
    );
    const h = Array.from({ length: 8 }, (_, o) =>
      Math.max(0, l1.bias[o] + x.reduce((a, v, i) => a + v * l1.weights[i * 8 + o], 0)),
    );
    const z = Array.from(
      { length: 5 },
      (_, o) => l2.bias[o] + h.reduce((a, v, i) => a + v * l2.weights[i * 5 + o], 0),
    );
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const p = e.map((v) => v / e.reduce((a, w) => a + w, 0));
    row.forEach((v, c) => assert.ok(Math.abs(v - p[c]) < 1e-5, `beat ${b} class ${c}: ${v} vs ${p[c]}`));
  }
});

test('a rhythm model survives its files: same description, same predictions; bad files are named', () => {
  const m = model();
  const files = rhythmModelFiles(m);
  const back = parseRhythmModel(files.modelJson, files.weights, 'v/model.json');
  assert.deepEqual(back.description, m.description);
  const d = m.description.widths[0];
  const raw = Float32Array.from({ length: 4 * d }, (_, i) => Math.cos(i));
  assert.deepEqual(predictMlp(back.members[0], raw, 4), predictMlp(m.members[0], raw, 4));
  assert.equal(new RhythmClassifier(back).contextSeconds, 150);
  assert.throws(
    () => parseRhythmModel(files.modelJson, files.weights.subarray(4), 'v/model.json'),
    /weights\.bin has \d+ bytes; v\/model\.json describes/,
  );
  assert.throws(
    () =>
      parseRhythmModel(
        new TextEncoder().encode('{"format":"holterflow-rhythm-mlp"}'),
        files.weights,
        'v/model.json',
      ),
    /v\/model\.json is not a rhythm model description: architecture/,
  );
  // Every member scalars-only: nothing would decide V, F and Q.
  const allScalars = new TextEncoder().encode(JSON.stringify({ ...m.description, scalarMembers: 1 }));
  assert.throws(
    () => parseRhythmModel(allScalars, files.weights, 'v/model.json'),
    /v\/model\.json: 1 of its 1 members are scalars-only; at least one must read morphology/,
  );
  const heavy = new TextEncoder().encode(JSON.stringify({ ...m.description, scalarWeight: 2 }));
  assert.throws(() => parseRhythmModel(heavy, files.weights, 'v/model.json'), /scalarWeight/);
});

test('an ensemble averages its members, then scales per class and renormalises; its files hold every member', () => {
  const a = model();
  const b = model();
  let s = 7;
  b.members[0].layers = initMlp(a.description.widths, () => (s = (s * 48271) % 2147483647) / 2147483647);
  const d = a.description.widths[0];
  const raw = Float32Array.from({ length: 3 * d }, (_, i) => Math.sin(i / 3));
  const pa = predictMlp(a.members[0], raw, 3);
  const pb = predictMlp(b.members[0], raw, 3);
  const scale = [1, 3, 0.5, 1, 1];
  const ensemble: RhythmModel = {
    description: { ...a.description, members: 2, classScale: scale },
    members: [a.members[0], b.members[0]],
  };
  const probs = new RhythmClassifier(ensemble).predictRows(raw, 3);
  for (let r = 0; r < 3; r++) {
    const mixed = Array.from({ length: 5 }, (_, c) => ((pa[r * 5 + c] + pb[r * 5 + c]) / 2) * scale[c]);
    const sum = mixed.reduce((x, y) => x + y, 0);
    mixed.forEach((v, c) => assert.ok(Math.abs(probs[r * 5 + c] - v / sum) < 1e-6, `row ${r} class ${c}`));
  }
  // One member, no scale: exactly the network's probabilities.
  assert.deepEqual(predictEnsemble(a.members, raw, 3), pa);
  const files = rhythmModelFiles(ensemble);
  const back = parseRhythmModel(files.modelJson, files.weights, 'e/model.json');
  assert.equal(back.members.length, 2);
  assert.deepEqual(new RhythmClassifier(back).predictRows(raw, 3), probs);
  assert.throws(
    () =>
      parseRhythmModel(files.modelJson, files.weights.subarray(0, files.weights.length / 2), 'e/model.json'),
    /weights\.bin has \d+ bytes; e\/model\.json describes/,
  );
  assert.throws(
    () => rhythmModelFiles({ ...ensemble, members: [a.members[0]] }),
    /says 2 members; 1 are given/,
  );
});

test('a network rewritten to read a wider input gives its own probabilities, whatever the other inputs hold', () => {
  let s = 7;
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const spec = { morphology: 'difference' as const, beatStride: 4, scalarCount: 3 };
  const wide = { spec, features: ['a', 'b', 'c'] };
  const width = rhythmInputWidth(spec);
  const n = 4;
  const full = new Float32Array(n * width).map(() => random() * 10 - 5);
  const columns = (cols: number[]) =>
    Float32Array.from(
      { length: n * cols.length },
      (_, i) => full[Math.floor(i / cols.length) * width + cols[i % cols.length]],
    );
  const fixed = (p: Float32Array) => Array.from(p).map((v) => v.toFixed(6));

  // A scalars-only network on features c and a (in that order): the last and the third-last column.
  const scalarsOnly = {
    mean: Float32Array.from([0.5, -1]),
    invStd: Float32Array.from([2, 0.5]),
    layers: initMlp([2, 6, 5], random),
  };
  const narrow = {
    spec: { morphology: 'none' as const, beatStride: 4, scalarCount: 2 },
    features: ['c', 'a'],
  };
  const widened = readingInputOf(scalarsOnly, narrow, wide);
  assert.deepEqual(
    fixed(predictMlp(widened, full, n)),
    fixed(predictMlp(scalarsOnly, columns([width - 1, width - 3]), n)),
  );

  // A morphology network on features a and b: the morphology columns, then a and b.
  const morphologyWidth = width - 3;
  const shape = { spec: { ...spec, scalarCount: 2 }, features: ['a', 'b'] };
  const network = {
    mean: new Float32Array(morphologyWidth + 2).map(() => random()),
    invStd: new Float32Array(morphologyWidth + 2).fill(1.5),
    layers: initMlp([morphologyWidth + 2, 6, 5], random),
  };
  const own = columns(Array.from({ length: morphologyWidth + 2 }, (_, j) => j));
  assert.deepEqual(
    fixed(predictMlp(readingInputOf(network, shape, wide), full, n)),
    fixed(predictMlp(network, own, n)),
  );

  assert.throws(
    () => readingInputOf(widened, narrow, wide),
    /the network reads \d+ inputs; its layout has 2/,
  );
  assert.throws(() => readingInputOf(scalarsOnly, { ...narrow, features: ['c', 'd'] }, wide), /no feature d/);
  assert.throws(
    () => readingInputOf(network, shape, { ...wide, spec: { ...spec, morphology: 'cut+difference' } }),
    /cannot read cut\+difference/,
  );
});

test('scalars-only members split only the N + S mass, by a weighted geometric mean of both groups’ S shares', () => {
  const constant = (probs: number[]): MlpParameters => ({
    mean: new Float32Array(2),
    invStd: new Float32Array(2).fill(1),
    layers: [
      { inputs: 2, outputs: 5, weights: new Float32Array(10), bias: Float32Array.from(probs, Math.log) },
    ],
  });
  const morphology = constant([0.5, 0.3, 0.1, 0.05, 0.05]);
  const scalars = constant([0.2, 0.6, 0.1, 0.05, 0.05]);
  const p = predictEnsemble([morphology, scalars], new Float32Array(2), 1, { scalarMembers: 1 });
  // N + S = 0.8; S shares 0.375 (morphology) and 0.75 (scalars): √(.375·.75) / (√(.375·.75) + √(.625·.25)).
  const share = Math.sqrt(0.375 * 0.75) / (Math.sqrt(0.375 * 0.75) + Math.sqrt(0.625 * 0.25));
  const expected = [0.8 * (1 - share), 0.8 * share, 0.1, 0.05, 0.05];
  Array.from(p).forEach((v, c) =>
    assert.ok(Math.abs(v - expected[c]) < 1e-6, `class ${c}: ${v} vs ${expected[c]}`),
  );
  // Weighted: 1 leaves the split to the scalars-only group (S share 0.75), 0 to the others (0.375);
  // 0.75 lies between, as the weighted geometric mean of the shares.
  const split = (scalarWeight: number) =>
    predictEnsemble([morphology, scalars], new Float32Array(2), 1, { scalarMembers: 1, scalarWeight });
  assert.ok(Math.abs(split(1)[1] - 0.8 * 0.75) < 1e-6);
  assert.ok(Math.abs(split(0)[1] - 0.8 * 0.375) < 1e-6);
  const forS = 0.75 ** 0.75 * 0.375 ** 0.25;
  const forN = 0.25 ** 0.75 * 0.625 ** 0.25;
  assert.ok(Math.abs(split(0.75)[1] - (0.8 * forS) / (forS + forN)) < 1e-6);
  assert.deepEqual(split(0.5), p, 'the default weight is 0.5, bit for bit');
  assert.throws(() => split(1.5), /scalarWeight is a weight in \[0, 1\], got 1.5/);
  // Without the option the two are averaged like any ensemble.
  const mean = predictEnsemble([morphology, scalars], new Float32Array(2), 1);
  assert.ok(Math.abs(mean[1] - 0.45) < 1e-6 && Math.abs(mean[2] - 0.1) < 1e-6);
  assert.throws(
    () => predictEnsemble([scalars], new Float32Array(2), 1, { scalarMembers: 1 }),
    /needs a member that reads morphology/,
  );
});
