/**
 * Parquet's RLE/bit-packed hybrid of dictionary indices, decoded straight into the dictionary's
 * values (as raw 32-bit patterns, so float NaN payloads and -0 are copied bit-exactly).
 * Bounds are checked on every run and every index: corrupt bytes throw, never yield garbage.
 */

/** Widths above this do not fit the 32-bit accumulator of the fast loop (31 bits + one byte). */
const MAX_ACCUMULATOR_WIDTH = 24;

/**
 * Decodes `page` (bit width byte first, then the hybrid runs) as the indices of a page's values
 * and writes `dictionary[index]` of values [from, to) of the page to `out` starting at `outAt`.
 * Runs after `to` are not read.
 */
export function decodeDictionaryIndices(
  page: Uint8Array,
  dictionary: Uint32Array,
  from: number,
  to: number,
  out: Uint32Array,
  outAt: number,
): void {
  if (page.length === 0) throw new Error('dictionary-encoded page has no bit width byte');
  const width = page[0];
  if (width > 32) throw new Error(`bad dictionary index bit width ${width}`);
  const end = page.length;
  const dictSize = dictionary.length;
  let pos = 1;
  let i = 0; // index of the next value in the page
  while (i < to) {
    if (pos >= end) throw new Error(`dictionary indices end after ${i} of ${to} values`);
    // Run header: unsigned LEB128 (at most 5 bytes for a 32-bit value).
    let header = 0;
    let scale = 1;
    let byte: number;
    let headerBytes = 0;
    do {
      if (pos >= end || headerBytes === 5) throw new Error('dictionary index run header is corrupt');
      byte = page[pos++];
      header += (byte & 0x7f) * scale;
      scale *= 128;
      headerBytes++;
    } while (byte & 0x80);
    const count = Math.floor(header / 2);
    if (header % 2 === 1) {
      // Bit-packed run: count groups of 8 values, `width` bytes per group.
      const values = count * 8;
      const used = Math.min(values, to - i);
      const usedBytes = Math.ceil((used * width) / 8);
      if (pos + usedBytes > end)
        throw new Error(
          `bit-packed run of ${values} values at byte ${pos} runs past the page (${end} bytes)`,
        );
      if (width > MAX_ACCUMULATOR_WIDTH) unpackWide(page, pos, width, used, i, from, dictionary, out, outAt);
      else {
        // Inlined (runs are often a single group of 8 between RLE runs): a 32-bit accumulator.
        const mask = (1 << width) - 1;
        let p = pos;
        let acc = 0;
        let bits = 0;
        for (let k = i; k < i + used; k++) {
          while (bits < width) {
            acc |= page[p++] << bits;
            bits += 8;
          }
          const index = acc & mask;
          acc >>>= width;
          bits -= width;
          if (k < from) continue;
          if (index >= dictSize) throw new Error(`dictionary index ${index} out of ${dictSize} entries`);
          out[outAt + k - from] = dictionary[index];
        }
      }
      pos += count * width; // may pass `end` only for the last run, which ends the loop
      i += values;
    } else {
      // RLE run: one value in ceil(width / 8) little-endian bytes, repeated count times.
      const valueBytes = (width + 7) >> 3;
      if (pos + valueBytes > end) throw new Error(`RLE run at byte ${pos} runs past the page`);
      let index = 0;
      for (let b = 0; b < valueBytes; b++) index += page[pos + b] * 2 ** (8 * b);
      pos += valueBytes;
      const a = Math.max(i, from);
      const z = Math.min(i + count, to);
      if (a < z) {
        if (index >= dictSize) throw new Error(`dictionary index ${index} out of ${dictSize} entries`);
        const value = dictionary[index];
        for (let k = outAt + a - from, kEnd = outAt + z - from; k < kEnd; k++) out[k] = value;
      }
      i += count;
    }
  }
}

/** Bit-packed values of width 25–32, assembled byte by byte in float arithmetic. */
function unpackWide(
  page: Uint8Array,
  pos: number,
  width: number,
  used: number,
  first: number,
  from: number,
  dictionary: Uint32Array,
  out: Uint32Array,
  outAt: number,
): void {
  const dictSize = dictionary.length;
  for (let k = 0; k < used; k++) {
    const i = first + k;
    if (i < from) continue;
    let bit = k * width;
    let index = 0;
    let got = 0;
    while (got < width) {
      const shift = bit & 7;
      const take = Math.min(8 - shift, width - got);
      index += ((page[pos + (bit >>> 3)] >>> shift) & ((1 << take) - 1)) * 2 ** got;
      got += take;
      bit += take;
    }
    if (index >= dictSize) throw new Error(`dictionary index ${index} out of ${dictSize} entries`);
    out[outAt + i - from] = dictionary[index];
  }
}
