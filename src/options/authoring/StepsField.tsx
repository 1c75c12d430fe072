/**
 * A checklist's or a walkthrough's steps: add, remove and move with buttons; each step's
 * text, target and "Done when" rule, and a walkthrough step's pages. Step ids follow the
 * text until the step is first published.
 */
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { Completion } from '../../aids/schema';
import type { TargetReport } from '../../protocol/authoring';
import {
  fieldId,
  isObject,
  type Json,
  type JsonObject,
  linesOf,
  list,
  ownDoneTarget,
  slug,
  str,
  uniqueId,
} from './editor-model';
import { Errors, FormContext, Group, ParsedField, TextField, useField } from './fields';
import { TargetField } from './TargetField';

const RULES: { type: string; label: string }[] = [
  { type: '', label: 'Only when ticked by hand' },
  { type: 'appears', label: 'An element appears' },
  { type: 'disappears', label: 'An element disappears' },
  { type: 'filled', label: 'A field is filled in' },
  { type: 'matches', label: 'A field’s value matches a pattern' },
  { type: 'passes', label: 'A field passes a field check rule' },
  { type: 'clicked', label: 'An element is clicked' },
  { type: 'checked', label: 'A checkbox is checked' },
  { type: 'url', label: 'The page moves to an address' },
];

const RULE_HINTS: Record<string, string> = {
  '': 'The person ticks the step.',
  appears: 'Done when the element is shown, e.g. a “Saved” message.',
  disappears: 'Done when the element goes away after it was seen, e.g. a warning.',
  filled: 'Done when the field has a value.',
  matches: 'Done when the field’s value matches the regular expression below.',
  passes:
    'Done when the field has a value its rule accepts (required, pattern, notPattern, length, number, date, oneOf). Write the rule in the JSON view.',
  clicked: 'Done when the person clicks the element.',
  checked: 'Done when the checkbox or radio button is checked.',
  url: 'Done when the page’s address matches the pattern below.',
};

const TEXT_HINT =
  'What the person does. **bold**, *italic*, `code`, [links](https://…) and “- ” lists work.';

/** The id a step gets from its text, unique among the other steps. */
function autoId(text: string, others: string[]): string {
  return uniqueId(slug(text) || 'step', others);
}

export function StepsField({
  steps,
  onChange,
  publishedIds,
  reports,
  walkthrough = false,
}: {
  steps: Json[];
  onChange(steps: Json[]): void;
  /** Ids of steps already published: they no longer follow the text. */
  publishedIds: ReadonlySet<string>;
  reports: TargetReport[];
  /** A walkthrough's steps: none is optional, and each may name the pages it is on. */
  walkthrough?: boolean;
}) {
  const { locked } = useContext(FormContext);
  const focusAfter = useRef<string | null>(null);
  const stepsOf = steps.map((s) => (isObject(s) ? s : {}));
  const ids = stepsOf.map((s) => str(s.id));

  // After adding, removing or moving a step, focus goes where the author's work is.
  useEffect(() => {
    const id = focusAfter.current;
    if (!id) return;
    focusAfter.current = null;
    document.getElementById(id)?.focus();
  });

  const replace = (i: number, step: JsonObject) =>
    onChange(stepsOf.map((s, j) => (j === i ? step : s)));

  const add = () => {
    focusAfter.current = fieldId(['steps', steps.length, 'text']);
    onChange([...stepsOf, { id: autoId('', ids), text: '' }]);
  };
  const remove = (i: number) => {
    focusAfter.current =
      steps.length > 1 ? fieldId(['steps', Math.max(0, i - 1), 'text']) : 'aid-add-step';
    onChange(stepsOf.filter((_, j) => j !== i));
  };
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= steps.length) return;
    const next = [...stepsOf];
    [next[i], next[j]] = [next[j]!, next[i]!];
    // Focus stays on the same button of the moved step, or on its other one at an end.
    const edge = j === 0 || j === steps.length - 1;
    focusAfter.current = `aid-step-${j}-${edge ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down'}`;
    onChange(next);
  };

  return (
    <Group path={['steps']} legend="Steps" hint="In the order people do them. At least one.">
      <ol class="steps">
        {stepsOf.map((step, i) => (
          <li key={i}>
            <StepItem
              index={i}
              count={steps.length}
              step={step}
              otherIds={ids.filter((_, j) => j !== i)}
              published={publishedIds.has(str(step.id))}
              reports={reports.filter((r) => r.stepId === str(step.id))}
              walkthrough={walkthrough}
              onChange={(s) => replace(i, s)}
              onMove={(by) => move(i, by)}
              onRemove={() => remove(i)}
            />
          </li>
        ))}
      </ol>
      {!locked && (
        <button id="aid-add-step" type="button" class="secondary" onClick={add}>
          Add a step
        </button>
      )}
    </Group>
  );
}

