// @vitest-environment happy-dom
/**
 * Where the checklist panel goes (pickCorner, pure geometry), and the UI around it: the panel
 * turns compact when neither side has room beside the focused field and back when one has,
 * a field in a shadow root counts, focus inside the panel changes nothing, and the person's
 * compact choice is sent to the background (which keeps it) and never overridden.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AidController } from '../../../src/overlay/kinds/types';
import { type Box, CLEARANCE, createUi, pickCorner, SLACK, type Ui } from '../../../src/overlay/ui';
import { personClick } from './person-events';

// A 1280x800 viewport and a 320x500 panel: bottom right spans x 944..1264, y 284..784;
// bottom left x 16..336. Corners: 0 bottom right, 1 bottom left, 2 top right, 3 top left.
const VW = 1280;
const VH = 800;
const W = 320;
const H = 500;
const box = (left: number, top: number, width: number, height: number): Box => ({
  left,
  top,
  right: left + width,
  bottom: top + height,
});
const pick = (at: number, field: Box | null, tops = false, items?: [Box, number][]) =>
  pickCorner(at, W, H, VW, VH, field, tops, items);

describe('pickCorner', () => {
  it('keeps the corner it has when nothing is focused or the field is elsewhere', () => {
    expect(pick(0, null)).toBe(0);
    expect(pick(1, null)).toBe(1);
    expect(pick(0, box(400, 300, 300, 30))).toBe(0);
  });

  it('moves to the other side when the field is under the panel', () => {
    expect(pick(0, box(1000, 400, 200, 30))).toBe(1);
    expect(pick(1, box(100, 400, 200, 30))).toBe(0);
  });

  it('does not count a few px of overlap as covering (tolerance)', () => {
    // The field's right edge reaches SLACK px into the panel, which starts at x 944.
    expect(pick(0, box(700, 400, 244 + SLACK, 30))).toBe(0);
    expect(pick(0, box(700, 400, 244 + SLACK + 1, 30))).toBe(1);
    // Its bottom edge reaches into the panel's top (y 284).
    expect(pick(0, box(1000, 250, 100, 34 + SLACK))).toBe(0);
  });

  it('moves only to a corner that leaves room around the field (hysteresis)', () => {
    // Covered by the right panel, and 5 px from the left one's edge (x 336): too close.
    const wide = box(336 + 5, 400, 700, 30);
    expect(pick(0, wide)).toBe(-1);
    // The same field, CLEARANCE px away: the left side takes the panel.
    expect(pick(0, box(336 + CLEARANCE, 400, 700, 30))).toBe(1);
    // Once there, the left panel stays even when the field comes within SLACK px of it.
    expect(pick(1, box(336 - SLACK, 400, 700, 30))).toBe(1);
  });

  it('uses top corners only for a compact panel, and only when neither bottom corner is free', () => {
    const across = box(100, 600, 1100, 30);
    expect(pick(0, across, false)).toBe(-1);
    expect(pick(0, across, true)).toBe(2);
    expect(pick(1, across, true)).toBe(3);
    // Back to the bottom as soon as a bottom corner is free.
    expect(pick(2, box(1000, 100, 200, 30), true)).toBe(0);
    expect(pick(2, box(1000, 100, 200, 400), true)).toBe(1);
  });

  it('switches sides for controls only when the other side is clearly better', () => {
    const right = box(1000, 500, 100, 30);
    const left = box(100, 500, 100, 30);
    // One control more on this side: not worth a jump.
    expect(pick(0, null, false, [[right, 1]])).toBe(0);
    // Two more, or an aid's target (weight 3): the panel moves.
    expect(
      pick(0, null, false, [
        [right, 1],
        [box(1000, 600, 100, 30), 1],
      ]),
    ).toBe(1);
    expect(
      pick(0, null, false, [
        [right, 3],
        [left, 1],
      ]),
    ).toBe(1);
    // A control the panel only grazes does not count.
    expect(pick(0, null, false, [[box(700, 500, 244 + SLACK, 30), 3]])).toBe(0);
    // Hidden controls (no width) do not count.
    expect(pick(0, null, false, [[box(1000, 500, 0, 0), 3]])).toBe(0);
  });

  it('never moves onto the focused field to cover fewer controls', () => {
    const field = box(100, 500, 200, 30);
    const controls: [Box, number][] = [
      [box(1000, 400, 100, 30), 3],
      [box(1000, 500, 100, 30), 3],
    ];
    expect(pick(0, field, false, controls)).toBe(0);
  });
});

/** A controller whose only view is a panel of `text`. */
function controller(text: string): AidController {
  return {
    key: 'p/a',
    visible: true,
    update() {},
    leave: () => null,
    views: () => ({ panel: <section class="checklist">{text}</section> }),
    status: () => ({
      key: 'p/a',
      title: text,
      kind: 'checklist',
      done: 0,
      skipped: 0,
      total: 1,
      missing: 0,
    }),
    targets: () => [],
    dispose() {},
  };
}

/** Gives an element a fixed layout box (happy-dom has no layout). */
function place(el: Element, b: Box) {
  el.getBoundingClientRect = () =>
    ({ ...b, x: b.left, y: b.top, width: b.right - b.left, height: b.bottom - b.top }) as DOMRect;
}

