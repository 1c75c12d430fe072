/**
 * The form for a field-checks aid's checks: for each, the field (picked on the page like any
 * target), the rule and its bounds, the message, whether it stops the save, and its
 * condition on another field (`when`: that field, picked the same way, and a rule on it).
 */
import { useContext } from 'preact/hooks';
import {
  fieldId,
  isObject,
  type Json,
  type JsonObject,
  list,
  type Path,
  str,
  uniqueId,
  wordsOf,
} from './editor-model';
import { Errors, FormContext, Group, ParsedField, TextField, useField } from './fields';
import { TargetField } from './TargetField';

const RULES: { type: string; label: string; hint: string }[] = [
  { type: 'required', label: 'Is filled in', hint: 'Not empty; a checkbox: ticked.' },
  {
    type: 'pattern',
    label: 'Matches a pattern',
    hint: 'A regular expression the value must match, e.g. ^[A-Z]{2}\\d{6}$.',
  },
  {
    type: 'notPattern',
    label: 'Does not contain a pattern',
    hint: 'A regular expression the value must not contain, e.g. a card number: \\d{4} ?\\d{4} ?\\d{4} ?\\d{4}.',
  },
  { type: 'length', label: 'Has a length', hint: 'Characters, spaces at either end not counted.' },
  {
    type: 'number',
    label: 'Is a number within bounds',
    hint: 'At least / at most include the bound; “more than” / “less than” do not.',
  },
  {
    type: 'date',
    label: 'Is a date within bounds',
    hint: 'A day (2026-01-31) or “today”, optionally moved: today-18y, today+30d.',
  },
  { type: 'oneOf', label: 'Is one of a list', hint: 'Compared without case.' },
];

/** The fields each rule type has besides `type`, as [key, label, kind]. */
const BOUNDS: Record<string, [string, string, 'number' | 'text'][]> = {
  length: [
    ['min', 'At least (characters)', 'number'],
    ['max', 'At most (characters)', 'number'],
  ],
  number: [
    ['min', 'At least', 'number'],
    ['max', 'At most', 'number'],
    ['above', 'More than', 'number'],
    ['below', 'Less than', 'number'],
  ],
  date: [
    ['min', 'On or after', 'text'],
    ['max', 'On or before', 'text'],
  ],
};

const toNumber = (text: string) => {
  const t = text.trim();
  return t === '' || Number.isNaN(Number(t)) ? undefined : Number(t);
};

export function ChecksField({
  checks,
  onChange,
}: {
  checks: Json[];
  onChange(checks: Json[]): void;
}) {
  const { locked } = useContext(FormContext);
  const items = checks.map((c) => (isObject(c) ? c : {}));
  const replace = (i: number, next: JsonObject) =>
    onChange(items.map((c, j) => (j === i ? next : c)));
  const add = () =>
    onChange([
      ...items,
      {
        id: uniqueId(
          'check',
          items.map((c) => str(c.id)),
        ),
        field: {},
        rule: { type: 'required' },
        message: '',
      },
    ]);
  return (
    <Group
      path={['checks']}
      legend="Checks"
      hint="Each is checked when the person leaves its field, and when the form is saved."
    >
      <ol class="steps">
        {items.map((check, i) => (
          <li key={i}>
            <CheckItem
              index={i}
              check={check}
              onChange={(c) => replace(i, c)}
              onRemove={items.length > 1 ? () => onChange(items.filter((_, j) => j !== i)) : null}
            />
          </li>
        ))}
      </ol>
      {!locked && (
        <button type="button" class="secondary" onClick={add}>
          Add a check
        </button>
      )}
    </Group>
  );
}

