// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawCheck, RawPick } from '../../../src/picker/api';
import { BANNER, CLOSED_FRAME, createPicker, FLASH_MS } from '../../../src/picker/picker';

// What a Chromium content script has: closed roots through chrome.dom, frame ids through
// chrome.runtime. Set before the modules load, as the reader is chosen once.
const ext = vi.hoisted(() => {
  const roots = new Map<Element, ShadowRoot>();
  const frameIds = new Map<Element, number>();
  (globalThis as { chrome?: unknown }).chrome = {
    dom: { openOrClosedShadowRoot: (el: Element) => roots.get(el) ?? el.shadowRoot },
    runtime: { getFrameId: (el: Element) => frameIds.get(el) ?? -1 },
  };
  return { roots, frameIds };
});

const layer = () => document.querySelector('inflow-picker');
const shadowText = () => layer()?.shadowRoot?.textContent ?? '';
const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

/** A pointer event where a browser would send it: at the closed root's host, at (x, y). */
function at(type: string, el: Element) {
  return el.dispatchEvent(
    new MouseEvent(type, {
      bubbles: true,
      composed: true,
      cancelable: true,
      clientX: 5,
      clientY: 5,
    }),
  );
}

describe('picking in a closed shadow root and around frames', () => {
  let host: HTMLElement;
  let input: HTMLInputElement;

  beforeEach(() => {
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue(
      new DOMRect(40, 120, 300, 32),
    );
    document.body.innerHTML = `
      <pin-field data-testid="pin"></pin-field>
      <iframe title="Card terminal"></iframe>
      <iframe title="Address lookup"></iframe>`;
    host = document.querySelector('pin-field')!;
    const root = host.attachShadow({ mode: 'closed' });
    ext.roots.set(host, root);
    root.innerHTML = '<label for="pin">Account PIN</label><input id="pin" type="text">';
    input = root.querySelector('input')!;
    // happy-dom does not lay out: the closed root answers what a browser would.
    Object.defineProperty(root, 'elementFromPoint', { value: () => input });
    const [terminal, lookup] = Array.from(document.querySelectorAll('iframe'));
    ext.frameIds.set(terminal!, 7);
    ext.frameIds.set(lookup!, 8);
  });

  afterEach(() => {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    vi.restoreAllMocks();
  });

  it('frames and captures the input inside the closed root, not its host', async () => {
    const picking = createPicker().pick() as Promise<RawPick>;
    at('pointermove', host);
    await frame();
    expect(shadowText()).toContain('textbox “Account PIN” · label “Account PIN”');
    expect(at('click', host)).toBe(false);
    const { target, description, problem } = await picking;
    expect(problem).toBeUndefined();
    expect(description).toMatchObject({ tag: 'input', role: 'textbox', label: 'Account PIN' });
    expect(target).toMatchObject({ label: 'Account PIN', within: 'pin-field[data-testid="pin"]' });
  });

  it('follows the focus into the closed root, and Enter captures', async () => {
    const picking = createPicker().pick() as Promise<RawPick>;
    input.focus();
    // The focus event reaches the page retargeted to the host, as in a browser.
    host.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    await frame();
    expect(shadowText()).toContain('textbox “Account PIN”');
    host.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }),
    );
    expect((await picking).description).toMatchObject({ tag: 'input', label: 'Account PIN' });
  });

  it('says in the banner that it cannot pick in a frame it does not run in', async () => {
    const picking = createPicker().pick({ frames: [0, 8] });
    const [terminal, lookup] = Array.from(document.querySelectorAll('iframe'));
    at('pointerover', terminal!);
    await frame();
    expect(shadowText()).toContain(CLOSED_FRAME);
    // The frame it runs in frames its own elements: the top says nothing about it.
    at('pointerover', lookup!);
    await frame();
    expect(shadowText()).toContain(BANNER);
    expect(shadowText()).not.toContain(CLOSED_FRAME);
    // A click into the closed frame moves the focus there.
    terminal!.focus();
    window.dispatchEvent(new FocusEvent('blur'));
    expect(shadowText()).toContain(CLOSED_FRAME);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(await picking).toEqual({ ended: 'escape' });
  });

  it('cancel() ends the pick it started, and leaves nothing behind', async () => {
    const picker = createPicker();
    const picking = picker.pick({ banner: false });
    expect(shadowText()).not.toContain(BANNER);
    picker.cancel();
    expect(await picking).toEqual({ ended: 'cancelled' });
    expect(layer()).toBeNull();
  });

  it('check() says when a completion rule cannot hold on the element found', async () => {
    vi.useFakeTimers();
    try {
      document.body.insertAdjacentHTML('beforeend', '<p id="hint">Four digits</p>');
      const picker = createPicker();
      const run = async (rule: Parameters<typeof picker.check>[1], css: string) => {
        const checking = picker.check({ css }, rule);
        vi.advanceTimersByTime(FLASH_MS);
        return (await checking) as RawCheck;
      };
      const onText = await run({ type: 'filled', target: { css: '#hint' } }, '#hint');
      expect(onText).toMatchObject({ found: true, ruleProblem: 'no_value' });
      const onBox = await run({ type: 'checked', target: { css: '#hint' } }, '#hint');
      expect(onBox.ruleProblem).toBe('no_checked_state');
      const inClosed = await run({ type: 'filled', target: { label: 'Account PIN' } }, 'pin-field');
      // The component found stands for the field it wraps: it has a value.
      expect(inClosed.ruleProblem).toBeUndefined();
      expect(inClosed.description).toMatchObject({ tag: 'input', label: 'Account PIN' });
    } finally {
      vi.useRealTimers();
    }
  });
});
