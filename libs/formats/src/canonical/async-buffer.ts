/** AsyncBuffer helpers: hyparquet's random-access file interface (S3 provides one by ranged GETs). */
import type { AsyncBuffer } from 'hyparquet';

export type { AsyncBuffer };

/** An AsyncBuffer over bytes already in memory (tests, local files, just-written objects). */
export function asyncBufferFromBytes(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start: number, end?: number) =>
      bytes.buffer.slice(
        bytes.byteOffset + start,
        bytes.byteOffset + (end ?? bytes.byteLength),
      ) as ArrayBuffer,
  };
}

/** Reads the whole object (for formats that are not read by range). */
export async function readAllBytes(file: AsyncBuffer): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, file.byteLength));
}

export interface ReadCounter {
  /** Number of slice calls (one ranged GET each on S3). */
  requests: number;
  /** Bytes returned by them. */
  bytes: number;
}

/** Wraps an AsyncBuffer and counts what is read through it (range-efficiency checks, metrics). */
export function countingAsyncBuffer(inner: AsyncBuffer): { file: AsyncBuffer; counter: ReadCounter } {
  const counter: ReadCounter = { requests: 0, bytes: 0 };
  const file: AsyncBuffer = {
    byteLength: inner.byteLength,
    slice: async (start: number, end?: number) => {
      const chunk = await inner.slice(start, end);
      counter.requests++;
      counter.bytes += chunk.byteLength;
      return chunk;
    },
  };
  return { file, counter };
}

/**
 * Runs a parser over `file` and turns its failures into the error `toInputError` makes, except
 * failures of the file itself (an S3 read that timed out), which pass through unchanged: those
 * deserve a retry, while bad bytes stay bad and must be reported against the record.
 */
export async function parseWithInputErrors<T>(
  file: AsyncBuffer,
  parse: (file: AsyncBuffer) => Promise<T>,
  toInputError: (err: Error) => Error,
): Promise<T> {
  let readFailure: { error: unknown } | undefined;
  const tracked: AsyncBuffer = {
    byteLength: file.byteLength,
    slice: async (start: number, end?: number) => {
      try {
        return await file.slice(start, end);
      } catch (error) {
        readFailure ??= { error };
        throw error;
      }
    },
  };
  try {
    return await parse(tracked);
  } catch (err) {
    if (readFailure) throw readFailure.error;
    throw toInputError(err as Error);
  }
}
