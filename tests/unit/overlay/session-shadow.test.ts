// @vitest-environment happy-dom
/**
 * A page session on an app built from web components: steps whose targets live in shadow
 * roots tick themselves off, and a step whose rule can never hold is reported once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid } from '../../../src/aids/schema';
import { PageSession, SETTLE_MS } from '../../../src/overlay/session';
import type { EventInput } from '../../../src/protocol/messages';
import { allKinds, fakeUi } from './fake-ui';
import { personClick } from './person-events';

const aid: ChecklistAid = {
  id: 'case',
  kind: 'checklist',
  title: 'Close a case',
  match: { urls: ['https://console.example.com/*'] },
  steps: [
    { id: 'notes', text: 'Write notes', done: { type: 'filled', target: { css: '.notes' } } },
    { id: 'save', text: 'Save', done: { type: 'checked', target: { css: '#save' } } },
    {
      id: 'urgent',
      text: 'Mark urgent',
      done: { type: 'checked', target: { role: 'switch', name: 'Urgent' } },
    },
    { id: 'send', text: 'Send', done: { type: 'clicked', target: { css: '#send' } } },
    // On the component itself, clicked inside its shadow root.
    { id: 'submit', text: 'Submit', done: { type: 'clicked', target: { css: 'x-submit' } } },
    { id: 'email', text: 'Email', done: { type: 'filled', target: { label: 'Email' } } },
  ],
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shadow(tag: string, html: string, parent: ParentNode = document.body): ShadowRoot {
  const host = document.createElement(tag);
  parent.append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = html;
  return root;
}

let session: PageSession | null = null;
let events: EventInput[];

function startSession(): void {
  events = [];
  const ui = fakeUi();
  session = new PageSession({
    url: 'https://console.example.com/cases/1',
    aids: [{ key: 'ops/case', packId: 'ops', packVersion: '1.0.0', aid, progress: null }],
    reloaded: false,
    ui,
    record: (e) => events.push(e),
    resetProgress: vi.fn(),
    leaveRun: vi.fn(),
    onBatch: vi.fn(),
    kinds: allKinds,
  });
  session.start();
}

const of = (type: string) => events.filter((e) => e.type === type);

beforeEach(() => {
  document.body.innerHTML = '';
  const form = shadow(
    'x-case-form',
    '<div class="notes">Notes go here</div><x-actions></x-actions>',
  );
  const actions = form.querySelector('x-actions')!.attachShadow({ mode: 'open' });
  actions.innerHTML = `
    <button id="save">Save</button>
    <button id="send"><span>Send</span></button>
    <div role="switch" aria-checked="false" aria-label="Urgent"></div>
    <x-submit></x-submit>`;
  actions.querySelector('x-submit')!.attachShadow({ mode: 'open' }).innerHTML =
    '<button><b>Submit</b></button>';
});

afterEach(() => {
  session?.dispose();
  session = null;
});

describe('a session on web components', () => {
  it('reports each rule that can never hold once, after the page settled', async () => {
    startSession();
    expect(of('rule_unworkable')).toEqual([]); // not before the page had time to render
    await wait(SETTLE_MS + 100);
    // More passes must not report again.
    document.body.append(document.createElement('p'));
    await wait(300);
    expect(
      of('rule_unworkable').map(({ stepId, problem, aidKey }) => ({ stepId, problem, aidKey })),
    ).toEqual([
      { stepId: 'notes', problem: 'no_value', aidKey: 'ops/case' },
      { stepId: 'save', problem: 'no_checked_state', aidKey: 'ops/case' },
    ]);
  }, 5000);

  it('ticks steps whose targets live two shadow roots deep', async () => {
    startSession();
    await wait(300);
    const actions = document.querySelector('x-case-form')!.shadowRoot!.querySelector('x-actions')!
      .shadowRoot!;
    actions.querySelector('[role=switch]')!.setAttribute('aria-checked', 'true');
    personClick(actions.querySelector('#send span')!);
    personClick(actions.querySelector('x-submit')!.shadowRoot!.querySelector('b')!);
    await wait(300);
    expect(of('step_done').map((e) => e.stepId)).toEqual(['urgent', 'send', 'submit']);
  });

  it('does not count a click a script made: nobody clicked', async () => {
    startSession();
    await wait(300);
    const actions = document.querySelector('x-case-form')!.shadowRoot!.querySelector('x-actions')!
      .shadowRoot!;
    (actions.querySelector('#send span') as HTMLElement).click();
    actions
      .querySelector('x-submit')!
      .shadowRoot!.querySelector('b')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await wait(300);
    expect(of('step_done')).toEqual([]);
    // The same click by a person counts.
    personClick(actions.querySelector('#send span')!);
    await wait(300);
    expect(of('step_done').map((e) => e.stepId)).toEqual(['send']);
  });

  it('counts a click on a button that the app removes at once, as a route change does', async () => {
    startSession();
    await wait(300);
    const actions = document.querySelector('x-case-form')!.shadowRoot!.querySelector('x-actions')!
      .shadowRoot!;
    const send = actions.querySelector('#send')!;
    // The app's own handler runs after Inflow's capturing listener and takes the button away.
    send.addEventListener('click', () => send.remove());
    personClick(send.querySelector('span')!);
    expect(send.isConnected).toBe(false);
    // The navigation that follows ends the session before the next frame.
    session!.leave('https://console.example.com/cases');
    expect(of('step_done').map((e) => e.stepId)).toEqual(['send']);
  });

  it('does not call targets missing when the next screen is drawn before the URL changes', async () => {
    startSession();
    await wait(SETTLE_MS + 100);
    const before = of('target_missing').length;
    // A single-page app draws the next screen, then changes the URL.
    document.querySelector('x-case-form')!.remove();
    await Promise.resolve(); // the mutation is seen; its pass waits for the next frame
    session!.leave('https://console.example.com/cases');
    expect(of('target_missing')).toHaveLength(before);
  }, 5000);

  it('finds a field in a component added after the session started', async () => {
    startSession();
    await wait(300);
    const root = shadow('x-email', '<label for="e">Email</label><input id="e">');
    await wait(300);
    const input = root.getElementById('e') as HTMLInputElement;
    input.value = 'ann@example.com';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await wait(300);
    expect(of('step_done').map((e) => e.stepId)).toContain('email');
  });
});
