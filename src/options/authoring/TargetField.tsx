/**
 * One target: its signals as editable fields, "Pick on page" to capture them from the app,
 * "Check on page" to see how they resolve there now, and what staff pages reported.
 */
import { useContext, useState } from 'preact/hooks';
import type { Completion, Target } from '../../aids/schema';
import type { TargetReport } from '../../protocol/authoring';
import {
  attrsOf,
  attrsText,
  describeReport,
  fieldId,
  isObject,
  type JsonObject,
  type Path,
  pathKey,
  signalWord,
  str,
} from './editor-model';
import { FormContext, Group, ParsedField, TextField } from './fields';
import type { PickResult } from './pick';
import { PageContext } from './TabChooser';

type Signal = 'css' | 'role' | 'name' | 'label' | 'text';

const SIGNALS: { key: Signal; label: string; hint: string; code?: boolean }[] = [
  {
    key: 'label',
    label: 'Label',
    hint: 'The field’s label on the page, without a trailing “:” or “*”.',
  },
  {
    key: 'role',
    label: 'Role',
    hint: 'What the element is: textbox, button, checkbox, combobox, link…',
  },
  {
    key: 'name',
    label: 'Accessible name',
    hint: 'What a screen reader says for it, e.g. “Save contact”.',
  },
  {
    key: 'text',
    label: 'Visible text',
    hint: 'Text the element shows, for buttons, links and headings.',
  },
  {
    key: 'css',
    label: 'CSS selector',
    hint: 'e.g. #email or form.contact input[name="email"]',
    code: true,
  },
];

// Shown last: every signal already searches inside shadow roots, so an area is seldom needed.
const WITHIN = {
  key: 'within' as const,
  label: 'Within (CSS selector of an area)',
  hint: 'Rarely needed: every signal already looks inside shadow roots (web components). Only when the element appears twice on the page, e.g. form.billing.',
};

const FRAME_FIELDS: { key: 'url' | 'css'; label: string; hint: string }[] = [
  {
    key: 'url',
    label: 'Frame page address (URL pattern)',
    hint: 'The address of the page shown in the frame, e.g. https://lookup.example.com/*',
  },
  {
    key: 'css',
    label: 'Frame element (CSS selector of the <iframe>)',
    hint: 'Finds the <iframe> in the page around it, e.g. iframe[title="Address lookup"]',
  },
];

const SIGNAL_ORDER = ['label', 'role', 'name', 'text', 'attrs', 'css', 'within'];

/** "textbox “Account number” (label “Account number”)" */
export function describePick(d: PickResult['description']): string {
  const what = d.role ?? d.tag;
  const name = d.name ? ` “${d.name}”` : '';
  const label = d.label ? ` (label “${d.label}”)` : '';
  return `${what}${name}${label}`;
}

