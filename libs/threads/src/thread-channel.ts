import type { Worker } from 'node:worker_threads';

/**
 * One request at a time to a worker thread, answered by one message: the thread replies
 * `{ type: 'error', message }` when a request fails, and a thread that dies or exits fails the
 * request in flight and every later one with the reason. Classify threads and gradient threads
 * talk to their main thread this way.
 */
export class ThreadChannel<Request, Reply extends { type: string }> {
  private pending?: { resolve: (m: Reply) => void; reject: (e: Error) => void };
  private dead?: Error;

  /**
   * `name` says which thread in errors ("classify thread", "gradient thread"); `errorPrefix` goes
   * before the message of a failed request (none for classify: its messages name the record).
   */
  constructor(
    private readonly worker: Worker,
    private readonly name: string,
    errorPrefix = '',
  ) {
    worker.on('message', (m: Reply | { type: 'error'; message: string }) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'error') p?.reject(new Error(errorPrefix + (m as { message: string }).message));
      else p?.resolve(m as Reply);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`${name} exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  request(message: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error(`one request at a time per ${this.name}`));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private fail(err: Error): void {
    this.dead ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }
}
