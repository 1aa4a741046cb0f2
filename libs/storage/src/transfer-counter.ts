/**
 * What a sequence of reads cost: bytes moved over the wire and requests made. Pass one counter
 * to several `asyncBuffer`s to total a whole job (e.g. "one window read 4.1 MB in 6 requests").
 */
export class TransferCounter {
  bytes = 0;
  requests = 0;

  record(bytes: number): void {
    this.requests += 1;
    this.bytes += bytes;
  }

  reset(): void {
    this.bytes = 0;
    this.requests = 0;
  }
}
