/**
 * The Holter report checked on MIT-BIH records of known content: the reference beat annotations
 * run through the same report code (libs/report analyseHolter) as the pipeline's output, beside
 * what the reference rhythm annotations say, and the pipeline's own beats (whole record, one
 * in-process pass of the worker's classifyWindow with a shipped model) beside both.
 *   node --import tsx bench/report-mitdb.ts [--mitdb <dir>] [--model <version>] [--markdown]
 * Default data: /work/shared/data/mitdb (HOLTERFLOW_MITDB_DIR); default model: models/DEFAULT.
 *
 * Reference sequence: every beat annotation with its AAMI class; the reference's ventricular
 * flutter episodes "(VFL" (flutter waves are not beat-annotated) are unanalysable stretches.
 * AF: reference episodes are the "(AFIB" rhythm spans; detected episodes are the report's AF
 * episodes (>= 30 s); Se/+P by overlap, pooled over the AF records (libs/report episode-match).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import type { AamiClass } from '@holterflow/contracts';
import { primaryLeadOf } from '@holterflow/ecg';
import { readWfdbRecord } from '@holterflow/formats';
import { initBackend } from '@holterflow/model';
import { loadPredictor } from '../apps/worker/src/pipeline/beat-predictor.js';
import {
  analyseHolter,
  episodesOf,
  matchEpisodes,
  pooled,
  rates,
  rhythmEpisodes,
  type EpisodeMatch,
  type HolterAnalysis,
} from '@holterflow/report';
import { classifyWindow } from '../apps/worker/src/pipeline/classify-window.js';
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';

const { values: args } = parseArgs({
  options: {
    mitdb: { type: 'string', default: FULL_MITDB_DIR },
    model: { type: 'string' },
    markdown: { type: 'boolean', default: false },
  },
});
const ROOT = new URL('..', import.meta.url).pathname;
const version = args.model ?? readFileSync(join(ROOT, 'models/DEFAULT'), 'utf8').trim();

const RECORDS = ['119', '207', '203', '232', '201', '202', '210', '219', '221', '222'];
const AF_RECORDS = new Set(['201', '202', '203', '210', '219', '221', '222']);

await initBackend({ log: () => {} });
const modelDir = join(ROOT, 'models', version);
const classifier = await loadPredictor({
  version,
  modelJson: new Uint8Array(readFileSync(join(modelDir, 'model.json'))),
  weights: new Uint8Array(readFileSync(join(modelDir, 'weights.bin'))),
});

interface Row {
  record: string;
  says: string;
  reference: string;
  pipeline: string;
}
const rows: Row[] = [];
/** Per AF record: the match against "(AFIB", and against "(AFIB" or "(AFL" (RR alone cannot tell them apart). */
interface AfMatches {
  record: string;
  reference: EpisodeMatch;
  pipeline: EpisodeMatch;
  referenceWithFlutter: EpisodeMatch;
  pipelineWithFlutter: EpisodeMatch;
}
const af: AfMatches[] = [];
const f1 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(1));
const min = (s: number) => `${(s / 60).toFixed(1)} min`;

function figures(a: HolterAnalysis, record: string): string {
  const r = a.report;
  const v = r.ventricular;
  const parts = [
    `V ${v.beats}: runs ${v.runs.count} (longest ${v.runs.longest?.beats ?? 0} beats), couplets ${v.couplets}`,
    `bigeminy ${v.bigeminy.count} ep. ${min(v.bigeminy.totalSeconds)}, trigeminy ${v.trigeminy.count} ep. ${min(v.trigeminy.totalSeconds)}`,
    `pauses ${r.pauses.count} (longest ${f1(r.pauses.longest?.durationS)} s)`,
  ];
  if (AF_RECORDS.has(record))
    parts.push(
      `AF ${r.atrialFibrillation.count} ep. ${min(r.atrialFibrillation.totalSeconds)} (${f1(r.atrialFibrillation.burdenPercent)} %)`,
    );
  return parts.join('; ');
}

