/**
 * The options page: a nav between the author's work, "Aids" (authoring/), "Insights" and
 * "Health" (insights/), and "Sources & settings": the status of each pack source with a
 * "Sync now" button, whether and how events are being sent, and a form for every setting.
 * A setting set by the organisation's policy is shown, disabled, with the reason. Every
 * read and write goes to the background through the message contract.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { askBackground } from '../protocol/client';
import type { SettingsView, SourceStatus } from '../protocol/messages';
import type { ExportStatus, HubExportStatus, SettingKey, Settings } from '../protocol/settings';
import { SYNC_DONE_KEY } from '../protocol/signals';
import { ask } from './ask';
import { AidsView } from './authoring/AidsView';
import {
  type Draft,
  FIELDS,
  type FieldSpec,
  fromDraft,
  GROUPS,
  type SourceDraft,
  toDraft,
} from './fields';
import { HealthView } from './insights/HealthView';
import { InsightsView } from './insights/InsightsView';

export interface OptionsDeps {
  getSettings(): Promise<SettingsView>;
  /** Resolves to the settings after the change; rejects with the reason it was refused. */
  setSetting(key: SettingKey, value: unknown): Promise<SettingsView>;
  syncStatus(): Promise<SourceStatus[]>;
  syncNow(): Promise<SourceStatus[]>;
  /** Whether events are sent, what waits, and what went wrong. */
  exportStatus?(): Promise<ExportStatus>;
  /**
   * Calls `listener` when a sync ended or the organisation's policy changed; returns a
   * function that stops listening.
   */
  onChange?(listener: (what: 'sync' | 'policy') => void): () => void;
}

export const browserDeps: OptionsDeps = {
  getSettings: () => ask(() => askBackground({ type: 'settings.get' })),
  setSetting: (key, value) => ask(() => askBackground({ type: 'settings.set', key, value })),
  syncStatus: async () => (await ask(() => askBackground({ type: 'sync.status' }))).sources,
  syncNow: async () => (await ask(() => askBackground({ type: 'sync.now' }))).sources,
  exportStatus: () => ask(() => askBackground({ type: 'export.status' })),
  onChange(listener) {
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'managed') listener('policy');
      else if (area === 'local' && SYNC_DONE_KEY in changes) listener('sync');
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  },
};

/** Keys whose change means the sources should be checked again. */
const SYNC_KEYS: ReadonlySet<SettingKey> = new Set([
  'packSources',
  'requireSignatures',
  'trustedKeys',
]);

type View = 'aids' | 'insights' | 'health' | 'sources';

const VIEWS: { view: View; label: string }[] = [
  { view: 'aids', label: 'Aids' },
  { view: 'insights', label: 'Insights' },
  { view: 'health', label: 'Health' },
  { view: 'sources', label: 'Sources & settings' },
];

/**
 * The view and its sub-route from the location hash: "#aids" -> aids, "";
 * "#aids/edit/my-aids%2Fnew-contact" -> aids, "edit/my-aids%2Fnew-contact". Unknown: aids.
 */
