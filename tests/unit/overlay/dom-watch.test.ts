// @vitest-environment happy-dom
/**
 * The session's watcher reaches into shadow roots: roots created after the session started
 * are found from mutation records and upgrades, attached, fed into the same batch, and let go
 * when the session ends. Clicks inside a component count for targets inside it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DomWatch,
  eventTarget,
  eventWithin,
  type PageChange,
  watchDom,
} from '../../../src/overlay/dom-watch';
import { ShadowRootTracker } from '../../../src/overlay/shadow-roots';

let abort: AbortController;
let changes: PageChange[];
let found: ShadowRoot[];
let watch: DomWatch;
let tracker: ShadowRootTracker;

/** Lets mutation observers and the watcher's frame (or its 250 ms fallback) run. */
const settle = () => new Promise((r) => setTimeout(r, 300));

function start(): void {
  abort = new AbortController();
  changes = [];
  found = [];
  tracker = new ShadowRootTracker({
    read: (el) => el.shadowRoot,
    signal: abort.signal,
    ignore: () => document.getElementById('overlay'),
    onRoots: (roots) => {
      found.push(...roots);
      for (const root of roots) watch.observe(root, 'structure');
      watch.schedule();
    },
  });
  watch = watchDom(document.documentElement, {
    signal: abort.signal,
    ignore: () => document.getElementById('overlay'),
    onChange: (c) => changes.push(c),
    onAdded: (nodes) => tracker.added(nodes),
  });
  for (const root of tracker.start()) watch.observe(root, 'structure');
}

function host(id: string, html: string, mode: ShadowRootMode = 'open'): ShadowRoot {
  const el = document.createElement('x-box');
  el.id = id;
  const root = el.attachShadow({ mode });
  root.innerHTML = html;
  return root;
}

beforeEach(() => {
  document.body.innerHTML = '<main></main><div id="overlay"></div>';
  document.getElementById('overlay')!.attachShadow({ mode: 'open' }).innerHTML = '<p>ours</p>';
});

afterEach(() => abort.abort());

describe('watching shadow roots', () => {
  it('finds roots at start, never our own overlay’s', () => {
    const root = host('early', '<input>');
    document.querySelector('main')!.append(root.host);
    start();
    expect(tracker.roots()).toEqual([root]);
  });

  it('attaches to a root created after start, and lets go on abort', async () => {
    start();
    const root = host('late', '<input id="f">');
    document.querySelector('main')!.append(root.host);
    await settle();
    expect(found).toEqual([root]);
    expect(tracker.roots()).toEqual([root]);

    // Structure changes inside the root feed the batch...
    changes = [];
    root.append(document.createElement('span'));
    await settle();
    expect(changes.length).toBe(1);

    // ...attribute churn only once the root holds a target (observed in full).
    changes = [];
    root.getElementById('f')!.setAttribute('aria-invalid', 'true');
    await settle();
    expect(changes.length).toBe(0);
    watch.observe(root, 'full');
    root.getElementById('f')!.setAttribute('aria-invalid', 'false');
    await settle();
    expect(changes.length).toBe(1);

    abort.abort();
    changes = [];
    root.append(document.createElement('span'));
    root.getElementById('f')!.setAttribute('aria-invalid', 'true');
    root.getElementById('f')!.dispatchEvent(new Event('change'));
    await settle();
    expect(changes).toEqual([]);
  });

  it('finds a root nested in a root that appears later', async () => {
    start();
    const outer = host('outer', '');
    document.querySelector('main')!.append(outer.host);
    await settle();
    const inner = host('inner', '<button>Go</button>');
    outer.append(inner.host);
    await settle();
    expect(found).toEqual([outer, inner]);
  });

  it('attaches the root of a custom element when it upgrades', async () => {
    document.querySelector('main')!.innerHTML = '<x-upgrade-later></x-upgrade-later>';
    start();
    expect(tracker.roots()).toEqual([]);
    customElements.define(
      'x-upgrade-later',
      class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML = '<input>';
        }
      },
    );
    await settle();
    const el = document.querySelector('x-upgrade-later')!;
    expect(found).toEqual([el.shadowRoot]);
    expect(changes.length).toBeGreaterThan(0);
  });
});

describe('events from inside components', () => {
  it('keeps the real target of a click in a shadow root', async () => {
    start();
    const root = host('card', '<button id="b"><span id="s">Save</span></button>');
    document.querySelector('main')!.append(root.host);
    await settle();
    changes = [];
    root.getElementById('s')!.click();
    await settle();
    const click = changes.flatMap((c) => c.events).find((e) => e.type === 'click')!;
    expect(click).toBeDefined();
    expect(eventTarget(click)).toBe(root.getElementById('s'));
    expect(eventWithin(click, root.getElementById('b')!)).toBe(true);
    expect(eventWithin(click, root.host)).toBe(true);
    expect(eventWithin(click, document.getElementById('overlay')!)).toBe(false);
  });

  it('sees a change event (not composed) inside a watched root, once', async () => {
    start();
    const root = host('form', '<input id="f">');
    document.querySelector('main')!.append(root.host);
    await settle();
    changes = [];
    root.getElementById('f')!.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(changes.flatMap((c) => c.events).map((e) => e.type)).toEqual(['change']);
  });

  it('ignores clicks in our own overlay', async () => {
    start();
    changes = [];
    (document.getElementById('overlay')!.shadowRoot!.firstElementChild as HTMLElement).click();
    await settle();
    expect(changes.flatMap((c) => c.events)).toEqual([]);
  });
});
