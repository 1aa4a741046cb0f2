import type { Command } from 'commander';
import * as ingest from './ingest.js';
import * as stack from './stack.js';
import * as qrsEval from './qrs-eval.js';
import * as dataset from './dataset.js';
import * as train from './train.js';
import * as runs from './runs.js';
import * as models from './models.js';
import * as keys from './keys.js';
import * as admin from './admin.js';

/** One entry per sub-command module; each module exports `register(program)`. */
const modules: { register(program: Command): void }[] = [
  ingest,
  stack,
  qrsEval,
  dataset,
  train,
  runs,
  models,
  keys,
  admin,
];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