export function routeOfHash(hash: string): { view: View; sub: string } {
  const [first = '', ...rest] = hash.replace(/^#/, '').split('/');
  const known = VIEWS.find((v) => v.view === first);
  return { view: known ? known.view : 'aids', sub: known ? rest.join('/') : '' };
}

export function Options({ deps = browserDeps }: { deps?: OptionsDeps }) {
  const [route, setRoute] = useState(() => routeOfHash(globalThis.location?.hash ?? ''));
  const view = route.view;
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    const onHash = () => {
      const next = routeOfHash(location.hash);
      setRoute((prev) => {
        // Focus moves to the heading only when the view changes, not within a view.
        if (prev.view !== next.view) moved.current = true;
        return next;
      });
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // After a change of view (not on load), focus goes to the new view's heading.
  useEffect(() => {
    if (moved.current) heading.current?.focus();
  }, [view]);

  const title = VIEWS.find((v) => v.view === view)?.label ?? '';

  return (
    <div class="options">
      <header class="top">
        <p class="brand">Inflow</p>
        <nav aria-label="Options">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.view}>
                <a href={`#${v.view}`} aria-current={view === v.view ? 'page' : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main>
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {view === 'aids' && <AidsView route={route.sub} />}
        {view === 'insights' && <InsightsView />}
        {view === 'health' && <HealthView />}
        {view === 'sources' && <SourcesAndSettings deps={deps} />}
      </main>
    </div>
  );
}

function formatTime(ms: number | undefined): ComponentChildren {
  if (ms === undefined) return 'Never';
  const date = new Date(ms);
  return <time dateTime={date.toISOString()}>{date.toLocaleString()}</time>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

function summary(sources: SourceStatus[]): string {
  if (!sources.length) return 'There are no pack sources to check.';
  const problems = sources.filter((s) => s.error).length;
  const checked = `Checked ${sources.length} ${sources.length === 1 ? 'source' : 'sources'}`;
  if (!problems) return `${checked}: all fine.`;
  return `${checked}: ${problems} ${problems === 1 ? 'problem' : 'problems'}.`;
}

function SourcesAndSettings({ deps }: { deps: OptionsDeps }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [sources, setSources] = useState<SourceStatus[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [syncNote, setSyncNote] = useState('');
  const [exporting, setExporting] = useState<ExportStatus | string | null>(null);
  // Each load of the settings starts the form over from them (a policy change, say).
  const [loads, setLoads] = useState(0);

  const load = useCallback(async () => {
    try {
      const [s, statuses] = await Promise.all([deps.getSettings(), deps.syncStatus()]);
      setSettings(s);
      setSources(statuses);
      setLoads((n) => n + 1);
      setLoadError(null);
    } catch (e) {
      setLoadError(`Could not read the settings: ${(e as Error).message}`);
    }
  }, [deps]);

  useEffect(() => {
    void load();
  }, [load]);

  // The queue moves on its own (uploads, back-off): read its state now and every few seconds.
  const loadExport = useCallback(async () => {
    if (!deps.exportStatus) return;
    try {
      setExporting(await deps.exportStatus());
    } catch (e) {
      setExporting(`Could not read the state of sending: ${(e as Error).message}`);
    }
  }, [deps]);
  useEffect(() => {
    void loadExport();
    const timer = setInterval(() => void loadExport(), EXPORT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadExport]);

  // A sync that ran in the background (alarm, policy change, start-up) shows at once; a
  // policy change reloads the settings too.
  useEffect(
    () =>
      deps.onChange?.((what) => {
        if (what === 'policy') {
          void load();
          void loadExport();
        } else void deps.syncStatus().then(setSources, () => {});
      }),
    [deps, load, loadExport],
  );

  const syncNow = async () => {
    setSyncing(true);
    setSyncNote('Checking the pack sources…');
    try {
      const statuses = await deps.syncNow();
      setSources(statuses);
      setSyncNote(summary(statuses));
    } catch (e) {
      setSyncNote(`Could not check the sources: ${(e as Error).message}`);
    } finally {
      setSyncing(false);
    }
  };

  if (loadError) {
    return (
      <p class="error" role="alert">
        {loadError}
      </p>
    );
  }
  if (!settings || !sources) return <p aria-busy="true">Loading…</p>;

  return (
    <>
      <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">Pack sources</h2>
        {sources.length === 0 ? (
          <p class="muted">
            No pack sources yet. Add one in the settings below, or ask your organisation to set
            them.
          </p>
        ) : (
          <ul class="sources">
            {sources.map((s) => (
              <SourceItem key={s.url} status={s} />
            ))}
          </ul>
        )}
        <div class="actions">
          <button type="button" onClick={() => void syncNow()} disabled={syncing}>
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <p class="note" role="status">
            {syncNote}
          </p>
        </div>
      </section>

      {exporting !== null && <ExportStatusView status={exporting} />}
      {typeof exporting === 'object' && exporting?.hub && <HubStatusView status={exporting.hub} />}

      <SettingsForm
        key={loads}
        deps={deps}
        settings={settings}
        onSaved={async (next, changed) => {
          setSettings(next);
          void loadExport();
          if (changed.some((key) => SYNC_KEYS.has(key))) await syncNow();
          else setSources(await deps.syncStatus().catch(() => sources));
        }}
      />
    </>
  );
}

function SourceItem({ status }: { status: SourceStatus }) {
  const problem = status.error !== null;
  return (
    <li class={problem ? 'source problem' : 'source'}>
      <h3>{hostOf(status.url)}</h3>
      <dl>
        <dt>Address</dt>
        <dd class="url">{status.url}</dd>
        <dt>Pack</dt>
        <dd>{status.packId ? `${status.packId}, version ${status.packVersion}` : 'None yet'}</dd>
        <dt>Last success</dt>
        <dd>{formatTime(status.lastSuccessAt)}</dd>
        <dt>Last check</dt>
        <dd>{formatTime(status.lastAttemptAt)}</dd>
        <dt>{problem ? 'Problem' : 'Status'}</dt>
        <dd class="message">{status.message}</dd>
      </dl>
    </li>
  );
}

const EXPORT_REFRESH_MS = 5_000;

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** Whether events are sent and why not, in words. */
export function exportSummary(status: ExportStatus): string {
  switch (status.off) {
    case 'no-endpoint':
      return 'Off: no analytics endpoint is set, so events stay in this browser.';
    case 'policy':
      return 'Off: your organisation’s policy turned sending off. Events stay in this browser.';
    case 'setting':
      return 'Off: “Send events to the analytics endpoint” is turned off below. Events stay in this browser.';
    default:
      return status.format === 'json'
        ? 'On: events are sent to the analytics endpoint as plain JSON.'
        : 'On: events are sent to the analytics endpoint as xAPI statements.';
  }
}

/** The events dropped because the queue was full, in words; never left out. */
export function droppedText(status: Pick<ExportStatus, 'dropped' | 'limit'>): string {
  if (!status.dropped) return 'None';
  return `${count(status.dropped, 'event was', 'events were')} dropped because the queue was full (${status.limit.toLocaleString('en-GB')}).`;
}

function nextAttempt(status: Pick<ExportStatus, 'queued' | 'nextAttemptAt'>): ComponentChildren {
  if (!status.queued) return 'Nothing is waiting';
  if (status.nextAttemptAt === undefined) return 'In a few seconds';
  return formatTime(status.nextAttemptAt);
}

function ExportStatusView({ status }: { status: ExportStatus | string }) {
  if (typeof status === 'string') {
    return (
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Sending events</h2>
        <p class="error">{status}</p>
      </section>
    );
  }
  const on = status.off === null;
  const problem = (on && status.lastError !== null) || status.dropped > 0;
  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">Sending events</h2>
      <div class={problem ? 'source problem' : 'source'}>
        <p>{exportSummary(status)}</p>
        <dl>
          {on && (
            <>
              <dt>Waiting to be sent</dt>
              <dd>{count(status.queued, 'event', 'events')}</dd>
              <dt>Last success</dt>
              <dd>{formatTime(status.lastSuccessAt)}</dd>
              <dt>Last problem</dt>
              <dd class={status.lastError ? 'message' : undefined}>{status.lastError ?? 'None'}</dd>
              <dt>Next attempt</dt>
              <dd>{nextAttempt(status)}</dd>
            </>
          )}
          <dt>Dropped</dt>
          <dd class={status.dropped ? 'message' : undefined}>{droppedText(status)}</dd>
        </dl>
      </div>
    </section>
  );
}

/** Whether events are sent to the hub and why not, in words. */
export function hubSummary(status: HubExportStatus): string {
  switch (status.off) {
    case 'no-hub':
      return 'Off: no hub address is set.';
    case 'no-token':
      return 'Off: the hub address is set, but no device token: nothing is sent to the hub.';
    default:
      return 'On: every event is sent to your organisation’s hub as well.';
  }
}

/** The events the hub refused one by one, in words; never left out. */
export function refusedText(status: HubExportStatus): string {
  if (!status.refused) return 'None';
  return `${count(status.refused, 'event was', 'events were')} refused by the hub and dropped.`;
}

/** The touchpoint sums' queue, in words: "3 page sums waiting; 1 dropped (queue full)". */
function touchpointText(t: NonNullable<HubExportStatus['touchpoints']>): string {
  const parts = [`${count(t.queued, 'page sum', 'page sums')} waiting to be sent`];
  if (t.dropped) parts.push(`${t.dropped} dropped (queue full)`);
  if (t.refused) parts.push(`${t.refused} refused by the hub`);
  return parts.join('; ');
}

function HubStatusView({ status }: { status: HubExportStatus }) {
  const on = status.off === null;
  const tp = status.touchpoints;
  const problem =
    (on && status.lastError !== null) ||
    status.dropped > 0 ||
    status.refused > 0 ||
    (tp !== undefined && tp.dropped + tp.refused > 0);
  return (
    <section aria-labelledby="hub-heading">
      <h2 id="hub-heading">Sending to the hub</h2>
      <div class={problem ? 'source problem' : 'source'}>
        <p>{hubSummary(status)}</p>
        <dl>
          {on && (
            <>
              <dt>Waiting to be sent</dt>
              <dd>{count(status.queued, 'event', 'events')}</dd>
              <dt>Last success</dt>
              <dd>{formatTime(status.lastSuccessAt)}</dd>
              <dt>Last problem</dt>
              <dd class={status.lastError ? 'message' : undefined}>{status.lastError ?? 'None'}</dd>
              <dt>Next attempt</dt>
              <dd>{nextAttempt(status)}</dd>
            </>
          )}
          <dt>Dropped</dt>
          <dd class={status.dropped ? 'message' : undefined}>{droppedText(status)}</dd>
          <dt>Refused</dt>
          <dd class={status.refused ? 'message' : undefined}>{refusedText(status)}</dd>
          {status.touchpoints && (
            <>
              <dt>Time on pages</dt>
              <dd
                class={
                  status.touchpoints.dropped || status.touchpoints.refused ? 'message' : undefined
                }
              >
                {touchpointText(status.touchpoints)}
              </dd>
            </>
          )}
        </dl>
      </div>
    </section>
  );
}

type Drafts = Record<SettingKey, Draft>;

function draftsOf(values: Settings): Drafts {
  const drafts = {} as Drafts;
  for (const key of Object.keys(FIELDS) as SettingKey[]) drafts[key] = toDraft(key, values[key]);
  return drafts;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function SettingsForm({
  deps,
  settings,
  onSaved,
}: {
  deps: OptionsDeps;
  settings: SettingsView;
  onSaved(next: SettingsView, changed: SettingKey[]): Promise<void>;
}) {
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(settings.values));
  const [errors, setErrors] = useState<Partial<Record<SettingKey, string>>>({});
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const managed = new Set(settings.managed);
  const readOnly = (key: SettingKey) => managed.has(key) || !!FIELDS[key].policyOnly;

  const update = (key: SettingKey, draft: Draft) => setDrafts((d) => ({ ...d, [key]: draft }));

  const save = async (event: Event) => {
    event.preventDefault();
    const keys = (Object.keys(FIELDS) as SettingKey[]).filter(
      (key) => !readOnly(key) && !same(fromDraft(key, drafts[key]), settings.values[key]),
    );
    if (!keys.length) {
      setNote({ text: 'Nothing to save: no setting was changed.', error: false });
      return;
    }
    setSaving(true);
    setNote({ text: 'Saving…', error: false });
    const failed: Partial<Record<SettingKey, string>> = {};
    const saved: SettingKey[] = [];
    let latest = settings;
    for (const key of keys) {
      try {
        latest = await deps.setSetting(key, fromDraft(key, drafts[key]));
        saved.push(key);
      } catch (e) {
        failed[key] = (e as Error).message;
      }
    }
    setErrors(failed);
    const problems = Object.keys(failed).length;
    // Saved keys show what the background made of them; the others keep what was typed.
    setDrafts((d) => {
      const next = { ...d };
      for (const key of saved) next[key] = toDraft(key, latest.values[key]);
      return next;
    });
    setSaving(false);
    setNote(
      problems
        ? {
            text: `${problems} ${problems === 1 ? 'setting was' : 'settings were'} not saved: see the ${problems === 1 ? 'field' : 'fields'} marked below.`,
            error: true,
          }
        : { text: 'Settings saved.', error: false },
    );
    if (saved.length) await onSaved(latest, saved);
  };

  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      {settings.managed.length > 0 && (
        <p class="managed-note">
          Settings marked “Set by your organisation” come from your organisation’s policy and cannot
          be changed here.
        </p>
      )}
      {settings.ignored.length > 0 && (
        <div class="ignored">
          <p>Some values in your organisation’s policy are not valid and were ignored:</p>
          <ul>
            {settings.ignored.map((p) => (
              <li key={p.reason}>{p.reason}</li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={(e) => void save(e)} noValidate>
        {GROUPS.map((group) => (
          <fieldset key={group.id}>
            <legend>{group.legend}</legend>
            {group.help && <p class="help">{group.help}</p>}
            {(Object.keys(FIELDS) as SettingKey[])
              .filter((key) => FIELDS[key].group === group.id)
              .map((key) => (
                <Field
                  key={key}
                  name={key}
                  spec={FIELDS[key]}
                  draft={drafts[key]}
                  managed={managed.has(key)}
                  readOnly={readOnly(key)}
                  error={errors[key]}
                  onChange={(d) => update(key, d)}
                />
              ))}
          </fieldset>
        ))}
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <p class={note?.error ? 'note error' : 'note'} role="status">
            {note?.text ?? ''}
          </p>
        </div>
      </form>
    </section>
  );
}

interface FieldProps {
  name: SettingKey;
  spec: FieldSpec;
  draft: Draft;
  managed: boolean;
  /** Disabled: set by policy, or a key only policy may set. */
  readOnly: boolean;
  error?: string;
  onChange(draft: Draft): void;
}

const MANAGED_TEXT = 'Set by your organisation';

function Field({ name, spec, draft, managed, readOnly, error, onChange }: FieldProps) {
  const id = `setting-${name}`;
  const helpId = spec.help ? `${id}-help` : undefined;
  const policyOnly = readOnly && !managed;
  const managedId = managed || policyOnly ? `${id}-managed` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [managedId, errorId, helpId].filter(Boolean).join(' ') || undefined;
  const extras = (
    <>
      {managed && (
        <p id={managedId} class="managed">
          {MANAGED_TEXT}: this value comes from your organisation’s policy and cannot be changed
          here.
        </p>
      )}
      {policyOnly && (
        <p id={managedId} class="managed">
          Only your organisation’s policy can set this: off unless it names hosts.
        </p>
      )}
      {error && (
        <p id={errorId} class="field-error">
          Not saved: {error}
        </p>
      )}
      {spec.help && (
        <p id={helpId} class="help">
          {spec.help}
        </p>
      )}
    </>
  );

  if (spec.kind === 'sources') {
    return (
      <SourcesField
        id={id}
        spec={spec}
        sources={draft as SourceDraft[]}
        managed={managed}
        describedBy={describedBy}
        extras={extras}
        onChange={onChange}
      />
    );
  }

  if (spec.kind === 'boolean') {
    return (
      <div class={managed ? 'field check managed-field' : 'field check'}>
        <input
          id={id}
          type="checkbox"
          checked={draft as boolean}
          disabled={managed}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for={id}>{spec.label}</label>
        {extras}
      </div>
    );
  }

  const common = {
    id,
    disabled: readOnly,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
  };
  let control: ComponentChildren;
  if (spec.kind === 'choice') {
    control = (
      <select
        {...common}
        value={draft as string}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {spec.choices?.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'keys') {
    control = (
      <textarea
        {...common}
        rows={3}
        spellcheck={false}
        value={draft as string}
        onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)}
      />
    );
  } else {
    const type =
      spec.kind === 'number'
        ? 'number'
        : spec.kind === 'url'
          ? 'url'
          : spec.kind === 'secret'
            ? 'password'
            : 'text';
    // A secret set by policy is not shown, only that there is one.
    const value = managed && spec.kind === 'secret' && draft ? '••••••••' : (draft as string);
    control = (
      <input
        {...common}
        type={managed && spec.kind === 'secret' ? 'text' : type}
        value={value}
        autocomplete="off"
        spellcheck={false}
        {...(spec.kind === 'number' ? { min: 1, max: 1440, step: 1, inputMode: 'numeric' } : {})}
        onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)}
      />
    );
  }
  return (
    <div class={readOnly ? 'field managed-field' : 'field'}>
      <label for={id}>{spec.label}</label>
      {control}
      {extras}
    </div>
  );
}

function SourcesField({
  id,
  spec,
  sources,
  managed,
  describedBy,
  extras,
  onChange,
}: {
  id: string;
  spec: FieldSpec;
  sources: SourceDraft[];
  managed: boolean;
  describedBy?: string;
  extras: ComponentChildren;
  onChange(draft: SourceDraft[]): void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const focusAfter = useRef<number | 'add' | null>(null);

  // After adding or removing a source, focus goes somewhere sensible, never to <body>.
  useEffect(() => {
    const target = focusAfter.current;
    if (target === null) return;
    focusAfter.current = null;
    if (target === 'add') {
      document.getElementById(`${id}-add`)?.focus();
      return;
    }
    list.current?.querySelectorAll<HTMLInputElement>('input[type="url"]')[target]?.focus();
  });

  const set = (i: number, patch: Partial<SourceDraft>) =>
    onChange(sources.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const add = () => {
    focusAfter.current = sources.length;
    onChange([...sources, { url: '', publicKey: '' }]);
  };
  const remove = (i: number) => {
    focusAfter.current = sources.length > 1 ? Math.max(0, i - 1) : 'add';
    onChange(sources.filter((_, j) => j !== i));
  };

  return (
    <fieldset
      class={managed ? 'field sources-field managed-field' : 'field sources-field'}
      aria-describedby={describedBy}
    >
      <legend>{spec.label}</legend>
      {extras}
      {sources.length === 0 ? (
        <p class="muted">No sources.</p>
      ) : (
        <ol ref={list} class="source-rows">
          {sources.map((s, i) => {
            const n = i + 1;
            return (
              <li key={i}>
                <div class="field">
                  <label for={`${id}-${i}-url`}>Source {n}: pack address (URL)</label>
                  <input
                    id={`${id}-${i}-url`}
                    type="url"
                    value={s.url}
                    disabled={managed}
                    placeholder="https://packs.example.com/crm/pack.json"
                    autocomplete="off"
                    spellcheck={false}
                    onInput={(e) => set(i, { url: (e.currentTarget as HTMLInputElement).value })}
                  />
                </div>
                <div class="field">
                  <label for={`${id}-${i}-key`}>Source {n}: public key (base64)</label>
                  <input
                    id={`${id}-${i}-key`}
                    type="text"
                    value={s.publicKey}
                    disabled={managed}
                    autocomplete="off"
                    spellcheck={false}
                    onInput={(e) =>
                      set(i, { publicKey: (e.currentTarget as HTMLInputElement).value })
                    }
                  />
                </div>
                {!managed && (
                  <button type="button" class="secondary" onClick={() => remove(i)}>
                    Remove source {n}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {!managed && (
        <button id={`${id}-add`} type="button" class="secondary" onClick={add}>
          Add a source
        </button>
      )}
    </fieldset>
  );
}
