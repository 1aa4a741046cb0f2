/**
 * The rhythm model's training recipes compared by measurement, and the shipped versions made.
 *   node --import tsx bench/rhythm-training.ts --data .tmp/mitdb-beats.parquet --protocol inter \
 *     [--recipes class-weights,focal,smote] [--seeds 1,2,3] [--checkpoints .tmp/rhythm] \
 *     [--morphology none|difference|cut+difference] [--hidden 32] [--dropout 0.3] [--weight-decay 1e-3]
 *     [--class-weight-power 1] [--class-weight Q=1,F=3] [--scalar-members [--scalar-class-weight-power 1] [--scalar-hidden 16|none] [--scalar-weight 0.5]]
 *     [--features rhythm-1|rhythm-1-af|…] [--ensemble 3] [--validation-only] [--validation-records a,b,…]
 *     [--results f.json] [--save models --version v [--twin models/<twin>/metrics.json]]
 * Each (recipe, seed) run trains on DS1 minus the validation records, early-stops on those
 * records, then is scored once on DS2 (inter). A run's checkpoint (--checkpoints/<recipe>-s<seed>)
 * makes an ended process continue where it stopped. The summary prints DS2 mean ± sd per recipe
 * and which recipe the *validation* score selects (DS2 never selects).
 * --features: a named set of scalar rhythm features (libs/training RHYTHM_FEATURE_SETS): rhythm-1
 * (13, v1–v3's), rhythm-2 (20: + absolute RR, the P wave and the QRS against the patient's
 * templates), rhythm-3 (24: + the AF context), rhythm-1-af (v4's), rhythm-1-relative.
 * --ensemble k groups the seeds in order into ensembles of k (seeds 1..9, k 3: three ensembles);
 * each averages its members' probabilities; the summary gives them mean ± sd over the groups
 * beside the single seeds. A class-prior calibration is chosen on the validation records and
 * reported there (with its leave-one-record-out score); --calibrate ships it and scores it on DS2
 * (measured: a scale chosen on one fold of DS1 patients did not hold on another,
 * bench/rhythm-calibration-cv.ts, so the shipped ensemble has none).
 * --scalar-members trains a scalars-only network per seed beside each (own class weight power and
 * hidden layers with --scalar-class-weight-power, --scalar-hidden); the ensemble leaves N against S
 * to both groups, the scalars-only one weighted --scalar-weight (0.5: equally; libs/model ensemble.ts).
 * --local-prior k (a measurement, not in any model): the ensemble's S probabilities re-weighted per
 * beat by the S share of the ±k beats around it against the training set's (one EM step of a
 * prior adaptation, Saerens et al. 2002), to see whether a patient's own class mix helps.
 * --validation-only scores nothing on DS2 (for designing and selecting: DS2 is not looked at).
 * --validation-records holds out other DS1 records instead (a second patient-wise fold).
 * --epochs-of <twin metrics.json> trains each seed for the best epoch of the twin's member of that
 * seed and keeps the last weights (the all-records refit; no early stopping on its few records).
 * --save writes the selected recipe's best-validation seed as a model version folder, or with
 * --ensemble its best-validation ensemble (calibrated with --calibrate).
 * --protocol all trains on all 48 records (validation records held out, no test part).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AAMI_CLASSES, type AamiClass } from '../libs/contracts/src/index.js';
import {
  directoryStore,
  predictEnsemble,
  readingInputOf,
  type InputLayout,
  type MlpParameters,
} from '../libs/model/src/index.js';
import {
  PUBLISHED_INTER_PATIENT,
  patientOf,
  readBeatDataset,
  RHYTHM_RECIPES,
  rhythmFeatureSet,
  chooseClassScale,
  crossValidatedCalibrationScore,
  meanSd,
  testFiguresOf,
  ensembleConfusion,
  confusionMatrix,
  scaledArgmax,
  validationScore,
  rhythmRunName,
  rhythmSplit,
  inputSpecOf,
  saveRhythmVersion,
  scoreOn,
  trainRhythmModel,
  type ImbalanceMethod,
  type RhythmProtocol,
  type RhythmRecipe,
  type RhythmSplit,
  type TestFigures,
  type EnsembleMix,
} from '../libs/training/src/index.js';
import { createHash } from 'node:crypto';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.tmp/mitdb-beats.parquet' },
    protocol: { type: 'string', default: 'inter' },
    recipes: { type: 'string', default: 'class-weights,focal,smote' },
    seeds: { type: 'string', default: '1,2,3' },
    checkpoints: { type: 'string', default: '.tmp/rhythm-checkpoints' },
    results: { type: 'string' },
    save: { type: 'string' },
    version: { type: 'string' },
    twin: { type: 'string' },
    morphology: { type: 'string' },
    hidden: { type: 'string' },
    dropout: { type: 'string' },
    'weight-decay': { type: 'string' },
    'class-weight-power': { type: 'string' },
    'class-weight': { type: 'string' },
    'scalar-hidden': { type: 'string' },
    'scalar-weight': { type: 'string' },
    'scalar-features': { type: 'string' },
    'local-prior': { type: 'string' },
    features: { type: 'string' },
    ensemble: { type: 'string' },
    'validation-records': { type: 'string' },
    'epochs-of': { type: 'string' },
    'validation-only': { type: 'boolean', default: false },
    /** Each seed also trains a network on the scalar features alone; the ensemble holds both. */
    'scalar-members': { type: 'boolean', default: false },
    /** The scalars-only networks' class weight power (default: the recipe's). */
    'scalar-class-weight-power': { type: 'string' },
    calibrate: { type: 'boolean', default: false },
  },
});
if (values.features) rhythmFeatureSet(values.features);
const ensembleSize = values.ensemble ? Number(values.ensemble) : 0;
const validationOnly = values['validation-only']!;
const calibrate = values.calibrate!;
const scalarMembers = values['scalar-members']!;
const protocol = values.protocol as RhythmProtocol;
if (protocol !== 'inter' && protocol !== 'all')
  throw new Error(`--protocol inter|all, got ${values.protocol}`);
