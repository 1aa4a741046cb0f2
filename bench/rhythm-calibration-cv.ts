/**
 * The class-prior calibration chosen on out-of-fold predictions from several patient-wise folds
 * of DS1 (never DS2): each fold's ensemble (its seeds trained on DS1 minus the fold's records,
 * resumed from bench/rhythm-training.ts's checkpoints) classifies its own held-out records; the
 * probabilities of all folds are pooled and one scale is searched on them. One fold's five
 * records choose unstable scales (measured: fold 106/207/209/215/220 wants S × 0.5 where the
 * default fold wants S × 3); fifteen patients' verdict is steadier. Prints each fold's score
 * unscaled and at the pooled scale, and the pooled scale to pass to the shipping run.
 *   node --import tsx bench/rhythm-calibration-cv.ts --features rhythm-2 --seeds 1,2,3 \
 *     [--folds default,106.207.209.215.220,…] [--class-weight-power 1] [--data .tmp/mitdb-beats.parquet]
 * --folds defaults to libs/training DS1_FOLDS (every DS1 record held out once; bench/rhythm-folds.ts
 * trains them);
 * (the folds' checkpoints must exist: run bench/rhythm-training.ts --validation-only first, with
 * the same --features and seeds, and --validation-records for every fold but the default).
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { predictEnsemble } from '@holterflow/model';
import {
  DS1_FOLDS,
  INTER_VALIDATION_RECORDS,
  RHYTHM_RECIPES,
  rhythmFeatureSet,
  confusionMatrix,
  readBeatDataset,
  rhythmRunName,
  rhythmSplit,
  scaledArgmax,
  searchClassScale,
  trainRhythmModel,
  validationScore,
} from '../libs/training/src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.tmp/mitdb-beats.parquet' },
    features: { type: 'string', default: 'rhythm-2' },
    seeds: { type: 'string', default: '1,2,3' },
    folds: { type: 'string' },
    checkpoints: { type: 'string', default: '.tmp/rhythm-folds' },
    'class-weight-power': { type: 'string' },
  },
});
const features = rhythmFeatureSet(values.features!);
const foldNames =
  values.folds?.split(',') ??
  DS1_FOLDS.map((f) => (f === INTER_VALIDATION_RECORDS ? 'default' : f.join('.')));
const seeds = values.seeds!.split(',').map(Number);
const ds = await readBeatDataset(new Uint8Array(await readFile(values.data!)), basename(values.data!));
const recipe = {
  ...RHYTHM_RECIPES.focal,
  features,
  ...(values['class-weight-power'] ? { classWeightPower: Number(values['class-weight-power']) } : {}),
};

const pooledProbs: Float32Array[] = [];
const pooledLabels: Int32Array[] = [];
const folds: { name: string; probs: Float32Array; labels: Int32Array }[] = [];
for (const fold of foldNames) {
  const records = fold === 'default' ? undefined : fold.split('.');
  const split = rhythmSplit(ds, 'inter', recipe, records);
  const members = [];
  for (const seed of seeds) {
    // bench/rhythm-training.ts's checkpoint: the run resumes at its end.
    const name = rhythmRunName('inter', 'focal', recipe, seed, records);
    let trainedEpochs = 0;
    const result = await trainRhythmModel({
      recipe,
      seed,
      train: split.train,
      validation: split.validation,
      checkpointDir: join(values.checkpoints!, name),
      onEpoch: () => trainedEpochs++,
    });
    if (trainedEpochs > 0)
      console.log(`fold ${fold} seed ${seed}: ${trainedEpochs} epochs trained (no finished checkpoint)`);
    members.push(result.parameters);
  }
  const n = split.validation.labels.length;
  const probs = predictEnsemble(members, split.validation.rows, n);
  folds.push({
    name: fold === 'default' ? split.records.validation.join('.') : fold,
    probs,
    labels: split.validation.labels,
  });
  pooledProbs.push(probs);
  pooledLabels.push(split.validation.labels);
}
const concat = <T extends Float32Array | Int32Array>(parts: T[], make: new (n: number) => T): T => {
  const out = new make(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const probs = concat(pooledProbs, Float32Array);
const labels = concat(pooledLabels, Int32Array);
const pooled = searchClassScale(probs, labels);
console.log(`features ${values.features}, seeds ${seeds.join(',')} (one ensemble per fold)`);
console.log(
  `pooled over ${folds.length} folds: score unscaled ${pooled.unscaled.toFixed(3)}, at scale ${pooled.classScale.join(',')} ${pooled.score.toFixed(3)}`,
);
for (const f of folds) {
  const score = (scale: number[]) =>
    validationScore(confusionMatrix(f.labels, scaledArgmax(f.probs, f.labels.length, scale)));
  // Leave this fold out of the search: the scale the other folds choose, scored on this one.
  const others = folds.filter((o) => o !== f);
  const cross = searchClassScale(
    concat(
      others.map((o) => o.probs),
      Float32Array,
    ),
    concat(
      others.map((o) => o.labels),
      Int32Array,
    ),
  );
  console.log(
    `fold ${f.name}: unscaled ${score([1, 1, 1, 1, 1]).toFixed(3)}, pooled scale ${score(pooled.classScale).toFixed(3)}, scale of the other folds (${cross.classScale.join(',')}) ${score(cross.classScale).toFixed(3)}`,
  );
}
console.log(
  JSON.stringify({
    features: values.features,
    seeds,
    folds: folds.map((f) => f.name),
    classScale: pooled.classScale,
    unscaled: pooled.unscaled,
    score: pooled.score,
  }),
);
