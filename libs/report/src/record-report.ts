/**
 * summary.json and report.html of one record, together: the summary's analysis feeds the page,
 * and the ECG strips are read through `readSignal` (summarize reads them from the recording on
 * S3 by range; a benchmark or test from a file). A strip that cannot be read leaves the page
 * without strips and says why; it never fails the record.
 */
import type { RecordSummary } from '@holterflow/contracts';
import { summarizeWithAnalysis, type RecordSummaryInput } from './summary.js';
import { chooseStrips } from './html/strips.js';
import { renderReportHtml, type Strip } from './html/report-html.js';

/** Primary-lead samples [start, end) of the record, in mV. */
export type SignalReader = (start: number, end: number) => Promise<{ lead: string; signal: Float32Array }>;

export interface RecordReport {
  summary: RecordSummary;
  html: string;
}

export async function buildRecordReport(
  input: RecordSummaryInput,
  readSignal: SignalReader | undefined,
): Promise<RecordReport> {
  const { summary, analysis } = summarizeWithAnalysis(input);
  const specs = chooseStrips(analysis);
  const strips: Strip[] = [];
  let stripsNote: string | undefined;
  if (!readSignal) stripsNote = 'No ECG strips: the recording was not available to this report.';
  else
    try {
      for (const spec of specs) {
        const start = Math.max(0, Math.round(spec.startS * input.fs));
        const end = Math.min(input.numSamples, start + Math.round(spec.durationS * input.fs));
        const { lead, signal } = await readSignal(start, end);
        strips.push({ ...spec, startS: start / input.fs, fs: input.fs, lead, signal });
      }
    } catch (err) {
      strips.length = 0;
      stripsNote = `No ECG strips: the recording could not be read (${err instanceof Error ? err.message : String(err)}).`;
    }
  return { summary, html: renderReportHtml({ summary, analysis, strips, stripsNote }) };
}
