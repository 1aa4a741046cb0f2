/**
 * `holterflow dataset build <wfdb-dir> --out <file>`: the beat dataset (Parquet) from annotated
 * WFDB records — every reference beat with its AAMI class, cut as the classifier cuts at
 * inference. Prints the class counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { buildBeatDataset, classCounts, writeBeatDataset } from '@holterflow/training';
import { recordBar, selectRecords } from '../wfdb/record-selection.js';

export function register(program: Command): void {
  const dataset = program.command('dataset').description('beat datasets for training');
  dataset
    .command('build')
    .description('cut every annotated beat of WFDB records into a Parquet beat dataset')
    .argument('<wfdb-dir>', 'directory with <record>.hea/.dat/.atr')
    .requiredOption('--out <file>', 'Parquet file to write')
    .option('--records <ids>', 'comma-separated record ids (default: every annotated record)')
    .action((dir: string, opts: { out: string; records?: string }) => {
      const ids = selectRecords(dir, opts.records);
      const bar = recordBar('dataset', ids.length);
      const ds = buildBeatDataset(dir, ids, (id) => {
        bar.at(id);
        bar.done();
      });
      bar.stop();
      const bytes = writeBeatDataset(ds);
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, bytes);
      const counts = classCounts(ds);
      console.log(
        `${ds.labels.length} beats from ${ids.length} records → ${opts.out} (${(bytes.length / 1e6).toFixed(1)} MB)`,
      );
      for (const [cls, n] of Object.entries(counts)) console.log(`${cls}\t${n}`);
      console.log(JSON.stringify({ beats: ds.labels.length, records: ids.length, counts, out: opts.out }));
    });
}
