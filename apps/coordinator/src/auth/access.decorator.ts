/**
 * Every route says who may call it, in one place: a decorator on its handler or controller,
 * read by the global AuthGuard. A route without one is refused (fail closed), and the route
 * table test (test/auth-routes.test.ts) fails for it.
 *
 * ```ts
 * @Roles('operator')            // operator or admin
 * @Roles('operator', 'analyst') // operator, analyst or admin
 * @Roles()                      // admin only
 * @Public()                     // no key (health)
 * @MetricsScrape()              // open, or HOLTERFLOW_METRICS_KEY when that is set
 * ```
 */
import { SetMetadata } from '@nestjs/common';
import type { Role } from '@holterflow/auth';

export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'metrics' };

export const ACCESS_RULE = 'holterflow:access';

export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);
export const Roles = (...roles: Role[]) =>
  SetMetadata(ACCESS_RULE, { kind: 'roles', roles } satisfies AccessRule);
export const MetricsScrape = () => SetMetadata(ACCESS_RULE, { kind: 'metrics' } satisfies AccessRule);