function StepItem({
  index,
  count,
  step,
  otherIds,
  published,
  reports,
  walkthrough,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  step: JsonObject;
  otherIds: string[];
  published: boolean;
  reports: TargetReport[];
  walkthrough: boolean;
  onChange(step: JsonObject): void;
  onMove(by: -1 | 1): void;
  onRemove(): void;
}) {
  const { locked, problems } = useContext(FormContext);
  const n = index + 1;
  const base = ['steps', index] as const;
  const done = isObject(step.done) ? step.done : undefined;
  const type = str(done?.type);
  const needsTarget = !!type && type !== 'url';
  const own = ownDoneTarget(step);
  const set = (key: string, value: Json | undefined) => {
    const next = { ...step };
    if (value === undefined) delete next[key];
    else next[key] = value;
    return next;
  };

  const setText = (text: string) => {
    let next = set('text', text);
    // An unpublished step's id follows its text, unless the author changed the id.
    if (!published && str(step.id) === autoId(str(step.text), otherIds)) {
      next = { ...next, id: autoId(text, otherIds) };
    }
    onChange(next);
  };

  const setTarget = (target: JsonObject | undefined) => {
    let next = set('target', target);
    // A rule that followed the step's target keeps following it.
    if (done && 'target' in done && !own) {
      next = { ...next, done: { ...done, target: target ?? {} } };
    }
    onChange(next);
  };

  const setRule = (rule: string) => {
    if (!rule) return onChange(set('done', undefined));
    const target =
      (isObject(done?.target) ? done.target : undefined) ??
      (isObject(step.target) ? step.target : {});
    const pattern = str(done?.pattern);
    const next: JsonObject =
      rule === 'url'
        ? { type: rule, pattern }
        : rule === 'matches'
          ? { type: rule, target, pattern }
          : rule === 'passes'
            ? { type: rule, target, rule: isObject(done?.rule) ? done.rule : { type: 'required' } }
            : { type: rule, target };
    onChange(set('done', next));
  };

  const rule = useField([...base, 'done'], RULE_HINTS[type]);

  return (
    <Group legend={`Step ${n}`} class="step" path={base}>
      <TextField
        path={[...base, 'text']}
        label={`Step ${n} text`}
        hint={TEXT_HINT}
        multiline
        rows={2}
        required
        value={str(step.text)}
        onChange={setText}
      />
      {!walkthrough && (
        <div class="field check">
          <input
            id={fieldId([...base, 'optional'])}
            type="checkbox"
            disabled={locked}
            checked={step.optional === true}
            onChange={(e) =>
              onChange(set('optional', (e.currentTarget as HTMLInputElement).checked || undefined))
            }
          />
          <label for={fieldId([...base, 'optional'])}>
            Optional: the checklist can be complete without it
          </label>
        </div>
      )}
      {walkthrough && (
        <ParsedField<string[]>
          path={[...base, 'urls']}
          label={`Step ${n}: pages it is on`}
          hint="Optional. URL patterns, one per line, when the step is not on every page the walkthrough applies to, e.g. https://portal.example.com/billing/address. On other pages the panel says the step is elsewhere."
          multiline
          rows={2}
          code
          value={list(step.urls).map(str)}
          parse={linesOf}
          format={(v) => (v ?? []).join('\n')}
          onChange={(urls) => onChange(set('urls', urls))}
        />
      )}
      <TargetField
        path={[...base, 'target']}
        legend={`Step ${n}: the element it is about`}
        hint="Optional. Lets people jump to it with “Show”."
        value={step.target}
        onChange={setTarget}
        reports={reports}
        rule={needsTarget && !own ? (done as Completion) : undefined}
      />
      <div class="field">
        <label for={rule.id}>Step {n}: done when</label>
        <select
          {...rule.control}
          value={type}
          onChange={(e) => setRule((e.currentTarget as HTMLSelectElement).value)}
        >
          {RULES.map((r) => (
            <option key={r.type} value={r.type}>
              {r.label}
            </option>
          ))}
        </select>
        <Errors id={rule.errorId} errors={rule.errors} />
        <p id={rule.hintId} class="help">
          {RULE_HINTS[type]}
        </p>
      </div>
      {(type === 'matches' || type === 'url') && (
        <TextField
          path={[...base, 'done', 'pattern']}
          label={type === 'url' ? `Step ${n}: address pattern` : `Step ${n}: value pattern`}
          hint={
            type === 'url'
              ? 'e.g. https://portal.example.com/support/:id — see “URL patterns” in the guide.'
              : 'A regular expression, e.g. ^AC-\\d{6}$ for AC- and six digits.'
          }
          code
          value={str(done?.pattern)}
          onChange={(pattern) => onChange(set('done', { ...done!, pattern }))}
        />
      )}
      {needsTarget && isObject(step.target) && (
        <div class="field check">
          <input
            id={fieldId([...base, 'done', 'same'])}
            type="checkbox"
            disabled={locked}
            checked={!own}
            onChange={(e) => {
              const same = (e.currentTarget as HTMLInputElement).checked;
              onChange(set('done', { ...done!, target: same ? (step.target as JsonObject) : {} }));
            }}
          />
          <label for={fieldId([...base, 'done', 'same'])}>
            Watch the step’s element (untick to watch another one)
          </label>
        </div>
      )}
      {needsTarget && own && (
        <TargetField
          path={[...base, 'done', 'target']}
          legend={`Step ${n}: the element “done when” watches`}
          value={done?.target}
          onChange={(t) => onChange(set('done', { ...done!, target: t ?? {} }))}
          rule={done as Completion}
        />
      )}
      <details class="step-id" open={problems.has(`steps[${index}].id`) || undefined}>
        <summary>Step {n} id</summary>
        <TextField
          path={[...base, 'id']}
          label={`Step ${n} id`}
          hint={
            published
              ? 'Published: changing it starts people’s progress on this step over.'
              : 'Made from the text. Lower-case letters, digits, “-”, “_” and “.”.'
          }
          code
          value={str(step.id)}
          onChange={(id) => onChange(set('id', id))}
        />
      </details>
      {!locked && (
        <div class="row">
          <button
            id={`aid-step-${index}-up`}
            type="button"
            class="secondary"
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            Move up<span class="visually-hidden"> step {n}</span>
          </button>
          <button
            id={`aid-step-${index}-down`}
            type="button"
            class="secondary"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          >
            Move down<span class="visually-hidden"> step {n}</span>
          </button>
          <button type="button" class="secondary danger" onClick={onRemove}>
            Remove<span class="visually-hidden"> step {n}</span>
          </button>
        </div>
      )}
    </Group>
  );
}