describe('the panel in the page', () => {
  let ui: Ui;
  let sent: unknown[];
  const shadow = () => ui.host()!.shadowRoot!;
  const panel = () => shadow().querySelector('.panel')!;
  const button = () => shadow().querySelector<HTMLButtonElement>('.panel-brand button')!;
  /** Lays the panel out in its corner: full 500 px high, compact 150 px. */
  const layout = () => {
    const p = panel();
    const compact = p.classList.contains('compact');
    const at = Number(/at(\d)/.exec(p.className)![1]);
    const hgt = compact ? 150 : H;
    const left = at & 1 ? 16 : VW - 16 - W;
    const top = at & 2 ? 16 : VH - 16 - hgt;
    place(p, box(left, top, W, hgt));
  };

  beforeEach(() => {
    Object.defineProperty(document.documentElement, 'clientWidth', {
      value: VW,
      configurable: true,
    });
    Object.defineProperty(document.documentElement, 'clientHeight', {
      value: VH,
      configurable: true,
    });
    sent = [];
    fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
      sent.push(message);
    });
    ui = createUi({ show: () => {}, shortcut: () => '' });
    ui.render([controller('New contact')], '');
    layout();
    // Each render may change the panel's form or corner: lay it out again.
    new MutationObserver(layout).observe(shadow(), { subtree: true, attributes: true });
  });

  afterEach(() => {
    ui.clear();
    document.body.innerHTML = '';
  });

  /** A focused text field at `b`, in the page or in a web component's shadow root. */
  function field(b: Box, inShadow = false): HTMLInputElement {
    const input = document.createElement('input');
    if (inShadow) {
      const host = document.createElement('div');
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).append(input);
    } else document.body.append(input);
    place(input, b);
    input.focus();
    return input;
  }

  const layoutNow = async () => {
    // MutationObserver callbacks run as microtasks.
    await Promise.resolve();
  };

  it('starts full, bottom right, with an unpressed "Compact view" toggle', () => {
    expect(panel().className).toBe('panel at0');
    expect(button().textContent).toBe('Compact view');
    expect(button().getAttribute('aria-pressed')).toBe('false');
    expect(shadow().querySelector('.panel-brand [aria-hidden="true"]')?.textContent).toBe('Inflow');
  });

  it('moves away from a field in a shadow root, known by the composed path', async () => {
    const input = field(box(1000, 500, 200, 30), true);
    ui.avoid(input);
    await layoutNow();
    expect(panel().className).toBe('panel at1');
  });

  it('turns compact when neither side has room, and full again when one has', async () => {
    // Spans the page at y 400: a 500 px panel covers it on both sides; a 150 px one does not.
    const across = field(box(100, 400, 1100, 30));
    ui.avoid(across);
    await layoutNow();
    expect(panel().classList.contains('compact')).toBe(true);
    expect(button().getAttribute('aria-pressed')).toBe('true');
    // Not the person's choice: nothing is stored.
    expect(sent).toEqual([]);
    const left = field(box(400, 400, 300, 30));
    ui.avoid(left);
    await layoutNow();
    expect(panel().classList.contains('compact')).toBe(false);
    expect(panel().className).toBe('panel at0');
  });

  it('re-checks the focused field on a scroll, and only while it has focus', async () => {
    const input = field(box(400, 400, 300, 30));
    ui.avoid(input);
    expect(ui.focused()).toBe(true);
    // The page scrolled: the field is now under the panel.
    place(input, box(1000, 500, 200, 30));
    ui.avoid();
    await layoutNow();
    expect(panel().className).toBe('panel at1');
    input.blur();
    expect(ui.focused()).toBe(false);
    place(input, box(100, 500, 200, 30));
    ui.avoid();
    expect(panel().className).toBe('panel at1');
  });

  it('ignores focus inside its own panel', async () => {
    const input = field(box(1000, 500, 200, 30));
    ui.avoid(input);
    await layoutNow();
    expect(panel().className).toBe('panel at1');
    ui.avoid(button());
    expect(panel().className).toBe('panel at1');
  });

  it('sends the person’s choice to the background, and keeps it over the fallback', async () => {
    // A script's click is no choice of the person's.
    button().click();
    expect(panel().classList.contains('compact')).toBe(false);
    personClick(button());
    expect(panel().classList.contains('compact')).toBe(true);
    await vi.waitFor(() => expect(sent).toEqual([{ type: 'panel.setCompact', compact: true }]));
    // Room on the right now: a chosen compact panel stays compact.
    const input = field(box(100, 500, 200, 30));
    ui.avoid(input);
    await layoutNow();
    expect(panel().classList.contains('compact')).toBe(true);
    personClick(button());
    expect(button().getAttribute('aria-pressed')).toBe('false');
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({ type: 'panel.setCompact', compact: false });
  });

  it('renders compact from the start when the lookup says the person chose it', () => {
    ui.clear();
    ui.prefer(true);
    ui.render([controller('New contact')], '');
    expect(panel().classList.contains('compact')).toBe(true);
    expect(button().getAttribute('aria-pressed')).toBe('true');
  });
});
