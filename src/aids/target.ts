/**
 * Finds the element a multi-signal target describes, and says how. Each signal the target
 * gives (css, attrs, label, role and name, text) is checked against every candidate; the
 * candidate that satisfies the most (weighted) signals wins. So one broken signal does not
 * lose the element, and the result names the signal that found it and the ones that failed.
 *
 * Runs in the page; reads the DOM only.
 */
import { computeAccessibleName, getRole } from 'dom-accessibility-api';
import type { Target } from './schema';

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

function safeQueryAll(root: ParentNode, selector: string): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector));
  } catch {
    return [];
  }
}

function safeMatches(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

function labelTexts(el: Element): string[] {
  const labels = (el as HTMLInputElement).labels;
  const out = labels ? Array.from(labels, (l) => norm(l.textContent)) : [];
  const aria = el.getAttribute('aria-label');
  if (aria) out.push(norm(aria));
  return out;
}

function labelMatches(el: Element, label: string): boolean {
  const want = norm(label);
  return labelTexts(el).some((t) => t === want || t.replace(/[\s*:]+$/, '') === want);
}

function roleOf(el: Element): string | null {
  return getRole(el);
}

function nameMatches(el: Element, name: string): boolean {
  return norm(computeAccessibleName(el)) === norm(name);
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
function directCandidates(target: Target, scope: ParentNode): Set<Element> {
  const found = new Set<Element>();
  const add = (els: Iterable<Element>) => {
    for (const el of els) found.add(el);
  };
  if (target.css) add(safeQueryAll(scope, target.css));
  if (target.attrs) {
    for (const [k, v] of Object.entries(target.attrs)) add(safeQueryAll(scope, cssAttr(k, v)));
  }
  if (target.label) {
    const want = norm(target.label);
    for (const label of safeQueryAll(scope, 'label')) {
      const text = norm(label.textContent);
      if (text === want || text.replace(/[\s*:]+$/, '') === want) {
        const control = (label as HTMLLabelElement).control;
        if (control) found.add(control);
      }
    }
    add(safeQueryAll(scope, `${cssAttr('aria-label', target.label).slice(0, -1)} i]`));
  }
  return found;
}

const NAMED = 'input,select,textarea,button,a[href],summary,[role],[aria-label],[aria-labelledby]';
const TEXTUAL = 'button,a,label,h1,h2,h3,h4,h5,h6,li,td,th,span,p,div,strong,em';

/** Elements found by scanning: by role (and name), or by visible text. Costlier. */
function scannedCandidates(target: Target, scope: ParentNode): Set<Element> {
  const found = new Set<Element>();
  if (target.role || target.name) {
    const implicit = target.role ? IMPLICIT_ROLE[target.role] : undefined;
    const selector = target.role
      ? implicit
        ? `${implicit},${cssAttr('role', target.role)}`
        : cssAttr('role', target.role)
      : NAMED;
    for (const el of safeQueryAll(scope, selector)) {
      if (!target.name || nameMatches(el, target.name)) found.add(el);
    }
  }
  if (target.text) {
    // The deepest elements containing the text.
    for (const el of safeQueryAll(scope, TEXTUAL)) {
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
function assess(el: Element, target: Target): { score: number; met: Signal[]; failed: Signal[] } {
  const met: Signal[] = [];
  const failed: Signal[] = [];
  const check = (signal: Exclude<Signal, 'within'>, given: unknown, ok: () => boolean) => {
    if (given === undefined) return;
    (ok() ? met : failed).push(signal);
  };
  check('css', target.css, () => safeMatches(el, target.css!));
  check('attrs', target.attrs, () => attrsMatch(el, target.attrs!));
  check('label', target.label, () => labelMatches(el, target.label!));
  check('role', target.role, () => roleOf(el) === target.role);
  check('name', target.name, () => nameMatches(el, target.name!));
  check('text', target.text, () => textMatches(el, target.text!));
  const score = met.reduce((s, sig) => s + WEIGHTS[sig as keyof typeof WEIGHTS], 0);
  return { score, met, failed };
}

/**
 * The first element matching `selector` in `root`, or else in the open shadow roots below it:
 * the host of a nested shadow root is only unique within its own root.
 */
function findWithin(root: ParentNode, selector: string): Element | null {
  const direct = safeQueryAll(root, selector)[0];
  if (direct) return direct;
  for (const el of safeQueryAll(root, '*')) {
    const inner = el.shadowRoot && findWithin(el.shadowRoot, selector);
    if (inner) return inner;
  }
  return null;
}

/** Resolves a target inside `root` (the document, or a shadow root). */
export function resolveTarget(
  target: Target,
  root: Document | ShadowRoot | Element = document,
): Resolution {
  let scope: ParentNode = root;
  const failed: Signal[] = [];
  if (target.within) {
    const within = findWithin(root, target.within);
    // A shadow host: the element lives in its open shadow root, not among its children.
    if (within) scope = within.shadowRoot ?? within;
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
      const a = assess(el, target);
      if (a.score === 0 || !identifies(a.met)) continue;
      const rendered = isRendered(el);
      const b = pick.best;
      if (!b || a.score > b.score || (a.score === b.score && rendered && !b.rendered)) {
        pick.best = { el, ...a, rendered };
        pick.ties = 0;
      } else if (a.score === b.score && rendered === b.rendered) {
        pick.ties++;
      }
    }
  };
  consider(directCandidates(target, scope));
  // Scan by role, name and text only when the specific signals did not find an element that
  // satisfies every signal: a renamed id or a selector that now hits the wrong element.
  if (!pick.best || pick.best.failed.length > 0) consider(scannedCandidates(target, scope));
  const { best, ties } = pick;
  if (!best) {
    const given = FOUND_BY_ORDER.filter((s) => target[s] !== undefined);
    return { element: null, foundBy: null, failed: [...failed, ...given], ambiguous: false };
  }
  const foundBy = FOUND_BY_ORDER.find((sig) => best.met.includes(sig)) ?? null;
  return { element: best.el, foundBy, failed: [...failed, ...best.failed], ambiguous: ties > 0 };
}

/** A target is healed when it was found although its first-choice signal (css) failed. */
export function isHealed(target: Target, r: Resolution): boolean {
  return r.element !== null && target.css !== undefined && r.failed.includes('css');
}
