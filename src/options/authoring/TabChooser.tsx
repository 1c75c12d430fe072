/**
 * The app tab that "Pick on page", "Check on page" and "Preview on page" work in: open
 * tabs whose address matches the aid come first; a URL can be opened from here too.
 */
import { createContext } from 'preact';
import { useState } from 'preact/hooks';
import { testUrlPattern } from '../../aids/url-match';
import type { AppTab, AuthoringDeps } from './deps';

export interface PageTools {
  deps: AuthoringDeps;
  tab: AppTab | null;
  /** Says that a tab is needed and takes focus to the chooser. */
  needTab(): void;
}

export const PageContext = createContext<PageTools | null>(null);

export const TAB_SELECT_ID = 'aid-page-tab';

/** Tabs that match any of `patterns`, then the others; each keeps its order. */
export function sortTabs(
  tabs: AppTab[],
  patterns: string[],
): { matching: AppTab[]; other: AppTab[] } {
  const usable = patterns.filter(Boolean);
  const matches = (t: AppTab) => usable.some((p) => testUrlPattern(p, t.url));
  return { matching: tabs.filter(matches), other: tabs.filter((t) => !matches(t)) };
}

export function TabChooser({
  deps,
  tabs,
  patterns,
  tab,
  loading,
  error,
  onChoose,
  onRefresh,
  onOpened,
}: {
  deps: AuthoringDeps;
  tabs: AppTab[];
  patterns: string[];
  tab: AppTab | null;
  loading: boolean;
  error: string;
  onChoose(tab: AppTab | null): void;
  onRefresh(): void;
  onOpened(tab: AppTab): void;
}) {
  const [url, setUrl] = useState(() => patterns.find((p) => /^https?:\/\/[^*:]+$/.test(p)) ?? '');
  const [note, setNote] = useState('');
  const [opening, setOpening] = useState(false);
  const { matching, other } = sortTabs(tabs, patterns);
  const option = (t: AppTab) => (
    <option key={t.id} value={String(t.id)}>
      {t.title} — {t.url}
    </option>
  );

  const open = async () => {
    if (!/^https?:\/\/\S+$/i.test(url.trim())) {
      setNote('Enter an address that starts with https:// or http://.');
      return;
    }
    setOpening(true);
    setNote('Opening the page…');
    try {
      const opened = await deps.openTab(url.trim());
      onOpened(opened);
      setNote(`Opened “${opened.title}”.`);
    } catch (e) {
      setNote(`Could not open the page: ${(e as Error).message}`);
    } finally {
      setOpening(false);
    }
  };

  return (
    <fieldset class="page-tab">
      <legend>Page to work on</legend>
      <p class="help" id="aid-page-tab-hint">
        Pick, Check and Preview work in this tab of the app. Tabs where the aid applies come first.
      </p>
      <div class="field">
        <label for={TAB_SELECT_ID}>App tab</label>
        <div class="row">
          <select
            id={TAB_SELECT_ID}
            aria-describedby="aid-page-tab-hint"
            value={tab ? String(tab.id) : ''}
            onChange={(e) => {
              const id = Number((e.currentTarget as HTMLSelectElement).value);
              onChoose(tabs.find((t) => t.id === id) ?? null);
            }}
          >
            <option value="">
              {loading ? 'Looking for tabs…' : tabs.length ? 'Choose a tab' : 'No app tabs open'}
            </option>
            {matching.length > 0 && (
              <optgroup label="Where this aid applies">{matching.map(option)}</optgroup>
            )}
            {other.length > 0 && <optgroup label="Other tabs">{other.map(option)}</optgroup>}
          </select>
          <button type="button" class="secondary" onClick={onRefresh}>
            Refresh list
          </button>
        </div>
        {error && <p class="field-error">{error}</p>}
      </div>
      <div class="field">
        <label for="aid-open-url">Open an address in a new tab</label>
        <div class="row">
          <input
            id="aid-open-url"
            type="url"
            value={url}
            placeholder="https://portal.example.com/support/new"
            autocomplete="off"
            spellcheck={false}
            onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="button" class="secondary" disabled={opening} onClick={() => void open()}>
            Open URL
          </button>
        </div>
        <p class="note" role="status">
          {note}
        </p>
      </div>
    </fieldset>
  );
}
