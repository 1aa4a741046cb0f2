/**
 * report.html of one record: one self-contained page (uPlot, its CSS, the data and the drawing
 * script inlined; no request leaves the page) with the summary figures, the plots (heart rate
 * per minute, ectopic beats per hour, RR tachogram, AF on the time axis), ECG strips and the
 * hourly table. A print stylesheet puts each <section class="page"> on its own A4 page.
 * Why uPlot: libs/report/README.md ("Charting library", measured against ECharts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AAMI_CLASSES, type RecordSummary } from '@holterflow/contracts';
import type { HolterAnalysis } from '../rhythm/holter-report.js';
import { clock, type StripSpec } from './strips.js';

const require = createRequire(import.meta.url);
const asset = (spec: string) => readFileSync(require.resolve(spec), 'utf8');
// Read once per process: ~53 KB together.
const UPLOT_JS = asset('uplot/dist/uPlot.iife.min.js');
const UPLOT_CSS = asset('uplot/dist/uPlot.min.css');
// client.js is browser code inlined as text, not compiled by tsc: it stays in src/, so the path
// goes through the package folder and works from src/ (tsx) and from dist/ (the compiled build).
const CLIENT_JS = readFileSync(new URL('../../src/html/client.js', import.meta.url), 'utf8');

/** A strip with its signal (primary lead, mV, from spec.startS). */
export interface Strip extends StripSpec {
  fs: number;
  lead: string;
  signal: Float32Array;
}

