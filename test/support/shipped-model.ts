import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The repo's shipped model: models/DEFAULT names a version under models/<version>/. */
export function shippedModel(): { version: string; dir: string } | undefined {
  const pointer = join(ROOT, 'models/DEFAULT');
  if (!existsSync(pointer)) return undefined;
  const version = readFileSync(pointer, 'utf8').trim();
  const dir = join(ROOT, 'models', version);
  return existsSync(join(dir, 'model.json')) ? { version, dir } : undefined;
}
