/**
 * What a person did, told apart from what a script did. The page's own scripts can reach
 * into the overlay (its shadow root is open) and click, focus, submit and type there; every
 * record says what a person did, so the overlay acts only on events a person's input made.
 *
 * - A click, key or pointer event is a person's when the browser made it (`isTrusted`): a
 *   script's `click()` or `dispatchEvent` is not. Keyboard activation counts: Enter or Space
 *   on a button, Space on a checkbox and Enter in a form's field make a trusted click.
 * - Focus: `focus()` called by a script makes a trusted focus event too. Where the browser
 *   says which input device caused it (`sourceCapabilities`, Chromium), none means a script.
 * - `change`, `input` and `submit` that follow a script's `click()` are trusted as well, so
 *   controls act on the click, never on those.
 */
import { useRef, useState } from 'preact/hooks';

/** True if a person's input made `event`, not a script. */
export function isPerson(event: Event): boolean {
  if (!event.isTrusted) return false;
  const caps = (event as UIEvent & { sourceCapabilities?: unknown }).sourceCapabilities;
  return !(event.type.startsWith('focus') && caps === null);
}

/**
 * `handler`, run only for a person's event. A script's event is cancelled instead, so a
 * checkbox it clicked does not change and a submit button it clicked submits nothing.
 */
export function byPerson<E extends Event>(handler: (event: E) => void): (event: E) => void {
  return (event) => {
    if (isPerson(event)) handler(event);
    else event.preventDefault();
  };
}

type Field = HTMLInputElement | HTMLTextAreaElement;

/** A text field's value, kept to what the person typed. See usePersonText. */
export interface PersonText {
  /** What the person typed. */
  text: string;
  /** For the field: its value, and the listeners that keep it the person's. */
  field: {
    value: string;
    onBeforeInput(event: InputEvent): void;
    onInput(event: Event): void;
  };
  /** True if `field` shows what the person typed: no script changed it since. */
  shown(field: Field | null): boolean;
  /** Puts the person's text back into `field`. */
  restore(field: Field | null): void;
  clear(): void;
}

/**
 * The text of a field the person types into. An edit counts only when a person's
 * `beforeinput` announced it (typing, pasting, dropping, an input method, undo): a script
 * that sets `value` makes no event, and `document.execCommand` makes a trusted `input`
 * without any `beforeinput`. An edit that does not count is undone at once; a value a script
 * set silently is caught by `shown` before the text is used.
 */
export function usePersonText(): PersonText {
  const [text, setText] = useState('');
  const latest = useRef('');
  const edit = useRef<{ type: string; data: string | null } | null>(null);
  const set = (value: string) => {
    latest.current = value;
    setText(value);
  };
  return {
    text,
    field: {
      value: text,
      onBeforeInput(event) {
        edit.current = isPerson(event) ? { type: event.inputType, data: event.data } : null;
      },
      onInput(event) {
        const field = event.currentTarget as Field;
        const { inputType, data } = event as InputEvent;
        const announced = edit.current;
        // Another edit inside the person's (a script's execCommand while their keystroke is
        // announced) carries other words: undone, and the person's own edit still counts.
        if (
          announced &&
          isPerson(event) &&
          announced.type === inputType &&
          announced.data === data
        ) {
          edit.current = null;
          set(field.value);
        } else field.value = latest.current;
      },
    },
    shown: (field) => !!field && field.value === latest.current,
    restore(field) {
      if (field) field.value = latest.current;
    },
    clear: () => set(''),
  };
}
