/**
 * An input problem attributable to one recording. Every stage throws this (never a bare Error)
 * for bad input, so a batch can record the failure against the record and go on with the rest.
 */
export class RecordInputError extends Error {
  override readonly name = 'RecordInputError';
  constructor(
    /** The record the problem belongs to (file stem or record id). */
    readonly recordId: string,
    /** What is wrong, in words a lab technician can act on. */
    readonly problem: string,
    /** The file or object key at fault, when there is one. */
    readonly file?: string,
  ) {
    super(`record ${recordId}${file ? ` (${file})` : ''}: ${problem}`);
  }
}
