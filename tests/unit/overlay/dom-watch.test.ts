// @vitest-environment happy-dom
/**
 * The session's watcher reaches into shadow roots: roots created after the session started
 * are found from mutation records and upgrades, attached, fed into the same batch, and let go
 * when the session ends. Clicks inside a component count for targets inside it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
  tracker.added([document.documentElement]);
  found = [];
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

describe('attribute and text changes while a pass is planned', () => {
  it('are not recorded until the pass runs, and are seen again after it', async () => {
    const records: MutationRecord[] = [];
    const Real = globalThis.MutationObserver;
    // Counts what the watcher's observers are given.
    vi.stubGlobal(
      'MutationObserver',
      class extends Real {
        constructor(cb: MutationCallback) {
          super((rs, o) => {
            records.push(...rs);
            cb(rs, o);
          });
        }
      },
    );
    start();
    vi.unstubAllGlobals();
    const main = document.querySelector('main')!;
    main.setAttribute('data-a', '1');
    // The first record plans a pass: the changes after it, before the pass, make none.
    await Promise.resolve();
    for (let i = 2; i < 10; i++) main.setAttribute('data-a', String(i));
    await settle();
    expect(records.filter((r) => r.type === 'attributes')).toHaveLength(1);
    expect(changes).toHaveLength(1);

    // After the pass, the next change is seen and plans the next pass.
    main.setAttribute('data-a', 'after');
    await settle();
    expect(records.filter((r) => r.type === 'attributes')).toHaveLength(2);
    expect(changes).toHaveLength(2);
  });

  it('watches a root in full until the next pass, and on while each pass names it', async () => {
    let holdsTarget = true;
    const root = host('card', '<input id="f">');
    document.querySelector('main')!.append(root.host);
    start();
    // The session's part: each pass names the roots that hold its targets.
    const passes: PageChange[] = [];
    const stop = new AbortController();
    const named = watchDom(document.documentElement, {
      signal: stop.signal,
      ignore: () => null,
      onChange: (c) => {
        passes.push(c);
        if (holdsTarget) named.observe(root, 'full');
      },
    });
    named.observe(root, 'structure');
    named.observe(root, 'full');
    const flip = async (value: string) => {
      root.getElementById('f')!.setAttribute('aria-invalid', value);
      await settle();
    };
    await flip('true');
    expect(passes).toHaveLength(1);
    await flip('false');
    expect(passes).toHaveLength(2);
    // A pass that finds no target there lets the root's attributes go; its structure stays.
    holdsTarget = false;
    await flip('true');
    expect(passes).toHaveLength(3);
    await flip('false');
    expect(passes).toHaveLength(3);
    root.append(document.createElement('span'));
    await settle();
    expect(passes).toHaveLength(4);
    stop.abort();
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

describe('the time budget of passes', () => {
  /** A watcher whose passes each take `cost` ms of (fake) time. */
  function costly(cost: number) {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const passes: PageChange[] = [];
    const stop = new AbortController();
    watchDom(document.documentElement, {
      signal: stop.signal,
      ignore: () => null,
      onChange: (c) => {
        now += cost;
        passes.push(c);
      },
    });
    const main = document.querySelector('main')!;
    return {
      passes,
      stop,
      mutate: () => main.append(document.createElement('span')),
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  afterEach(() => vi.restoreAllMocks());

  it('runs cheap passes on the next frame, one after the other', async () => {
    const w = costly(1);
    for (let i = 0; i < 5; i++) {
      w.mutate();
      await settle();
      w.advance(16);
    }
    expect(w.passes).toHaveLength(5);
    w.stop.abort();
  });

  it('makes page changes wait once passes cost more than the budget, but never a person’s input', async () => {
    // 20 ms passes: past the 25 ms burst on the second, so the third change waits.
    const w = costly(20);
    w.mutate();
    await settle();
    w.mutate();
    await settle();
    expect(w.passes).toHaveLength(2);
    w.mutate();
    await settle();
    expect(w.passes).toHaveLength(2);
    // A person's input does not wait: its pass runs on the next frame, with the input in it.
    document.querySelector('main')!.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    expect(w.passes).toHaveLength(3);
    expect(w.passes[2]!.events.map((e) => e.type)).toEqual(['input']);
    w.stop.abort();
  });

  it('runs a waiting change’s pass within a second, however much the passes cost', async () => {
    const w = costly(200);
    w.mutate();
    await settle();
    w.mutate();
    await settle();
    expect(w.passes).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(w.passes).toHaveLength(2);
    w.stop.abort();
  });
});