const recipes = values.recipes!.split(',') as ImbalanceMethod[];
for (const r of recipes)
  if (!RHYTHM_RECIPES[r]) throw new Error(`unknown recipe ${r}: ${Object.keys(RHYTHM_RECIPES).join(', ')}`);
const seeds = values.seeds!.split(',').map(Number);
const bytes = new Uint8Array(await readFile(values.data!));
const datasetSha = createHash('sha256').update(bytes).digest('hex');
const ds = await readBeatDataset(bytes, basename(values.data!));
// Noisy training copies in the dataset (`<record>~nst<snr>`, `dataset build --noise-copies`):
// named in the results and the model's config, since they are part of the recipe.
const noisyCopies = [
  ...new Set(ds.recordIds.filter((r) => patientOf(r) !== r).map((r) => r.slice(patientOf(r).length + 1))),
].sort();
const datasetInfo = {
  file: basename(values.data!),
  sha256: datasetSha,
  ...(noisyCopies.length ? { noisyCopies } : {}),
};

interface RunResult {
  recipe: ImbalanceMethod;
  seed: number;
  bestEpoch: number;
  epochs: number;
  validationScore: number;
  /** Of the selected epoch on the validation records: folds are pooled from it (bench/rhythm-folds.ts). */
  validationConfusion: number[][];
  seconds: number;
  /** Accuracy in percent here (the results files have it so); metrics.json takes a fraction. */
  test?: TestFigures;
}
const runs: RunResult[] = [];
/** The scalars-only members' runs (--scalar-members), apart: the recipe summary is the main runs'. */
const scalarRuns: RunResult[] = [];
const models = new Map<string, Awaited<ReturnType<typeof trainRhythmModel>>>();
const f1 = (x: number) => x.toFixed(1);
const morphology = values.morphology as RhythmRecipe['input']['morphology'] | undefined;
if (morphology && !['none', 'difference', 'cut+difference'].includes(morphology))
  throw new Error(`--morphology none|difference|cut+difference, got ${morphology}`);
