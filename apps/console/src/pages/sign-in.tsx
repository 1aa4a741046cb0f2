/** Sign in with an API key: the server checks it and answers with an httpOnly session cookie. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../session.js';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<Session>('POST', '/session', { key: key.trim() }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      setKey('');
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>HolterFlow console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        <p id="sign-in-help" class="help">
          A key from <code>holterflow keys create</code> or an admin. It is sent once; the page keeps only a
          session cookie.
        </p>
        <button type="submit" disabled={busy || !key}>
          Sign in
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
