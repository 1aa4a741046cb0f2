/**
 * The rhythm model's training recipes compared by measurement, and the shipped versions made.
 *   node --import tsx bench/rhythm-training.ts --data .tmp/mitdb-beats.parquet --protocol inter \
 *     [--recipes class-weights,focal,smote] [--seeds 1,2,3] [--checkpoints .tmp/rhythm] \
 *     [--morphology none|difference|cut+difference] [--hidden 32] [--dropout 0.3] [--weight-decay 1e-3]
 *     [--results f.json] [--save models --version v]
 * Each (recipe, seed) run trains on DS1 minus the validation records, early-stops on those
 * records, then is scored once on DS2 (inter). A run's checkpoint (--checkpoints/<recipe>-s<seed>)
 * makes an ended process continue where it stopped. The summary prints DS2 mean ± sd per recipe
 * and which recipe the *validation* score selects (DS2 never selects).
 * --save writes the selected recipe's best-validation seed as a model version folder.
 * --protocol all trains on all 48 records (validation records held out, no test part).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { directoryStore } from '../libs/model/src/index.js';
import {
  PUBLISHED_INTER_PATIENT,
  readBeatDataset,
  RHYTHM_RECIPES,
  ec57Statistics,
  inputSpecOf,
  rhythmSplit,
  saveRhythmVersion,
  scoreOn,
  trainRhythmModel,
  type ImbalanceMethod,
  type RhythmProtocol,
  type RhythmRecipe,
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
  },
});
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

interface RunResult {
  recipe: ImbalanceMethod;
  seed: number;
  bestEpoch: number;
  epochs: number;
  validationScore: number;
  seconds: number;
  test?: {
    accuracy: number;
    macroF1: number;
    vebSe: number;
    vebPpv: number;
    vebFpr: number;
    svebSe: number;
    svebPpv: number;
    svebFpr: number;
    confusion: number[][];
  };
}
const runs: RunResult[] = [];
const models = new Map<string, Awaited<ReturnType<typeof trainRhythmModel>>>();
const f1 = (x: number) => x.toFixed(1);
const morphology = values.morphology as RhythmRecipe['input']['morphology'] | undefined;
if (morphology && !['none', 'difference', 'cut+difference'].includes(morphology))
  throw new Error(`--morphology none|difference|cut+difference, got ${morphology}`);
/** The recipe as named, with the command line's architecture overrides. */
const recipeOf = (name: ImbalanceMethod): RhythmRecipe => {
  const base = RHYTHM_RECIPES[name];
  return {
    ...base,
    ...(values.hidden ? { hidden: values.hidden.split(',').map(Number) } : {}),
    ...(values.dropout ? { dropout: Number(values.dropout) } : {}),
    ...(values['weight-decay'] ? { weightDecay: Number(values['weight-decay']) } : {}),
    input: morphology ? { ...base.input, morphology } : base.input,
  };
};
/** A checkpoint folder name that tells every variant apart (the checkpoint also checks identity). */
const runName = (name: ImbalanceMethod, r: RhythmRecipe, seed: number) =>
  `${protocol}-${name}-${r.input.morphology}-h${r.hidden.join('x')}-d${r.dropout}-w${r.weightDecay}-s${seed}`;
for (const recipeName of recipes) {
  const recipe = recipeOf(recipeName);
  const split = rhythmSplit(ds, protocol, inputSpecOf(recipe));
  for (const seed of seeds) {
    const result = await trainRhythmModel({
      recipe,
      seed,
      train: split.train,
      validation: split.validation,
      checkpointDir: join(values.checkpoints!, runName(recipeName, recipe, seed)),
      onEpoch: (e) =>
        console.log(
          `${recipeName} seed ${seed} epoch ${e.epoch} loss ${e.loss.toFixed(4)} validation ${e.validationScore.toFixed(3)} (best ${e.bestEpoch}) ${e.seconds.toFixed(1)} s`,
        ),
    });
    models.set(`${recipeName}/${seed}`, result);
    const run: RunResult = {
      recipe: recipeName,
      seed,
      bestEpoch: result.bestEpoch,
      epochs: result.history.length,
      validationScore: result.bestScore,
      seconds: result.seconds,
    };
    if (split.test) {
      const { metrics } = scoreOn(result.parameters, split.test);
      const { veb, sveb } = ec57Statistics(metrics.confusion);
      run.test = {
        accuracy: 100 * metrics.accuracy,
        macroF1: metrics.macroF1,
        vebSe: veb.se,
        vebPpv: veb.ppv,
        vebFpr: veb.fpr,
        svebSe: sveb.se,
        svebPpv: sveb.ppv,
        svebFpr: sveb.fpr,
        confusion: metrics.confusion,
      };
      console.log(
        `${recipeName} seed ${seed}: DS2 VEB Se ${f1(veb.se)} +P ${f1(veb.ppv)} | SVEB Se ${f1(sveb.se)} +P ${f1(sveb.ppv)} | acc ${f1(100 * metrics.accuracy)}`,
      );
    }
    runs.push(run);
  }
}