/** `Q=1,F=3` → { Q: 1, F: 3 }: class weights set outright. */
function classWeightsArgument(text: string): Partial<Record<AamiClass, number>> {
  const out: Partial<Record<AamiClass, number>> = {};
  for (const part of text.split(',')) {
    const [c, w] = part.split('=');
    if (!(AAMI_CLASSES as readonly string[]).includes(c) || !(Number(w) >= 0))
      throw new Error(`--class-weight takes class=weight pairs of ${AAMI_CLASSES.join('|')}, got ${part}`);
    out[c as AamiClass] = Number(w);
  }
  return out;
}
/** `64,32` → [64, 32]; `` → [] (no hidden layer). */
function hiddenArgument(text: string): number[] {
  const widths = text === '' || text === 'none' ? [] : text.split(',').map(Number);
  if (!widths.every((w) => Number.isInteger(w) && w > 0))
    throw new Error(`hidden layer widths are positive integers separated by commas (or none), got ${text}`);
  return widths;
}
/** The recipe as named, with the command line's architecture overrides. */
const recipeOf = (name: ImbalanceMethod): RhythmRecipe => {
  const base = RHYTHM_RECIPES[name];
  return {
    ...base,
    ...(values.hidden !== undefined ? { hidden: hiddenArgument(values.hidden) } : {}),
    ...(values.dropout ? { dropout: Number(values.dropout) } : {}),
    ...(values['weight-decay'] ? { weightDecay: Number(values['weight-decay']) } : {}),
    ...(values['class-weight-power'] ? { classWeightPower: Number(values['class-weight-power']) } : {}),
    ...(values['class-weight'] ? { classWeights: classWeightsArgument(values['class-weight']) } : {}),
    ...(values.features ? { features: rhythmFeatureSet(values.features) } : {}),
    input: morphology ? { ...base.input, morphology } : base.input,
  };
};
const validationRecords = values['validation-records']?.split(',');
const runName = (name: ImbalanceMethod, r: RhythmRecipe, seed: number) =>
  rhythmRunName(protocol, name, r, seed, validationRecords);
const splits = new Map<ImbalanceMethod, ReturnType<typeof rhythmSplit>>();
const twinMembers: { seed: number; bestEpoch: number; morphology?: string }[] | undefined = values[
  'epochs-of'
]
  ? JSON.parse(await readFile(values['epochs-of'], 'utf8')).members
  : undefined;
/** The recipe of one seed's run: with --epochs-of, that seed's fixed epoch count. */
const seedRecipe = (recipe: RhythmRecipe, seed: number): RhythmRecipe => {
  if (!twinMembers) return recipe;
  const morphology = recipe.input.morphology;
  // Members listed before scalar members existed name no morphology: they read the recipe's.
  const member = twinMembers.find(
    (m) => m.seed === seed && (m.morphology ?? RHYTHM_RECIPES.focal.input.morphology) === morphology,
  );
  if (!member) throw new Error(`${values['epochs-of']} has no member of seed ${seed}`);
  return { ...recipe, fixedEpochs: member.bestEpoch };
};
/**
 * The recipe with morphology 'none' (the scalar features alone), with its own class weight power
 * and hidden layers if given (`--scalar-hidden none`: no hidden layer, a linear softmax).
 */
const scalarsOnly = (r: RhythmRecipe): RhythmRecipe => ({
  ...r,
  ...(values['scalar-class-weight-power']
    ? { classWeightPower: Number(values['scalar-class-weight-power']) }
    : {}),
  ...(values['scalar-hidden'] !== undefined ? { hidden: hiddenArgument(values['scalar-hidden']) } : {}),
  ...(values['scalar-features'] ? { features: rhythmFeatureSet(values['scalar-features']) } : {}),
  input: { ...r.input, morphology: 'none' },
});
/**
 * The recipe as the ensemble reads it: with scalars-only members of other features
 * (--scalar-features), the union of both feature lists (each member reads its own, zero weights
 * on the others: libs/model readingInputOf).
 */
