/**
 * Finds the element a multi-signal target describes, and says how. Each signal the target
 * gives (css, attrs, label, role and name, text) is checked against every candidate; the
 * candidate that satisfies the most (weighted) signals wins. So one broken signal does not
 * lose the element, and the result names the signal that found it and the ones that failed.
 *
 * Candidates come from the composed tree: the document and every shadow root below it, open
 * or closed, nested any depth, so authors need no `within` to reach into web components. The
 * `frame` signal is not handled here: a framed target is resolved inside its frame.
 *
 * Runs in the page; reads the DOM only.
 */
import { computeAccessibleName, getRole } from 'dom-accessibility-api';
import {
  type ComposedOptions,
  composedScopes,
  innerField,
  labelledByText,
  queryComposed,
  type ShadowRootReader,
  shadowRootOf,
} from './composed';
import type { Target } from './schema';

/** How to search: the shadow-root reader and, when the caller keeps one, the known roots. */
export type ResolveOptions = ComposedOptions;

export type Signal = 'css' | 'attrs' | 'label' | 'role' | 'name' | 'text' | 'within';

export interface Resolution {
  element: Element | null;
  /** The strongest signal the chosen element satisfies. */
  foundBy: Signal | null;
  /** Signals the target gives that the chosen element (or the page) does not satisfy. */
  failed: Signal[];
  /** More than one element tied for the best score. */
  ambiguous: boolean;
}

/**
 * How much each satisfied signal counts. A CSS selector is the most brittle signal (generated
 * class names, moved nodes), so two agreeing semantic signals (role and name, label) outweigh
 * a selector that now points somewhere else.
 */
const WEIGHTS: Record<Exclude<Signal, 'within'>, number> = {
  css: 2,
  attrs: 3,
  label: 3,
  name: 3,
  role: 1,
  text: 2,
};

/** The order in which a satisfied signal is named as the one that found the element. */
const FOUND_BY_ORDER = ['css', 'attrs', 'label', 'name', 'role', 'text'] as const;

/** Selectors for the implicit ARIA roles targets most often use. */
const IMPLICIT_ROLE: Record<string, string> = {
  textbox:
    'input:not([type]),input[type=text],input[type=email],input[type=tel],input[type=url],input[type=search],input[type=password],textarea',
  checkbox: 'input[type=checkbox]',
  radio: 'input[type=radio]',
  combobox: 'select:not([multiple]),input[list]',
  listbox: 'select[multiple]',
  button: 'button,input[type=button],input[type=submit],input[type=reset],summary',
  link: 'a[href]',
  spinbutton: 'input[type=number]',
  heading: 'h1,h2,h3,h4,h5,h6',
  img: 'img[alt]:not([alt=""])',
  table: 'table',
  row: 'tr',
  form: 'form',
};

const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

