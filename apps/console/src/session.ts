/**
 * Who is signed in, as the server says (GET /session). The page shows only what the role may
 * do; the server enforces the same rules on every call (one guard for keys and sessions).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role, SessionInfo } from '@holterflow/contracts';

export type { Role };
/** The signed-in answer of /session (the cookie and the server's session end at `expiresAt`). */
export type Session = SessionInfo;

/** The same table the server's routes declare (admin may do everything). */
export const can = {
  /** Results: the run's table, reports, beats, the ECG (patient data). */
  read: (role: Role) => role === 'admin' || role === 'analyst',
  /** Submit, cancel, retry. */
  operate: (role: Role) => role === 'admin' || role === 'operator',
  /** Queues, workers, keys, the default model. */
  administer: (role: Role) => role === 'admin',
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