const ensembleRecipe = (r: RhythmRecipe): RhythmRecipe => {
  if (!scalarMembers) return r;
  const extra = scalarsOnly(r).features.filter((f) => !r.features.includes(f));
  return extra.length ? { ...r, features: [...r.features, ...extra] } : r;
};
const layoutOf = (r: RhythmRecipe): InputLayout => ({ spec: inputSpecOf(r), features: r.features });
/** Trains (or resumes) one seed of one recipe on its split; logs and returns its run. */
async function trainRun(
  recipeName: ImbalanceMethod,
  recipe: RhythmRecipe,
  split: RhythmSplit,
  seed: number,
  label: string,
): Promise<{ result: Awaited<ReturnType<typeof trainRhythmModel>>; run: RunResult }> {
  const result = await trainRhythmModel({
    recipe: seedRecipe(recipe, seed),
    seed,
    train: split.train,
    validation: split.validation,
    checkpointDir: join(
      values.checkpoints!,
      runName(recipeName, recipe, seed) + (twinMembers ? `-e${seedRecipe(recipe, seed).fixedEpochs}` : ''),
    ),
    onEpoch: (e) =>
      console.log(
        `${label} seed ${seed} epoch ${e.epoch} loss ${e.loss.toFixed(4)} validation ${e.validationScore.toFixed(3)} (best ${e.bestEpoch}) ${e.seconds.toFixed(1)} s`,
      ),
  });
  const run: RunResult = {
    recipe: recipeName,
    seed,
    bestEpoch: result.bestEpoch,
    epochs: result.history.length,
    validationScore: result.bestScore,
    validationConfusion: scoreOn(result.parameters, split.validation).metrics.confusion,
    seconds: result.seconds,
  };
  if (split.test && !validationOnly) {
    run.test = testFigures(scoreOn(result.parameters, split.test).metrics.confusion);
    console.log(`${label} seed ${seed}: DS2 ${line(run.test)}`);
  } else console.log(`${label} seed ${seed}: validation ${result.bestScore.toFixed(3)}`);
  return { result, run };
}
for (const recipeName of recipes) {
  const recipe = recipeOf(recipeName);
  const split = rhythmSplit(ds, protocol, recipe, validationRecords);
  const whole = ensembleRecipe(recipe);
  splits.set(recipeName, whole === recipe ? split : rhythmSplit(ds, protocol, whole, validationRecords));
  const scalarSplit = scalarMembers
    ? rhythmSplit(ds, protocol, scalarsOnly(recipe), validationRecords)
    : undefined;
  for (const seed of seeds) {
    const { result, run } = await trainRun(recipeName, recipe, split, seed, recipeName);
    models.set(
      `${recipeName}/${seed}`,
      whole === recipe
        ? result
        : { ...result, parameters: readingInputOf(result.parameters, layoutOf(recipe), layoutOf(whole)) },
    );
    runs.push(run);
    if (!scalarSplit) continue;
    const scalar = await trainRun(
      recipeName,
      scalarsOnly(recipe),
      scalarSplit,
      seed,
      `${recipeName} scalars`,
    );
    models.set(`${recipeName}/${seed}/scalars`, {
      ...scalar.result,
      parameters: readingInputOf(scalar.result.parameters, layoutOf(scalarsOnly(recipe)), layoutOf(whole)),
    });
    scalarRuns.push(scalar.run);
  }
}

/** An ensemble's members: per seed, the recipe's network and (--scalar-members) its scalars-only one. */
const membersOf = (recipeName: ImbalanceMethod, group: number[]) => [
  ...group.map((seed) => models.get(`${recipeName}/${seed}`)!),
  // Last, as predictEnsemble's scalarMembers counts them.
  ...(scalarMembers ? group.map((seed) => models.get(`${recipeName}/${seed}/scalars`)!) : []),
];
/** How many of an ensemble of `group` are scalars-only. */
const scalarCount = (group: number[]) => (scalarMembers ? group.length : 0);
const scalarWeight = values['scalar-weight'] !== undefined ? Number(values['scalar-weight']) : undefined;
/** How the ensemble of `group` combines its groups (model.json scalarMembers, scalarWeight). */
const mixOf = (group: number[]): EnsembleMix => ({
  scalarMembers: scalarCount(group),
  ...(scalarWeight !== undefined ? { scalarWeight } : {}),
});

