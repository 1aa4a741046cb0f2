/**
 * `holterflow qrs-eval <wfdb-dir> [--records 100,101]`: our QRS detector against the reference
 * annotations, EC57 beat-by-beat (150 ms), whole records, VF/flutter episodes excluded. Beats in
 * stretches the signal-quality step marks unanalysable count as missed; the figures on the
 * analysed part (those stretches left out) and the seconds marked follow. Prints a per-record
 * table and, last, one JSON line with the gross figures (for scripts and CI).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { readWfdbRecord } from '@holterflow/formats';
import { evaluateQrs, qrsTotals, type QrsRecordResult } from '@holterflow/ecg';
import { recordBar, selectRecords } from '../wfdb/record-selection.js';

const pct = (v: number): string => (100 * v).toFixed(2).padStart(7);

function row(r: QrsRecordResult): string {
  return [
    r.recordId.padEnd(8),
    r.lead.padEnd(5),
    String(r.referenceBeats).padStart(6),
    String(r.truePositives).padStart(6),
    String(r.falseNegatives).padStart(5),
    String(r.falsePositives).padStart(5),
    pct(r.se),
    pct(r.ppv),
    r.unanalysableSeconds ? `${r.unanalysableSeconds.toFixed(0)} s unanalysable` : '',
    r.excludedSeconds ? `${r.excludedSeconds.toFixed(1)} s VF excluded` : '',
  ]
    .join(' ')
    .trimEnd();
}

export function register(program: Command): void {
  program
    .command('qrs-eval')
    .description('evaluate QRS detection on annotated WFDB records (ANSI/AAMI EC57 matching)')
    .argument('<wfdb-dir>', 'directory with <record>.hea/.dat/.atr')
    .option('--records <ids>', 'comma-separated record ids (default: every annotated record)')
    .action((dir: string, opts: { records?: string }) => {
      const ids = selectRecords(dir, opts.records);
      const bar = recordBar('qrs-eval', ids.length);
      const results: QrsRecordResult[] = [];
      for (const id of ids) {
        bar.at(id);
        results.push(evaluateQrs(readWfdbRecord(join(dir, `${id}.hea`))));
        bar.done();
      }
      bar.stop();
      console.log('record   lead  ref    TP     FN    FP    Se%     +P%');
      for (const r of results) console.log(row(r));
      const worst = [...results].sort((a, b) => Math.min(a.se, a.ppv) - Math.min(b.se, b.ppv)).slice(0, 5);
      console.log(
        `worst: ${worst.map((r) => `${r.recordId} (Se ${pct(r.se).trim()}, +P ${pct(r.ppv).trim()})`).join(', ')}`,
      );
      const t = qrsTotals(results);
      console.log(
        JSON.stringify({
          records: t.records,
          tp: t.truePositives,
          fn: t.falseNegatives,
          fp: t.falsePositives,
          se: t.se,
          ppv: t.ppv,
          unanalysableS: Math.round(t.unanalysableSeconds),
          analysedSe: t.analysed.se,
          analysedPpv: t.analysed.ppv,
        }),
      );
    });
}
