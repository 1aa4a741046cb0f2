/**
 * Who a credential is (POST and GET /session), as the coordinator sends it and the console
 * reads it, and the roles an API key or session has (libs/auth roles.ts says what each may do
 * and enforces it).
 */

export const ROLES = ['admin', 'operator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** POST /session (signed in), and GET /session with a valid key or session cookie. */
export interface SessionInfo {
  signedIn: true;
  keyId: string;
  name: string;
  role: Role;
  /** When the session ends (ISO 8601); null for a request made with a key (no session). */
  expiresAt: string | null;
}

/** GET /session without a valid credential, with the reason. */
export interface SignedOut {
  signedIn: false;
  problem: string;
}
