/**
 * A rhythm model version made from another by its ensemble's N-against-S weight alone (model.json
 * `scalarWeight`, libs/model ensemble.ts): the same networks, weights.bin copied bit for bit,
 * nothing retrained. Why a step of its own: the weight only combines trained networks, and
 * retraining the same recipe on a rebuilt dataset moves the figures more than the weight does
 * (libs/training README "The rhythm-only networks' say"), so the weight is measured on the very
 * networks that ship.
 *   node --import tsx bench/rhythm-reweight.ts --from rhythm-mlp-inter-v6 --version rhythm-mlp-inter-v7 \
 *     --scalar-weight 0.75 --data .tmp/mitdb-beats-nst.parquet --chosen "<why, where it was measured>"
 *   node --import tsx bench/rhythm-reweight.ts --from rhythm-mlp-v6 --version rhythm-mlp-v7 \
 *     --scalar-weight 0.75 --twin models/rhythm-mlp-inter-v7/metrics.json --chosen "…"
 * A version of protocol inter is scored on DS2 (holterflow evaluate's code) for its metrics.json,
 * and so is each seed's pair of networks (its shape network and its rhythm-only one, the same
 * weight) for the mean ± sd over seeds;
 * one trained on all records carries its DS1-only twin's figures (--twin), as the training bench
 * writes them.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  directoryTrainingStore,
  evaluateModel,
  meanSd,
  testFiguresOf,
  type TestFigures,
} from '../libs/training/src/index.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    version: { type: 'string' },
    'scalar-weight': { type: 'string' },
    data: { type: 'string', default: '.tmp/mitdb-beats-nst.parquet' },
    twin: { type: 'string' },
    chosen: { type: 'string' },
  },
});
const { from, version, chosen } = values;
const weight = Number(values['scalar-weight']);
if (!from || !version || !chosen || !(weight >= 0 && weight <= 1))
  throw new Error('--from <version> --version <new> --scalar-weight <0..1> --chosen <text> are required');

// models/ of the working directory: where holterflow evaluate's store (`--store .`) finds them.
const source = join('models', from);
const target = join('models', version);
const json = async (file: string) => JSON.parse(await readFile(join(source, file), 'utf8'));
const model = await json('model.json');
if (!model.scalarMembers) throw new Error(`${from} has no scalars-only members: there is no split to weigh`);
const config = await json('config.json');
const metrics = await json('metrics.json');

await mkdir(target, { recursive: true });
await copyFile(join(source, model.weightsFile), join(target, model.weightsFile));
const { scalarWeight: _, ...rest } = model;
await writeFile(
  join(target, 'model.json'),
  JSON.stringify(weight === 0.5 ? rest : { ...rest, scalarWeight: weight }, null, 2) + '\n',
);
const derivedFrom = {
  version: from,
  change: `scalarWeight ${weight}`,
  networks: 'the same, bit for bit',
  chosen,
};
await writeFile(
  join(target, 'config.json'),
  JSON.stringify({ ...config, scalarWeight: weight, derivedFrom }, null, 2) + '\n',
);

/** DS2 figures of models/<v> as metrics.json states them (accuracy a fraction), and its report. */
async function scoredOnDs2(v: string, bytes: Uint8Array) {
  const evaluation = await evaluateModel({
    store: directoryTrainingStore('.'),
    version: v,
    dataset: { bytes, name: values.data! },
    protocol: 'inter',
  });
  return { table: evaluation.table, test: testFiguresOf(evaluation.metrics.confusion) };
}

/**
 * Each seed's pair as a model of its own (its shape network, then its rhythm-only one), scored on
 * DS2: the per-seed mean ± sd the issue asks beside the ensemble.
 */
async function perSeedOnDs2(bytes: Uint8Array) {
  const widths: number[] = model.widths;
  const perMember = 2 * widths[0] + widths.slice(1).reduce((n, w, l) => n + widths[l] * w + w, 0);
  const weights = await readFile(join(source, model.weightsFile));
  const seeds = model.members - model.scalarMembers;
  if (seeds !== model.scalarMembers)
    throw new Error(`${from}: per seed needs one rhythm-only network per shape network`);
  const figures: TestFigures[] = [];
  for (let s = 0; s < seeds; s++) {
    const pair = `${version}.seed-pair-${s + 1}`;
    const dir = join('models', pair);
    await mkdir(dir, { recursive: true });
    const bytesOf = (m: number) => weights.subarray(m * perMember * 4, (m + 1) * perMember * 4);
    await writeFile(join(dir, model.weightsFile), Buffer.concat([bytesOf(s), bytesOf(seeds + s)]));
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({
        ...rest,
        members: 2,
        scalarMembers: 1,
        ...(weight === 0.5 ? {} : { scalarWeight: weight }),
      }),
    );
    try {
      figures.push((await scoredOnDs2(pair, bytes)).test);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const keysOf = ['vebSe', 'vebPpv', 'svebSe', 'svebPpv', 'accuracy', 'macroF1'] as const;
  return Object.fromEntries(keysOf.map((k) => [k, meanSd(figures.map((f) => f[k]))]));
}

let test = metrics.test;
let twin: Record<string, unknown> | undefined;
let perSeed: Record<string, { mean: number; sd: number }> | undefined;
if (metrics.protocol === 'inter') {
  const bytes = new Uint8Array(await readFile(values.data!));
  const scored = await scoredOnDs2(version, bytes);
  test = scored.test;
  console.log(scored.table);
  perSeed = await perSeedOnDs2(bytes);
  const pm = (k: string) => `${perSeed![k].mean.toFixed(1)} ± ${perSeed![k].sd.toFixed(1)}`;
  console.log(`per seed pair: VEB ${pm('vebSe')} / ${pm('vebPpv')}, SVEB ${pm('svebSe')} / ${pm('svebPpv')}`);
} else {
  if (!values.twin) throw new Error(`${from} has no test part (protocol ${metrics.protocol}): give --twin`);
  const t = JSON.parse(await readFile(values.twin, 'utf8'));
  twin = { version: t.version, protocol: t.protocol, test: t.test, derivedFrom: t.derivedFrom };
  test = t.test;
}
await writeFile(
  join(target, 'metrics.json'),
  JSON.stringify(
    {
      ...metrics,
      version,
      recipe: { ...metrics.recipe, scalarMembers: { ...metrics.recipe.scalarMembers, weight } },
      derivedFrom: { ...derivedFrom, sourceTest: metrics.test },
      test,
      ...(perSeed ? { perSeedPairTest: perSeed } : {}),
      ...(twin
        ? {
            twin,
            note: `test figures are its DS1-only twin ${twin.version}'s on DS2 (this version, trained on all 48 records, has no test part)`,
          }
        : {}),
    },
    null,
    2,
  ) + '\n',
);
console.log(
  JSON.stringify({
    version,
    from,
    scalarWeight: weight,
    vebSe: test.vebSe,
    vebPpv: test.vebPpv,
    svebSe: test.svebSe,
    svebPpv: test.svebPpv,
    accuracy: test.accuracy,
  }),
);
