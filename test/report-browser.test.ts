/**
 * report.html in a real browser (headless Chromium): the report of MIT-BIH record 208 (its
 * reference beats, its ECG) renders every plot with no console error and no request beyond the
 * file itself, a screenshot is kept in test/artifacts/, and the A4 PDF has one page per section.
 * A 24 h report (the fixtures repeated) keeps to 3 MB and its A4 pages.
 * Reports of awkward records (no beats, nothing analysable, one class only, 10 minutes) render too
 * and say so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { primaryLeadOf } from '@holterflow/ecg';
import { readWfdbRecord } from '@holterflow/formats';
import { buildRecordReport, type RecordSummaryInput, type SignalReader } from '@holterflow/report';
import { FIXTURE_MITDB_DIR } from './support/mitdb.js';
import { chromiumMissing, launchChromium, pdfPageCount } from './support/chromium.js';
import { build24hRecording, build24hReferenceBeats } from '../bench/mitdb-24h.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const missing = chromiumMissing();
let browser: Browser;

before(async () => {
  if (missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

interface PageCheck {
  expected: number;
  rendered: number;
  errors: string[];
  blankCanvases: number;
  sections: number;
  notes: string[];
}

/**
 * Run in the page (a string: this project's TypeScript has no DOM types): the drawing script's
 * own count, the canvases that drew nothing (only transparent or near-white pixels), the A4
 * sections and the notes.
 */
const PAGE_CHECK = `(() => {
  let blank = 0;
  for (const canvas of document.querySelectorAll('canvas')) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = false;
    for (let i = 0; i < data.length && !ink; i += 4)
      ink = data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200);
    if (!ink) blank++;
  }
  return {
    ...window.__report,
    blankCanvases: blank,
    sections: document.querySelectorAll('section.page').length,
    notes: [...document.querySelectorAll('.notes li')].map((li) => li.textContent),
  };
})()`;

async function openReport(name: string, html: string) {
  const file = join(ARTIFACTS, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForFunction('window.__report !== undefined');
  const check = (await page.evaluate(PAGE_CHECK)) as PageCheck;
  return { page, check, consoleErrors, requests, url };
}

function fixtureInput(id: string): { input: RecordSummaryInput; read: SignalReader } {
  const rec = readWfdbRecord(join(FIXTURE_MITDB_DIR, `${id}.hea`));
  const beats = rec.beats ?? [];
  const lead = primaryLeadOf(rec.leads);
  return {
    input: {
      runId: 'browser-test',
      recordId: id,
      modelVersion: 'reference-annotations',
      fs: rec.fs,
      numSamples: rec.signals[0].length,
      samples: beats.map((b) => b.sample),
      classes: beats.map((b) => b.aami),
      unreadable: [],
    },
    read: async (start, end) => ({ lead: rec.leads[lead], signal: rec.signals[lead].slice(start, end) }),
  };
}

test(
  'record 208: every plot renders, no console error, no request, screenshot kept, PDF one page per section',
  { skip: missing },
  async () => {
    const { input, read } = fixtureInput('208');
    const { html, summary } = await buildRecordReport(input, read);
    assert.ok(Buffer.byteLength(html) < 3e6);
    const { page, check, consoleErrors, requests, url } = await openReport('report-208', html);
    // Four time plots and one strip per class present (N, S, V, F, Q) plus the event strips.
    assert.ok(check.expected >= 4 + 5, `only ${check.expected} plots`);
    assert.equal(check.rendered, check.expected, check.errors.join('; '));
    assert.equal(check.blankCanvases, 0, 'a plot drew nothing');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [url], 'the page made a request of its own');
    assert.equal(summary.holter?.beats.classCounts.V, 992);
    await page.screenshot({ path: join(ARTIFACTS, 'report-208.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(ARTIFACTS, 'report-208.pdf'), pdf);
    assert.equal(pdfPageCount(pdf), check.sections, 'a section overflows its A4 page or pages are missing');
    await page.close();
  },
);

test(
  'a 24 h record (the fixtures repeated): every plot renders, <= 3 MB, the PDF still one page per section',
  { skip: missing },
  async () => {
    const rec = build24hRecording(FIXTURE_MITDB_DIR);
    const beats = build24hReferenceBeats(FIXTURE_MITDB_DIR);
    const lead = primaryLeadOf(rec.leads);
    const { html } = await buildRecordReport(
      {
        runId: 'browser-test',
        recordId: 'fixtures24h',
        modelVersion: 'reference-annotations',
        fs: rec.fs,
        numSamples: rec.signals[0].length,
        samples: beats.samples,
        classes: beats.classes,
        unreadable: [],
      },
      async (start, end) => ({ lead: rec.leads[lead], signal: rec.signals[lead].slice(start, end) }),
    );
    assert.ok(Buffer.byteLength(html) <= 3e6, `${Buffer.byteLength(html)} bytes`);
    const { page, check, consoleErrors, requests, url } = await openReport('report-24h', html);
    assert.equal(check.rendered, check.expected, check.errors.join('; '));
    assert.equal(check.blankCanvases, 0);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [url]);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(ARTIFACTS, 'report-24h.pdf'), pdf);
    assert.equal(pdfPageCount(pdf), check.sections, 'a section overflows its A4 page');
    await page.close();
  },
);

test(
  'awkward records render and say what is missing: no beats, nothing analysable, one class only, 10 minutes',
  { skip: missing },
  async () => {
    const base = fixtureInput('232');
    const fs = base.input.fs;
    const cases: [string, RecordSummaryInput, SignalReader | undefined, RegExp][] = [
      [
        'no-beats',
        { ...base.input, recordId: 'no-beats', samples: [], classes: [] },
        base.read,
        /No beats were detected/,
      ],
      [
        'unanalysable',
        {
          ...base.input,
          recordId: 'unanalysable',
          samples: [],
          classes: [],
          unreadable: [{ start: 0, end: base.input.numSamples, reason: 'flat' }],
        },
        undefined,
        /^Unanalysable: no lead is readable anywhere in the recording \(a flat signal/,
      ],
      [
        'one-class',
        { ...base.input, recordId: 'one-class', classes: base.input.classes.map(() => 'N' as const) },
        base.read,
        /^Every beat is of class N\.$/,
      ],
      [
        'ten-minutes',
        (() => {
          const end = 600 * fs;
          const keep = Array.from(base.input.samples, (s, i) => [s, i] as const).filter(([s]) => s < end);
          return {
            ...base.input,
            recordId: 'ten-minutes',
            numSamples: end,
            samples: keep.map(([s]) => s),
            classes: keep.map(([, i]) => base.input.classes[i]),
          };
        })(),
        base.read,
        /10\.0 min long/,
      ],
    ];
    for (const [name, input, read, note] of cases) {
      const { html } = await buildRecordReport(input, read);
      const { page, check, consoleErrors, requests, url } = await openReport(`report-${name}`, html);
      assert.equal(check.rendered, check.expected, `${name}: ${check.errors.join('; ')}`);
      assert.deepEqual(consoleErrors, [], name);
      assert.deepEqual(requests, [url], name);
      assert.ok(
        check.notes.some((n) => note.test(n)),
        `${name}: notes ${JSON.stringify(check.notes)}`,
      );
      await page.close();
    }
  },
);