/** An ensemble of consecutive seeds, its calibration (validation) and, unless validation-only, DS2. */
interface EnsembleResult {
  recipe: ImbalanceMethod;
  seeds: number[];
  validationScore: number;
  validationConfusion: number[][];
  classScale: number[];
  calibratedValidationScore: number;
  /** Scale chosen on the other validation records, scored on the left-out one, pooled. */
  crossValidatedCalibratedScore: number;
  test?: NonNullable<RunResult['test']>;
  calibratedTest?: NonNullable<RunResult['test']>;
}
const ensembles: EnsembleResult[] = [];
const localPrior = values['local-prior'] !== undefined ? Number(values['local-prior']) : undefined;
/**
 * p(S | beat) × (local S share / reference S share), renormalised, where the local share is the mean
 * S probability of the ±k beats of the same record around it (rows are in time order per record).
 */
function localPriorAdjusted(probs: Float32Array, recordIds: readonly string[], k: number, reference: number) {
  const out = Float32Array.from(probs);
  const n = recordIds.length;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n && recordIds[end] === recordIds[start]) end++;
    const prefix = new Float64Array(end - start + 1);
    for (let i = start; i < end; i++) prefix[i - start + 1] = prefix[i - start] + probs[i * 5 + 1];
    for (let i = start; i < end; i++) {
      const lo = Math.max(start, i - k) - start;
      const hi = Math.min(end, i + k + 1) - start;
      const factor = (prefix[hi] - prefix[lo]) / (hi - lo) / reference;
      let sum = 0;
      out[i * 5 + 1] *= factor;
      for (let c = 0; c < 5; c++) sum += out[i * 5 + c];
      for (let c = 0; c < 5; c++) out[i * 5 + c] /= sum;
    }
    start = end;
  }
  return out;
}
/** The ensemble's confusion on `set`, through the local prior when --local-prior is given. */
function mixedConfusion(
  members: MlpParameters[],
  set: RhythmSplit['validation'],
  mix: EnsembleMix,
  reference: number,
) {
  if (localPrior === undefined) return ensembleConfusion(members, set, undefined, mix);
  const n = set.labels.length;
  const probs = localPriorAdjusted(
    predictEnsemble(members, set.rows, n, mix),
    set.recordIds!,
    localPrior,
    reference,
  );
  return confusionMatrix(set.labels, scaledArgmax(probs, n, [1, 1, 1, 1, 1]));
}
/** The mean S probability of the ensemble on its training rows (the share it expects). */
function meanSOnTraining(members: MlpParameters[], split: RhythmSplit, mix: EnsembleMix): number {
  const n = split.train.labels.length;
  const probs = predictEnsemble(members, split.train.rows, n, mix);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += probs[i * 5 + 1];
  return sum / n;
}
if (ensembleSize > 0)
  for (const recipeName of recipes) {
    const split = splits.get(recipeName)!;
    for (let g = 0; g + ensembleSize <= seeds.length; g += ensembleSize) {
      const group = seeds.slice(g, g + ensembleSize);
      const members = membersOf(recipeName, group).map((m) => m.parameters);
      const scalars = mixOf(group);
      const calibration = chooseClassScale(members, split.validation, scalars);
      const reference = localPrior === undefined ? 1 : meanSOnTraining(members, split, scalars);
      const validationConfusion = mixedConfusion(members, split.validation, scalars, reference);
      const e: EnsembleResult = {
        recipe: recipeName,
        seeds: group,
        validationScore: validationScore(validationConfusion),
        validationConfusion,
        classScale: calibration.classScale,
        calibratedValidationScore: calibration.score,
        crossValidatedCalibratedScore: crossValidatedCalibrationScore(members, split.validation, scalars),
      };
      if (split.test && !validationOnly) {
        e.test = testFigures(mixedConfusion(members, split.test, scalars, reference));
        if (calibrate)
          e.calibratedTest = testFigures(
            ensembleConfusion(members, split.test, calibration.classScale, scalars),
          );
      }
      console.log(
        `${recipeName} ensemble ${group.join('+')}: validation ${e.validationScore.toFixed(3)}, calibrated ${e.calibratedValidationScore.toFixed(3)} (scale ${e.classScale.join(',')}; leave-one-record-out ${e.crossValidatedCalibratedScore.toFixed(3)})` +
          (e.test ? `\n  DS2 ${line(e.test)}` : '') +
          (e.calibratedTest ? `\n  DS2 calibrated ${line(e.calibratedTest)}` : ''),
      );
      ensembles.push(e);
    }
  }