const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean: m, sd };
};
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
const pm = (s?: { mean: number; sd: number }) => (s ? `${f1(s.mean)} ± ${f1(s.sd)}` : '–');
console.log(
  `\nprotocol ${protocol}, seeds ${seeds.join(',')} (validation: ${rhythmSplit(ds, protocol, inputSpecOf(recipeOf(recipes[0]))).records.validation.join(' ')})`,
);
console.log(
  'recipe          validation      VEB Se         VEB +P         SVEB Se        SVEB +P        train s',
);
for (const s of summary)
  console.log(
    `${s.recipe.padEnd(15)} ${s.validation.mean.toFixed(3)} ± ${s.validation.sd.toFixed(3)}  ${pm(s.vebSe).padEnd(14)} ${pm(s.vebPpv).padEnd(14)} ${pm(s.svebSe).padEnd(14)} ${pm(s.svebPpv).padEnd(14)} ${s.seconds.mean.toFixed(0)}`,
  );
if (protocol === 'inter')
  for (const p of PUBLISHED_INTER_PATIENT)
    console.log(`${p.method.padEnd(30)} VEB ${p.vebSe}/${p.vebPpv}  SVEB ${p.svebSe}/${p.svebPpv}`);
const selected = summary.reduce((a, b) => (b.validation.mean > a.validation.mean ? b : a));
const bestRun = runs
  .filter((r) => r.recipe === selected.recipe)
  .reduce((a, b) => (b.validationScore > a.validationScore ? b : a));
console.log(`selected by validation: ${selected.recipe}, seed ${bestRun.seed}`);
if (values.results) {
  await writeFile(
    values.results,
    JSON.stringify(
      {
        protocol,
        dataset: { file: basename(values.data!), sha256: datasetSha },
        seeds,
        runs,
        summary,
        selected: { recipe: selected.recipe, seed: bestRun.seed },
      },
      null,
      2,
    ) + '\n',
  );
}
if (values.save) {
  const version = values.version ?? `rhythm-mlp-${protocol}-v1`;
  const model = models.get(`${selected.recipe}/${bestRun.seed}`)!;
  const store = directoryStore(values.save);
  const recipe = recipeOf(selected.recipe);
  const split = rhythmSplit(ds, protocol, inputSpecOf(recipe));
  await saveRhythmVersion(
    store,
    version,
    model.parameters,
    recipe,
    { seed: bestRun.seed, protocol, validationRecords: split.records.validation },
    ds.segmentation,
  );
  const twin = values.twin ? JSON.parse(await readFile(values.twin, 'utf8')) : undefined;
  const metrics = {
    version,
    protocol,
    architecture: 'holterflow_rhythm_mlp',
    complete: true,
    recipe: { name: selected.recipe, ...recipe },
    seed: bestRun.seed,
    records: split.records,
    dataset: { file: basename(values.data!), sha256: datasetSha },
    bestEpoch: model.bestEpoch,
    epochs: model.history.length,
    validationScore: model.bestScore,
    trainingSeconds: model.seconds,
    history: model.history,
    // test.accuracy as a fraction, as every metrics.json has it (the registry lists it); the run
    // results above give percent. A version trained on all records has no test part: its
    // figures are its DS1-only twin's on DS2, and the note says so.
    test: bestRun.test ? { ...bestRun.test, accuracy: bestRun.test.accuracy / 100 } : twin?.test,
    ...(bestRun.test || !twin
      ? {}
      : {
          note: `test figures are its DS1-only twin ${twin.version}'s on DS2 (this version, trained on all 48 records, has no test part)`,
        }),
    recipeComparison: summary,
    ...(twin
      ? {
          twin: {
            version: twin.version,
            protocol: twin.protocol,
            test: twin.test,
            recipeComparison: twin.recipeComparison,
          },
        }
      : {}),
  };
  await mkdir(join(values.save, version), { recursive: true });
  await writeFile(join(values.save, version, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(`saved ${join(values.save, version)}`);
}
