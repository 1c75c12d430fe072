/**
 * The shell of the hub's page: the sign-in form, then the signed-in user's name and role,
 * "Sign out", and a nav between the views (hash routes: `#/insights`). A view is one entry
 * of VIEWS, a component `({ get })` from ./pages/ that reads the API through `get` only.
 * A 401 from any read brings the sign-in form back. After a change of view, focus moves to
 * the view's heading, as in the options page.
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchGet, type HubGet, HubRequestError, hubRequest } from './get';
import { FleetHealth } from './pages/FleetHealth';
import { FleetInsights } from './pages/FleetInsights';
import { FleetTouchpoints } from './pages/FleetTouchpoints';
import { FleetVersions } from './pages/FleetVersions';

export interface HubView {
  /** The hash route: `#/<id>`. */
  id: string;
  label: string;
  Component: ComponentType<{ get: HubGet }>;
}

/** The views, in the order of the nav. Add a view with one line here. */
export const VIEWS: HubView[] = [
  { id: 'insights', label: 'Insights', Component: FleetInsights },
  { id: 'health', label: 'Health', Component: FleetHealth },
  { id: 'versions', label: 'Versions', Component: FleetVersions },
  { id: 'touchpoints', label: 'Touchpoints', Component: FleetTouchpoints },
];

/** The signed-in user, as `GET/POST /api/session` answer. */
export interface SignedIn {
  name: string;
  role: 'admin' | 'author' | 'viewer';
  csrf: string;
}

/** The view of a location hash: "#/insights" -> insights; anything else -> the first view. */
export function viewOfHash(hash: string, views: HubView[] = VIEWS): HubView {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return views.find((v) => v.id === id) ?? views[0]!;
}

type State =
  | { phase: 'checking' }
  | { phase: 'signed-out'; note: string }
  | { phase: 'signed-in'; user: SignedIn };

export function App({ views = VIEWS }: { views?: HubView[] }) {
  const [state, setState] = useState<State>({ phase: 'checking' });
  const [demo, setDemo] = useState<string | null>(null);

  useEffect(() => {
    hubRequest<SignedIn>('/api/session').then(
      (user) => setState({ phase: 'signed-in', user }),
      (e: Error) =>
        setState({
          phase: 'signed-out',
          note: e instanceof HubRequestError && e.status === 401 ? '' : e.message,
        }),
    );
    hubRequest<{ demoData?: string | null }>('/api/health').then(
      (h) => setDemo(h.demoData ?? null),
      () => {},
    );
  }, []);

  const get = useMemo(
    () =>
      fetchGet(() =>
        setState((s) =>
          s.phase === 'signed-in'
            ? { phase: 'signed-out', note: 'Your session has ended: sign in again.' }
            : s,
        ),
      ),
    [],
  );

  return (
    <>
      {demo && (
        <p class="demo-note" role="note">
          {demo}
        </p>
      )}
      {state.phase === 'checking' && (
        <p class="checking" aria-busy="true">
          Loading…
        </p>
      )}
      {state.phase === 'signed-out' && (
        <SignIn note={state.note} onSignedIn={(user) => setState({ phase: 'signed-in', user })} />
      )}
      {state.phase === 'signed-in' && (
        <Shell
          user={state.user}
          get={get}
          views={views}
          onSignedOut={(note) => setState({ phase: 'signed-out', note })}
        />
      )}
    </>
  );
}

function SignIn({ note, onSignedIn }: { note: string; onSignedIn(user: SignedIn): void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim() || !password) {
      setError('Enter your name and your password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      onSignedIn(
        await hubRequest<SignedIn>('/api/session', {
          method: 'POST',
          body: { name: name.trim(), password },
        }),
      );
    } catch (err) {
      const status = err instanceof HubRequestError ? err.status : 0;
      setError(
        status === 401
          ? 'Wrong name or password.'
          : `Could not sign in: ${(err as Error).message}.`,
      );
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to the Inflow hub
      </h1>
      {note && (
        <p class="note" role="status">
          {note}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="sign-in-name">Name</label>
          <input
            id="sign-in-name"
            name="username"
            autocomplete="username"
            spellcheck={false}
            value={name}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <p id="sign-in-error" class="error" role="alert">
          {error}
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

const ROLE_NAMES: Record<SignedIn['role'], string> = {
  admin: 'admin',
  author: 'author',
  viewer: 'viewer',
};

function Shell({
  user,
  get,
  views,
  onSignedOut,
}: {
  user: SignedIn;
  get: HubGet;
  views: HubView[];
  onSignedOut(note: string): void;
}) {
  const [view, setView] = useState(() => viewOfHash(location.hash, views));
  const [problem, setProblem] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    const onHash = () => {
      const next = viewOfHash(location.hash, views);
      setView((prev) => {
        if (prev.id !== next.id) moved.current = true;
        return next;
      });
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [views]);

  useEffect(() => {
    if (moved.current) heading.current?.focus();
    document.title = `${view.label} · Inflow hub`;
  }, [view]);

  const signOut = async () => {
    setProblem('');
    try {
      await hubRequest('/api/session', { method: 'DELETE', csrf: user.csrf });
      onSignedOut('You are signed out.');
    } catch (e) {
      if (e instanceof HubRequestError && e.status === 401) onSignedOut('You are signed out.');
      else setProblem(`Could not sign out: ${(e as Error).message}.`);
    }
  };

  const Component = view.Component;
  return (
    <>
      <header class="top">
        <p class="brand">Inflow hub</p>
        <nav aria-label="Views">
          <ul>
            {views.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} aria-current={view.id === v.id ? 'page' : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="user">
          <p>
            Signed in as <strong>{user.name}</strong>{' '}
            <span class="role">({ROLE_NAMES[user.role]})</span>
          </p>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
        </div>
      </header>
      <main>
        <h1 ref={heading} tabIndex={-1}>
          {view.label}
        </h1>
        <Component key={view.id} get={get} />
      </main>
    </>
  );
}