function safeMatches(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/** What labels a field: its <label>s (same root), aria-labelledby and aria-label. */
function ownLabelTexts(el: Element): string[] {
  const labels = (el as HTMLInputElement).labels;
  const out = labels ? Array.from(labels, (l) => norm(l.textContent)) : [];
  const by = labelledByText(el);
  if (by !== null) out.push(norm(by));
  const aria = el.getAttribute('aria-label');
  if (aria) out.push(norm(aria));
  return out;
}

const isCustom = (el: Element) => el.localName.includes('-');

/**
 * A web component is labelled like the field it wraps (Shoelace and Material draw the
 * `label` attribute inside their shadow root), so `<sl-input label="Email">` and its inner
 * `<input>` both answer to the label "Email".
 */
function labelTexts(el: Element, read: ShadowRootReader): string[] {
  const out = ownLabelTexts(el);
  if (isCustom(el)) {
    const attr = el.getAttribute('label');
    if (attr) out.push(norm(attr));
    const inner = innerField(el, read);
    if (inner) out.push(...ownLabelTexts(inner));
  }
  return out;
}

const sameLabel = (text: string, want: string) =>
  text === want || text.replace(/[\s*:]+$/, '') === want;

function labelMatches(el: Element, label: string, read: ShadowRootReader): boolean {
  const want = norm(label);
  return labelTexts(el, read).some((t) => sameLabel(t, want));
}

/** A component with no role of its own stands for the field it wraps (role and name). */
function subject(el: Element, read: ShadowRootReader): Element {
  if (!isCustom(el) || el.hasAttribute('role')) return el;
  return innerField(el, read) ?? el;
}

function roleOf(el: Element, read: ShadowRootReader): string | null {
  return getRole(el) ?? (isCustom(el) ? getRole(subject(el, read)) : null);
}

function nameMatches(el: Element, name: string, read: ShadowRootReader): boolean {
  const want = norm(name);
  if (norm(computeAccessibleName(el)) === want) return true;
  const inner = subject(el, read);
  return inner !== el && norm(computeAccessibleName(inner)) === want;
}

function textMatches(el: Element, text: string): boolean {
  return norm(el.textContent).includes(norm(text));
}

function attrsMatch(el: Element, attrs: Record<string, string>): boolean {
  return Object.entries(attrs).every(([k, v]) => el.getAttribute(k) === v);
}

function cssAttr(name: string, value: string): string {
  return `[${name.replace(/[^a-zA-Z0-9_:-]/g, '')}="${value.replace(/["\\]/g, '\\$&')}"]`;
}

/** True if the element takes up space on screen (display:none and detached elements do not). */
export function isRendered(el: Element): boolean {
  if (!el.isConnected) return false;
  if (typeof el.checkVisibility === 'function') return el.checkVisibility();
  return el.getClientRects().length > 0;
}

/** Elements the cheap, specific signals point at: css, attrs and label. */
function directCandidates(target: Target, scopes: ParentNode[]): Set<Element> {
  const found = new Set<Element>();
  const add = (els: Iterable<Element>) => {
    for (const el of els) found.add(el);
  };
  if (target.css) add(queryComposed(scopes, target.css));
  if (target.attrs) {
    for (const [k, v] of Object.entries(target.attrs)) add(queryComposed(scopes, cssAttr(k, v)));
  }
  if (target.label) {
    const want = norm(target.label);
    for (const label of queryComposed(scopes, 'label')) {
      if (sameLabel(norm(label.textContent), want)) {
        const control = (label as HTMLLabelElement).control;
        if (control) found.add(control);
      }
    }
    add(queryComposed(scopes, `${cssAttr('aria-label', target.label).slice(0, -1)} i]`));
    for (const el of queryComposed(scopes, '[aria-labelledby]')) {
      const text = labelledByText(el);
      if (text !== null && sameLabel(norm(text), want)) found.add(el);
    }
    for (const el of queryComposed(scopes, '[label]')) {
      if (isCustom(el) && sameLabel(norm(el.getAttribute('label')), want)) found.add(el);
    }
  }
  return found;
}

const NAMED = 'input,select,textarea,button,a[href],summary,[role],[aria-label],[aria-labelledby]';
const TEXTUAL = 'button,a,label,h1,h2,h3,h4,h5,h6,li,td,th,span,p,div,strong,em';

/** Elements found by scanning: by role (and name), or by visible text. Costlier. */
function scannedCandidates(
  target: Target,
  scopes: ParentNode[],
  read: ShadowRootReader,
): Set<Element> {
  const found = new Set<Element>();
  if (target.role || target.name) {
    const implicit = target.role ? IMPLICIT_ROLE[target.role] : undefined;
    const selector = target.role
      ? implicit
        ? `${implicit},${cssAttr('role', target.role)}`
        : cssAttr('role', target.role)
      : NAMED;
    for (const el of queryComposed(scopes, selector)) {
      if (!target.name || nameMatches(el, target.name, read)) found.add(el);
    }
  }
  if (target.text) {
    // The deepest elements containing the text.
    for (const el of queryComposed(scopes, TEXTUAL)) {
      if (
        textMatches(el, target.text) &&
        !Array.from(el.children).some((c) => textMatches(c, target.text!))
      ) {
        found.add(el);
      }
    }
  }
  return found;
}

/** Which of the target's signals the element satisfies, and its score. */
function assess(
  el: Element,
  target: Target,
  read: ShadowRootReader,
): { score: number; met: Signal[]; failed: Signal[] } {
  const met: Signal[] = [];
  const failed: Signal[] = [];
  const check = (signal: Exclude<Signal, 'within'>, given: unknown, ok: () => boolean) => {
    if (given === undefined) return;
    (ok() ? met : failed).push(signal);
  };
  check('css', target.css, () => safeMatches(el, target.css!));
  check('attrs', target.attrs, () => attrsMatch(el, target.attrs!));
  check('label', target.label, () => labelMatches(el, target.label!, read));
  check('role', target.role, () => roleOf(el, read) === target.role);
  check('name', target.name, () => nameMatches(el, target.name!, read));
  check('text', target.text, () => textMatches(el, target.text!));
  const score = met.reduce((s, sig) => s + WEIGHTS[sig as keyof typeof WEIGHTS], 0);
  return { score, met, failed };
}

/**
 * The component whose shadow root holds `el`, when it wraps `el` as its field: the two are one
 * thing to a person (`<sl-input>` and its inner `<input>`), so they never make a tie.
 */
function wraps(outer: Element, el: Element, read: ShadowRootReader): boolean {
  return outer !== el && isCustom(outer) && innerField(outer, read) === el;
}

/**
 * Resolves a target inside `root` (the document, a shadow root or an element) and every
 * shadow root below it. Pass `opts.roots` when the caller tracks the page's shadow roots;
 * without it each call walks the subtree once to find them.
 */
export function resolveTarget(
  target: Target,
  root: Document | ShadowRoot | Element = document,
  opts: ResolveOptions = {},
): Resolution {
  const read = opts.shadowRootOf ?? shadowRootOf;
  let scopes = composedScopes(root, opts);
  const failed: Signal[] = [];
  if (target.within) {
    // The first match in the composed tree; a shadow host's own root is searched with it.
    const within = queryComposed(scopes, target.within)[0];
    // The roots already found are reused: no second walk below the container.
    const roots = opts.roots ?? (scopes.slice(1) as ShadowRoot[]);
    if (within) scopes = composedScopes(within, { ...opts, roots });
    else failed.push('within');
  }
  type Best = { el: Element; score: number; met: Signal[]; failed: Signal[]; rendered: boolean };
  // A role narrows the search but names nothing: when the target gives any other signal, a
  // candidate must satisfy one of them, or every checkbox would "heal" a lost checkbox.
  const identifying = FOUND_BY_ORDER.filter((sig) => sig !== 'role' && target[sig] !== undefined);
  const identifies = (met: Signal[]) =>
    identifying.length === 0 || met.some((sig) => sig !== 'role');
  const pick: { best: Best | null; ties: number } = { best: null, ties: 0 };
  const seen = new Set<Element>();
  const consider = (pool: Iterable<Element>) => {
    for (const el of pool) {
      if (seen.has(el)) continue;
      seen.add(el);
      const a = assess(el, target, read);
      if (a.score === 0 || !identifies(a.met)) continue;
      const rendered = isRendered(el);
      const b = pick.best;
      if (!b || a.score > b.score || (a.score === b.score && rendered && !b.rendered)) {
        pick.best = { el, ...a, rendered };
        pick.ties = 0;
      } else if (a.score === b.score && rendered === b.rendered) {
        // A component and the field it wraps: keep the component, the box a person sees.
        if (wraps(el, b.el, read)) pick.best = { el, ...a, rendered };
        else if (!wraps(b.el, el, read)) pick.ties++;
      }
    }
  };
  consider(directCandidates(target, scopes));
  // Scan by role, name and text only when the specific signals did not find an element that
  // satisfies every signal: a renamed id or a selector that now hits the wrong element.
  if (!pick.best || pick.best.failed.length > 0) consider(scannedCandidates(target, scopes, read));
  const { best, ties } = pick;
  if (!best) {
    const given = FOUND_BY_ORDER.filter((s) => target[s] !== undefined);
    return { element: null, foundBy: null, failed: [...failed, ...given], ambiguous: false };
  }
  const foundBy = FOUND_BY_ORDER.find((sig) => best.met.includes(sig)) ?? null;
  return { element: best.el, foundBy, failed: [...failed, ...best.failed], ambiguous: ties > 0 };
}

/**
 * True if `r`, a resolution of `target` made before, still holds: its element is on the page,
 * shown, and still meets every signal of the target. Such an element is the one a new search
 * would find (no element can score higher), so a session keeps it from one pass to the next
 * instead of searching every root again. Anything less (a healed or ambiguous find, a target
 * `within` a container, nothing found) is searched again.
 */
export function stillResolves(
  target: Target,
  r: Resolution,
  read: ShadowRootReader = shadowRootOf,
): boolean {
  const el = r.element;
  if (!el || r.failed.length || r.ambiguous || target.within || !isRendered(el)) return false;
  return assess(el, target, read).failed.length === 0;
}

/** A target is healed when it was found although its first-choice signal (css) failed. */
export function isHealed(target: Target, r: Resolution): boolean {
  return r.element !== null && target.css !== undefined && r.failed.includes('css');
}
