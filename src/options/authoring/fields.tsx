/**
 * The editor's form controls: each has a real label, an optional one-line hint, and the
 * problems of the path it edits right under it (aria-invalid, aria-describedby).
 */
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { fieldId, type Path, pathKey } from './editor-model';

export interface FormState {
  /** A read-only aid: every control is disabled. */
  locked: boolean;
  /** Problems by the path of the field that owns them. */
  problems: Map<string, string[]>;
}

export const FormContext = createContext<FormState>({ locked: false, problems: new Map() });

/** The id, error and description wiring of the field that edits `path`. */
export function useField(path: Path, hint?: ComponentChildren) {
  const { locked, problems } = useContext(FormContext);
  const id = fieldId(path);
  const errors = problems.get(pathKey(path)) ?? [];
  const errorId = errors.length ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  return {
    id,
    locked,
    errors,
    errorId,
    hintId,
    control: {
      id,
      disabled: locked,
      'aria-invalid': errors.length ? (true as const) : undefined,
      'aria-describedby': [errorId, hintId].filter(Boolean).join(' ') || undefined,
    },
  };
}

export function Errors({ id, errors }: { id?: string; errors: string[] }) {
  if (!id || !errors.length) return null;
  return (
    <p id={id} class="field-error">
      {errors.join('; ')}
    </p>
  );
}

export function Hint({ id, children }: { id?: string; children?: ComponentChildren }) {
  if (!id || !children) return null;
  return (
    <p id={id} class="help">
      {children}
    </p>
  );
}

interface TextProps {
  path: Path;
  label: ComponentChildren;
  hint?: ComponentChildren;
  value: string;
  onChange(value: string): void;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
  code?: boolean;
  required?: boolean;
}

/** A text input or textarea for one string of the draft. */
export function TextField(props: TextProps) {
  const f = useField(props.path, props.hint);
  const common = {
    ...f.control,
    value: props.value,
    placeholder: props.placeholder,
    spellcheck: props.code ? false : undefined,
    autocomplete: 'off',
    'aria-required': props.required ? (true as const) : undefined,
    class: props.code ? 'code' : undefined,
    onInput: (e: Event) =>
      props.onChange((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <div class="field">
      <label for={f.id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={props.rows ?? 3} />
      ) : (
        <input type="text" {...common} />
      )}
      <Errors id={f.errorId} errors={f.errors} />
      <Hint id={f.hintId}>{props.hint}</Hint>
    </div>
  );
}

interface ParsedProps<T> extends Omit<TextProps, 'value' | 'onChange'> {
  value: T | undefined;
  parse(text: string): T | undefined;
  format(value: T | undefined): string;
  onChange(value: T | undefined): void;
}

/**
 * A text field for a value typed as text (comma-separated words, key=value lines). What
 * the author types is kept as typed; it is re-read from the draft only when the draft
 * changed by another way (the raw JSON, a pick).
 */
export function ParsedField<T>({ value, parse, format, onChange, ...rest }: ParsedProps<T>) {
  const [text, setText] = useState(() => format(value));
  const external = format(value);
  // Only a change of the draft's value can make the text stale.
  useEffect(() => {
    if (format(parse(text)) !== external) setText(external);
  }, [external]);
  return (
    <TextField
      {...rest}
      value={text}
      onChange={(next) => {
        setText(next);
        onChange(parse(next));
      }}
    />
  );
}

/** A group of fields with its legend, hint and the problems of the group itself. */
export function Group({
  path,
  legend,
  hint,
  children,
  class: className,
}: {
  path?: Path;
  legend: ComponentChildren;
  hint?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}) {
  const { problems } = useContext(FormContext);
  const id = path ? fieldId(path) : undefined;
  const errors = path ? (problems.get(pathKey(path)) ?? []) : [];
  const errorId = id && errors.length ? `${id}-error` : undefined;
  const hintId = id && hint ? `${id}-hint` : undefined;
  return (
    <fieldset
      id={id}
      class={className}
      aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
    >
      <legend>{legend}</legend>
      {hint && !hintId && <p class="help">{hint}</p>}
      <Hint id={hintId}>{hint}</Hint>
      <Errors id={errorId} errors={errors} />
      {children}
    </fieldset>
  );
}

/** Moves focus to the field of `id`, or into it when it is a group. */
export function focusField(id: string): boolean {
  const el = document.getElementById(id);
  if (!el) return false;
  const focusable = el.matches('input, textarea, select, button')
    ? el
    : el.querySelector<HTMLElement>('input:not([disabled]), textarea, select, button');
  (focusable ?? el).focus();
  if (!focusable) return document.activeElement === el;
  focusable.scrollIntoView?.({ block: 'center' });
  return true;
}
