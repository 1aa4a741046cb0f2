/**
 * The role → processor table (immich's job-handler table, here keyed by worker role = queue).
 * A role is runnable exactly when it has an entry; rolesWithProcessors refuses the others by name.
 */
import { QUEUES, type WorkerRole } from '@holterflow/contracts';
import { WorkerConfigError, type RoleSettings } from './config.js';
import { IngestProcessor } from './ingest/ingest.processor.js';
import { PIPELINE_ROLES } from './pipeline/roles.js';
import type { RoleDefinition, RoleTable } from './role-definition.js';
import { TrainCancellation } from './train/train-cancellation.js';
import { TrainProcessor } from './train/train.processor.js';

export const ROLE_TABLE: RoleTable = {
  ingest: { queue: QUEUES.ingest, processor: IngestProcessor, backend: 'none', lockDurationMs: 5 * 60_000 },
  ...PIPELINE_ROLES,
  // Reading a 100k-beat dataset and SMOTE's kNN block the event loop for tens of seconds.
  train: {
    queue: QUEUES.train,
    processor: TrainProcessor,
    backend: 'tfjs',
    lockDurationMs: 5 * 60_000,
    providers: [TrainCancellation],
  },
};

export const IMPLEMENTED_ROLES = Object.keys(ROLE_TABLE) as WorkerRole[];

/** The definition of each configured role; a role without a processor is a configuration error. */
export function roleDefinitions(roles: readonly RoleSettings[]): RoleDefinition[] {
  return roles.map(({ role }) => {
    const definition = ROLE_TABLE[role];
    if (!definition)
      throw new WorkerConfigError(
        `HOLTERFLOW_ROLES: role "${role}" has no processor yet (roles that run today: ${IMPLEMENTED_ROLES.join(', ')})`,
      );
    return definition as RoleDefinition;
  });
}
