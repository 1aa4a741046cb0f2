/**
 * Reader for WFDB annotation files in MIT format (.atr and friends).
 * Spec: https://physionet.org/physiotools/wag/annot-5.htm
 */
import { RecordInputError, aamiClassOf, type AamiClass } from '@holterflow/contracts';

export interface WfdbAnnotation {
  /** Sample index (at the record's frame rate). */
  sample: number;
  /** Annotation mnemonic, e.g. N, V, +, ~. */
  symbol: string;
  subtype: number;
  channel: number;
  num: number;
  /** Auxiliary text (rhythm labels such as "(AFIB"), empty when absent. */
  aux: string;
}

/** Code → mnemonic, as in the WFDB library's ecgcodes.h. */
const ANNOTATION_SYMBOLS: readonly string[] = [
  ' ',
  'N',
  'L',
  'R',
  'a',
  'V',
  'F',
  'J',
  'A',
  'S',
  'E',
  'j',
  '/',
  'Q',
  '~',
  '',
  '|',
  '',
  's',
  'T',
  '*',
  'D',
  '"',
  '=',
  'p',
  'B',
  '^',
  't',
  '+',
  'u',
  '?',
  '!',
  '[',
  ']',
  'e',
  'n',
  '@',
  'x',
  'f',
  '(',
  ')',
  'r',
];

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

export function parseWfdbAnnotations(
  bytes: Uint8Array,
  recordId: string,
  file = `${recordId}.atr`,
): WfdbAnnotation[] {
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, file);
  };
  if (bytes.byteLength % 2 !== 0) fail(`annotation file has an odd length (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: WfdbAnnotation[] = [];
  let time = 0;
  let num = 0;
  let channel = 0;
  let current: WfdbAnnotation | undefined;
  let pos = 0;
  while (pos + 2 <= bytes.byteLength) {
    const word = view.getUint16(pos, true);
    pos += 2;
    const code = word >> 10;
    const value = word & 0x3ff;
    if (code === 0 && value === 0) break; // end of file marker
    switch (code) {
      case SKIP: {
        if (pos + 4 > bytes.byteLength) fail('annotation file ends inside a SKIP record');
        // PDP-11 long: high 16-bit word first, each word little-endian.
        const high = view.getInt16(pos, true);
        const low = view.getUint16(pos + 2, true);
        time += high * 65536 + low;
        pos += 4;
        break;
      }
      case NUM:
        num = value > 511 ? value - 1024 : value;
        if (current) current.num = num;
        break;
      case SUB:
        if (current) current.subtype = value > 511 ? value - 1024 : value;
        break;
      case CHN:
        channel = value;
        if (current) current.channel = channel;
        break;
      case AUX: {
        if (pos + value > bytes.byteLength) fail('annotation file ends inside an AUX string');
        const raw = bytes.subarray(pos, pos + value);
        const nul = raw.indexOf(0);
        if (current) current.aux = new TextDecoder('latin1').decode(nul >= 0 ? raw.subarray(0, nul) : raw);
        pos += value + (value & 1);
        break;
      }
      default: {
        if (code === 0 || code > 49) {
          // Codes 42..49 are user-defined; 0 with a nonzero interval is NOTQRS, a time marker.
          time += value;
          current = undefined;
          break;
        }
        time += value;
        current = {
          sample: time,
          symbol: ANNOTATION_SYMBOLS[code] || `#${code}`, // unnamed codes keep their number
          subtype: 0,
          channel,
          num,
          aux: '',
        };
        out.push(current);
      }
    }
  }
  return out;
}

export interface ReferenceBeat {
  sample: number;
  /** WFDB beat symbol. */
  symbol: string;
  aami: AamiClass;
}

/** The beat annotations among all annotations, each with its AAMI class. */
export function referenceBeats(annotations: readonly WfdbAnnotation[]): ReferenceBeat[] {
  const beats: ReferenceBeat[] = [];
  for (const a of annotations) {
    const aami = aamiClassOf(a.symbol);
    if (aami) beats.push({ sample: a.sample, symbol: a.symbol, aami });
  }
  return beats;
}
