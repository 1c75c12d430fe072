/**
 * The form for a field-checks aid's checks: for each, the field (picked on the page like any
 * target), the rule and its bounds, the message, and whether it stops the save. A check's
 * `when` (another field's condition) is kept as it is and edited in the JSON view.
 */
import { useContext } from 'preact/hooks';
import {
  fieldId,
  isObject,
  type Json,
  type JsonObject,
  list,
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
  const type = str(rule.type);
  const set = (key: string, value: Json | undefined) => {
    const next: JsonObject = { ...check };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const setRule = (key: string, value: Json | undefined) => {
    const next: JsonObject = { ...rule };
    if (value === undefined) delete next[key];
    else next[key] = value;
    set('rule', next);
  };
  const ruleField = useField([...base, 'rule'], RULES.find((r) => r.type === type)?.hint);
  return (
    <Group legend={`Check ${n}`} class="step" path={base}>
      <TargetField
        path={[...base, 'field']}
        legend={`Check ${n}: the field`}
        hint="Pick it on the page, or give at least one signal."
        value={check.field}
        onChange={(t) => set('field', t ?? {})}
      />
      <div class="field">
        <label for={ruleField.id}>Check {n}: the value</label>
        <select
          {...ruleField.control}
          value={type}
          onChange={(e) => set('rule', { type: (e.currentTarget as HTMLSelectElement).value })}
        >
          {RULES.map((r) => (
            <option key={r.type} value={r.type}>
              {r.label}
            </option>
          ))}
        </select>
        <Errors id={ruleField.errorId} errors={ruleField.errors} />
        <p id={ruleField.hintId} class="help">
          {RULES.find((r) => r.type === type)?.hint}
        </p>
      </div>
      {(type === 'pattern' || type === 'notPattern') && (
        <TextField
          path={[...base, 'rule', 'pattern']}
          label={`Check ${n}: pattern`}
          code
          value={str(rule.pattern)}
          onChange={(p) => setRule('pattern', p)}
        />
      )}
      {(BOUNDS[type] ?? []).map(([key, label, kind]) =>
        kind === 'number' ? (
          <ParsedField<number>
            key={key}
            path={[...base, 'rule', key]}
            label={`Check ${n}: ${label.toLowerCase()}`}
            value={typeof rule[key] === 'number' ? (rule[key] as number) : undefined}
            parse={toNumber}
            format={(v) => (v === undefined ? '' : String(v))}
            onChange={(v) => setRule(key, v)}
          />
        ) : (
          <TextField
            key={key}
            path={[...base, 'rule', key]}
            label={`Check ${n}: ${label.toLowerCase()}`}
            value={str(rule[key])}
            onChange={(v) => setRule(key, v.trim() || undefined)}
          />
        ),
      )}
      {type === 'oneOf' && (
        <ParsedField<string[]>
          path={[...base, 'rule', 'values']}
          label={`Check ${n}: values`}
          hint="Comma-separated, e.g. Phone, SMS"
          value={list(rule.values).map(str)}
          parse={wordsOf}
          format={(v) => (v ?? []).join(', ')}
          onChange={(v) => setRule('values', v)}
        />
      )}
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
      {isObject(check.when) && (
        <p class="help">This check applies only while another field is so: see the JSON view.</p>
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
