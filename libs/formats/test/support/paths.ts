/** Where the tests find MIT-BIH data: fixtures always, the full database only on the shared machine. */
import { existsSync } from 'node:fs';

export const FIXTURES = new URL('../../../../test/fixtures/mitdb/', import.meta.url).pathname;
export const SHARED_MITDB = '/work/shared/data/mitdb';
/** A node:test `skip` value: false when the full database is present, else the reason. */
export const SKIP_WITHOUT_SHARED: string | false = existsSync(SHARED_MITDB)
  ? false
  : `${SHARED_MITDB} is absent (full MIT-BIH database only on the shared machine)`;
