import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWfdbAnnotations, referenceBeats } from '@holterflow/formats';
import { words } from './support/wfdb-bytes.js';

/** One annotation word: 6-bit code, 10-bit interval or value. */
const ann = (code: number, value: number) => (code << 10) | (value & 0x3ff);
const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

test('MIT annotation file with SKIP, NUM, SUB, CHN and AUX records', () => {
  const bytes = Uint8Array.from([
    ...words(ann(1, 100)), // N at 100
    ...words(ann(SUB, 3)), // subtype 3 for that N only
    ...words(ann(5, 1023)), // V at 1123
    ...words(ann(CHN, 1)), // channel 1 from here on
    ...words(ann(SKIP, 0), 0x0001, 0x86a0), // +100000 (PDP-11 long: high word first)
    ...words(ann(8, 5)), // A at 1123 + 100000 + 5
    ...words(ann(NUM, 1017)), // num -7 (10-bit two's complement), persists
    ...words(ann(28, 10)), // rhythm "+" at 101138
    ...words(ann(AUX, 5)),
    ...ascii('(AFIB'),
    0, // odd AUX length: one pad byte
    ...words(ann(12, 2)), // paced beat "/" at 101140
    ...words(ann(AUX, 4)),
    ...ascii('ab'),
    0,
    0, // NUL-terminated inside its byte count
    ...words(0), // end of file
    ...words(ann(1, 5)), // after the end marker: ignored
  ]);
  const anns = parseWfdbAnnotations(bytes, 'h');
  assert.deepEqual(anns, [
    { sample: 100, symbol: 'N', subtype: 3, channel: 0, num: 0, aux: '' },
    { sample: 1123, symbol: 'V', subtype: 0, channel: 1, num: 0, aux: '' },
    { sample: 101128, symbol: 'A', subtype: 0, channel: 1, num: -7, aux: '' },
    { sample: 101138, symbol: '+', subtype: 0, channel: 1, num: -7, aux: '(AFIB' },
    { sample: 101140, symbol: '/', subtype: 0, channel: 1, num: -7, aux: 'ab' },
  ]);
  assert.deepEqual(referenceBeats(anns), [
    { sample: 100, symbol: 'N', aami: 'N' },
    { sample: 1123, symbol: 'V', aami: 'V' },
    { sample: 101128, symbol: 'A', aami: 'S' },
    { sample: 101140, symbol: '/', aami: 'Q' },
  ]);
});

test('annotation files that end inside a SKIP or AUX record are refused', () => {
  assert.throws(
    () => parseWfdbAnnotations(Uint8Array.from(words(ann(SKIP, 0), 1)), 'h'),
    /record h \(h\.atr\): annotation file ends inside a SKIP record/,
  );
  assert.throws(
    () => parseWfdbAnnotations(Uint8Array.from([...words(ann(1, 1), ann(AUX, 8)), 65, 66]), 'h'),
    /annotation file ends inside an AUX string/,
  );
});
