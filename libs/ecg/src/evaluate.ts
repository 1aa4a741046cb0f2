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
}

export interface QrsTotals {
  records: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Gross sensitivity and positive predictivity (all beats pooled), EC57's headline figures. */
  se: number;
  ppv: number;
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
  const m = matchBeats(
    record.beats.map((b) => b.sample),
    detection.samples,
    record.fs,
    excluded,
  );
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
  };
}

export function qrsTotals(results: readonly QrsRecordResult[]): QrsTotals {
  const sum = (f: (r: QrsRecordResult) => number): number => results.reduce((s, r) => s + f(r), 0);
  const totals = {
    truePositives: sum((r) => r.truePositives),
    falseNegatives: sum((r) => r.falseNegatives),
    falsePositives: sum((r) => r.falsePositives),
  };
  return { records: results.length, ...totals, se: sensitivity(totals), ppv: positivePredictivity(totals) };
}
