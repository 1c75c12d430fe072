/**
 * The aid editor: an author writes or fixes a checklist or a tip in a form (or as JSON),
 * sees every problem next to its field as they type, and the draft saves itself. Publishing
 * makes the draft the aid's next version; every version stays in the history.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { kindName } from '../../aids/kind-names';
import { type AidKind, LIMITS } from '../../aids/schema';
import type { Problem } from '../../aids/validate';
import { type AuthoringAid, LOCAL_PACK_ID, type TargetReport } from '../../protocol/authoring';
import { ChecksField } from './ChecksField';
import { type AppTab, type AuthoringDeps, browserAuthoringDeps } from './deps';
import {
  assignProblems,
  clock,
  describePath,
  draftProblems,
  fieldId,
  getAt,
  isObject,
  isValidId,
  type Json,
  list,
  localPath,
  newDraft,
  ownedPaths,
  ownerOf,
  type Path,
  parsePath,
  setAt,
  slug,
  str,
  wordsOf,
} from './editor-model';
import { FormContext, focusField, Group, ParsedField, TextField } from './fields';
import { History } from './History';
import { RawJson } from './RawJson';
import { StepsField } from './StepsField';
import { PageContext, sortTabs, TAB_SELECT_ID, TabChooser } from './TabChooser';
import { TargetField } from './TargetField';
import './editor.css';

/** How long typing pauses before the draft is saved. */
const SAVE_DELAY_MS = 600;

type Note = { text: string; error?: boolean };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const editHash = (key: string) => `#aids/edit/${encodeURIComponent(key)}`;

/** Goes to another view of the options page (the aid list, another aid's editor). */
function go(hash: string) {
  location.hash = hash;
}

