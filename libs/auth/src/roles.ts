/**
 * Who may do what. Three roles; admin may do everything, so a route names only the other roles
 * it admits (apps/coordinator/src/auth/access.decorator.ts).
 *
 * - operator: ingest, submit / cancel / retry runs, submit training, watch their progress;
 * - analyst: read runs, results, reports and models (patient data);
 * - admin: everything above, plus queues, workers, keys and the default model.
 */
import { z } from 'zod';
import { ROLES, type Role } from '@holterflow/contracts';

// The role names are part of the API's answers (libs/contracts api/session.ts): declared there.
export { ROLES, type Role };
export const RoleSchema = z.enum(ROLES);

/** Whether a key of `role` may use a route that admits `admitted` (admin always may). */
export function roleAdmits(role: Role, admitted: readonly Role[]): boolean {
  return role === 'admin' || admitted.includes(role);
}
