/**
 * The Holter report of a 24 h record (~100,000 real beats): CPU seconds summarize spends building
 * summary.json and report.html (the rhythm rules, the page, the ECG strips read from memory), and
 * the page's size. The aims: <= 5 s of CPU, report.html <= 3 MB.
 *   node --import tsx bench/report-24h.ts [--mitdb <dir>] [--repeat 3]
 * Beats are the MIT-BIH reference annotations of the records bench/mitdb-24h.ts concatenates
 * (full database when present, else the five fixtures repeated), with their ECG for the strips.
 * CPU is this process's user + system time (process.cpuUsage), the best of --repeat runs.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { primaryLeadOf } from '@holterflow/ecg';
import { buildRecordReport } from '@holterflow/report';
import { build24hRecording, build24hReferenceBeats, mitdbDir } from './mitdb-24h.js';

const { values: args } = parseArgs({
  options: { mitdb: { type: 'string' }, repeat: { type: 'string', default: '3' } },
});
const dir = args.mitdb ?? mitdbDir();
const rec = build24hRecording(dir);
const beats = build24hReferenceBeats(dir);
const lead = primaryLeadOf(rec.leads);
const numSamples = rec.signals[0].length;
console.log(
  `24 h record from ${dir}: ${beats.samples.length} beats, ${(numSamples / rec.fs / 3600).toFixed(1)} h; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

let best = Infinity;
let bestWall = Infinity;
let size = 0;
let summaryBytes = 0;
for (let r = 0; r < Number(args.repeat); r++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { summary, html } = await buildRecordReport(
    {
      runId: 'bench',
      recordId: 'mitdb24h',
      modelVersion: 'reference',
      fs: rec.fs,
      numSamples,
      samples: beats.samples,
      classes: beats.classes,
      unreadable: [],
    },
    async (start, end) => ({ lead: rec.leads[lead], signal: rec.signals[lead].slice(start, end) }),
  );
  const json = JSON.stringify(summary, null, 2);
  const cpu = process.cpuUsage(cpu0);
  best = Math.min(best, (cpu.user + cpu.system) / 1e6);
  bestWall = Math.min(bestWall, (performance.now() - t0) / 1000);
  size = Buffer.byteLength(html);
  summaryBytes = Buffer.byteLength(json);
  if (r === 0) {
    const h = summary.holter!;
    console.log(
      `report: V runs ${h.ventricular.runs.count}, SV runs ${h.supraventricular.runs.count}, pauses ${h.pauses.count}, AF ${h.atrialFibrillation.count} episodes (${h.atrialFibrillation.burdenPercent?.toFixed(1)} %), HRV segments ${h.hrv.spectralSegments}`,
    );
  }
}
console.log(
  `summary.json + report.html built in ${best.toFixed(2)} s CPU (best of ${args.repeat}; wall ${bestWall.toFixed(2)} s) — aim <= 5 s`,
);
console.log(
  `report.html ${(size / 1e6).toFixed(2)} MB — aim <= 3 MB; summary.json ${(summaryBytes / 1e3).toFixed(0)} kB`,
);
