/**
 * `holterflow dataset build <wfdb-dir> --out <file>`: the beat dataset (Parquet) from annotated
 * WFDB records — every reference beat with its AAMI class, cut as the classifier cuts at
 * inference. Prints the class counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { buildBeatDataset, classCounts, writeBeatDataset, type NoisyCopies } from '@holterflow/training';
import { recordBar, selectRecords } from '../wfdb/record-selection.js';

export function register(program: Command): void {
  const dataset = program.command('dataset').description('beat datasets for training');
  dataset
    .command('build')
    .description('cut every annotated beat of WFDB records into a Parquet beat dataset')
    .argument('<wfdb-dir>', 'directory with <record>.hea/.dat/.atr')
    .requiredOption('--out <file>', 'Parquet file to write')
    .option('--records <ids>', 'comma-separated record ids (default: every annotated record)')
    .option(
      '--noise-copies <snrs>',
      'also a noisy copy of each record per SNR in dB (NST noise, e.g. 12,6): <record>~nst<snr>, for training',
    )
    .option('--noise-seed <n>', "seed of the copies' noise (the noise benchmark uses 1)", '2')
    .option('--second-lead', "also store each beat's cut from the second lead (for models that read it)")
    .action(
      (
        dir: string,
        opts: {
          out: string;
          records?: string;
          noiseCopies?: string;
          noiseSeed: string;
          secondLead?: boolean;
        },
      ) => {
        const ids = selectRecords(dir, opts.records);
        const copies = opts.noiseCopies ? parseNoiseCopies(opts.noiseCopies, opts.noiseSeed) : undefined;
        const bar = recordBar('dataset', ids.length);
        const ds = buildBeatDataset(dir, ids, {
          onRecord: (id) => {
            bar.at(id);
            bar.done();
          },
          copies,
          secondLead: opts.secondLead,
        });
        bar.stop();
        const bytes = writeBeatDataset(ds);
        mkdirSync(dirname(opts.out), { recursive: true });
        writeFileSync(opts.out, bytes);
        const counts = classCounts(ds);
        console.log(
          `${ds.labels.length} beats from ${ids.length} records${copies ? ` and their noisy copies at ${copies.snrDb.join(', ')} dB` : ''} → ${opts.out} (${(bytes.length / 1e6).toFixed(1)} MB)`,
        );
        for (const [cls, n] of Object.entries(counts)) console.log(`${cls}\t${n}`);
        console.log(JSON.stringify({ beats: ds.labels.length, records: ids.length, counts, out: opts.out }));
      },
    );
}

function parseNoiseCopies(snrs: string, seed: string): NoisyCopies {
  const snrDb = snrs.split(',').map((v) => Number(v.trim()));
  if (snrDb.some((v) => !Number.isFinite(v)))
    throw new Error(`--noise-copies must be SNRs in dB separated by commas, got ${JSON.stringify(snrs)}`);
  const n = Number(seed);
  if (!Number.isInteger(n)) throw new Error(`--noise-seed must be an integer, got ${JSON.stringify(seed)}`);
  return { snrDb, seed: n };
}