function testFigures(confusion: number[][]): TestFigures {
  const figures = testFiguresOf(confusion);
  return { ...figures, accuracy: 100 * figures.accuracy };
}
function line(t: NonNullable<RunResult['test']>): string {
  return `VEB Se ${f1(t.vebSe)} +P ${f1(t.vebPpv)} | SVEB Se ${f1(t.svebSe)} +P ${f1(t.svebPpv)} | acc ${f1(t.accuracy)}`;
}

const summary = recipes.map((recipe) => {
  const rs = runs.filter((r) => r.recipe === recipe);
  const stat = (k: keyof NonNullable<RunResult['test']>) =>
    rs[0].test ? meanSd(rs.map((r) => r.test![k] as number)) : undefined;
  return {
    recipe,
    validation: meanSd(rs.map((r) => r.validationScore)),
    vebSe: stat('vebSe'),
    vebPpv: stat('vebPpv'),
    svebSe: stat('svebSe'),
    svebPpv: stat('svebPpv'),
    accuracy: stat('accuracy'),
    seconds: meanSd(rs.map((r) => r.seconds)),
  };
});
const ensembleSummary = recipes
  .map((recipe) => {
    const es = ensembles.filter((e) => e.recipe === recipe);
    if (es.length === 0) return undefined;
    const stat = (k: 'test' | 'calibratedTest', f: 'vebSe' | 'vebPpv' | 'svebSe' | 'svebPpv' | 'accuracy') =>
      es[0][k] ? meanSd(es.map((e) => e[k]![f])) : undefined;
    return {
      recipe,
      groups: es.length,
      validation: meanSd(es.map((e) => e.validationScore)),
      calibratedValidation: meanSd(es.map((e) => e.calibratedValidationScore)),
      crossValidatedCalibration: meanSd(es.map((e) => e.crossValidatedCalibratedScore)),
      ...Object.fromEntries(
        (['vebSe', 'vebPpv', 'svebSe', 'svebPpv', 'accuracy'] as const).flatMap((f) => [
          [f, stat('test', f)],
          [`calibrated${f[0].toUpperCase()}${f.slice(1)}`, stat('calibratedTest', f)],
        ]),
      ),
    };
  })
  .filter((e) => e !== undefined);
const pm = (s?: { mean: number; sd: number }) => (s ? `${f1(s.mean)} ± ${f1(s.sd)}` : '–');
const heldOut = splits.get(recipes[0])!.records.validation;
console.log(`\nprotocol ${protocol}, seeds ${seeds.join(',')} (validation: ${heldOut.join(' ')})`);
console.log(
  'recipe          validation      VEB Se         VEB +P         SVEB Se        SVEB +P        train s',
);
for (const s of summary)
  console.log(
    `${s.recipe.padEnd(15)} ${s.validation.mean.toFixed(3)} ± ${s.validation.sd.toFixed(3)}  ${pm(s.vebSe).padEnd(14)} ${pm(s.vebPpv).padEnd(14)} ${pm(s.svebSe).padEnd(14)} ${pm(s.svebPpv).padEnd(14)} ${s.seconds.mean.toFixed(0)}`,
  );
