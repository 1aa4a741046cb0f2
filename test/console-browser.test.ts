/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real
 * coordinator, a worker process, Redis and s3rver, with MIT-BIH fixtures and the shipped model:
 *  - an analyst signs in with an API key, opens a finished run, sorts by V burden, opens the
 *    record with the highest, sees the report and the ECG viewer with beat marks, jumps to the
 *    next V beat and downloads the beats CSV;
 *  - an operator submits a run from the form and watches it complete on the Runs page;
 *  - an analyst sees no admin page and no run form, and the API answers 403 to the same calls
 *    made with the analyst's session cookie;
 *  - an admin sees queues, workers and keys, creates and revokes a key;
 *  - signing out ends the session (the API answers 401 with the old cookie).
 * On every page: no console error, axe-core finds no serious or critical violation, and a
 * screenshot is kept in test/artifacts/console-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, pdfPageCount } from './support/chromium.js';
import { startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const missing = chromiumMissing();

let stack: ConsoleStack;
let browser: Browser;
let finishedRunId: string;

before(async () => {
  if (missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startConsoleStack(import.meta.url, [
    { prefix: 'mitdb', records: ['119', '208'] },
    { prefix: 'ops', records: ['100'] },
  ]);
  const { json } = await stack.api('POST', '/runs', { bucket: stack.s3.bucket, prefix: 'mitdb' });
  finishedRunId = json.runId;
  await stack.finished(finishedRunId);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
}

/** A fresh browser profile signed in with a key of `role` through the sign-in form. */
async function signedIn(role: 'admin' | 'operator' | 'analyst'): Promise<Tab> {
  // bypassCSP lets the test inject axe-core; the console's own CSP is checked on its own below.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    bypassCSP: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${stack.base}/`);
  await page.getByLabel('API key').fill(stack.keys[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
  assert.match(await page.locator('header .who').innerText(), new RegExp(`\\(${role}\\)`));
  return { context, page, errors };
}

/** axe-core in the page: violations of impact serious or critical, as "rule: targets". */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: readFileSync(AXE, 'utf8') });
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function checkPage(tab: Tab, name: string): Promise<void> {
  assert.deepEqual(await seriousViolations(tab.page), [], `axe on ${name}`);
  await tab.page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

test(
  'analyst: finished run, sort by V burden, record report and ECG, next V beat, beats CSV',
  { skip: missing },
  async () => {
    const tab = await signedIn('analyst');
    const { page } = tab;
    await checkPage(tab, 'runs-analyst');
    await page.getByRole('link', { name: finishedRunId }).click();
    const table = page.getByTestId('records');
    await table.waitFor();
    await checkPage(tab, 'run');

    // Sort by V burden: the first click sorts the highest first.
    await table.getByRole('button', { name: 'V %' }).click();
    const shown = await table.locator('tbody tr td:first-child').allInnerTexts();
    const csv = await (await stack.fetch(`/runs/${finishedRunId}/summary.csv`)).text();
    const [header, ...lines] = csv.trim().split('\n');
    const col = header.split(',');
    const byV = lines
      .map((l) => l.split(','))
      .sort((a, b) => Number(b[col.indexOf('burden_V')]) - Number(a[col.indexOf('burden_V')]))
      .map((r) => r[col.indexOf('record_id')]);
    assert.deepEqual(shown, byV);
    assert.equal(
      await table.getByRole('columnheader', { name: /V %/ }).getAttribute('aria-sort'),
      'descending',
    );

    // The record with the highest V burden: the report in the page and the ECG with beat marks.
    const top = byV[0];
    await table.getByRole('link', { name: top }).click();
    await page.getByRole('heading', { name: `Record ${top}` }).waitFor();
    const report = page.frameLocator('iframe[title^="Holter report"]');
    await report.getByRole('heading', { name: new RegExp(`Holter report — record ${top}`) }).waitFor();
    const frame = page.frames().find((f) => f.url().endsWith(`/records/${top}/report`));
    assert.ok(frame, 'the report is framed from its route');
    await frame.waitForFunction('window.__report !== undefined');
    const drawn = (await frame.evaluate('window.__report')) as { expected: number; rendered: number };
    assert.ok(drawn.expected > 0 && drawn.rendered === drawn.expected, JSON.stringify(drawn));
    await page.waitForFunction('window.__ecg !== undefined');
    const first = (await page.evaluate('window.__ecg')) as {
      startS: number;
      spanS: number;
      beats: number;
      draws: number;
    };
    assert.equal(first.startS, 0);
    assert.ok(first.beats > 5, `only ${first.beats} beats marked in the first 10 s`);
    assert.equal((await page.locator('.leads canvas').count()) >= 2, true, 'both leads drawn');
    await checkPage(tab, 'record');

    // Next V beat: the strip is centred on the first V beat after the current centre.
    const vBeats = await (
      await stack.fetch(`/runs/${finishedRunId}/records/${top}/beats?class=V&format=csv`)
    ).text();
    const nextV = vBeats
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]))
      .find((t) => t > first.startS + first.spanS / 2 + 0.01);
    assert.ok(nextV !== undefined);
    await page.getByRole('button', { name: 'Next V beat' }).click();
    await page.waitForFunction(`window.__ecg.draws > ${first.draws}`);
    const jumped = (await page.evaluate('window.__ecg')) as { startS: number; spanS: number };
    // The strip starts at a whole sample: within one sample period (MIT-BIH: 360 Hz).
    const expectedStart = Math.max(0, nextV - jumped.spanS / 2);
    assert.ok(
      Math.abs(jumped.startS - expectedStart) <= 1 / 360 + 1e-9,
      `${jumped.startS} vs ${expectedStart}`,
    );
    assert.match(await page.getByTestId('ecg-message').innerText(), /V beat at/);
    await page.screenshot({ path: join(ARTIFACTS, 'console-record-next-v.png') });

    // The beats CSV download: every beat of the record.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV' }).first().click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    const summary = (await (await stack.fetch(`/runs/${finishedRunId}/records/${top}/summary`)).json()) as {
      beats: number;
    };
    assert.equal(text.trim().split('\n').length - 1, summary.beats);
    assert.equal(download.suggestedFilename(), `${top}-beats.csv`);

    // The report as PDF, printed by the coordinator: A4 pages.
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'PDF' }).click(),
    ]);
    const bytes = readFileSync((await pdf.path())!);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdfPageCount(bytes) >= 2, `${pdfPageCount(bytes)} pages`);
    assert.equal(pdf.suggestedFilename(), `${top}-report.pdf`);
    assert.deepEqual(tab.errors, []);
    await tab.context.close();
  },
);