function CheckItem({
  index,
  check,
  onChange,
  onRemove,
}: {
  index: number;
  check: JsonObject;
  onChange(check: JsonObject): void;
  onRemove: (() => void) | null;
}) {
  const { locked } = useContext(FormContext);
  const n = index + 1;
  const base = ['checks', index] as const;
  const rule = isObject(check.rule) ? check.rule : { type: 'required' };
  const set = (key: string, value: Json | undefined) => {
    const next: JsonObject = { ...check };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const when = isObject(check.when) ? check.when : undefined;
  const setWhen = (key: string, value: Json) => set('when', { ...(when ?? {}), [key]: value });
  // The group of the condition has the id of its path; the box that turns it on, its own.
  const whenBox = `${fieldId([...base, 'when'])}-on`;
  return (
    <Group legend={`Check ${n}`} class="step" path={base}>
      <TargetField
        path={[...base, 'field']}
        legend={`Check ${n}: the field`}
        hint="Pick it on the page, or give at least one signal."
        value={check.field}
        onChange={(t) => set('field', t ?? {})}
      />
      <RuleFields
        path={[...base, 'rule']}
        prefix={`Check ${n}`}
        rule={rule}
        onChange={(r) => set('rule', r)}
      />
      <TextField
        path={[...base, 'message']}
        label={`Check ${n}: message`}
        hint="Shown next to the field while the rule fails: say what to do."
        required
        value={str(check.message)}
        onChange={(m) => set('message', m)}
      />
      <div class="field check">
        <input
          id={fieldId([...base, 'block'])}
          type="checkbox"
          disabled={locked}
          checked={check.block === true}
          onChange={(e) => set('block', (e.currentTarget as HTMLInputElement).checked || undefined)}
        />
        <label for={fieldId([...base, 'block'])}>
          Stop the save while it fails (the person may save anyway with a reason)
        </label>
      </div>
      <div class="field check">
        <input
          id={whenBox}
          type="checkbox"
          disabled={locked}
          checked={when !== undefined}
          aria-describedby={`${whenBox}-hint`}
          onChange={(e) =>
            set(
              'when',
              (e.currentTarget as HTMLInputElement).checked
                ? { field: {}, rule: { type: 'required' } }
                : undefined,
            )
          }
        />
        <label for={whenBox}>Apply only while another field has a given value</label>
        <p id={`${whenBox}-hint`} class="help">
          e.g. a phone number only when the preferred channel is Phone or SMS.
        </p>
      </div>
      {when && (
        <Group
          path={[...base, 'when']}
          legend={`Check ${n}: the condition`}
          hint="The check applies only while the other field’s value is so. An empty field meets no condition."
          class="condition"
        >
          <TargetField
            path={[...base, 'when', 'field']}
            legend={`Check ${n} condition: the other field`}
            hint="Pick it on the page like the check’s own field, or give at least one signal."
            value={when.field}
            onChange={(t) => setWhen('field', t ?? {})}
          />
          <RuleFields
            path={[...base, 'when', 'rule']}
            prefix={`Check ${n} condition`}
            rule={isObject(when.rule) ? when.rule : { type: 'required' }}
            onChange={(r) => setWhen('rule', r)}
          />
        </Group>
      )}
      <details class="step-id">
        <summary>Check {n} id</summary>
        <TextField
          path={[...base, 'id']}
          label={`Check ${n} id`}
          hint="Events name the check by it. Lower-case letters, digits, “-”, “_” and “.”."
          code
          value={str(check.id)}
          onChange={(id) => set('id', id)}
        />
      </details>
      {!locked && onRemove && (
        <div class="row">
          <button type="button" class="secondary" onClick={onRemove}>
            Remove check {n}
          </button>
        </div>
      )}
    </Group>
  );
}

/** A field rule: its type, then the fields that type has (pattern, bounds, values). */
function RuleFields({
  path,
  prefix,
  rule,
  onChange,
}: {
  path: Path;
  /** Starts every label: "Check 2", "Check 2 condition". */
  prefix: string;
  rule: JsonObject;
  onChange(rule: JsonObject): void;
}) {
  const type = str(rule.type);
  const hint = RULES.find((r) => r.type === type)?.hint;
  const select = useField(path, hint);
  const setKey = (key: string, value: Json | undefined) => {
    const next: JsonObject = { ...rule };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  return (
    <>
      <div class="field">
        <label for={select.id}>{prefix}: the value</label>
        <select
          {...select.control}
          value={type}
          onChange={(e) => onChange({ type: (e.currentTarget as HTMLSelectElement).value })}
        >
          {RULES.map((r) => (
            <option key={r.type} value={r.type}>
              {r.label}
            </option>
          ))}
        </select>
        <Errors id={select.errorId} errors={select.errors} />
        <p id={select.hintId} class="help">
          {hint}
        </p>
      </div>
      {(type === 'pattern' || type === 'notPattern') && (
        <TextField
          path={[...path, 'pattern']}
          label={`${prefix}: pattern`}
          code
          value={str(rule.pattern)}
          onChange={(p) => setKey('pattern', p)}
        />
      )}
      {(BOUNDS[type] ?? []).map(([key, label, kind]) =>
        kind === 'number' ? (
          <ParsedField<number>
            key={key}
            path={[...path, key]}
            label={`${prefix}: ${label.toLowerCase()}`}
            value={typeof rule[key] === 'number' ? (rule[key] as number) : undefined}
            parse={toNumber}
            format={(v) => (v === undefined ? '' : String(v))}
            onChange={(v) => setKey(key, v)}
          />
        ) : (
          <TextField
            key={key}
            path={[...path, key]}
            label={`${prefix}: ${label.toLowerCase()}`}
            value={str(rule[key])}
            onChange={(v) => setKey(key, v.trim() || undefined)}
          />
        ),
      )}
      {type === 'oneOf' && (
        <ParsedField<string[]>
          path={[...path, 'values']}
          label={`${prefix}: values`}
          hint="Comma-separated, e.g. Phone, SMS"
          value={list(rule.values).map(str)}
          parse={wordsOf}
          format={(v) => (v ?? []).join(', ')}
          onChange={(v) => setKey('values', v)}
        />
      )}
    </>
  );
}