for (const e of ensembleSummary) {
  const g = e as unknown as Record<string, { mean: number; sd: number } | undefined>;
  console.log(
    `${`${e.recipe} ×${ensembleSize}`.padEnd(15)} ${e.validation.mean.toFixed(3)} ± ${e.validation.sd.toFixed(3)}  ${pm(g.vebSe).padEnd(14)} ${pm(g.vebPpv).padEnd(14)} ${pm(g.svebSe).padEnd(14)} ${pm(g.svebPpv).padEnd(14)} (${e.groups} ensembles)`,
  );
  console.log(
    `${`  calibrated`.padEnd(15)} ${e.calibratedValidation.mean.toFixed(3)} ± ${e.calibratedValidation.sd.toFixed(3)}  ${pm(g.calibratedVebSe).padEnd(14)} ${pm(g.calibratedVebPpv).padEnd(14)} ${pm(g.calibratedSvebSe).padEnd(14)} ${pm(g.calibratedSvebPpv).padEnd(14)} (leave-one-record-out ${e.crossValidatedCalibration.mean.toFixed(3)} ± ${e.crossValidatedCalibration.sd.toFixed(3)})`,
  );
}
if (protocol === 'inter')
  for (const p of PUBLISHED_INTER_PATIENT)
    console.log(`${p.method.padEnd(30)} VEB ${p.vebSe}/${p.vebPpv}  SVEB ${p.svebSe}/${p.svebPpv}`);
const selected = summary.reduce((a, b) => (b.validation.mean > a.validation.mean ? b : a));
const bestRun = runs
  .filter((r) => r.recipe === selected.recipe)
  .reduce((a, b) => (b.validationScore > a.validationScore ? b : a));
/** The validation score of what would be shipped: the ensemble as it is, or calibrated. */
const shippedScore = (e: EnsembleResult) => (calibrate ? e.calibratedValidationScore : e.validationScore);
const bestEnsemble = ensembles.length
  ? ensembles
      .filter((e) => e.recipe === selected.recipe)
      .reduce((a, b) => (shippedScore(b) > shippedScore(a) ? b : a))
  : undefined;
