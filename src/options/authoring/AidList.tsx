/**
 * The aid list: every aid the author can see, with search, filters, status in words, and
 * the doors to the editor, import, export and the URL tester.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { kindName } from '../../aids/kind-names';
import { compileUrlPattern, hostKeyOfPattern, matchesEverySite } from '../../aids/url-match';
import { type AuthoringListItem, LOCAL_PACK_ID } from '../../protocol/authoring';
import type { AuthoringDeps } from './deps';
import { ExportPanel, ImportPanel, type ReadText, type SaveFile } from './ImportExport';
import { editLink, NEW_LINK, TEST_URL_LINK } from './links';
import './authoring.css';

export const ANY_SITE = 'any site';

/** The hosts an aid's URL patterns name ("*.example.com", "any site"); invalid ones are left out. */
export function hostsOf(urls: string[]): string[] {
  const hosts = new Set<string>();
  for (const pattern of urls) {
    if (compileUrlPattern(pattern) instanceof Error) continue;
    const host = hostKeyOfPattern(pattern);
    hosts.add(host === '*' ? ANY_SITE : host);
  }
  return [...hosts];
}

export function packLabel(item: Pick<AuthoringListItem, 'packId' | 'packTitle'>): string {
  return item.packId === LOCAL_PACK_ID ? 'My aids' : item.packTitle || item.packId;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export interface Badge {
  text: string;
  tone: 'draft' | 'note' | 'problem';
}

/** An aid's status in words; colour only repeats what the words say. */
export function badgesOf(item: AuthoringListItem): Badge[] {
  const badges: Badge[] = [];
  if (!item.published) badges.push({ text: 'Not published', tone: 'draft' });
  else if (item.hasDraft) badges.push({ text: 'Draft', tone: 'draft' });
  if (!item.editable) badges.push({ text: 'Read-only', tone: 'note' });
  if (item.urls.some((u) => !(compileUrlPattern(u) instanceof Error) && matchesEverySite(u))) {
    // Its cost falls on every page of every site: say so wherever the aid is listed.
    badges.push({ text: 'Every site: Inflow loads on every page you open', tone: 'note' });
  }
  if (item.missing > 0) {
    badges.push({
      text: `Broken: ${plural(item.missing, 'missing target', 'missing targets')}`,
      tone: 'problem',
    });
  }
  if (item.healed > 0) {
    badges.push({
      text: item.healed === 1 ? 'Healed once' : `Healed ${item.healed} times`,
      tone: 'note',
    });
  }
  return badges;
}

export type StatusFilter = 'all' | 'drafts' | 'broken' | 'read-only';

export interface Filters {
  query: string;
  app: string;
  kind: string;
  pack: string;
  status: StatusFilter;
}

const NO_FILTERS: Filters = { query: '', app: '', kind: '', pack: '', status: 'all' };

export function matches(item: AuthoringListItem, f: Filters): boolean {
  const q = f.query.trim().toLowerCase();
  if (q) {
    const text = [item.title, item.aidId, item.key, ...item.urls].join('\n').toLowerCase();
    if (!text.includes(q)) return false;
  }
  if (f.app && !hostsOf(item.urls).includes(f.app)) return false;
  if (f.kind && item.kind !== f.kind) return false;
  if (f.pack && item.packId !== f.pack) return false;
  if (f.status === 'drafts' && !item.hasDraft) return false;
  if (f.status === 'broken' && item.missing === 0) return false;
  if (f.status === 'read-only' && item.editable) return false;
  return true;
}

const sorted = (values: Iterable<string>) =>
  [...new Set(values)].sort((a, b) => a.localeCompare(b));

export interface AidListProps {
  deps: AuthoringDeps;
  /** How a pack file is read and saved; the browser's by default. */
  readText?: ReadText;
  save?: SaveFile;
}

export function AidList({ deps, readText, save }: AidListProps) {
  const [items, setItems] = useState<AuthoringListItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [panel, setPanel] = useState<'import' | 'export' | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const search = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const { aids } = await deps.list();
      setItems(aids);
      setLoadError(null);
    } catch (e) {
      setLoadError(`Could not read the aids: ${(e as Error).message}`);
    }
  }, [deps]);

  useEffect(() => {
    void load();
  }, [load]);

  const options = useMemo(() => {
    const all = items ?? [];
    const packs = new Map<string, string>();
    for (const item of all) packs.set(item.packId, packLabel(item));
    return {
      apps: sorted(all.flatMap((item) => hostsOf(item.urls))),
      kinds: sorted(all.map((item) => item.kind)),
      packs: [...packs].sort((a, b) => a[1].localeCompare(b[1])),
    };
  }, [items]);

  const shown = useMemo(
    () => (items ?? []).filter((item) => matches(item, filters)),
    [items, filters],
  );

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const clearFilters = () => {
    setFilters(NO_FILTERS);
    search.current?.focus();
  };
  const toggle = (which: 'import' | 'export') => {
    setPanel((p) => (p === which ? null : which));
    if (which === 'export') setSelected(new Set());
  };
  const select = (key: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const narrowed =
    filters.app !== '' || filters.kind !== '' || filters.pack !== '' || filters.status !== 'all';
  const filtered = narrowed || filters.query.trim() !== '';

  return (
    <>
      <div class="aids-toolbar">
        <a class="button-link" href={NEW_LINK}>
          New aid
        </a>
        <button
          type="button"
          class="secondary"
          aria-expanded={panel === 'import'}
          aria-controls={panel === 'import' ? 'aids-import' : undefined}
          onClick={() => toggle('import')}
        >
          Import a pack file
        </button>
        {!!items?.length && (
          <button
            type="button"
            class="secondary"
            aria-expanded={panel === 'export'}
            aria-controls={panel === 'export' ? 'aids-export' : undefined}
            onClick={() => toggle('export')}
          >
            Export…
          </button>
        )}
        <a class="button-link secondary" href={TEST_URL_LINK}>
          Test a URL
        </a>
      </div>

      {panel === 'import' && (
        <ImportPanel id="aids-import" deps={deps} onImported={load} readText={readText} />
      )}
      {panel === 'export' && items && (
        <ExportPanel
          id="aids-export"
          deps={deps}
          items={items}
          shown={shown}
          selected={selected}
          onSelect={setSelected}
          save={save}
        />
      )}

      <section aria-labelledby="aids-list-heading">
        {/* There from the start, so focus can land on it while the aids load. */}
        <h2 id="aids-list-heading">All aids</h2>
        {loadError ? (
          <div class="actions">
            <p class="error" role="alert">
              {loadError}
            </p>
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        ) : !items ? (
          <p aria-busy="true">Loading the aids…</p>
        ) : items.length === 0 ? (
          <div class="aids-empty">
            <p>No aids yet. Create a checklist or a tip, or import a pack file.</p>
            <div class="actions">
              <a class="button-link" href={NEW_LINK}>
                Create an aid
              </a>
              <button type="button" class="secondary" onClick={() => setPanel('import')}>
                Import a pack file
              </button>
            </div>
          </div>
        ) : (
          <>
            <div class="aids-filters">
              <div class="field aids-search">
                <label for="aids-search">Search</label>
                <input
                  ref={search}
                  id="aids-search"
                  type="search"
                  value={filters.query}
                  aria-describedby="aids-search-help"
                  autocomplete="off"
                  spellcheck={false}
                  onInput={(e) => set({ query: (e.currentTarget as HTMLInputElement).value })}
                />
                <p id="aids-search-help" class="help">
                  Finds words in an aid’s title, id or URL patterns.
                </p>
              </div>
              <fieldset>
                <legend>Filters</legend>
                <div class="aids-filter-row">
                  <Choice
                    id="aids-app"
                    label="App"
                    value={filters.app}
                    all="All apps"
                    options={options.apps.map((a) => [a, a])}
                    onChange={(app) => set({ app })}
                  />
                  <Choice
                    id="aids-kind"
                    label="Kind"
                    value={filters.kind}
                    all="All kinds"
                    options={options.kinds.map((k) => [k, kindName(k)])}
                    onChange={(kind) => set({ kind })}
                  />
                  <Choice
                    id="aids-pack"
                    label="Pack"
                    value={filters.pack}
                    all="All packs"
                    options={options.packs}
                    onChange={(pack) => set({ pack })}
                  />
                  <Choice
                    id="aids-status"
                    label="Status"
                    value={filters.status}
                    options={[
                      ['all', 'All'],
                      ['drafts', 'Drafts (unpublished changes)'],
                      ['broken', 'Broken targets'],
                      ['read-only', 'Read-only'],
                    ]}
                    onChange={(status) => set({ status: status as StatusFilter })}
                  />
                </div>
                {filtered && (
                  <button type="button" class="secondary" onClick={clearFilters}>
                    Clear the filters
                  </button>
                )}
              </fieldset>
            </div>

            <p class="aids-count" role="status">
              {plural(items.length, 'aid', 'aids')} · showing {shown.length}
            </p>

            {shown.length === 0 ? (
              <p class="aids-empty">
                {filters.query.trim()
                  ? `No aid matches “${filters.query.trim()}”${narrowed ? ' with these filters' : ''}.`
                  : 'No aid matches these filters.'}{' '}
                <button type="button" class="link" onClick={clearFilters}>
                  Clear the filters
                </button>
              </p>
            ) : (
              <ul class="aid-list">
                {shown.map((item) => (
                  <AidRow
                    key={item.key}
                    item={item}
                    index={items.indexOf(item)}
                    exporting={panel === 'export'}
                    selected={selected.has(item.key)}
                    onSelect={(on) => select(item.key, on)}
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </>
  );
}

function Choice({
  id,
  label,
  value,
  all,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  /** The label of the "no filter" choice, if there is one. */
  all?: string;
  options: [value: string, label: string][];
  onChange(value: string): void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {all !== undefined && <option value="">{all}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function AidRow({
  item,
  index,
  exporting,
  selected,
  onSelect,
}: {
  item: AuthoringListItem;
  index: number;
  exporting: boolean;
  selected: boolean;
  onSelect(on: boolean): void;
}) {
  const title = item.title || `Untitled (${item.aidId})`;
  const hosts = hostsOf(item.urls);
  const badges = badgesOf(item);
  const noteId = `aid-${index}-export-note`;
  return (
    <li class="aid">
      <div class="aid-head">
        {exporting && (
          <input
            type="checkbox"
            class="aid-select"
            aria-label={`Select ${title}`}
            checked={selected && item.published}
            disabled={!item.published}
            aria-describedby={!item.published || item.hasDraft ? noteId : undefined}
            onChange={(e) => onSelect((e.currentTarget as HTMLInputElement).checked)}
          />
        )}
        <h3>
          <a href={editLink(item.key)}>{title}</a>
        </h3>
      </div>
      {exporting && !item.published && (
        <p id={noteId} class="aid-note">
          Never published: publish it to export it.
        </p>
      )}
      {exporting && item.published && item.hasDraft && (
        <p id={noteId} class="aid-note">
          Exports the published version, not the draft.
        </p>
      )}
      <dl class="aid-facts">
        <dt>Kind</dt>
        <dd>{kindName(item.kind)}</dd>
        <dt>Pack</dt>
        <dd>{packLabel(item)}</dd>
        <dt>Where</dt>
        <dd>{hosts.length ? hosts.join(', ') : 'No valid URL pattern yet'}</dd>
      </dl>
      {badges.length > 0 && (
        <ul class="badges" aria-label="Status">
          {badges.map((b) => (
            <li key={b.text} class={`badge ${b.tone}`}>
              {b.text}
            </li>
          ))}
        </ul>
      )}
      {!item.editable && (
        <p class="aid-reason">{item.readOnlyReason ?? 'This aid cannot be changed here.'}</p>
      )}
    </li>
  );
}
