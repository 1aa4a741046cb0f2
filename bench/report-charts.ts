/**
 * Which charting library report.html uses, by measurement: the library's size inlined in the
 * page and the time headless Chromium takes to draw the two heaviest plots of a 24 h record
 * (the RR tachogram, ~109,000 points, and heart rate per minute, 1,440 × 3), uPlot against
 * ECharts (canvas renderer, the same data, animation off).
 *   node --import tsx bench/report-charts.ts --echarts <path to echarts.min.js> [--repeat 5]
 * ECharts is not a dependency of the project: install it anywhere for the measurement
 * (`npm install echarts --prefix /tmp/echarts`), and pass dist/echarts.min.js.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { analyseHolter } from '@holterflow/report';
import { launchChromium } from '../test/support/chromium.js';
import { build24hReferenceBeats, mitdbDir } from './mitdb-24h.js';

const { values: args } = parseArgs({
  options: { echarts: { type: 'string' }, repeat: { type: 'string', default: '5' } },
});
if (!args.echarts) throw new Error('--echarts <path to echarts.min.js> is needed (see the header)');
const require = createRequire(import.meta.url);
const libs = {
  uPlot: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
  ECharts: readFileSync(args.echarts, 'utf8'),
};
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

const beats = build24hReferenceBeats(mitdbDir());
const a = analyseHolter({
  fs: 360,
  numSamples: 24 * 3600 * 360,
  samples: beats.samples,
  classes: beats.classes,
  unanalysable: [],
});
const t: number[] = [];
const rr: number[] = [];
for (let i = 1; i < a.prepared.rrS.length; i++)
  if (Number.isFinite(a.prepared.rrS[i])) {
    t.push(Math.round(a.prepared.timeS[i] * 100) / 100);
    rr.push(Math.round(a.prepared.rrS[i] * 1000));
  }
const hr = Array.from(a.minutes.meanBpm, (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null));
const data = JSON.stringify({ t, rr, hr });

const drawers = {
  uPlot: `
    const w = 680;
    new uPlot({ width: w, height: 200, scales: { x: { time: false } }, series: [{}, { paths: uPlot.paths.points(), points: { show: true, size: 1.5 } }] }, [D.t, D.rr], document.getElementById('a'));
    new uPlot({ width: w, height: 190, scales: { x: { time: false } }, series: [{}, { stroke: '#111' }] }, [D.hr.map((_, m) => m * 60), D.hr], document.getElementById('b'));`,
  ECharts: `
    const a = echarts.init(document.getElementById('a'), null, { renderer: 'canvas', width: 680, height: 200 });
    a.setOption({ animation: false, xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'scatter', symbolSize: 1.5, large: true, data: D.t.map((x, i) => [x, D.rr[i]]) }] });
    const b = echarts.init(document.getElementById('b'), null, { renderer: 'canvas', width: 680, height: 190 });
    b.setOption({ animation: false, xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', showSymbol: false, data: D.hr.map((y, m) => [m * 60, y]) }] });`,
};

const browser = await launchChromium();
console.log(`24 h record: ${t.length} RR intervals, ${hr.length} minutes; best of ${args.repeat} page loads`);
console.log('| library | minified | gzipped | draw time (both plots) |\n| --- | --- | --- | --- |');
for (const name of ['uPlot', 'ECharts'] as const) {
  const html = `<!doctype html><html><head><style>${name === 'uPlot' ? uplotCss : ''}</style></head><body>
<div id="a"></div><div id="b"></div>
<script>${libs[name]}</script>
<script>const D = ${data}; const t0 = performance.now(); ${drawers[name]}
requestAnimationFrame(() => { window.__ms = performance.now() - t0; });</script></body></html>`;
  let best = Infinity;
  for (let r = 0; r < Number(args.repeat); r++) {
    const page = await browser.newPage();
    await page.setContent(html);
    await page.waitForFunction('window.__ms !== undefined');
    best = Math.min(best, (await page.evaluate('window.__ms')) as number);
    await page.close();
  }
  const size = Buffer.byteLength(libs[name]);
  console.log(
    `| ${name} | ${(size / 1e3).toFixed(0)} kB | ${(gzipSync(libs[name]).byteLength / 1e3).toFixed(0)} kB | ${best.toFixed(0)} ms |`,
  );
}
await browser.close();
