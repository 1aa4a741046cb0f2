/**
 * Who is signed in, as the server says (GET /session). The page shows only what the role may
 * do; the server enforces the same rules on every call (one guard for keys and sessions).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Role = 'admin' | 'operator' | 'analyst';

export interface Session {
  signedIn: true;
  keyId: string;
  name: string;
  role: Role;
  /** ISO 8601: the cookie and the server's session end then. */
  expiresAt: string | null;
}

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