for (const id of RECORDS) {
  const rec = readWfdbRecord(join(args.mitdb, `${id}.hea`));
  const numSamples = rec.signals[0].length;
  const annotations = rec.annotations ?? [];
  const episodes = rhythmEpisodes(annotations, rec.fs, numSamples);
  const flutter = episodesOf(episodes, 'VFL').map((e) => ({
    start: Math.round(e.startS * rec.fs),
    end: Math.round(e.endS * rec.fs),
  }));
  const beats = rec.beats ?? [];
  const reference = analyseHolter({
    fs: rec.fs,
    numSamples,
    samples: beats.map((b) => b.sample),
    classes: beats.map((b) => b.aami),
    unanalysable: flutter,
  });
  const out = await classifyWindow(
    {
      signals: rec.signals,
      fs: rec.fs,
      offset: 0,
      ownedStart: 0,
      ownedEnd: numSamples,
      primaryLead: primaryLeadOf(rec.leads),
      window: 0,
    },
    classifier,
  );
  const pipeline = analyseHolter({
    fs: rec.fs,
    numSamples,
    samples: out.results.samples,
    classes: out.results.classes as AamiClass[],
    unanalysable: out.unreadable,
  });

  const total = (rhythm: string) => {
    const eps = episodesOf(episodes, rhythm);
    return `${eps.length} ep. ${min(eps.reduce((s, e) => s + e.endS - e.startS, 0))}`;
  };
  const says = [`(B ${total('B')}`, `(T ${total('T')}`, `(VT ${total('VT')}`];
  if (episodesOf(episodes, 'IVR').length) says.push(`(IVR ${total('IVR')}`);
  if (AF_RECORDS.has(id)) {
    says.push(`(AFIB ${total('AFIB')}`);
    if (episodesOf(episodes, 'AFL').length) says.push(`(AFL ${total('AFL')}`);
    const refAf = episodesOf(episodes, 'AFIB');
    const refAfOrFlutter = [...refAf, ...episodesOf(episodes, 'AFL')];
    af.push({
      record: id,
      reference: matchEpisodes(refAf, reference.afEpisodes),
      pipeline: matchEpisodes(refAf, pipeline.afEpisodes),
      referenceWithFlutter: matchEpisodes(refAfOrFlutter, reference.afEpisodes),
      pipelineWithFlutter: matchEpisodes(refAfOrFlutter, pipeline.afEpisodes),
    });
  }
  if (flutter.length) says.push(`(VFL ${total('VFL')} (unanalysable in the reference)`);
  rows.push({
    record: id,
    says: says.join(', '),
    reference: figures(reference, id),
    pipeline: figures(pipeline, id),
  });
}

const afRow = (label: string, m: EpisodeMatch) => {
  const r = rates(m);
  return `| ${label} | ${m.reference} | ${m.detected} | ${f1(r.episodeSe)} | ${f1(r.episodePp)} | ${f1(r.durationSe)} | ${f1(r.durationPp)} |`;
};
const afTable = (pick: (m: AfMatches) => EpisodeMatch, pickFlutter: (m: AfMatches) => EpisodeMatch) =>
  [
    ...af.map((m) => afRow(m.record, pick(m))),
    afRow('**pooled**', pooled(af.map(pick))),
    afRow('pooled, vs (AFIB or (AFL', pooled(af.map(pickFlutter))),
  ].join('\n');

console.log(`Holter report on MIT-BIH, model ${version} (${classifier.engine})\n`);
console.log(
  '| record | the rhythm annotations say | reference beats through the report | pipeline beats through the report |',
);
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.record} | ${r.says} | ${r.reference} | ${r.pipeline} |`);
console.log('\nAF vs the reference "(AFIB" episodes (EC57 episode and duration Se / +P, %)\n');
const head =
  '| record | reference episodes | detected | episode Se | episode +P | duration Se | duration +P |\n| --- | --- | --- | --- | --- | --- | --- |';
console.log(
  `reference beats' RR:\n\n${head}\n${afTable(
    (m) => m.reference,
    (m) => m.referenceWithFlutter,
  )}\n`,
);
console.log(
  `pipeline beats' RR:\n\n${head}\n${afTable(
    (m) => m.pipeline,
    (m) => m.pipelineWithFlutter,
  )}`,
);
