/**
 * Speed of filter + detect + segment on a 24-hour two-lead 360 Hz recording built from real
 * records: the 48 MIT-BIH records end to end (48 × 30 min = 24 h) when /work/shared is present,
 * else the five fixture records repeated. One core (this process), whole record in one call, as
 * `analyseBeats` runs it. Prints wall and CPU seconds for 24 h and per hour of signal.
 *   node --import tsx bench/ecg-speed.ts [wfdb-dir]
 */
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWfdbRecord } from '@holterflow/formats';
import { analyseBeats, primaryLeadOf } from '@holterflow/ecg';

const SHARED = FULL_MITDB_DIR;
const FIXTURES = fileURLToPath(new URL('../test/fixtures/mitdb/', import.meta.url));
const dir = process.argv[2] ?? (existsSync(SHARED) ? SHARED : FIXTURES);
const FS = 360;
const TOTAL = 24 * 3600 * FS;

const ids = readdirSync(dir)
  .filter((f) => f.endsWith('.hea'))
  .map((f) => f.replace(/\.hea$/, ''))
  .sort();
const leads = [new Float32Array(TOTAL), new Float32Array(TOTAL)];
let filled = 0;
const used: string[] = [];
while (filled < TOTAL) {
  for (const id of ids) {
    if (filled >= TOTAL) break;
    const r = readWfdbRecord(join(dir, `${id}.hea`));
    if (r.fs !== FS) continue;
    // MLII first, as the pipeline expects its primary lead; the other lead second.
    const p = primaryLeadOf(r.leads);
    const order = [r.signals[p], r.signals[1 - p] ?? r.signals[p]];
    const take = Math.min(order[0].length, TOTAL - filled);
    for (let l = 0; l < 2; l++) leads[l].set(order[l].subarray(0, take), filled);
    filled += take;
    used.push(id);
  }
}
console.log(`24 h two-lead ${FS} Hz recording from ${used.length} record segments of ${dir}`);

const runs: { wall: number; cpu: number; beats: number }[] = [];
for (let run = 0; run < 3; run++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { beats } = analyseBeats(leads, FS, { primaryLead: 0 });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  runs.push({ wall, cpu: (c.user + c.system) / 1e6, beats: beats.samples.length });
  console.log(
    `run ${run + 1}: ${wall.toFixed(2)} s wall, ${runs[run].cpu.toFixed(2)} s CPU, ${beats.samples.length} beats`,
  );
}
const best = runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
console.log(
  JSON.stringify({
    hours: 24,
    fs: FS,
    leads: 2,
    beats: best.beats,
    wall_s_24h: +best.wall.toFixed(3),
    cpu_s_24h: +best.cpu.toFixed(3),
    wall_s_per_hour: +(best.wall / 24).toFixed(4),
    cpu_s_per_hour: +(best.cpu / 24).toFixed(4),
  }),
);