test('operator: submits a run from the form and watches it complete', { skip: missing }, async () => {
  const tab = await signedIn('operator');
  const { page } = tab;
  assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0);
  await page.getByLabel('Prefix', { exact: true }).fill('ops');
  await page.getByLabel('Window length').selectOption('600');
  await checkPage(tab, 'runs-operator-form');
  await page.getByRole('button', { name: 'Start run' }).click();
  const submitted = page.getByTestId('submitted');
  await submitted.waitFor();
  const runId = (await submitted.locator('strong').innerText()).trim();
  assert.match(await submitted.innerText(), /planned: 1 records/);
  const row = page.locator(`tr[data-run="${runId}"]`);
  await row.waitFor();
  // Live progress while it runs, then completed (the page polls every 2 s).
  await page.locator(`tr[data-run="${runId}"][data-state="completed"]`).waitFor({ timeout: 300_000 });
  const { json: status } = await stack.api('GET', `/runs/${runId}`);
  assert.equal(status.state, 'completed');
  assert.equal(status.records.done, 1);
  await checkPage(tab, 'runs-operator-completed');
  assert.deepEqual(tab.errors, []);
  await tab.context.close();
});

test(
  'analyst: no admin page, no run form, and the API answers 403 to the same calls',
  { skip: missing },
  async () => {
    const tab = await signedIn('analyst');
    const { page } = tab;
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Start run' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    await page.goto(`${stack.base}/#/admin`);
    await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    await checkPage(tab, 'admin-refused');
    // The analyst's cookie on the API itself (page.request shares the browser context's cookies).
    const forbidden: [string, string, unknown?][] = [
      ['POST', '/runs', { bucket: stack.s3.bucket, prefix: 'ops' }],
      ['GET', '/queues'],
      ['GET', '/admin/workers'],
      ['GET', '/admin/keys'],
      ['POST', `/runs/${finishedRunId}/cancel`],
      ['PUT', '/models/default', { version: stack.model }],
    ];
    for (const [method, path, data] of forbidden) {
      const res = await page.request.fetch(`${stack.base}${path}`, { method, ...(data ? { data } : {}) });
      assert.equal(res.status(), 403, `${method} ${path}`);
    }
    // What the analyst may do answers with the cookie alone.
    assert.equal((await page.request.get(`${stack.base}/runs/${finishedRunId}`)).status(), 200);
    assert.deepEqual(tab.errors, []);
    await tab.context.close();
  },
);

test(
  'admin: queues, workers, models and keys; a key created and revoked; sign-out ends the session',
  { skip: missing },
  async () => {
    const tab = await signedIn('admin');
    const { page } = tab;
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByTestId('queues').waitFor();
    await page.getByTestId('workers').waitFor();
    await page.getByTestId('keys').waitFor();
    assert.ok((await page.getByTestId('workers').locator('tbody tr').count()) >= 1);
    await checkPage(tab, 'admin');
    await page.getByRole('textbox', { name: 'Name' }).fill('made in the console');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').innerText()).trim();
    const id = /^hf_([0-9a-f]{12})_/.exec(key)?.[1];
    assert.ok(id, key);
    assert.equal((await stack.fetch('/runs', { key })).status, 200);
    await page.getByRole('button', { name: `Revoke ${id}` }).click();
    await page.getByText(`Key ${id} revoked.`).waitFor();
    assert.equal((await stack.fetch('/runs', { key })).status, 401);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByTestId('models').waitFor();
    await checkPage(tab, 'models');

    const cookie = (await tab.context.cookies()).find((c) => c.name === 'hf_session');
    assert.ok(cookie?.httpOnly, 'the session cookie is httpOnly');
    assert.equal(cookie.sameSite, 'Strict');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    const res = await fetch(`${stack.base}/runs`, { headers: { cookie: `hf_session=${cookie.value}` } });
    assert.equal(res.status, 401);
    assert.deepEqual(tab.errors, []);
    await tab.context.close();
  },
);

test('the console is served with a CSP that allows only its own origin', { skip: missing }, async () => {
  const res = await fetch(`${stack.base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(await res.text(), /<div id="app">/);
});
