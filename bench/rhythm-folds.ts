/**
 * Feature and recipe choices scored on patient-wise folds of DS1 (never DS2): for each fold,
 * bench/rhythm-training.ts --validation-only trains the seeds on DS1 minus the fold's records
 * (resuming its checkpoints) and ensembles them; the folds' validation confusions are summed and
 * scored once. Four folds hold out every DS1 record exactly once (22 patients), where one fold's
 * five records swing a choice (bench/rhythm-calibration-cv.ts measured it for calibration).
 *   node --import tsx bench/rhythm-folds.ts --features rhythm-1-relative [--seeds 1,2,3] \
 *     [--data .tmp/mitdb-beats.parquet] [--checkpoints .tmp/rhythm-folds] [--results f.json] \
 *     [-- <more rhythm-training args>]
 * Prints per fold and pooled: VEB and SVEB Se / +P, N Se and the validation score.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DS1_FOLDS, ec57Statistics, validationScore } from '../libs/training/src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    features: { type: 'string', default: 'rhythm-1' },
    seeds: { type: 'string', default: '1,2,3' },
    data: { type: 'string', default: '.tmp/mitdb-beats.parquet' },
    checkpoints: { type: 'string', default: '.tmp/rhythm-folds' },
    recipe: { type: 'string', default: 'focal' },
    results: { type: 'string' },
  },
});
const seeds = values.seeds!.split(',');
const tag = [values.features, values.recipe, ...positionals].join(' ').replace(/[^\w.-]+/g, '_');
await mkdir(values.checkpoints!, { recursive: true });
const pooled = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
const folds: { records: readonly string[]; confusion: number[][]; score: number }[] = [];
const row = (name: string, confusion: number[][]) => {
  const { veb, sveb } = ec57Statistics(confusion);
  const n = confusion[0].reduce((a, b) => a + b, 0);
  const f = (v: number) => v.toFixed(1).padStart(6);
  console.log(
    `${name.padEnd(28)} VEB ${f(veb.se)} ${f(veb.ppv)}  SVEB ${f(sveb.se)} ${f(sveb.ppv)}  N Se ${f((100 * confusion[0][0]) / n)}  score ${validationScore(confusion).toFixed(3)}`,
  );
};
for (const fold of DS1_FOLDS) {
  // The first fold is the protocol's own: named as rhythm-training names it, so runs are shared.
  const own = fold === DS1_FOLDS[0];
  const name = own ? 'default' : fold.join('.');
  const results = join(values.checkpoints!, `${tag}-${name}.json`);
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/rhythm-training.ts',
      '--data',
      values.data!,
      '--protocol',
      'inter',
      '--recipes',
      values.recipe!,
      '--features',
      values.features!,
      '--seeds',
      seeds.join(','),
      '--ensemble',
      String(seeds.length),
      '--validation-only',
      '--checkpoints',
      values.checkpoints!,
      '--results',
      results,
      ...(own ? [] : ['--validation-records', fold.join(',')]),
      ...positionals,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const { ensembles } = JSON.parse(await readFile(results, 'utf8')) as {
    ensembles: { validationConfusion: number[][] }[];
  };
  const confusion = ensembles[0].validationConfusion;
  confusion.forEach((r, i) => r.forEach((v, j) => (pooled[i][j] += v)));
  row(name, confusion);
  folds.push({ records: fold, confusion, score: validationScore(confusion) });
}
row(`pooled (${tag})`, pooled);
if (values.results) {
  const { veb, sveb } = ec57Statistics(pooled);
  const summary = {
    features: values.features,
    recipe: values.recipe,
    extra: positionals,
    seeds,
    data: values.data,
    folds,
    pooled: { confusion: pooled, score: validationScore(pooled), veb, sveb },
  };
  await writeFile(values.results, JSON.stringify(summary, null, 2) + '\n');
}
