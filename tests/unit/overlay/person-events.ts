/**
 * Events as a person's input makes them. happy-dom marks no event trusted (its `click()`
 * is a script's, as in a browser); Chromium marks those of a person's mouse, keys and
 * typing, and these stand in for them.
 */

/** Marks `event` as the browser marks one made by a person's input. */
export function asPerson<E extends Event>(event: E): E {
  Object.defineProperty(event, 'isTrusted', { value: true });
  return event;
}

/** A person's click on `el` (a mouse, or Enter or Space on a control). */
export function personClick(el: Element): void {
  el.dispatchEvent(
    asPerson(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true })),
  );
}

/** A person's key press on `el`. */
export function personKey(el: Element, key: string): void {
  el.dispatchEvent(
    asPerson(
      new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }),
    ),
  );
}

/** A person types `text` over the value of `field`: one announced edit. */
export function personType(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const init = { inputType: 'insertText', data: text, bubbles: true, composed: true };
  field.dispatchEvent(asPerson(new InputEvent('beforeinput', { ...init, cancelable: true })));
  field.value = text;
  field.dispatchEvent(asPerson(new InputEvent('input', init)));
}
