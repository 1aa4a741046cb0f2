/**
 * A real training run of the seed CNN on a beat dataset, written to a local directory (the
 * same artefacts a train job writes to S3), printing one line per epoch and the seed-style table.
 *   node --import tsx bench/training-run.ts --data .tmp/mitdb-beats.parquet --protocol intra \
 *     [--epochs 40] [--backend wasm] [--threads 2] [--out .tmp/models] [--version v] [--job job-id] [--publish-each-epoch]
 * --threads: gradient threads, one wasm instance each (default: the cores of this machine).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, parseBackendPreference } from '../libs/model/src/index.js';
import { directoryTrainingStore, parseProtocol, runTraining } from '../libs/training/src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.tmp/mitdb-beats.parquet' },
    protocol: { type: 'string', default: 'intra' },
    epochs: { type: 'string', default: '40' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string', default: '.tmp/models' },
    version: { type: 'string' },
    job: { type: 'string' },
    seed: { type: 'string', default: '42' },
    'publish-each-epoch': { type: 'boolean', default: false },
  },
});
const protocol = parseProtocol(values.protocol!);
const epochs = Number(values.epochs);
const backend = await initBackend({ prefer: parseBackendPreference(values.backend) });
const version = values.version ?? `bench-${protocol}-${epochs}ep`;
const started = performance.now();
const outcome = await runTraining({
  dataset: { bytes: new Uint8Array(await readFile(values.data!)), name: basename(values.data!) },
  protocol,
  config: { epochs, seed: Number(values.seed) },
  store: directoryTrainingStore(values.out!),
  version,
  jobId: values.job,
  publishEachEpoch: values['publish-each-epoch'],
  threads: Number(values.threads),
  onProgress: (r) =>
    console.log(
      `epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} acc ${r.acc.toFixed(4)} val_loss ${r.valLoss.toFixed(4)} ` +
        `val_acc ${r.valAcc.toFixed(4)} lr ${r.lr} ${r.secondsPerEpoch.toFixed(0)} s/epoch eta ${r.eta.toFixed(0)} s`,
    ),
});
console.log(outcome.table);
console.log(
  JSON.stringify({
    version,
    protocol,
    backend: backend.name,
    threads: Number(values.threads),
    epochs: outcome.history.length,
    bestEpoch: outcome.bestEpoch,
    accuracy: outcome.test.accuracy,
    macroF1: outcome.test.macroF1,
    seconds: (performance.now() - started) / 1000,
    out: `${values.out}/models/${version}/`,
  }),
);
