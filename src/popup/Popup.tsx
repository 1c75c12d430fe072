/**
 * The toolbar popup: what Inflow shows on the current tab, and a switch to pause it on the
 * tab's site. It asks the tab's overlay for the aids it shows (the overlay knows which
 * targets it found), and the background for the paused state.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { kindName } from '../aids/kind-names';
import { askBackground, askOverlay } from '../protocol/client';
import type { AidStatus, SourceStatus } from '../protocol/messages';

export interface PopupDeps {
  activeTab(): Promise<{ id?: number; url?: string } | undefined>;
  /** The aids the tab's overlay shows; rejects when the tab has no overlay. */
  overlayStatus(tabId: number): Promise<AidStatus[]>;
  isPaused(host: string): Promise<boolean>;
  setPaused(host: string, paused: boolean): Promise<void>;
  /** The pack sources and how their last sync went. */
  sourceStatuses?(): Promise<SourceStatus[]>;
  openOptions?(): Promise<void>;
  /**
   * How many aids had a target problem or staff feedback in the last 7 days, for people who
   * can fix aids; 0 for the others.
   */
  attentionCount?(): Promise<number>;
}

export const browserDeps: PopupDeps = {
  async activeTab() {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    return tab;
  },
  async overlayStatus(tabId) {
    return (await askOverlay(tabId, { type: 'overlay.status' })).aids;
  },
  async isPaused(host) {
    return (await askBackground({ type: 'site.status', host })).paused;
  },
  async setPaused(host, paused) {
    await askBackground({ type: 'site.setPaused', host, paused });
  },
  async sourceStatuses() {
    return (await askBackground({ type: 'sync.status' })).sources;
  },
  async openOptions() {
    await browser.runtime.openOptionsPage();
  },
  async attentionCount() {
    const [{ count }, settings] = await Promise.all([
      askBackground({ type: 'insights.brokenCount' }),
      askBackground({ type: 'settings.get' }),
    ]);
    // Only authors can act on it: staff who may not edit aids are not told.
    const { allowLocalAuthoring, authorsMayEditAdminPacks } = settings.values;
    return allowLocalAuthoring || authorsMayEditAdminPacks ? count : 0;
  },
};

/** "packs.example.com" for a source's URL. */
export function sourceHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Checklists and walkthroughs have steps to count (a tip reports its one target). */
function hasSteps(aid: AidStatus): boolean {
  return (aid.kind === 'checklist' || aid.kind === 'walkthrough') && aid.total > 0;
}

/** "2 of 5 done, 1 skipped" for a checklist, "tip" for a tip, then "1 target not found". */
export function summarize(aid: AidStatus): string {
  const parts: string[] = [];
  if (hasSteps(aid)) {
    parts.push(`${aid.done} of ${aid.total} done`);
    if (aid.skipped) parts.push(`${aid.skipped} skipped`);
  } else parts.push(kindName(aid.kind).toLowerCase());
  if (aid.missing)
    parts.push(`${aid.missing} ${aid.missing === 1 ? 'target' : 'targets'} not found`);
  return parts.join(', ');
}

function webHost(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname : null;
  } catch {
    return null;
  }
}

type State =
  | { phase: 'loading' }
  | {
      phase: 'ready';
      tabId: number | null;
      host: string | null;
      aids: AidStatus[];
      paused: boolean;
      /** Pack sources whose last sync failed. */
      problems: SourceStatus[];
      /** Aids with a target problem or feedback in the last 7 days. */
      attention: number;
    };

export function Popup({ deps = browserDeps }: { deps?: PopupDeps }) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  // The tab the popup was opened for: asked once, so a refresh after a change still
  // describes that tab even if another one has become active meanwhile.
  const tabOnce = useMemo(() => deps.activeTab().catch(() => undefined), [deps]);

  const load = useCallback(async () => {
    const tab = await tabOnce;
    const tabId = tab?.id ?? null;
    const host = webHost(tab?.url);
    const [aids, paused, sources, attention] = await Promise.all([
      tabId !== null && host ? deps.overlayStatus(tabId).catch(() => []) : Promise.resolve([]),
      host ? deps.isPaused(host).catch(() => false) : Promise.resolve(false),
      deps.sourceStatuses ? deps.sourceStatuses().catch(() => []) : Promise.resolve([]),
      deps.attentionCount ? deps.attentionCount().catch(() => 0) : Promise.resolve(0),
    ]);
    const problems = sources.filter((s) => s.error);
    setState({ phase: 'ready', tabId, host, aids, paused, problems, attention });
  }, [deps, tabOnce]);

  useEffect(() => {
    void load();
  }, [load]);

  if (state.phase === 'loading') {
    return (
      <main class="popup" aria-busy="true">
        <h1>Inflow</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  }

  const { host, aids, paused, problems, attention } = state;

  const toggle = async (next: boolean) => {
    if (!host) return;
    // The switch moves at once; if the background refuses, it moves back.
    setState({ ...state, paused: next });
    setBusy(true);
    setError(null);
    try {
      await deps.setPaused(host, next);
      await load();
    } catch (e) {
      setState({ ...state, paused: !next });
      setError(`Could not change the setting: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="popup">
      <header>
        <h1>Inflow</h1>
        {host && <p class="host">{host}</p>}
      </header>

      <section aria-labelledby="aids-heading">
        <h2 id="aids-heading">On this page</h2>
        {paused ? (
          <p class="muted">Paused on this site: no aids are shown.</p>
        ) : aids.length === 0 ? (
          <p class="muted">No aids on this page</p>
        ) : (
          <ul class="aids">
            {aids.map((aid) => (
              <li key={aid.key}>
                <span class="title">{aid.title}</span>
                {' — '}
                <span class="summary">{summarize(aid)}</span>
                {hasSteps(aid) && (
                  <progress value={aid.done + aid.skipped} max={aid.total} aria-hidden="true" />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {host && (
        <section class="site" aria-labelledby="site-heading">
          <h2 id="site-heading" class="sr-only">
            This site
          </h2>
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              checked={paused}
              aria-checked={paused}
              disabled={busy}
              aria-describedby={hintId}
              onChange={(e) => void toggle((e.currentTarget as HTMLInputElement).checked)}
            />
            <span class="track" aria-hidden="true" />
            <span class="label">Pause Inflow on {host}</span>
          </label>
          <p id={hintId} class="hint">
            While paused, Inflow shows nothing and records nothing on this site.
          </p>
        </section>
      )}

      {problems.length > 0 && (
        <section class="sources" aria-labelledby="sources-heading">
          <h2 id="sources-heading">Pack sources</h2>
          <ul>
            {problems.map((s) => (
              <li key={s.url}>
                Pack source: {sourceHost(s.url)} — {s.error}
              </li>
            ))}
          </ul>
          {deps.openOptions && (
            <button type="button" class="link" onClick={() => void deps.openOptions?.()}>
              Open sources &amp; settings
            </button>
          )}
        </section>
      )}

      {attention > 0 && (
        <p class="attention">
          {/* A new tab: in the popup itself the options page would not fit. */}
          <a href="/options.html#health" target="_blank" rel="noopener">
            {attention} {attention === 1 ? 'aid needs' : 'aids need'} attention
          </a>
        </p>
      )}

      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
