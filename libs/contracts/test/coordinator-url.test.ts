/**
 * The CLI reads HOLTERFLOW_COORDINATOR_URL through the zod-free coordinatorUrlOf (fast start-up);
 * it must accept and refuse exactly what the configuration schema does, with the same message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, readVariable } from '@holterflow/contracts';
import { coordinatorUrlOf } from '@holterflow/contracts/plain';

test('coordinatorUrlOf agrees with the schema: unset, blank, a URL, and a bad value named', () => {
  for (const value of [undefined, '  ', ' http://coordinator:3000/ ', 'https://c.example']) {
    const env = { HOLTERFLOW_COORDINATOR_URL: value };
    assert.equal(coordinatorUrlOf(env), readVariable(env, 'HOLTERFLOW_COORDINATOR_URL'));
  }
  const bad = { HOLTERFLOW_COORDINATOR_URL: 'coordinator:3000' };
  assert.throws(() => coordinatorUrlOf(bad), {
    name: 'ConfigError',
    message: 'HOLTERFLOW_COORDINATOR_URL="coordinator:3000" is not an http(s) URL',
  });
  assert.throws(() => readVariable(bad, 'HOLTERFLOW_COORDINATOR_URL'), ConfigError);
  assert.throws(() => readVariable(bad, 'HOLTERFLOW_COORDINATOR_URL'), {
    message: 'HOLTERFLOW_COORDINATOR_URL="coordinator:3000" is not an http(s) URL',
  });
});