/** Shows the editor's address for `key` without a navigation (the id of a new aid changed). */
function rename(key: string) {
  history.replaceState(history.state, '', editHash(key));
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\n${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function Editor({
  aidKey,
  isNew,
  deps = browserAuthoringDeps,
}: {
  aidKey: string | null;
  isNew: boolean;
  deps?: AuthoringDeps;
}) {
  const [aid, setAid] = useState<AuthoringAid | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Json | null>(null);
  const [hasDraft, setHasDraftState] = useState(false);
  // Read after awaits too, so kept in a ref as well as in state.
  const hasDraftRef = useRef(false);
  const setHasDraft = (has: boolean) => {
    hasDraftRef.current = has;
    setHasDraftState(has);
  };
  const [dirty, setDirty] = useState(0);
  const [note, setNote] = useState<Note | null>(null);
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [view, setView] = useState<'form' | 'json'>('form');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<'discard' | 'delete' | null>(null);
  const [tabs, setTabs] = useState<AppTab[]>([]);
  const [tab, setTab] = useState<AppTab | null>(null);
  const [tabsLoading, setTabsLoading] = useState(true);
  const [tabsError, setTabsError] = useState('');
  const [previewTab, setPreviewTab] = useState<AppTab | null>(null);
  const [previewProblems, setPreviewProblems] = useState<Problem[]>([]);

  // The key the draft is saved under, which moves with the id of a never-published aid.
  const savedKey = useRef<string | null>(aidKey);
  const draftRef = useRef<Json | null>(null);
  draftRef.current = draft;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const focusFirstError = useRef(false);
  const focusHeading = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const previewRef = useRef<AppTab | null>(null);
  previewRef.current = previewTab;

  const load = useCallback(
    async (key: string) => {
      try {
        const got = await deps.get(key);
        setAid(got);
        setDraft((got.draft?.aid ?? got.published ?? null) as Json | null);
        setHasDraft(!!got.draft);
        savedKey.current = key;
        setLoadError(null);
        return got;
      } catch (e) {
        setLoadError(`Could not open the aid: ${(e as Error).message}`);
        return null;
      }
    },
    [deps],
  );

  useEffect(() => {
    if (aidKey) {
      void load(aidKey).then((got) => got && heading.current?.focus());
    }
  }, [aidKey, load]);

  const refreshTabs = useCallback(async () => {
    setTabsLoading(true);
    try {
      const found = await deps.appTabs();
      setTabs(found);
      setTabsError('');
      const patterns = list(getAt(draftRef.current, ['match', 'urls'])).map(str);
      setTab((current) => {
        if (current && found.some((t) => t.id === current.id)) return current;
        return sortTabs(found, patterns).matching[0] ?? null;
      });
    } catch (e) {
      setTabsError(`Could not list the open tabs: ${(e as Error).message}`);
    } finally {
      setTabsLoading(false);
    }
  }, [deps]);

  // Tabs are looked for once the aid (and so its URL patterns) is known.
  const ready = draft !== null;
  useEffect(() => {
    if (ready) void refreshTabs();
  }, [ready, refreshTabs]);

  const editable = aid ? aid.editable : true;
  const published = aid?.published ?? null;
  const id = str(getAt(draft, ['id']));
  // The key a save goes to: an aid never published is filed under its (changeable) id.
  const keyFor = (d: Json | null): string | null => {
    const nextId = str(getAt(d, ['id']));
    if (!published && (isNew || savedKey.current?.startsWith(`${LOCAL_PACK_ID}/`))) {
      if (isValidId(nextId)) return `${LOCAL_PACK_ID}/${nextId}`;
    }
    return savedKey.current;
  };

  const save = useCallback(async (): Promise<boolean> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const current = draftRef.current;
    const key = keyFor(current);
    if (current === null) return false;
    if (!key) {
      setNote({ text: 'Not saved yet: the aid needs a valid id first.', error: true });
      return false;
    }
    try {
      const old = savedKey.current;
      if (old && old !== key) {
        // A new aid's id changed: its draft moves to the new key.
        await deps.discardDraft(old).catch(() => undefined);
      }
      const saved = await deps.saveDraft(key, current);
      savedKey.current = key;
      if (old !== key) rename(key);
      setHasDraft(true);
      setNote({ text: `Draft saved at ${clock(saved.updatedAt)}` });
      const showing = previewRef.current;
      if (showing) void deps.preview(showing.id, current, key).catch(() => undefined);
      return true;
    } catch (e) {
      setNote({ text: `The draft was not saved: ${(e as Error).message}`, error: true });
      return false;
    }
  }, [deps, published, isNew]);

  // Saves run one after another, and publishing waits for the one under way.
  const saving = useRef<Promise<boolean>>(Promise.resolve(true));
  const saveNow = () => {
    saving.current = saving.current.then(() => save());
    return saving.current;
  };
  const saveRef = useRef(saveNow);
  saveRef.current = saveNow;

  // Autosave: a pause in typing saves the draft. Only an edit schedules one, never a load.
  useEffect(() => {
    if (!dirty || !editable) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveRef.current(), SAVE_DELAY_MS);
  }, [dirty]);

  // Leaving the editor saves what is pending and stops a preview.
  useEffect(
    () => () => {
      if (timer.current) void saveRef.current();
      const showing = previewRef.current;
      if (showing) void deps.preview(showing.id, null).catch(() => undefined);
    },
    [deps],
  );

  const change = (next: Json) => {
    setDraft(next);
    setServerProblems([]);
    setDirty((n) => n + 1);
  };
  const update = (path: Path, value: Json | undefined) => {
    let next = setAt(draftRef.current ?? {}, path, value);
    // An empty "Who it is for" is left out: it means everyone.
    const audience = getAt(next, ['audience']);
    if (isObject(audience) && !Object.keys(audience).length)
      next = setAt(next, ['audience'], undefined);
    draftRef.current = next;
    change(next);
  };

  const localProblems = useMemo(() => (draft === null ? [] : draftProblems(draft)), [draft]);
  const problems = useMemo(
    () => dedupe([...serverProblems, ...localProblems]),
    [serverProblems, localProblems],
  );
  const owned = useMemo(() => ownedPaths(draft), [draft]);
  const byField = useMemo(() => assignProblems(problems, owned), [problems, owned]);

  // A new aid's form replaces the "New aid" form: focus goes to its heading.
  useEffect(() => {
    if (!focusHeading.current || !heading.current) return;
    focusHeading.current = false;
    heading.current.focus();
  });

  // After a refused publish, focus goes to the first field with a problem.
  useEffect(() => {
    if (!focusFirstError.current) return;
    focusFirstError.current = false;
    const first = document.querySelector<HTMLElement>('.aid-form .field-error');
    const owner = first && document.querySelector<HTMLElement>(`[aria-describedby~="${first.id}"]`);
    if (owner?.id && focusField(owner.id)) return;
    document.getElementById('aid-problems-heading')?.focus();
  });

  const publish = async () => {
    setBusy(true);
    setNote({ text: 'Publishing…' });
    try {
      if (timer.current) {
        if (!(await saveNow())) return;
      } else if (!(await saving.current)) return;
      if (!hasDraftRef.current) {
        setNote({ text: 'Nothing to publish: there are no changes since the last version.' });
        return;
      }
      const key = savedKey.current!;
      const result = await deps.publish(key);
      if (!result.ok) {
        const refused = result.problems.map((p) => ({ ...p, path: localPath(p.path) }));
        setServerProblems(refused);
        setNote({
          text: `Not published: ${plural(refused.length, 'problem')} to fix, shown next to the fields.`,
          error: true,
        });
        focusFirstError.current = true;
        if (view === 'json') setView('form');
        return;
      }
      await load(key);
      setNote({ text: `Published version ${result.rev}` });
    } catch (e) {
      setNote({ text: `Not published: ${(e as Error).message}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    setConfirming(null);
    const key = savedKey.current;
    if (!key) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    try {
      await deps.discardDraft(key);
      if (!published) {
        go('#aids');
        return;
      }
      await load(key);
      setServerProblems([]);
      setNote({ text: 'Draft discarded: the form shows the published version.' });
      heading.current?.focus();
    } catch (e) {
      setNote({ text: `The draft was not discarded: ${(e as Error).message}`, error: true });
    }
  };

  const remove = async () => {
    setConfirming(null);
    const key = savedKey.current;
    if (!key) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    try {
      await deps.remove(key);
      go('#aids');
    } catch (e) {
      setNote({ text: `The aid was not deleted: ${(e as Error).message}`, error: true });
    }
  };

  const copy = async () => {
    setBusy(true);
    try {
      const copied = await deps.copy(savedKey.current!);
      go(editHash(copied.key));
    } catch (e) {
      setNote({ text: `Could not copy the aid: ${(e as Error).message}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (rev: number) => {
    const key = savedKey.current!;
    try {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      await deps.restore(key, rev);
      await load(key);
      setServerProblems([]);
      setNote({ text: `Version ${rev} is now the draft. Publish it to make it current.` });
    } catch (e) {
      setNote({ text: `Version ${rev} was not restored: ${(e as Error).message}`, error: true });
    }
  };

  const needTab = () => {
    document.getElementById(TAB_SELECT_ID)?.focus();
  };

  const preview = async () => {
    if (!tab) {
      setNote({ text: 'Choose the app tab to preview in, under “Page to work on”.', error: true });
      needTab();
      return;
    }
    try {
      // The aid's key, so the preview stands in for this aid and no other with the same id
      // (an imported pack can hold one); a new aid not saved yet has none.
      const key = keyFor(draftRef.current) ?? undefined;
      const result = await deps.preview(tab.id, draftRef.current, key);
      if (!result.ok) {
        const refused = result.problems.map((p) => ({ ...p, path: localPath(p.path) }));
        setPreviewProblems(refused);
        setNote({
          text: `The preview was refused: ${plural(refused.length, 'problem')}.`,
          error: true,
        });
        return;
      }
      setPreviewProblems([]);
      setPreviewTab(tab);
      setNote({ text: `Previewing in “${tab.title}”. Saved changes show there too.` });
    } catch (e) {
      setNote({ text: `The preview did not start: ${(e as Error).message}`, error: true });
    }
  };

  const stopPreview = async () => {
    const showing = previewTab;
    if (!showing) return;
    try {
      await deps.preview(showing.id, null);
      setPreviewTab(null);
      setNote({ text: 'Preview stopped.' });
    } catch (e) {
      setNote({ text: `The preview did not stop: ${(e as Error).message}`, error: true });
    }
  };

  if (isNew && draft === null) {
    return (
      <NewAid
        deps={deps}
        onCreate={(kind, newId, title) => {
          const fresh = newDraft(kind, newId, title);
          savedKey.current = null;
          focusHeading.current = true;
          draftRef.current = fresh;
          change(fresh);
        }}
      />
    );
  }
  if (loadError) {
    return (
      <div class="editor">
        <p class="error" role="alert">
          {loadError}
        </p>
        <p>
          <a href="#aids">Back to the aid list</a>
        </p>
      </div>
    );
  }
  if (draft === null && !aidKey) {
    return (
      <p>
        No aid chosen. <a href="#aids">Back to the aid list</a>
      </p>
    );
  }
  if (draft === null) return <p aria-busy="true">Loading…</p>;

  const kind = getAt(draft, ['kind']);
  const title = str(getAt(draft, ['title']));
  const reports = aid?.reports ?? [];
  const lastPublish = Math.max(0, ...(aid?.history ?? []).map((v) => v.publishedAt));
  const attention = reports.filter((r) => r.lastAt > lastPublish);
  // Events name steps by id: once published, a step's id no longer follows its text.
  const publishedStepIds = new Set(
    published?.kind === 'checklist' || published?.kind === 'walkthrough'
      ? published.steps.map((s) => s.id)
      : [],
  );
  const patterns = list(getAt(draft, ['match', 'urls'])).map(str);
  // Only an aid of the author's own that was never published may change its id (and key).
  const idEditable =
    editable && !published && (isNew || !!savedKey.current?.startsWith(`${LOCAL_PACK_ID}/`));

  return (
    <FormContext.Provider value={{ locked: !editable, problems: byField }}>
      <PageContext.Provider value={{ deps, tab, needTab }}>
        <div class="editor">
          <p>
            <a href="#aids">Back to the aid list</a>
          </p>
          <h2 ref={heading} tabIndex={-1} class="editor-title">
            {title || (published ? 'Untitled aid' : 'New aid')}{' '}
            {hasDraft && editable && (
              <span class="badge">
                {published ? 'Unpublished changes' : 'Draft, not published'}
              </span>
            )}
          </h2>
          <p class="muted">
            {kindName(str(kind))}
            {aid ? ` in “${aid.packTitle}”` : ' in your aids'}
            {id ? ` · id ${id}` : ''}
          </p>

          {!editable && (
            <div class="readonly-note">
              <p>{aid?.readOnlyReason ?? 'This aid is read-only.'}</p>
              <button type="button" disabled={busy} onClick={() => void copy()}>
                Copy to my aids
              </button>
            </div>
          )}

          <Attention reports={attention} draft={draft} sincePublish={lastPublish > 0} />

          <Actions
            editable={editable}
            busy={busy}
            hasDraft={hasDraft}
            published={!!published}
            previewing={!!previewTab}
            confirming={confirming}
            onPublish={() => void publish()}
            onPreview={() => void preview()}
            onStopPreview={() => void stopPreview()}
            onConfirm={setConfirming}
            onDiscard={() => void discard()}
            onDelete={() => void remove()}
          />
          <p
            class={note?.error ? 'note status error' : 'note status'}
            role="status"
            aria-live="polite"
          >
            {note?.text ?? ''}
          </p>
          {previewProblems.length > 0 && (
            <ul class="problems">
              {previewProblems.map((p, i) => (
                <li key={i}>
                  {describePath(parsePath(p.path))}: {p.message}
                </li>
              ))}
            </ul>
          )}

          <TabChooser
            deps={deps}
            tabs={tabs}
            patterns={patterns}
            tab={tab}
            loading={tabsLoading}
            error={tabsError}
            onChoose={setTab}
            onRefresh={() => void refreshTabs()}
            onOpened={(opened) => {
              setTabs((all) => [opened, ...all.filter((t) => t.id !== opened.id)]);
              setTab(opened);
            }}
          />

          <ProblemSummary problems={problems} owned={owned} />

          <div class="view-switch" role="tablist" aria-label="Edit as">
            <ViewTab id="form" current={view} onSelect={setView}>
              Form
            </ViewTab>
            <ViewTab id="json" current={view} onSelect={setView}>
              JSON
            </ViewTab>
          </div>

          <div
            id="aid-panel-form"
            role="tabpanel"
            aria-labelledby="aid-tab-form"
            hidden={view !== 'form'}
            class="aid-form"
          >
            {view === 'form' && (
              <>
                <Group legend="About">
                  <TextField
                    path={['title']}
                    label="Title"
                    hint="Short and specific: the heading people see, e.g. “New support ticket”."
                    required
                    value={title}
                    onChange={(v) => update(['title'], v)}
                  />
                  <TextField
                    path={['description']}
                    label="Description"
                    hint={
                      kind === 'tip' || kind === 'checks'
                        ? 'Optional. Notes for other authors.'
                        : kind === 'walkthrough'
                          ? 'Optional. Shown in the panel before the walkthrough starts.'
                          : 'Optional. Shown under the checklist’s title.'
                    }
                    multiline
                    rows={2}
                    value={str(getAt(draft, ['description']))}
                    onChange={(v) => update(['description'], v || undefined)}
                  />
                  <ParsedField<string[]>
                    path={['keywords']}
                    label="Keywords"
                    hint={`Optional. Comma-separated words people may search for in the help panel besides the title and the texts, e.g. change of address, moving. At most ${LIMITS.keywordsPerAid}, each up to ${LIMITS.keyword} characters.`}
                    value={list(getAt(draft, ['keywords'])).map(str)}
                    parse={wordsOf}
                    format={(v) => (v ?? []).join(', ')}
                    onChange={(v) => update(['keywords'], v)}
                  />
                  {idEditable ? (
                    <TextField
                      path={['id']}
                      label="Id"
                      hint="Files people’s progress and reports. Lower-case letters, digits and “-”. It cannot change once published."
                      code
                      value={id}
                      onChange={(v) => update(['id'], v)}
                    />
                  ) : null}
                </Group>

                <Group legend="Where it applies">
                  <PatternList
                    path={['match', 'urls']}
                    legend="Pages (URL patterns)"
                    hint="The aid shows on pages whose address matches any of these, e.g. https://portal.example.com/support/*"
                    itemLabel="URL pattern"
                    addLabel="Add a URL pattern"
                    values={list(getAt(draft, ['match', 'urls'])).map(str)}
                    onChange={(v) => update(['match', 'urls'], v)}
                  />
                  <PatternList
                    path={['match', 'exclude']}
                    legend="Except on (exclude patterns)"
                    hint="Optional. e.g. https://portal.example.com/support/*/print"
                    itemLabel="Exclude pattern"
                    addLabel="Add an exclude pattern"
                    values={list(getAt(draft, ['match', 'exclude'])).map(str)}
                    onChange={(v) => update(['match', 'exclude'], v.length ? v : undefined)}
                  />
                </Group>

                <Group legend="Who it is for" hint="Leave both empty for everyone.">
                  <ParsedField<string[]>
                    path={['audience', 'roles']}
                    label="Roles"
                    hint="Comma-separated, as set in people’s Inflow settings, e.g. agent, team-lead"
                    value={list(getAt(draft, ['audience', 'roles'])).map(str)}
                    parse={wordsOf}
                    format={(v) => (v ?? []).join(', ')}
                    onChange={(v) => update(['audience', 'roles'], v)}
                  />
                  <ParsedField<string[]>
                    path={['audience', 'teams']}
                    label="Teams"
                    hint="Comma-separated, e.g. care, billing"
                    value={list(getAt(draft, ['audience', 'teams'])).map(str)}
                    parse={wordsOf}
                    format={(v) => (v ?? []).join(', ')}
                    onChange={(v) => update(['audience', 'teams'], v)}
                  />
                </Group>

                {kind === 'tip' ? (
                  <Group legend="The tip">
                    <TargetField
                      path={['target']}
                      legend="The element the tip is next to"
                      hint="Pick it on the page, or give at least one signal."
                      value={getAt(draft, ['target'])}
                      onChange={(t) => update(['target'], t ?? {})}
                      reports={reports.filter((r) => r.stepId === undefined)}
                    />
                    <TextField
                      path={['text']}
                      label="Tip text"
                      hint="**bold**, *italic*, `code`, [links](https://…) and “- ” lists work."
                      multiline
                      rows={3}
                      required
                      value={str(getAt(draft, ['text']))}
                      onChange={(v) => update(['text'], v)}
                    />
                    <PlacementField
                      value={str(getAt(draft, ['placement']))}
                      onChange={(v) => update(['placement'], v || undefined)}
                    />
                  </Group>
                ) : kind === 'checks' ? (
                  <ChecksField
                    checks={list(getAt(draft, ['checks']))}
                    onChange={(checks) => update(['checks'], checks)}
                  />
                ) : (
                  <StepsField
                    walkthrough={kind === 'walkthrough'}
                    steps={list(getAt(draft, ['steps']))}
                    onChange={(steps) => update(['steps'], steps)}
                    publishedIds={publishedStepIds}
                    reports={reports}
                  />
                )}
              </>
            )}
          </div>
          <div
            id="aid-panel-json"
            role="tabpanel"
            aria-labelledby="aid-tab-json"
            hidden={view !== 'json'}
          >
            {view === 'json' && (
              <RawJson
                draft={draft}
                locked={!editable}
                onChange={(next) => {
                  draftRef.current = next as Json;
                  change(next as Json);
                }}
              />
            )}
          </div>

          <section aria-labelledby="aid-history-heading">
            <h2 id="aid-history-heading">Versions</h2>
            <History
              history={aid?.history ?? []}
              draft={draft}
              canRestore={editable}
              onRestore={restore}
            />
          </section>
        </div>
      </PageContext.Provider>
    </FormContext.Provider>
  );
}

/** "2 targets need attention": one line per target staff pages had trouble with. */
function Attention({
  reports,
  draft,
  sincePublish,
}: {
  reports: TargetReport[];
  draft: Json;
  sincePublish: boolean;
}) {
  // One line per target; "not found" says more than "found by a fallback".
  const byTarget = new Map<string, TargetReport>();
  for (const r of reports) {
    const k = r.stepId ?? '';
    if (!byTarget.has(k) || r.type === 'target_missing') byTarget.set(k, r);
  }
  if (!byTarget.size) return null;
  const stepIds = list(getAt(draft, ['steps'])).map((s) => str(getAt(s, ['id'])));
  return (
    <div class="attention">
      <p>
        <strong>{plural(byTarget.size, 'target needs', 'targets need')} attention</strong>: staff
        pages reported them{sincePublish ? ' since the last publish' : ''}.
      </p>
      <ul>
        {[...byTarget.values()].map((r) => {
          const i = r.stepId === undefined ? -1 : stepIds.indexOf(r.stepId);
          const path: Path =
            r.stepId === undefined ? ['target'] : i >= 0 ? ['steps', i, 'target'] : ['steps'];
          const label =
            r.stepId === undefined
              ? 'The tip’s target'
              : i >= 0
                ? `Step ${i + 1}`
                : `Step “${r.stepId}” (no longer in the draft)`;
          const what = r.type === 'target_missing' ? 'not found' : 'found by a fallback signal';
          return (
            <li key={r.stepId ?? ''}>
              <FieldLink id={fieldId(path)}>
                {label}: {what}
              </FieldLink>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function FieldLink({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <a
      href={`#${id}`}
      onClick={(e) => {
        // The page routes on the hash: a link to a field must not navigate.
        e.preventDefault();
        focusField(id);
      }}
    >
      {children}
    </a>
  );
}

function ProblemSummary({ problems, owned }: { problems: Problem[]; owned: Set<string> }) {
  if (!problems.length) return null;
  return (
    <div class="problems">
      <h3 id="aid-problems-heading" tabIndex={-1}>
        {plural(problems.length, 'problem')} before it can be published:
      </h3>
      <ul>
        {problems.map((p, i) => {
          const where = describePath(parsePath(p.path));
          const owner = ownerOf(p.path, owned);
          return (
            <li key={i}>
              {owner ? (
                <FieldLink id={fieldId(parsePath(owner))}>
                  {where}: {p.message}
                </FieldLink>
              ) : (
                `${where}: ${p.message}`
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ViewTab({
  id,
  current,
  onSelect,
  children,
}: {
  id: 'form' | 'json';
  current: string;
  onSelect(view: 'form' | 'json'): void;
  children: ComponentChildren;
}) {
  const selected = id === current;
  const other = id === 'form' ? 'json' : 'form';
  return (
    <button
      id={`aid-tab-${id}`}
      type="button"
      role="tab"
      class="secondary"
      aria-selected={selected}
      aria-controls={`aid-panel-${id}`}
      tabIndex={selected ? 0 : -1}
      onClick={() => onSelect(id)}
      onKeyDown={(e) => {
        // Arrow keys move between the two tabs, as in any tab list.
        if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) {
          e.preventDefault();
          const next = e.key === 'Home' ? 'form' : e.key === 'End' ? 'json' : other;
          onSelect(next);
          document.getElementById(`aid-tab-${next}`)?.focus();
        }
      }}
    >
      {children}
    </button>
  );
}

function Actions(props: {
  editable: boolean;
  busy: boolean;
  hasDraft: boolean;
  published: boolean;
  previewing: boolean;
  confirming: 'discard' | 'delete' | null;
  onPublish(): void;
  onPreview(): void;
  onStopPreview(): void;
  onConfirm(what: 'discard' | 'delete' | null): void;
  onDiscard(): void;
  onDelete(): void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const asked = useRef<'discard' | 'delete' | null>(null);
  // The question takes focus; "Cancel" gives it back to the button that asked.
  useEffect(() => {
    if (props.confirming) {
      asked.current = props.confirming;
      confirmRef.current?.focus();
    } else if (asked.current) {
      document.getElementById(`aid-${asked.current}`)?.focus();
      asked.current = null;
    }
  }, [props.confirming]);

  if (props.confirming) {
    const discard = props.confirming === 'discard';
    return (
      <fieldset class="confirm">
        <legend>
          {discard
            ? props.published
              ? 'Discard the draft? The form goes back to the published version.'
              : 'Discard the draft? This aid was never published, so it goes away.'
            : 'Delete this aid? People stop seeing it; its versions are kept.'}
        </legend>
        <div class="row">
          <button
            ref={confirmRef}
            type="button"
            class="danger-fill"
            onClick={discard ? props.onDiscard : props.onDelete}
          >
            {discard ? 'Discard draft' : 'Delete aid'}
          </button>
          <button type="button" class="secondary" onClick={() => props.onConfirm(null)}>
            Cancel
          </button>
        </div>
      </fieldset>
    );
  }
  return (
    <div class="actions editor-actions">
      {props.editable && (
        <button type="button" disabled={props.busy} onClick={props.onPublish}>
          {props.busy ? 'Publishing…' : 'Publish'}
        </button>
      )}
      {props.previewing ? (
        <button type="button" class="secondary" onClick={props.onStopPreview}>
          Stop preview
        </button>
      ) : (
        <button type="button" class="secondary" onClick={props.onPreview}>
          Preview on page
        </button>
      )}
      {props.editable && props.hasDraft && (
        <button
          id="aid-discard"
          type="button"
          class="secondary"
          onClick={() => props.onConfirm('discard')}
        >
          Discard draft
        </button>
      )}
      {props.editable && props.published && (
        <button
          id="aid-delete"
          type="button"
          class="secondary danger"
          onClick={() => props.onConfirm('delete')}
        >
          Delete
        </button>
      )}
    </div>
  );
}

function PatternList({
  path,
  legend,
  hint,
  itemLabel,
  addLabel,
  values,
  onChange,
}: {
  path: Path;
  legend: string;
  hint: string;
  itemLabel: string;
  addLabel: string;
  values: string[];
  onChange(values: string[]): void;
}) {
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    const target = focusAfter.current;
    focusAfter.current = null;
    if (target) document.getElementById(target)?.focus();
  });
  const addId = `${fieldId(path)}-add`;
  return (
    <Group path={path} legend={legend} hint={hint} class="patterns">
      {values.length > 0 && (
        <ol>
          {values.map((v, i) => (
            <li key={i} class="pattern-row">
              <TextField
                path={[...path, i]}
                label={`${itemLabel} ${i + 1}`}
                code
                placeholder="https://portal.example.com/support/*"
                value={v}
                onChange={(next) => onChange(values.map((x, j) => (j === i ? next : x)))}
              />
              <RemoveButton
                label={`${itemLabel} ${i + 1}`}
                onClick={() => {
                  focusAfter.current =
                    values.length > 1 ? fieldId([...path, Math.max(0, i - 1)]) : addId;
                  onChange(values.filter((_, j) => j !== i));
                }}
              />
            </li>
          ))}
        </ol>
      )}
      <AddButton
        id={addId}
        onClick={() => {
          focusAfter.current = fieldId([...path, values.length]);
          onChange([...values, '']);
        }}
      >
        {addLabel}
      </AddButton>
    </Group>
  );
}

function AddButton({
  id,
  onClick,
  children,
}: {
  id: string;
  onClick(): void;
  children: ComponentChildren;
}) {
  const locked = useLocked();
  if (locked) return null;
  return (
    <button id={id} type="button" class="secondary" onClick={onClick}>
      {children}
    </button>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick(): void }) {
  const locked = useLocked();
  if (locked) return null;
  return (
    <button type="button" class="secondary" onClick={onClick}>
      Remove<span class="visually-hidden"> {label}</span>
    </button>
  );
}

function useLocked() {
  return useContext(FormContext).locked;
}

function PlacementField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const { locked, problems } = useContext(FormContext);
  const id = fieldId(['placement']);
  const errors = problems.get('placement') ?? [];
  return (
    <div class="field">
      <label for={id}>Where the “?” sits</label>
      <select
        id={id}
        disabled={locked}
        value={value}
        aria-describedby={`${id}-hint${errors.length ? ` ${id}-error` : ''}`}
        aria-invalid={errors.length ? true : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">Right of the element (default)</option>
        <option value="top">Above</option>
        <option value="bottom">Below</option>
        <option value="left">Left</option>
        <option value="right">Right</option>
      </select>
      {errors.length > 0 && (
        <p id={`${id}-error`} class="field-error">
          {errors.join('; ')}
        </p>
      )}
      <p id={`${id}-hint`} class="help">
        It moves to the other side when there is no room.
      </p>
    </div>
  );
}

function NewAid({
  deps,
  onCreate,
}: {
  deps: AuthoringDeps;
  onCreate(kind: AidKind, id: string, title: string): void;
}) {
  const [kind, setKind] = useState<AidKind>('checklist');
  const [title, setTitle] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [errors, setErrors] = useState<{ title?: string; id?: string }>({});
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const shownId = idTouched ? id : slug(title);

  useEffect(() => heading.current?.focus(), []);

  const create = async (e: Event) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (!title.trim()) next.title = 'Enter a title.';
    if (!isValidId(shownId)) {
      next.id = 'Use lower-case letters, digits, “-”, “_” or “.”, starting with a letter or digit.';
    } else {
      setBusy(true);
      try {
        const { aids } = await deps.list();
        if (aids.some((a) => a.key === `${LOCAL_PACK_ID}/${shownId}`)) {
          next.id = 'One of your aids already has this id. Choose another.';
        }
      } catch {
        // The list is only a courtesy check; saving is what counts.
      } finally {
        setBusy(false);
      }
    }
    setErrors(next);
    if (next.title) document.getElementById('new-aid-title')?.focus();
    else if (next.id) document.getElementById('new-aid-id')?.focus();
    else onCreate(kind, shownId, title.trim());
  };

  const describedBy = (field: 'title' | 'id', hint: string) =>
    errors[field] ? `new-aid-${field}-error ${hint}` : hint;

  return (
    <div class="editor">
      <p>
        <a href="#aids">Back to the aid list</a>
      </p>
      <h2 ref={heading} tabIndex={-1}>
        New aid
      </h2>
      <form onSubmit={(e) => void create(e)} noValidate>
        <fieldset>
          <legend>What kind of aid?</legend>
          {(
            [
              [
                'checklist',
                'Checklist',
                'Steps in a side panel that tick themselves as people work.',
              ],
              ['tip', 'Tip', 'A small “?” next to one field or button, with a short text.'],
              [
                'walkthrough',
                'Walkthrough',
                'Steps shown one at a time next to what they are about, across pages.',
              ],
              [
                'checks',
                'Field checks',
                'Rules on a form’s fields, checked when a field is left and when the form is saved.',
              ],
            ] as const
          ).map(([value, label, hint]) => (
            <div class="field check" key={value}>
              <input
                id={`new-aid-kind-${value}`}
                type="radio"
                name="new-aid-kind"
                value={value}
                checked={kind === value}
                aria-describedby={`new-aid-kind-${value}-hint`}
                onChange={() => setKind(value)}
              />
              <label for={`new-aid-kind-${value}`}>{label}</label>
              <p id={`new-aid-kind-${value}-hint`} class="help">
                {hint}
              </p>
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Name</legend>
          <div class="field">
            <label for="new-aid-title">Title</label>
            <input
              id="new-aid-title"
              type="text"
              value={title}
              aria-invalid={errors.title ? true : undefined}
              aria-describedby={describedBy('title', 'new-aid-title-hint')}
              onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
            />
            {errors.title && (
              <p id="new-aid-title-error" class="field-error">
                {errors.title}
              </p>
            )}
            <p id="new-aid-title-hint" class="help">
              What people see as its heading, e.g. “New support ticket”.
            </p>
          </div>
          <div class="field">
            <label for="new-aid-id">Id</label>
            <input
              id="new-aid-id"
              type="text"
              class="code"
              spellcheck={false}
              autocomplete="off"
              value={shownId}
              aria-invalid={errors.id ? true : undefined}
              aria-describedby={describedBy('id', 'new-aid-id-hint')}
              onInput={(e) => {
                setIdTouched(true);
                setId((e.currentTarget as HTMLInputElement).value);
              }}
            />
            {errors.id && (
              <p id="new-aid-id-error" class="field-error">
                {errors.id}
              </p>
            )}
            <p id="new-aid-id-hint" class="help">
              Made from the title. Progress and reports are filed under it; you can change it until
              you publish.
            </p>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Create draft
          </button>
        </div>
      </form>
    </div>
  );
}