/** The target without empty signals; undefined when no signal is left. */
function cleaned(target: JsonObject): JsonObject | undefined {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(target)) {
    if (v === undefined || v === '' || v === null) continue;
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The frame with one part changed; undefined when both parts are empty (no frame). */
function withFramePart(frame: unknown, key: 'url' | 'css', value: string): JsonObject | undefined {
  return cleaned({ ...(isObject(frame) ? frame : {}), [key]: value });
}

export function TargetField({
  path,
  legend,
  hint,
  value,
  onChange,
  reports = [],
  rule,
}: {
  path: Path;
  legend: string;
  hint?: string;
  value: unknown;
  /** Undefined when every signal was cleared. */
  onChange(target: JsonObject | undefined): void;
  reports?: TargetReport[];
  /** The completion rule that watches this target: Check on page says if it can hold. */
  rule?: Completion;
}) {
  const tools = useContext(PageContext);
  const { locked } = useContext(FormContext);
  const [note, setNote] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // What the author picked, so Check on page can tell when it finds another element.
  const [picked, setPicked] = useState<PickResult['description'] | undefined>(undefined);
  const target: JsonObject = isObject(value) ? value : {};
  const set = (key: string, v: unknown) =>
    onChange(cleaned({ ...target, [key]: (v ?? undefined) as JsonObject[string] }));
  const id = fieldId(path);
  const { problems } = useContext(FormContext);
  const prefix = pathKey(path);
  const hasProblems = [...problems.keys()].some((k) => k.startsWith(`${prefix}.`));
  const present = SIGNAL_ORDER.filter((k) => target[k] !== undefined);
  const hasSignals = present.length > 0;
  const frame = isObject(target.frame) ? target.frame : {};
  const inFrame = target.frame !== undefined;
  const summary = [
    hasSignals ? `Signals: ${present.map(signalWord).join(', ')}` : '',
    inFrame ? 'in a frame' : '',
  ]
    .filter(Boolean)
    .join('; ');

  const withTab = async (job: (tabId: number) => Promise<void>) => {
    if (!tools) return;
    if (!tools.tab) {
      setNote({
        text: 'Choose the app tab to work in first, under “Page to work on”.',
        error: true,
      });
      tools.needTab();
      return;
    }
    setBusy(true);
    try {
      await job(tools.tab.id);
    } catch (e) {
      setNote({ text: `That did not work: ${(e as Error).message}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  const pick = () =>
    withTab(async (tabId) => {
      setNote({ text: 'Click the element in the app’s tab. Escape cancels.' });
      const result = await tools!.deps.pick(tabId);
      if (!result) {
        setNote({ text: 'Picking cancelled.' });
        return;
      }
      onChange(cleaned(result.target as JsonObject));
      setPicked(result.description);
      const where = result.target.frame ? ', inside a frame' : '';
      const captured = `Captured: ${describePick(result.description)}${where}`;
      setNote(
        result.problem
          ? { text: `${captured}. ${result.problem}`, error: true }
          : { text: captured },
      );
    });

  const check = () =>
    withTab(async (tabId) => {
      if (!cleaned(target)) {
        setNote({
          text: 'Give at least one signal, or pick the element, before checking.',
          error: true,
        });
        return;
      }
      setNote({ text: 'Checking…' });
      const result = await tools!.deps.check(tabId, target as Target, { rule, picked });
      const warnings = result.warnings ?? [];
      setNote({
        text: [result.sentence, ...warnings].join(' '),
        error: !result.found || warnings.length > 0,
      });
    });

  return (
    <Group path={path} legend={legend} hint={hint} class="target">
      {reports.length > 0 && (
        <ul class="reports">
          {reports.map((r) => (
            <li
              key={`${r.type}-${r.lastAt}`}
              class={r.type === 'target_missing' ? 'missing' : 'healed'}
            >
              {describeReport(r, target as Target)}
            </li>
          ))}
        </ul>
      )}
      {tools && (
        <div class="row">
          <button
            type="button"
            class="secondary"
            disabled={locked || busy}
            onClick={() => void pick()}
          >
            Pick on page
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void check()}>
            Check on page
          </button>
        </div>
      )}
      <p class={note?.error ? 'note error' : 'note'} role="status" id={`${id}-status`}>
        {note?.text ?? ''}
      </p>
      {/* Closed while there is nothing to show: picking fills it and opens it. */}
      <details class="signals-box" open={hasSignals || inFrame || hasProblems || undefined}>
        <summary>{summary || 'Type the signals instead'}</summary>
        <div class="signals">
          {SIGNALS.map((s) => (
            <TextField
              key={s.key}
              path={[...path, s.key]}
              label={s.label}
              hint={s.hint}
              code={s.code}
              value={str(target[s.key])}
              onChange={(v) => set(s.key, v)}
            />
          ))}
          <ParsedField<Record<string, string>>
            path={[...path, 'attrs']}
            label="Attributes"
            hint="One per line, name=value: id=email, name=email, data-test=save…"
            multiline
            // One row per captured attribute (the picker keeps at most four).
            rows={Math.min(
              6,
              Math.max(2, isObject(target.attrs) ? Object.keys(target.attrs).length : 0),
            )}
            code
            value={isObject(target.attrs) ? (target.attrs as Record<string, string>) : undefined}
            parse={attrsOf}
            format={attrsText}
            onChange={(v) => set('attrs', v)}
          />
          <TextField
            path={[...path, WITHIN.key]}
            label={WITHIN.label}
            hint={WITHIN.hint}
            code
            value={str(target[WITHIN.key])}
            onChange={(v) => set(WITHIN.key, v)}
          />
        </div>
        <Group
          path={[...path, 'frame']}
          legend="In a frame"
          hint="Only for an element inside an <iframe>; picking fills this in. Leave both empty when the element is in the page itself."
          class="frame"
        >
          <div class="frame-fields">
            {FRAME_FIELDS.map((f) => (
              <TextField
                key={f.key}
                path={[...path, 'frame', f.key]}
                label={f.label}
                hint={f.hint}
                code
                value={str(frame[f.key])}
                onChange={(v) => set('frame', withFramePart(target.frame, f.key, v))}
              />
            ))}
          </div>
        </Group>
      </details>
    </Group>
  );
}
