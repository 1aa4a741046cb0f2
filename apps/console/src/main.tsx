/** The console: sign-in, then the page the address names, with what the role may do. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SignedOut } from '@holterflow/contracts';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { ApiError, api, onUnauthorized, request } from './api.js';
import { href, useRoute } from './router.js';
import { SessionContext, can, type Session } from './session.js';
import { SignIn } from './pages/sign-in.js';
import { RunsPage } from './pages/runs.js';
import { RunPage } from './pages/run.js';
import { RecordPage } from './pages/record.js';
import { ModelsPage } from './pages/models.js';
import { AdminPage } from './pages/admin.js';

function Page({ session }: { session: Session }) {
  const route = useRoute();
  useEffect(() => {
    document.title = `HolterFlow — ${route.page === 'not-found' ? 'not found' : route.page}`;
  }, [route]);
  switch (route.page) {
    case 'runs':
      return <RunsPage />;
    case 'run':
      return can.read(session.role) ? <RunPage runId={route.runId} /> : <Forbidden what="a run's results" />;
    case 'record':
      return can.read(session.role) ? (
        <RecordPage runId={route.runId} recordId={route.recordId} at={route.at} />
      ) : (
        <Forbidden what="a record's report" />
      );
    case 'models':
      return <ModelsPage />;
    case 'admin':
      return can.administer(session.role) ? <AdminPage /> : <Forbidden what="the admin pages" />;
    default:
      return (
        <main id="main">
          <h1>Not found</h1>
          <p>
            No page {route.path}. <a href={href.runs()}>Runs</a>
          </p>
        </main>
      );
  }
}

function Forbidden({ what }: { what: string }) {
  return (
    <main id="main">
      <h1>Not for your role</h1>
      <p role="alert">Your key's role may not see {what}.</p>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    // 200 either way: { signedIn: false } before sign-in, so no failed request shows in the console.
    api<Session | SignedOut>('GET', '/session').then(
      (s) => setSession(s.signedIn ? s : null),
      () => setSession(null),
    );
    return onUnauthorized(() => setSession(null));
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  const signOut = async () => {
    await request('DELETE', '/session').catch((e: unknown) => {
      if (!(e instanceof ApiError)) throw e;
    });
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">HolterFlow</span>
        <nav aria-label="Main">
          <a href={href.runs()}>Runs</a>
          <a href={href.models()}>Models</a>
          {can.administer(session.role) && <a href={href.admin()}>Admin</a>}
        </nav>
        <span class="who">
          {session.name || session.keyId} ({session.role})
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <Page session={session} />
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
