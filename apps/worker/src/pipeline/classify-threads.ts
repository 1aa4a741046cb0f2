/**
 * The classify role's compute threads: one per concurrent classify job of this process
 * (HOLTERFLOW_CLASSIFY_CONCURRENCY), each with its own copy of the models it has been given.
 * The main thread keeps only I/O (S3 reads and writes, Parquet decode/encode) and BullMQ.
 */
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleThread, ThreadChannel } from '@holterflow/threads';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import type { WindowInput, WindowOutput } from './classify-window.js';
import type {
  ClassifyThreadSettings,
  FromClassifyThread,
  ModelFiles,
  ToClassifyThread,
} from './classify-thread-protocol.js';

function startThread(settings: ClassifyThreadSettings): Worker {
  return startModuleThread(siblingModule('classify-thread', import.meta.url), settings);
}

class ClassifyThread {
  private readonly loaded = new Set<string>();
  private readonly channel: ThreadChannel<ToClassifyThread, FromClassifyThread>;

  constructor(worker: Worker) {
    this.channel = new ThreadChannel(worker, 'classify thread');
  }

  get alive(): boolean {
    return this.channel.alive;
  }

  async classify(
    model: () => Promise<ModelFiles>,
    version: string,
    input: WindowInput,
  ): Promise<WindowOutput> {
    if (!this.loaded.has(version)) {
      await this.channel.request({ type: 'load', model: await model() });
      this.loaded.add(version);
    }
    // The signals move to the thread (no copy); the caller does not use them afterwards.
    const transfer = input.signals.map((s) => s.buffer as ArrayBuffer);
    const reply = await this.channel.request({ type: 'classify', modelVersion: version, input }, transfer);
    if (reply.type !== 'classified') throw new Error(`classify thread answered ${reply.type}`);
    return reply.output;
  }

  terminate(): Promise<number> {
    return this.channel.terminate();
  }
}

@Injectable()
export class ClassifyThreads implements OnModuleInit, OnApplicationShutdown {
  private readonly idle: ClassifyThread[] = [];
  private readonly waiting: ((t: ClassifyThread) => void)[] = [];
  private readonly all: ClassifyThread[] = [];
  private readonly size: number;
  private readonly settings: ClassifyThreadSettings;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    this.size = config.roles.find((r) => r.role === 'classify')?.concurrency ?? 1;
    this.settings = { tfBackend: config.tfBackend, inferenceEngine: config.inferenceEngine };
  }

  /**
   * Threads start with the worker, not with its first job: loading tsx, libs/ecg, tfjs and ORT
   * in a thread takes seconds, which would otherwise land on the first job of every process.
   */
  onModuleInit(): void {
    while (this.all.length < this.size) {
      const thread = new ClassifyThread(startThread(this.settings));
      this.all.push(thread);
      this.idle.push(thread);
    }
  }

  /** Runs one window on a free thread (started on first use; a thread that died is replaced). */
  async run(model: () => Promise<ModelFiles>, version: string, input: WindowInput): Promise<WindowOutput> {
    const thread = await this.acquire();
    try {
      return await thread.classify(model, version, input);
    } finally {
      this.release(thread);
    }
  }

  private acquire(): Promise<ClassifyThread> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.all.length < this.size) {
      const thread = new ClassifyThread(startThread(this.settings));
      this.all.push(thread);
      return Promise.resolve(thread);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(thread: ClassifyThread): void {
    let next = thread;
    if (!thread.alive) {
      void thread.terminate();
      this.all.splice(this.all.indexOf(thread), 1);
      next = new ClassifyThread(startThread(this.settings));
      this.all.push(next);
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(next);
    else this.idle.push(next);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all.map((t) => t.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }
}