export interface ReportHtmlInput {
  summary: RecordSummary;
  analysis: HolterAnalysis;
  strips: readonly Strip[];
  /** Why there are no strips (recording unreadable, ...), shown instead of them. */
  stripsNote?: string;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const round = (x: number, digits: number) => {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const num = (x: number | null | undefined, digits = 1, unit = '') =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(digits)}${unit}`;
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

/** The data the page's script plots, compact: rounded numbers, NaN as null. */
function plotData(input: ReportHtmlInput) {
  const a = input.analysis;
  const p = a.prepared;
  const series = (arr: Float64Array) => Array.from(arr, (x) => round(x, 1));
  const tT: (number | null)[] = [];
  const tRr: (number | null)[] = [];
  for (let i = 1; i < p.rrS.length; i++)
    if (Number.isFinite(p.rrS[i])) {
      tT.push(round(p.timeS[i], 2));
      tRr.push(Math.round(p.rrS[i] * 1000));
    }
  const hourly = a.report.hourly;
  return {
    durationS: p.durationS,
    minutes: {
      mean: series(a.minutes.meanBpm),
      min: series(a.minutes.minBpm),
      max: series(a.minutes.maxBpm),
    },
    ectopy: Object.fromEntries(
      AAMI_CLASSES.filter((c) => c !== 'N').map((c) => [c, hourly.map((h) => h.classCounts[c])]),
    ),
    tachogram: { t: tT, rr: tRr },
    af: a.afEpisodes.map((e) => [round(e.startS, 1), round(e.endS, 1)]),
    strips: input.strips.map((s) => {
      const beats: [number, string][] = [];
      for (let i = 0; i < p.timeS.length; i++) {
        const t = p.timeS[i];
        if (t >= s.startS && t < s.startS + s.durationS)
          beats.push([round(t - s.startS, 3) ?? 0, p.classes[i]]);
      }
      return { fs: s.fs, mv: Array.from(s.signal, (x) => round(x, 3)), beats };
    }),
  };
}

function row(label: string, value: string, definition = ''): string {
  return `<tr><th>${esc(label)}</th><td>${esc(value)}</td><td class="def">${esc(definition)}</td></tr>`;
}

function runText(r: { beats: number; rateBpm: number; startS: number } | null): string {
  return r ? `${r.beats} beats, ${r.rateBpm.toFixed(0)} bpm at ${clock(r.startS)}` : '–';
}

function summaryTable(s: RecordSummary, a: HolterAnalysis): string {
  const h = a.report;
  const v = h.ventricular;
  const sv = h.supraventricular;
  const hr = h.heartRate;
  const hrv = h.hrv;
  const af = h.atrialFibrillation;
  return `<table class="figures">
${row('Recording', `${minutes(h.recording.durationSeconds)}; analysable ${minutes(h.recording.analysableSeconds)}`, `${h.recording.unanalysableStretches} unanalysable stretch(es), excluded`)}
${row('Beats', `${h.beats.total}`, AAMI_CLASSES.map((c) => `${c} ${h.beats.classCounts[c]} (${h.beats.burdenPercent[c].toFixed(2)} %)`).join(', '))}
${row('Heart rate', `mean ${num(hr.meanBpm, 0, ' bpm')}`, `min ${num(hr.minBpm, 0, ' bpm')} at ${hr.minAtS === null ? '–' : clock(hr.minAtS)}, max ${num(hr.maxBpm, 0, ' bpm')} at ${hr.maxAtS === null ? '–' : clock(hr.maxAtS)} (1-min means)`)}
${row('Ventricular', `${v.beats} V: ${v.isolated} isolated, ${v.couplets} couplets, ${v.runs.count} runs (${v.triplets} triplets)`, `longest run ${runText(v.runs.longest)}; fastest ${runText(v.runs.fastest)}`)}
${row('Bigeminy / trigeminy', `${v.bigeminy.count} episodes (${minutes(v.bigeminy.totalSeconds)}) / ${v.trigeminy.count} (${minutes(v.trigeminy.totalSeconds)})`, `at least ${v.bigeminy.minCycles} / ${v.trigeminy.minCycles} cycles`)}
${row('Supraventricular', `${sv.beats} S: ${sv.isolated} isolated, ${sv.couplets} couplets, ${sv.runs.count} runs`, `longest run ${runText(sv.runs.longest)}; fastest ${runText(sv.runs.fastest)}`)}
${row('Pauses', `${h.pauses.count} (RR ≥ ${h.pauses.thresholdSeconds.toFixed(1)} s)`, h.pauses.longest ? `longest ${h.pauses.longest.durationS.toFixed(2)} s at ${clock(h.pauses.longest.startS)}` : '')}
${row('Atrial fibrillation', `${af.count} episodes, ${minutes(af.totalSeconds)}, burden ${num(af.burdenPercent, 1, ' %')}`, `episodes ≥ ${af.minEpisodeSeconds} s; ${af.detector}`)}
${row('HRV (time)', `SDNN ${num(hrv.sdnnMs, 0, ' ms')}, SDANN ${num(hrv.sdannMs, 0, ' ms')}, SDNN index ${num(hrv.sdnnIndexMs, 0, ' ms')}`, `RMSSD ${num(hrv.rmssdMs, 0, ' ms')}, pNN50 ${num(hrv.pnn50Percent, 1, ' %')}, triangular index ${num(hrv.triangularIndex, 1)}; ${hrv.nnIntervals} NN intervals (${num(hrv.nnPercent, 1, ' %')} of RR)`)}
${row('HRV (frequency)', `LF ${num(hrv.lfMs2, 0, ' ms²')}, HF ${num(hrv.hfMs2, 0, ' ms²')}, LF/HF ${num(hrv.lfHf, 2)}`, `Lomb-Scargle, mean of ${hrv.spectralSegments} 5-min segments`)}
${row('Model', `${s.modelVersion}`, 'engine and processing times: summary.json, "processing" (left out here so that a re-run writes the same page)')}
</table>`;
}

function hourlyTable(a: HolterAnalysis): string {
  const rows = a.report.hourly
    .map(
      (h) =>
        `<tr><td>${clock(h.startS)}</td><td>${minutes(h.analysableSeconds)}</td><td>${h.beats}</td>` +
        `<td>${num(h.meanBpm, 0)}</td><td>${num(h.minBpm, 0)}</td><td>${num(h.maxBpm, 0)}</td>` +
        AAMI_CLASSES.filter((c) => c !== 'N')
          .map((c) => `<td>${h.classCounts[c]}</td>`)
          .join('') +
        `<td>${h.vRuns}</td><td>${h.svRuns}</td><td>${h.pauses}</td><td>${minutes(h.afSeconds)}</td></tr>`,
    )
    .join('\n');
  return `<table class="hourly"><thead><tr><th>hour from</th><th>analysable</th><th>beats</th><th>HR mean</th><th>min</th><th>max</th><th>S</th><th>V</th><th>F</th><th>Q</th><th>V runs</th><th>SV runs</th><th>pauses</th><th>AF</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function eventsTable(a: HolterAnalysis): string {
  const r = a.report;
  const lines: string[] = [];
  // Six of each kind keep the events and the 24-row hourly table on one A4 page.
  const top = 6;
  for (const x of r.ventricular.runs.list.slice(0, top))
    lines.push(
      `<tr><td>V run</td><td>${clock(x.startS)}</td><td>${x.beats} beats</td><td>${x.rateBpm.toFixed(0)} bpm</td></tr>`,
    );
  for (const x of r.supraventricular.runs.list.slice(0, top))
    lines.push(
      `<tr><td>SV run</td><td>${clock(x.startS)}</td><td>${x.beats} beats</td><td>${x.rateBpm.toFixed(0)} bpm</td></tr>`,
    );
  for (const x of r.pauses.list.slice(0, top))
    lines.push(
      `<tr><td>pause</td><td>${clock(x.startS)}</td><td>${x.durationS.toFixed(2)} s</td><td></td></tr>`,
    );
  for (const x of r.atrialFibrillation.list.slice(0, top))
    lines.push(
      `<tr><td>AF</td><td>${clock(x.startS)}</td><td>${minutes(x.durationS)}</td><td>to ${clock(x.endS)}</td></tr>`,
    );
  if (lines.length === 0) return '<p>No runs, pauses or AF episodes.</p>';
  return `<table class="events"><thead><tr><th>event</th><th>at</th><th>length</th><th>rate / end</th></tr></thead><tbody>${lines.join('\n')}</tbody></table><p class="small">The ${top} longest of each kind; all counts are in the figures above and in summary.json.</p>`;
}

function stripsSection(input: ReportHtmlInput, group: StripSpec['group'], title: string): string {
  const strips = input.strips.map((s, i) => ({ s, i })).filter(({ s }) => s.group === group);
  if (strips.length === 0) return '';
  const items = strips
    .map(
      ({ s, i }) =>
        `<figure class="strip"><figcaption><b>${esc(s.title)}</b> — ${esc(s.detail)}; lead ${esc(s.lead)}, ${clock(s.startS)}–${clock(s.startS + s.durationS)}</figcaption><div class="plot" id="strip-${i}" data-plot="strip"></div></figure>`,
    )
    .join('\n');
  return `<section class="page"><h2>${esc(title)}</h2><p class="small">25 mm/s, 10 mm/mV; grid 0.2 s × 0.5 mV; each beat's class above it.</p>${items}</section>`;
}

export function renderReportHtml(input: ReportHtmlInput): string {
  const s = input.summary;
  const a = input.analysis;
  const notes = a.report.notes.length
    ? `<ul class="notes">${a.report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
    : '';
  const data = JSON.stringify(plotData(input)).replace(/</g, '\\u003c');
  const noStrips =
    input.strips.length === 0
      ? `<section class="page"><h2>ECG strips</h2><p>${esc(input.stripsNote ?? 'No ECG strips: the record has no beats to show.')}</p></section>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Holter report — record ${esc(s.recordId)}</title>
<style>${UPLOT_CSS}</style>
<style>
body { font: 10pt/1.35 system-ui, sans-serif; color: #111; margin: 12px auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 2px; } h2 { font-size: 12pt; margin: 6px 0; }
.small, .def { color: #555; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; }
table.figures th { text-align: left; width: 28mm; vertical-align: top; }
table.figures td, table.figures th { border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top; }
table.hourly, table.events { font-size: 8pt; } table.hourly td, table.hourly th, table.events td, table.events th { border: 1px solid #ccc; padding: 1px 3px; text-align: right; }
.notes { background: #fff6d6; border: 1px solid #e6c200; padding: 4px 4px 4px 20px; margin: 6px 0; }
.plot { margin: 2px 0 6px; } figure.strip { margin: 0 0 4px; } figcaption { font-size: 8.5pt; }
@page { size: A4; margin: 10mm; }
@media print { body { margin: 0; max-width: none; } section.page { break-after: page; } section.page:last-of-type { break-after: auto; } }
</style></head>
<body>
<section class="page">
<h1>Holter report — record ${esc(s.recordId)}</h1>
<p class="small">Run ${esc(s.runId)} · model ${esc(s.modelVersion)} · ${s.fs} Hz · times are from the start of the recording (hh:mm:ss)</p>
${notes}
${summaryTable(s, a)}
<h2>Heart rate per minute (min / mean / max), AF shaded</h2>
<div class="plot" id="plot-hr" data-plot="hr"></div>
<h2>AF episodes</h2>
<div class="plot" id="plot-af" data-plot="af"></div>
</section>
<section class="page">
<h2>Ectopic beats per hour, by class</h2>
<div class="plot" id="plot-ectopy" data-plot="ectopy"></div>
<h2>RR tachogram (every known RR interval)</h2>
<div class="plot" id="plot-tachogram" data-plot="tachogram"></div>
</section>
${stripsSection(input, 'classes', 'ECG strips: one beat of each class present')}
${stripsSection(input, 'events', 'ECG strips: events')}
${noStrips}
<section class="page">
<h2>Hourly table</h2>
${hourlyTable(a)}
<h2>Events</h2>
${eventsTable(a)}
</section>
<script type="application/json" id="report-data">${data}</script>
<script>${UPLOT_JS}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}
