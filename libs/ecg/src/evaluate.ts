/** QRS detection against a record's reference annotations, as EC57 counts it. */
import { RecordInputError } from '@holterflow/contracts';
import type { WfdbRecord } from '@holterflow/formats';
import { detectBeats } from './detect.js';
import { matchBeats, positivePredictivity, sensitivity, ventricularFibrillationEpisodes } from './ec57.js';
import { primaryLeadOf } from './leads.js';

export interface QrsRecordResult {
  recordId: string;
  lead: string;
  /** Reference beats outside the excluded VF episodes. */
  referenceBeats: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  se: number;
  ppv: number;
  /** Seconds of VF/flutter left out of the comparison (EC57). */
  excludedSeconds: number;
  /** Seconds the signal-quality step marked unanalysable; its reference beats count as missed
   * above, and are left out (on both sides) of `analysed`. */
  unanalysableSeconds: number;
  analysed: QrsCounts;
}

export interface QrsCounts {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  se: number;
  ppv: number;
}

export interface QrsTotals {
  records: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Gross sensitivity and positive predictivity (all beats pooled), EC57's headline figures. */
  se: number;
  ppv: number;
  unanalysableSeconds: number;
  /** The same on the analysed part (stretches marked unanalysable left out). */
  analysed: QrsCounts;
}

export function evaluateQrs(record: WfdbRecord): QrsRecordResult {
  if (!record.beats || !record.annotations)
    throw new RecordInputError(record.recordId, 'has no annotation file to evaluate against');
  const primary = primaryLeadOf(record.leads);
  const detection = detectBeats(record.signals, record.fs, {
    primaryLead: primary,
    recordId: record.recordId,
  });
  const excluded = ventricularFibrillationEpisodes(record.annotations, record.signals[0].length);
  const reference = record.beats.map((b) => b.sample);
  const m = matchBeats(reference, detection.samples, record.fs, excluded);
  const a = matchBeats(reference, detection.samples, record.fs, [...excluded, ...detection.unreadable]);
  return {
    recordId: record.recordId,
    lead: record.leads[primary],
    referenceBeats: m.truePositives + m.falseNegatives,
    truePositives: m.truePositives,
    falseNegatives: m.falseNegatives,
    falsePositives: m.falsePositives,
    se: sensitivity(m),
    ppv: positivePredictivity(m),
    excludedSeconds: excluded.reduce((s, r) => s + (r.end - r.start), 0) / record.fs,
    unanalysableSeconds: detection.unreadable.reduce((s, r) => s + (r.end - r.start), 0) / record.fs,
    analysed: {
      truePositives: a.truePositives,
      falseNegatives: a.falseNegatives,
      falsePositives: a.falsePositives,
      se: sensitivity(a),
      ppv: positivePredictivity(a),
    },
  };
}

export function qrsTotals(results: readonly QrsRecordResult[]): QrsTotals {
  const sum = (f: (r: QrsRecordResult) => number): number => results.reduce((s, r) => s + f(r), 0);
  const totals = {
    truePositives: sum((r) => r.truePositives),
    falseNegatives: sum((r) => r.falseNegatives),
    falsePositives: sum((r) => r.falsePositives),
  };
  const analysed = {
    truePositives: sum((r) => r.analysed.truePositives),
    falseNegatives: sum((r) => r.analysed.falseNegatives),
    falsePositives: sum((r) => r.analysed.falsePositives),
  };
  return {
    records: results.length,
    ...totals,
    se: sensitivity(totals),
    ppv: positivePredictivity(totals),
    unanalysableSeconds: sum((r) => r.unanalysableSeconds),
    analysed: { ...analysed, se: sensitivity(analysed), ppv: positivePredictivity(analysed) },
  };
}
