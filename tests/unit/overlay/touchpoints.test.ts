// @vitest-environment happy-dom
/**
 * The page's touchpoint meter (src/overlay/touchpoints.ts): time counts only while the page
 * is visible, is told when it is hidden, on pagehide and at a route change, once per view,
 * under the folded template; no timer runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTouchpointMeter, type TouchpointTime } from '../../../src/overlay/touchpoints';

let state: DocumentVisibilityState = 'visible';
let now = 0;
let told: TouchpointTime[] = [];
let controller: AbortController;

function setVisibility(next: DocumentVisibilityState) {
  state = next;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  state = 'visible';
  now = 1_000;
  told = [];
  controller = new AbortController();
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
});
afterEach(() => controller.abort());

const meter = () =>
  createTouchpointMeter(
    (t) => told.push(t),
    controller.signal,
    () => now,
    document,
  );

describe('touchpoint meter', () => {
  it('counts visible time only, and tells it when the page is hidden', () => {
    const m = meter();
    m.begin('https://crm.example.com/customers/4821?tab=notes', false, now);
    now += 5_000;
    setVisibility('hidden');
    expect(told).toEqual([
      { template: 'https://crm.example.com/customers/:id', aided: false, ms: 5_000, view: true },
    ]);
    // Hidden for a minute: not counted.
    now += 60_000;
    setVisibility('visible');
    now += 2_000;
    m.end();
    expect(told[1]).toEqual({
      template: 'https://crm.example.com/customers/:id',
      aided: false,
      ms: 2_000,
      view: false,
    });
    expect(told).toHaveLength(2);
  });

  it('starts a new view at each route, and tells nothing for a page never seen', () => {
    const m = meter();
    state = 'hidden';
    m.begin('https://desk.example.com/#/cases/1', true, now);
    now += 10_000;
    m.end();
    expect(told).toEqual([]);
    state = 'visible';
    m.begin('https://desk.example.com/#/cases/1', true, now);
    now += 1_500;
    m.end();
    m.begin('https://desk.example.com/#/cases/2', true, now);
    now += 500;
    m.end();
    expect(told).toEqual([
      { template: 'https://desk.example.com/#/cases/:id', aided: true, ms: 1_500, view: true },
      { template: 'https://desk.example.com/#/cases/:id', aided: true, ms: 500, view: true },
    ]);
  });

  it('goes on when the same page is looked up again, and counts from the navigation', () => {
    const m = meter();
    m.begin('https://crm.example.com/contacts/new', false, now - 300);
    now += 1_000;
    m.begin('https://crm.example.com/contacts/new', false, now);
    now += 1_000;
    // An aid now applies: the aided view is another sum.
    m.begin('https://crm.example.com/contacts/new', true, now);
    now += 1_000;
    m.end();
    expect(told).toEqual([
      { template: 'https://crm.example.com/contacts/new', aided: false, ms: 2_300, view: true },
      { template: 'https://crm.example.com/contacts/new', aided: true, ms: 1_000, view: true },
    ]);
  });

  it('tells the time on pagehide, and nothing after the overlay stops', () => {
    const m = meter();
    m.begin('https://crm.example.com/contacts', false, now);
    now += 4_000;
    window.dispatchEvent(new Event('pagehide'));
    expect(told).toEqual([
      { template: 'https://crm.example.com/contacts', aided: false, ms: 4_000, view: true },
    ]);
    m.begin('https://crm.example.com/contacts', false, now);
    controller.abort();
    now += 4_000;
    setVisibility('hidden');
    window.dispatchEvent(new Event('pagehide'));
    expect(told).toHaveLength(1);
  });

  it('sets no timer', () => {
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const interval = vi.spyOn(globalThis, 'setInterval');
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame');
    const m = meter();
    m.begin('https://crm.example.com/contacts', false, now);
    setVisibility('hidden');
    setVisibility('visible');
    m.end();
    expect(timeout).not.toHaveBeenCalled();
    expect(interval).not.toHaveBeenCalled();
    expect(raf).not.toHaveBeenCalled();
  });
});
