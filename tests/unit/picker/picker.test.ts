// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHost } from '../../../src/overlay/host';
import type { RawPick } from '../../../src/picker/api';
import {
  BANNER,
  createPicker,
  FLASH_MS,
  installPicker,
  summarize,
} from '../../../src/picker/picker';

const layer = () => document.querySelector('inflow-picker');
const shadowText = () => layer()?.shadowRoot?.textContent ?? '';
const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

function pointer(type: string, el: Element) {
  el.dispatchEvent(new PointerEvent(type, { bubbles: true, composed: true }));
}

function clickOn(el: Element) {
  for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup']) {
    el.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true }));
  }
  return el.dispatchEvent(
    new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }),
  );
}

describe('the picker on a page', () => {
  const seen: string[] = [];
  const record = (e: Event) => seen.push(e.type);

  beforeEach(() => {
    seen.length = 0;
    // happy-dom does not lay out: give every element a box to frame.
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue(
      new DOMRect(40, 120, 300, 32),
    );
    document.body.innerHTML = `
      <form aria-label="Support request">
        <label for="account-number">Account number</label>
        <input id="account-number" name="account_number" class="Form_input__Bn8v1" type="text">
        <button type="submit">Submit</button>
      </form>
      <customer-card></customer-card>`;
    document.querySelector('customer-card')!.attachShadow({ mode: 'open' }).innerHTML =
      '<button type="button" id="verify-customer">Verify customer</button>';
    for (const type of ['click', 'mousedown', 'pointerdown', 'keydown']) {
      document.addEventListener(type, record);
    }
  });

  afterEach(() => {
    // A picker a failed test left running would swallow the next test's events.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    vi.restoreAllMocks();
    for (const type of ['click', 'mousedown', 'pointerdown', 'keydown']) {
      document.removeEventListener(type, record);
    }
  });

  it('frames the element under the pointer, captures the clicked one, and the page sees nothing', async () => {
    const picking = createPicker().pick() as Promise<RawPick>;
    expect(layer()).not.toBeNull();
    expect(layer()!.getAttribute('style')).toContain('!important');
    expect(shadowText()).toContain(BANNER);
    const input = document.getElementById('account-number')!;
    pointer('pointermove', input);
    await frame();
    expect(shadowText()).toContain('textbox “Account number” · label “Account number”');
    expect(clickOn(input)).toBe(false);
    const result = await picking;
    expect(result?.target).toMatchObject({
      css: '#account-number',
      role: 'textbox',
      label: 'Account number',
      attrs: { name: 'account_number' },
    });
    expect(result?.url).toBe(location.href);
    expect(seen).toEqual([]);
    expect(layer()).toBeNull();
  });

  it("steps Inflow's panels aside while the author picks, and brings them back", async () => {
    const before = createHost();
    const display = (el: HTMLElement) => el.style.getPropertyValue('display');
    expect(display(before.element)).toBe('block');
    const picking = createPicker().pick();
    expect(display(before.element)).toBe('none');
    expect(before.element.style.getPropertyPriority('display')).toBe('important');
    // A panel the overlay draws during the pick (a new host) waits too.
    const during = createHost();
    expect(display(during.element)).toBe('none');
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(await picking).toEqual({ ended: 'escape' });
    expect(display(before.element)).toBe('block');
    expect(display(during.element)).toBe('block');
    expect(display(createHost().element)).toBe('block');
    for (const host of document.querySelectorAll('inflow-overlay')) host.remove();
  });

  it('captures an element inside an open shadow root', async () => {
    const picking = createPicker().pick() as Promise<RawPick>;
    const button = document.querySelector('customer-card')!.shadowRoot!.querySelector('button')!;
    clickOn(button);
    const result = await picking;
    expect(result?.target).toMatchObject({ css: '#verify-customer', within: 'customer-card' });
    expect(result?.description).toMatchObject({ role: 'button', name: 'Verify customer' });
  });

  it('resolves to null on Escape and leaves nothing in the page', async () => {
    const picking = createPicker().pick();
    document.body.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }),
    );
    expect(await picking).toEqual({ ended: 'escape' });
    expect(layer()).toBeNull();
    expect(seen).toEqual([]);
    // After the picker is gone the page gets its clicks again.
    clickOn(document.getElementById('account-number')!);
    expect(seen).toContain('click');
  });

  it('follows the focus and captures with Enter, for authors without a pointer', async () => {
    const picking = createPicker().pick() as Promise<RawPick>;
    const input = document.getElementById('account-number') as HTMLInputElement;
    input.focus();
    await frame();
    expect(shadowText()).toContain('textbox “Account number”');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    input.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect((await picking)?.target.label).toBe('Account number');
    expect(seen).toEqual([]);
  });

  it('ends an earlier pick when a new one starts', async () => {
    const picker = createPicker();
    const first = picker.pick();
    const second = picker.pick() as Promise<RawPick>;
    expect(await first).toEqual({ ended: 'cancelled' });
    expect(document.querySelectorAll('inflow-picker')).toHaveLength(1);
    clickOn(document.querySelector('button')!);
    expect((await second)?.target.role).toBe('button');
  });

  it('check() frames what it found for a moment and says how', async () => {
    vi.useFakeTimers();
    try {
      const checking = createPicker().check({ css: '#old-id', label: 'Account number' });
      expect(layer()).not.toBeNull();
      vi.advanceTimersByTime(FLASH_MS);
      const r = await checking;
      expect(r).toMatchObject({
        found: true,
        foundBy: 'label',
        failed: ['css'],
        ambiguous: false,
        description: { tag: 'input', role: 'textbox', label: 'Account number' },
      });
      expect(layer()).toBeNull();
      const missing = await createPicker().check({ css: '#nothing' });
      expect(missing).toEqual({ found: false, foundBy: null, failed: ['css'], ambiguous: false });
    } finally {
      vi.useRealTimers();
    }
  });

  it('is installed once however often the script is injected', () => {
    const first = installPicker();
    expect(installPicker()).toBe(first);
    expect(globalThis.__inflowPicker).toBe(first);
    globalThis.__inflowPicker = undefined;
  });

  it('summarizes an element for the frame label', () => {
    expect(summarize({ tag: 'input', role: 'textbox', name: 'Email', label: 'Email' })).toBe(
      'textbox “Email” · label “Email”',
    );
    expect(summarize({ tag: 'div' })).toBe('<div>');
  });
});
