/**
 * Reads several records of the full MIT-BIH database and checks every decoded value against an
 * independent, deliberately plain decode of the 212-format .dat (bit by bit from 24-bit groups).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readWfdbRecord } from '@holterflow/formats';
import { SHARED_MITDB, SKIP_WITHOUT_SHARED } from './support/paths.js';

/** 212 with two signals: each 3-byte group holds sample a (12 bits) then sample b (12 bits). */
function plainDecode212(dat: Uint8Array): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  const signed12 = (v: number) => (v >= 2048 ? v - 4096 : v);
  for (let i = 0; i + 2 < dat.length; i += 3) {
    const lowA = dat[i];
    const highA = dat[i + 1] % 16;
    const highB = Math.floor(dat[i + 1] / 16);
    const lowB = dat[i + 2];
    a.push(signed12(highA * 256 + lowA));
    b.push(signed12(highB * 256 + lowB));
  }
  return [a, b];
}

function headerCalibration(hea: string): { gain: number; adcZero: number; initial: number }[] {
  return hea
    .split('\n')
    .slice(1)
    .filter((l) => /^\S+\.dat /.test(l))
    .map((l) => {
      const f = l.split(/\s+/);
      return { gain: Number(f[2]), adcZero: Number(f[4]), initial: Number(f[5]) };
    });
}

test(
  'every sample of several full-database records equals a plain decode of the .dat',
  { skip: SKIP_WITHOUT_SHARED },
  () => {
    for (const id of ['101', '203', '207', '217', '234']) {
      const rec = readWfdbRecord(`${SHARED_MITDB}/${id}.hea`);
      const calib = headerCalibration(readFileSync(`${SHARED_MITDB}/${id}.hea`, 'latin1'));
      const digital = plainDecode212(readFileSync(`${SHARED_MITDB}/${id}.dat`));
      for (let s = 0; s < 2; s++) {
        const { gain, adcZero, initial } = calib[s];
        assert.equal(
          digital[s][0],
          initial,
          `${id} signal ${s}: first sample equals the header's initial value`,
        );
        assert.equal(rec.signals[s].length, digital[s].length);
        let mismatches = 0;
        for (let i = 0; i < digital[s].length; i++) {
          const d = digital[s][i];
          const expected = d === -2048 ? NaN : Math.fround((d - adcZero) / gain);
          if (!Object.is(rec.signals[s][i], expected)) mismatches++;
        }
        assert.equal(mismatches, 0, `${id} signal ${s}`);
      }
    }
  },
);