console.log(
  `selected by validation: ${selected.recipe}, seed ${bestRun.seed}` +
    (bestEnsemble
      ? `; ensemble ${bestEnsemble.seeds.join('+')} (scale ${bestEnsemble.classScale.join(',')})`
      : ''),
);
const features = recipeOf(recipes[0]).features;
if (values.results) {
  await writeFile(
    values.results,
    JSON.stringify(
      {
        protocol,
        dataset: datasetInfo,
        features,
        seeds,
        validationOnly,
        runs,
        ...(scalarMembers ? { scalarRuns } : {}),
        summary,
        ...(ensembles.length ? { ensembleSize, ensembles, ensembleSummary } : {}),
        selected: {
          recipe: selected.recipe,
          seed: bestRun.seed,
          ...(bestEnsemble
            ? { ensemble: bestEnsemble.seeds, ...(calibrate ? { classScale: bestEnsemble.classScale } : {}) }
            : {}),
        },
      },
      null,
      2,
    ) + '\n',
  );
}
if (values.save) {
  const version = values.version ?? `rhythm-mlp-${protocol}-v1`;
  const store = directoryStore(values.save);
  const recipe = recipeOf(selected.recipe);
  const split = splits.get(selected.recipe)!;
  // model.json states one list of layer widths for every member.
  if (scalarMembers && scalarsOnly(recipe).hidden.join() !== recipe.hidden.join())
    throw new Error(
      '--save: the scalars-only members need the same hidden layers as the others (--scalar-hidden)',
    );
  const memberSeeds = bestEnsemble ? bestEnsemble.seeds : [bestRun.seed];
  const trained = membersOf(selected.recipe, memberSeeds);
  /** Each member's seed and morphology, in the model file's order. */
  const memberKinds = [
    ...memberSeeds.map((seed) => ({ seed, morphology: recipe.input.morphology })),
    ...(scalarMembers ? memberSeeds.map((seed) => ({ seed, morphology: 'none' as const })) : []),
  ];
  await saveRhythmVersion(
    store,
    version,
    trained.map((m) => m.parameters),
    ensembleRecipe(recipe),
    {
      seed: memberSeeds[0],
      ...(bestEnsemble ? { seeds: memberSeeds } : {}),
      ...(twinMembers
        ? { fixedEpochs: Object.fromEntries(memberSeeds.map((s) => [s, seedRecipe(recipe, s).fixedEpochs])) }
        : {}),
      // The last this many members read the scalar features alone (model.json says so too).
      ...(scalarMembers ? { scalarMembers: scalarCount(memberSeeds) } : {}),
      ...(bestEnsemble && calibrate ? { classScale: bestEnsemble.classScale } : {}),
      protocol,
      validationRecords: split.records.validation,
    },
    ds.segmentation,
    calibrate ? bestEnsemble?.classScale : undefined,
    mixOf(memberSeeds),
  );
  const twin = values.twin ? JSON.parse(await readFile(values.twin, 'utf8')) : undefined;
  const test = bestEnsemble ? (calibrate ? bestEnsemble.calibratedTest : bestEnsemble.test) : bestRun.test;
  const metrics = {
    version,
    protocol,
    architecture: 'holterflow_rhythm_mlp',
    complete: true,
    recipe: {
      name: selected.recipe,
      ...recipe,
      ...(scalarMembers
        ? {
            scalarMembers: {
              classWeightPower: scalarsOnly(recipe).classWeightPower,
              hidden: scalarsOnly(recipe).hidden,
              features: scalarsOnly(recipe).features,
              weight: scalarWeight ?? 0.5,
            },
          }
        : {}),
    },
    ...(twinMembers
      ? {
          fixedEpochs: {
            from: values['epochs-of'],
            note: "each member trained for its twin member's best epoch, last weights kept (no early stopping)",
            perSeed: Object.fromEntries(memberSeeds.map((s) => [s, seedRecipe(recipe, s).fixedEpochs])),
          },
        }
      : {}),
    seed: memberSeeds[0],
    ...(bestEnsemble
      ? {
          ensemble: {
            seeds: memberSeeds,
            ...(calibrate ? { classScale: bestEnsemble.classScale } : {}),
            validationScore: bestEnsemble.validationScore,
            calibratedValidationScore: bestEnsemble.calibratedValidationScore,
            calibrated: calibrate,
          },
        }
      : {}),
    records: split.records,
    dataset: datasetInfo,
    bestEpoch: trained[0].bestEpoch,
    epochs: trained[0].history.length,
    validationScore: bestEnsemble ? shippedScore(bestEnsemble) : trained[0].bestScore,
    // Every member's training time: the version cost their sum.
    trainingSeconds: trained.reduce((a, m) => a + m.seconds, 0),
    members: trained.map((m, i) => ({
      ...memberKinds[i],
      bestEpoch: m.bestEpoch,
      epochs: m.history.length,
      validationScore: m.bestScore,
      trainingSeconds: m.seconds,
    })),
    history: trained[0].history,
    // test.accuracy as a fraction, as every metrics.json has it (the registry lists it); the run
    // results above give percent. A version trained on all records has no test part: its
    // figures are its DS1-only twin's on DS2, and the note says so.
    test: test ? { ...test, accuracy: test.accuracy / 100 } : twin?.test,
    ...(test || !twin
      ? {}
      : {
          note: `test figures are its DS1-only twin ${twin.version}'s on DS2 (this version, trained on all 48 records, has no test part)`,
        }),
    recipeComparison: summary,
    ...(ensembleSummary.length ? { ensembleComparison: ensembleSummary } : {}),
    ...(twin
      ? {
          twin: {
            version: twin.version,
            protocol: twin.protocol,
            test: twin.test,
            recipeComparison: twin.recipeComparison,
            ensembleComparison: twin.ensembleComparison,
          },
        }
      : {}),
  };
  await mkdir(join(values.save, version), { recursive: true });
  await writeFile(join(values.save, version, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(`saved ${join(values.save, version)}`);
}
