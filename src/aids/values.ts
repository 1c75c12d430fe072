/**
 * What a person sees as the value of a field, and whether it is ticked, for the widgets
 * business apps really use: native fields, web components (Shoelace, Material Web and other
 * custom elements with a `value` or `checked` property, or a native field in their shadow
 * root) and ARIA widgets (comboboxes built from a button, switches, radio groups).
 *
 * Values are read in the page to decide a completion rule; they are never stored or sent.
 */
import {
  innerField,
  isDefined,
  labelledByText,
  type ShadowRootReader,
  shadowRootOf,
} from './composed';
import type { Completion } from './schema';

/** Why a completion rule can never hold on an element (see {@link ruleProblem}). */
export type RuleProblem = 'no_value' | 'no_checked_state';

const roleOf = (el: Element) => (el.getAttribute('role') ?? '').trim().split(/\s+/)[0] ?? '';
const text = (el: Element | null | undefined) =>
  (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const isCustom = (el: Element) => el.localName.includes('-');

/** What names an ARIA radio or option: aria-label, the elements it is labelled by, its text. */
const ariaText = (el: Element) =>
  el.getAttribute('aria-label')?.trim() || labelledByText(el)?.trim() || text(el);

/** A native radio's group: same name, same form, same (document or shadow) root. */
function radioGroup(radio: HTMLInputElement): HTMLInputElement[] {
  if (!radio.name) return [radio];
  const root = radio.getRootNode() as ParentNode;
  return Array.from(root.querySelectorAll<HTMLInputElement>('input[type=radio]')).filter(
    (r) => r.name === radio.name && r.form === radio.form,
  );
}

/**
 * The chosen radio among `radios`, as its value: a native radio's `value` (what the form
 * sends, "on" when it has none), an ARIA radio's label. Empty when none is chosen.
 */
function chosenRadio(radios: Iterable<Element>): string {
  for (const r of radios) {
    if (r instanceof HTMLInputElement) {
      if (r.checked) return r.value || 'on';
    } else if (r.getAttribute('aria-checked') === 'true') {
      return ariaText(r);
    }
  }
  return '';
}

const RADIOS = 'input[type=radio],[role=radio]';

type Props = { value?: unknown; checked?: unknown; selected?: unknown };

/**
 * A custom element's own properties, as its class defines them. Firefox content scripts see
 * page-defined properties only through `wrappedJSObject` (X-ray vision hides them); Chromium
 * content scripts never see them (isolated world), hence the inner-field fallback.
 */
const props = (el: Element): Props =>
  isCustom(el) ? ((el as { wrappedJSObject?: Props }).wrappedJSObject ?? (el as Props)) : {};

/** A custom element's own `checked` (or Material's `selected`) boolean property, if any. */
function checkedProperty(el: Element): boolean | null {
  const { checked, selected } = props(el);
  if (typeof checked === 'boolean') return checked;
  if (typeof selected === 'boolean') return selected;
  return null;
}

/**
 * The value a person sees in `el`, or null when `el` has no value a person can type or
 * choose (a heading, a plain button, a div). The order matters:
 * 1. native fields as the form sends them (a checkbox or radio: its value once ticked);
 * 2. web components: their own `checked`/`value` property (form-associated or not), else the
 *    native field in their shadow root, closed ones included (see `props` for which worlds
 *    see the properties);
 * 3. ARIA widgets that are not native fields: a radiogroup gives its chosen radio; a listbox
 *    its selected options; a combobox its `aria-valuetext`, else its visible text, except
 *    while it shows a placeholder. Radix and shadcn/ui select triggers keep the placeholder
 *    as visible text and mark that state with a `data-placeholder` attribute, so a trigger
 *    with that attribute is empty; a combobox wrapping a native input reads the input;
 * 4. contenteditable text.
 */
export function readValue(el: Element, read: ShadowRootReader = shadowRootOf): string | null {
  if (el instanceof HTMLInputElement) {
    if (el.type === 'checkbox') return el.checked ? el.value || 'on' : '';
    if (el.type === 'radio') return chosenRadio(radioGroup(el));
    return el.value;
  }
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return el.value;
  const ticked = checkedProperty(el);
  const { value } = props(el);
  if (ticked !== null) return ticked ? (typeof value === 'string' && value) || 'on' : '';
  if (typeof value === 'string') return value;
  const role = roleOf(el);
  if (role === 'radiogroup') return chosenRadio(el.querySelectorAll(RADIOS));
  if (role === 'radio') {
    const group = el.closest('[role=radiogroup]');
    return chosenRadio(group ? group.querySelectorAll(RADIOS) : [el]);
  }
  if (role === 'listbox') {
    return Array.from(el.querySelectorAll('[role=option][aria-selected=true]'), ariaText).join(
      ', ',
    );
  }
  if (role === 'combobox') {
    const field = el.querySelector('input,textarea');
    if (field) return readValue(field, read);
    const valuetext = el.getAttribute('aria-valuetext');
    if (valuetext !== null) return valuetext;
    return el.hasAttribute('data-placeholder') ? '' : text(el);
  }
  if (isCustom(el)) {
    const field = innerField(el, read);
    if (field) return readValue(field, read);
  }
  if ((el as HTMLElement).isContentEditable || el.getAttribute('contenteditable') === 'true') {
    return el.textContent ?? '';
  }
  return null;
}

const CHECKABLE = /^(checkbox|switch|menuitemcheckbox|menuitemradio|radio)$/;

/**
 * Whether `el` is ticked, or null when it has no checked state at all: native checkboxes and
 * radios, components with a `checked` (or `selected`) property, ARIA checkboxes, switches
 * and radios (`aria-checked="true"`; "mixed" is not ticked), a radio group (one chosen), and
 * a component wrapping any of these in its shadow root.
 */
export function readChecked(el: Element, read: ShadowRootReader = shadowRootOf): boolean | null {
  if (el instanceof HTMLInputElement) {
    return el.type === 'checkbox' || el.type === 'radio' ? el.checked : null;
  }
  const prop = checkedProperty(el);
  if (prop !== null) return prop;
  const role = roleOf(el);
  if (CHECKABLE.test(role) || el.hasAttribute('aria-checked')) {
    return el.getAttribute('aria-checked') === 'true';
  }
  if (role === 'radiogroup') return chosenRadio(el.querySelectorAll(RADIOS)) !== '';
  if (isCustom(el)) {
    const root = read(el);
    const inner = root?.querySelector(
      'input[type=checkbox],input[type=radio],[role=checkbox],[role=switch],[aria-checked]',
    );
    if (inner) return readChecked(inner, read);
  }
  return null;
}

/**
 * Why `done` can never hold on `el`, the element its target found, or null when it can (or
 * when it is too early to tell: a custom element not yet defined has no properties yet).
 * "filled" and "matches" need a value a person can type or choose; "checked" a checked state.
 * A component whose value lives only in a script property reads as having none in a content
 * script (which cannot see page properties): there the rule indeed never holds.
 */
export function ruleProblem(
  done: Completion,
  el: Element,
  read: ShadowRootReader = shadowRootOf,
): RuleProblem | null {
  if (!isDefined(el)) return null;
  switch (done.type) {
    case 'filled':
    case 'matches':
    case 'passes':
      return readValue(el, read) === null ? 'no_value' : null;
    case 'checked':
      return readChecked(el, read) === null ? 'no_checked_state' : null;
    default:
      return null;
  }
}
