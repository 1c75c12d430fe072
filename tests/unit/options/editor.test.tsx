// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { Aid } from '../../../src/aids/schema';
import {
  authoringAid,
  button,
  byLabel,
  CHECKLIST,
  click,
  descriptionOf,
  fakeDeps,
  mount,
  settle,
  statusText,
  type,
  waitFor,
} from './editor-helpers';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.innerHTML = '';
  location.hash = '';
});

async function open(aid = authoringAid(), over = {}) {
  const deps = fakeDeps(aid, over);
  const view = await mount({ aidKey: aid.key, isNew: false, deps });
  cleanup = view.unmount;
  return { deps, ...view };
}

describe('Editor: the form', () => {
  it('loads the draft when there is one, else the published aid', async () => {
    const draft = { ...CHECKLIST, title: 'Draft title' };
    await open(authoringAid({ draft: { aid: draft, updatedAt: 1 } }));
    expect(byLabel('Title').value).toBe('Draft title');
    expect(document.body.textContent).toContain('Unpublished changes');
  });

  it('shows the error next to the title field when the title is emptied', async () => {
    await open();
    const title = byLabel('Title');
    expect(title.getAttribute('aria-invalid')).toBeNull();
    await type(title, '');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(title)).toContain('must not be empty');
    expect(document.querySelector('.problems')?.textContent).toContain(
      '1 problem before it can be published:Title: must not be empty',
    );
  });

  it('saves a draft after adding a step and typing, with the step id made from the text', async () => {
    const { deps } = await open();
    await click(button('Add a step'));
    const text = byLabel<HTMLTextAreaElement>('Step 2 text');
    expect(document.activeElement).toBe(text);
    await type(text, 'Check the caller’s ID');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    const [key, saved] = deps.saveDraft.mock.calls.at(-1)!;
    expect(key).toBe('my-aids/new-ticket');
    expect(saved).toEqual({
      ...CHECKLIST,
      steps: [
        ...(CHECKLIST as Extract<Aid, { kind: 'checklist' }>).steps,
        { id: 'check-the-caller-s-id', text: 'Check the caller’s ID' },
      ],
    });
    const hhmm = new Date(Date.UTC(2026, 10, 22, 10, 42)).toTimeString().slice(0, 5);
    expect(statusText()).toBe(`Draft saved at ${hhmm}`);
  });

  it('turns roles typed with commas into a list, and leaves the audience out when empty', async () => {
    const { deps } = await open();
    await type(byLabel('Roles'), 'agent, team-lead,');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalledTimes(1), 3000);
    expect(deps.saveDraft.mock.calls[0]![1]).toMatchObject({
      audience: { roles: ['agent', 'team-lead'] },
    });
    await type(byLabel('Roles'), ' ');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalledTimes(2), 3000);
    expect(deps.saveDraft.mock.calls[1]![1]).not.toHaveProperty('audience');
  });

  it('moves a step down with a button and keeps focus on it', async () => {
    const two = {
      ...CHECKLIST,
      steps: [
        { id: 'a', text: 'First' },
        { id: 'b', text: 'Second' },
      ],
    } as Aid;
    const { deps } = await open(authoringAid({ published: two }));
    await click(button('Move down step 1'));
    expect(byLabel<HTMLTextAreaElement>('Step 1 text').value).toBe('Second');
    expect(document.activeElement?.textContent).toBe('Move up step 2');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
  });
});

describe('Editor: publishing', () => {
  it('shows refused problems by field and moves focus to the first one', async () => {
    const { deps } = await open(authoringAid({ draft: { aid: CHECKLIST, updatedAt: 1 } }), {
      publish: async () => ({
        ok: false as const,
        problems: [
          { path: 'aids[0].steps[0].text', message: 'must not say “TODO”' },
          { path: 'aids[0].match.urls[0]', message: 'is not reachable' },
        ],
      }),
    });
    await click(button('Publish'));
    await settle();
    const url = byLabel('URL pattern 1');
    const step = byLabel<HTMLTextAreaElement>('Step 1 text');
    expect(descriptionOf(step)).toContain('must not say “TODO”');
    expect(descriptionOf(url)).toContain('is not reachable');
    expect(document.activeElement).toBe(url);
    expect(statusText()).toBe('Not published: 2 problems to fix, shown next to the fields.');
    expect(deps.publish).toHaveBeenCalledWith('my-aids/new-ticket');
  });

  it('saves pending changes before publishing, and says when there is nothing to publish', async () => {
    const { deps } = await open();
    await click(button('Publish'));
    expect(statusText()).toBe('Nothing to publish: there are no changes since the last version.');
    expect(deps.publish).not.toHaveBeenCalled();
    await type(byLabel('Title'), 'Renamed');
    await click(button('Publish'));
    expect(deps.saveDraft).toHaveBeenCalledWith('my-aids/new-ticket', {
      ...CHECKLIST,
      title: 'Renamed',
    });
    expect(deps.publish).toHaveBeenCalledTimes(1);
    expect(statusText()).toBe('Published version 3');
  });

  it('says which version was published and drops the draft badge', async () => {
    const aid = authoringAid({ draft: { aid: CHECKLIST, updatedAt: 1 } });
    const { deps } = await open(aid);
    expect(document.body.textContent).toContain('Unpublished changes');
    deps.get.mockResolvedValue({ ...aid, draft: null });
    await click(button('Publish'));
    await settle();
    expect(deps.publish).toHaveBeenCalledWith('my-aids/new-ticket');
    expect(statusText()).toBe('Published version 3');
    expect(document.body.textContent).not.toContain('Unpublished changes');
  });
});

describe('Editor: targets', () => {
  it('fills the target’s fields from what was picked on the page', async () => {
    const { deps } = await open(undefined, {
      pick: async () => ({
        target: { css: '#acct', role: 'textbox', label: 'Account number', attrs: { name: 'acct' } },
        description: {
          tag: 'input',
          role: 'textbox',
          name: 'Account number',
          label: 'Account number',
        },
        url: 'https://portal.example.com/support/new',
      }),
    });
    const group = document.getElementById('aid-steps-0-target')!;
    await click(button('Pick on page', group));
    expect(deps.pick).toHaveBeenCalledWith(7);
    expect(byLabel('CSS selector', group).value).toBe('#acct');
    expect(byLabel('Role', group).value).toBe('textbox');
    expect(byLabel('Label', group).value).toBe('Account number');
    expect(byLabel<HTMLTextAreaElement>('Attributes', group).value).toBe('name=acct');
    expect(group.textContent).toContain(
      'Captured: textbox “Account number” (label “Account number”)',
    );
  });

  it('says when picking was cancelled, and shows the check’s sentence', async () => {
    await open(undefined, {
      check: async () => ({
        found: true,
        foundBy: 'label',
        failed: ['css'],
        ambiguous: false,
        sentence: 'Found by label “Email”; the CSS selector no longer matches.',
      }),
    });
    const group = document.getElementById('aid-steps-0-target')!;
    await click(button('Pick on page', group));
    expect(group.textContent).toContain('Picking cancelled.');
    await click(button('Check on page', group));
    expect(group.textContent).toContain(
      'Found by label “Email”; the CSS selector no longer matches.',
    );
  });

  it('shows what staff pages reported next to the step and a summary at the top', async () => {
    await open(
      authoringAid({
        reports: [
          {
            stepId: 'find-account',
            type: 'target_healed',
            count: 3,
            lastAt: new Date(2026, 10, 22, 10, 42).getTime(),
            lastUrl: 'https://portal.example.com/support/new',
            foundBy: 'label',
            failedSignals: ['css'],
          },
        ],
      }),
    );
    expect(document.getElementById('aid-steps-0-target')?.textContent).toContain(
      'On staff pages: Found by label “Account number”; the CSS selector no longer matches. 3 times, last 22 Nov 10:42 on /support/new.',
    );
    expect(document.querySelector('.attention')?.textContent).toContain('1 target needs attention');
  });
});

describe('Editor: a target in a frame', () => {
  const FRAMED = {
    target: {
      label: 'Postcode',
      css: '#postcode',
      frame: { url: 'https://lookup.example.com/find', css: 'iframe[title="Address lookup"]' },
    },
    description: { tag: 'input', role: 'textbox', name: 'Postcode', label: 'Postcode' },
    url: 'https://portal.example.com/support/new',
  };

  /** The last target saved for step 1. */
  const savedTarget = (deps: ReturnType<typeof fakeDeps>) =>
    (deps.saveDraft.mock.calls.at(-1)![1] as Aid & { kind: 'checklist' }).steps[0]!.target;

  it('shows the frame the picker captured, and edits it', async () => {
    const { deps } = await open(undefined, { pick: async () => FRAMED });
    const group = document.getElementById('aid-steps-0-target')!;
    await click(button('Pick on page', group));
    expect(group.textContent).toContain(
      'Captured: textbox “Postcode” (label “Postcode”), inside a frame',
    );
    expect(group.querySelector('summary')?.textContent).toBe(
      'Signals: label, CSS selector; in a frame',
    );
    const frame = document.getElementById('aid-steps-0-target-frame')!;
    expect(frame.querySelector('legend')?.textContent).toBe('In a frame');
    const url = byLabel('Frame page address (URL pattern)', frame);
    const css = byLabel('Frame element (CSS selector of the <iframe>)', frame);
    expect(url.value).toBe('https://lookup.example.com/find');
    expect(css.value).toBe('iframe[title="Address lookup"]');
    expect(descriptionOf(url)).toContain('The address of the page shown in the frame');
    await type(url, 'https://lookup.example.com/*');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    expect(savedTarget(deps)).toEqual({
      ...FRAMED.target,
      frame: { url: 'https://lookup.example.com/*', css: 'iframe[title="Address lookup"]' },
    });
  });

  it('removes the frame when both of its fields are emptied', async () => {
    const framed = {
      ...CHECKLIST,
      steps: [{ id: 'find-account', text: 'Find the account', target: FRAMED.target }],
    } as Aid;
    const { deps } = await open(authoringAid({ published: framed }));
    const frame = document.getElementById('aid-steps-0-target-frame')!;
    await type(byLabel('Frame page address (URL pattern)', frame), '');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalledTimes(1), 3000);
    expect(savedTarget(deps)).toEqual({
      ...FRAMED.target,
      frame: { css: 'iframe[title="Address lookup"]' },
    });
    await type(byLabel('Frame element (CSS selector of the <iframe>)', frame), '');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalledTimes(2), 3000);
    expect(savedTarget(deps)).toEqual({ label: 'Postcode', css: '#postcode' });
    expect(savedTarget(deps)).not.toHaveProperty('frame');
    const summary = document.querySelector('#aid-steps-0-target summary')?.textContent;
    expect(summary).toBe('Signals: label, CSS selector');
  });

  it('puts a hand-written target in a frame', async () => {
    const { deps } = await open();
    const frame = document.getElementById('aid-steps-0-target-frame')!;
    await type(
      byLabel('Frame element (CSS selector of the <iframe>)', frame),
      'iframe[name="lookup"]',
    );
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    expect(savedTarget(deps)).toEqual({
      label: 'Account number',
      frame: { css: 'iframe[name="lookup"]' },
    });
  });

  it('reports a frame address that is not a URL pattern on its own field', async () => {
    await open();
    const frame = document.getElementById('aid-steps-0-target-frame')!;
    const url = byLabel('Frame page address (URL pattern)', frame);
    const css = byLabel('Frame element (CSS selector of the <iframe>)', frame);
    await type(url, 'https://lookup.example.com/(');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(url)).toContain('invalid URL pattern "https://lookup.example.com/("');
    expect(css.getAttribute('aria-invalid')).toBeNull();
    expect(document.querySelector('.problems')?.textContent).toContain(
      'Step 1 target: frame page address: invalid URL pattern',
    );
    await type(url, 'https://lookup.example.com/:page');
    expect(url.getAttribute('aria-invalid')).toBeNull();
    expect(document.querySelector('.problems')).toBeNull();
  });
});

describe('Editor: read-only aids', () => {
  it('shows the reason, disables the fields and offers a copy', async () => {
    const reason = 'From your organisation’s pack “Northwind CRM”: read-only.';
    const { deps } = await open(
      authoringAid({ key: 'northwind/new-ticket', editable: false, readOnlyReason: reason }),
    );
    expect(document.body.textContent).toContain(reason);
    expect(byLabel('Title').disabled).toBe(true);
    expect(byLabel<HTMLTextAreaElement>('Step 1 text').disabled).toBe(true);
    expect(() => button('Publish')).toThrow();
    await click(button('Copy to my aids'));
    expect(deps.copy).toHaveBeenCalledWith('northwind/new-ticket');
    expect(location.hash).toBe('#aids/edit/my-aids%2Fnew-ticket-copy');
  });
});

describe('Editor: raw JSON', () => {
  it('lists schema problems with their path, and applies a valid edit to the form', async () => {
    await open();
    await click(button('JSON'));
    const json = byLabel<HTMLTextAreaElement>('The aid as JSON');
    const bad = { ...CHECKLIST, steps: [{ id: 'find-account', text: '' }] };
    await type(json, JSON.stringify(bad, null, 2));
    expect(document.getElementById('aid-json-problems')?.textContent).toContain(
      'steps/0/text: must NOT have fewer than 1 characters',
    );
    await type(json, '{\n  "id": "x",\n  "kind" "tip"\n}');
    expect(document.getElementById('aid-json-problems')?.textContent).toContain(
      'JSON syntax error at line 3, column 10',
    );
    await type(json, JSON.stringify({ ...CHECKLIST, title: 'Edited as JSON' }, null, 2));
    expect(document.getElementById('aid-json-problems')?.textContent).toBe('');
    await click(button('Form'));
    expect(byLabel('Title').value).toBe('Edited as JSON');
  });
});

describe('Editor: history', () => {
  it('shows readable changes against the previous version and restores a version', async () => {
    const v1 = CHECKLIST;
    const v2 = {
      ...CHECKLIST,
      match: { urls: [...CHECKLIST.match.urls, 'https://portal.example.com/tickets/*'] },
      steps: [
        {
          id: 'find-account',
          text: 'Find the customer’s account',
          target: { label: 'Account number' },
        },
        { id: 'check-id', text: 'Check ID' },
      ],
    } as Aid;
    const { deps } = await open(
      authoringAid({
        published: v2,
        history: [
          {
            rev: 1,
            publishedAt: Date.UTC(2026, 10, 20),
            packVersion: '1.0.1',
            note: 'published',
            aid: v1,
          },
          {
            rev: 2,
            publishedAt: Date.UTC(2026, 10, 21),
            packVersion: '1.0.2',
            note: 'published',
            aid: v2,
          },
        ],
      }),
    );
    const versions = [...document.querySelectorAll('.history > li')];
    expect(versions[0]?.querySelector('h3')?.textContent).toContain('Version 2');
    await click(button('Show changes in version 2', versions[0]));
    const lines = [...versions[0]!.querySelectorAll('.changes li')].map((li) => li.textContent);
    expect(lines).toEqual([
      'URL pattern added: https://portal.example.com/tickets/*',
      'Step 1 text: “Find the account” → “Find the customer’s account”',
      'Step “Check ID” added',
    ]);
    await click(button(/^Restore as draft \(version 1\)$/));
    expect(deps.restore).toHaveBeenCalledWith('my-aids/new-ticket', 1);
    expect(statusText()).toContain('Version 1 is now the draft');
  });
});

describe('Editor: a new aid', () => {
  it('suggests the id from the title, saves under it, and moves the draft when the id changes', async () => {
    const deps = fakeDeps(authoringAid());
    const view = await mount({ aidKey: null, isNew: true, deps });
    cleanup = view.unmount;
    await click(byLabel('Tip'));
    await type(byLabel('Title'), 'Email address tip');
    expect(byLabel('Id').value).toBe('email-address-tip');
    await click(button('Create draft'));
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    expect(deps.saveDraft.mock.calls[0]).toEqual([
      'my-aids/email-address-tip',
      {
        id: 'email-address-tip',
        kind: 'tip',
        title: 'Email address tip',
        match: { urls: [''] },
        target: {},
        text: '',
      },
    ]);
    expect(location.hash).toBe('#aids/edit/my-aids%2Femail-address-tip');
    await type(byLabel('Id'), 'email-tip');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalledTimes(2), 3000);
    expect(deps.discardDraft).toHaveBeenCalledWith('my-aids/email-address-tip');
    expect(deps.saveDraft.mock.calls[1]![0]).toBe('my-aids/email-tip');
  });
});

describe('Editor: preview, discard and delete', () => {
  it('previews the draft in the chosen tab, shows refusals, and stops', async () => {
    const { deps } = await open();
    const chooser = byLabel<HTMLSelectElement>('App tab');
    expect(chooser.value).toBe('7');
    expect(chooser.textContent).toContain(
      'Support portal — https://portal.example.com/support/new',
    );
    await click(button('Preview on page'));
    // With the aid's key: another pack may hold an aid with the same id.
    expect(deps.preview).toHaveBeenCalledWith(7, CHECKLIST, 'my-aids/new-ticket');
    expect(statusText()).toBe('Previewing in “Support portal”. Saved changes show there too.');
    await click(button('Stop preview'));
    expect(deps.preview).toHaveBeenLastCalledWith(7, null);
    deps.preview.mockResolvedValueOnce({
      ok: false,
      problems: [{ path: 'steps[0].text', message: 'must not be empty' }],
    } as never);
    await click(button('Preview on page'));
    expect(statusText()).toBe('The preview was refused: 1 problem.');
    expect(document.body.textContent).toContain('Step 1 text: must not be empty');
  });

  it('asks for a tab when none is open, and opens an address', async () => {
    const { deps } = await open(undefined, { appTabs: async () => [] });
    await click(button('Preview on page'));
    expect(document.activeElement).toBe(byLabel('App tab'));
    await type(byLabel('Open an address in a new tab'), 'https://portal.example.com/support/new');
    await click(button('Open URL'));
    expect(deps.openTab).toHaveBeenCalledWith('https://portal.example.com/support/new');
    expect(byLabel<HTMLSelectElement>('App tab').value).toBe('9');
  });

  it('discards the draft after confirming, and goes back to the published version', async () => {
    const aid = authoringAid({
      draft: { aid: { ...CHECKLIST, title: 'Draft title' }, updatedAt: 1 },
    });
    const { deps } = await open(aid);
    await click(button('Discard draft'));
    expect(document.activeElement?.textContent).toBe('Discard draft');
    expect(deps.discardDraft).not.toHaveBeenCalled();
    await click(button('Cancel'));
    expect(document.activeElement?.id).toBe('aid-discard');
    deps.get.mockResolvedValue({ ...aid, draft: null });
    await click(button('Discard draft'));
    await click(button('Discard draft'));
    expect(deps.discardDraft).toHaveBeenCalledWith('my-aids/new-ticket');
    expect(byLabel('Title').value).toBe('New support ticket');
  });

  it('deletes an editable aid after confirming and returns to the list', async () => {
    const { deps } = await open();
    await click(button('Delete'));
    await click(button('Delete aid'));
    expect(deps.remove).toHaveBeenCalledWith('my-aids/new-ticket');
    expect(location.hash).toBe('#aids');
  });

  it('shows aid content as text, never as HTML', async () => {
    await open(
      authoringAid({
        published: { ...CHECKLIST, title: '<img src=x onerror="alert(1)">' },
        history: [
          {
            rev: 1,
            publishedAt: 1,
            packVersion: '1',
            note: '<b>x</b>',
            aid: { ...CHECKLIST, title: '<i>old</i>' },
          },
        ],
      }),
    );
    expect(document.querySelector('img, .history b')).toBeNull();
    expect(document.querySelector('h2')?.textContent).toContain('<img src=x onerror="alert(1)">');
  });
});

describe('Editor: “Done when”', () => {
  it('watches the step’s target by default, follows it, and can watch another element', async () => {
    const { deps } = await open();
    const rule = byLabel<HTMLSelectElement>('Step 1: done when');
    await act(async () => {
      rule.value = 'matches';
      rule.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const pattern = byLabel('Step 1: value pattern');
    await type(pattern, '^AC-(');
    expect(descriptionOf(pattern)).toContain('invalid regular expression');
    await type(pattern, '^AC-\\d{6}$');
    const stepTarget = document.getElementById('aid-steps-0-target')!;
    await type(byLabel('Label', stepTarget), 'Account');
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    expect((deps.saveDraft.mock.calls.at(-1)![1] as Aid & { kind: 'checklist' }).steps[0]).toEqual({
      id: 'find-account',
      text: 'Find the account',
      target: { label: 'Account' },
      done: { type: 'matches', target: { label: 'Account' }, pattern: '^AC-\\d{6}$' },
    });
    expect(document.getElementById('aid-steps-0-done-target')).toBeNull();
    await click(byLabel('Watch the step’s element (untick to watch another one)'));
    const own = document.getElementById('aid-steps-0-done-target')!;
    expect(own.querySelector('legend')?.textContent).toBe(
      'Step 1: the element “done when” watches',
    );
    expect(byLabel('Label', own).value).toBe('');
    expect(own.textContent).toContain('a target needs at least one signal');
  });
});

describe('Editor: the new aid form', () => {
  it('refuses an empty title and an id already taken, next to their fields', async () => {
    const deps = fakeDeps(authoringAid(), {
      list: async () => ({ aids: [{ key: 'my-aids/new-ticket' }] }) as never,
    });
    const view = await mount({ aidKey: null, isNew: true, deps });
    cleanup = view.unmount;
    await click(button('Create draft'));
    expect(descriptionOf(byLabel('Title'))).toContain('Enter a title.');
    expect(document.activeElement).toBe(byLabel('Title'));
    await type(byLabel('Title'), 'New ticket');
    await click(button('Create draft'));
    expect(descriptionOf(byLabel('Id'))).toContain('One of your aids already has this id.');
    expect(document.activeElement).toBe(byLabel('Id'));
    expect(deps.saveDraft).not.toHaveBeenCalled();
  });
});

describe('Editor: field checks', () => {
  const CHECKS: Aid = {
    id: 'refunds',
    kind: 'checks',
    title: 'Refunds',
    match: { urls: ['https://crm.example.com/refunds/*'] },
    checks: [
      {
        id: 'code',
        field: { label: 'Manager code' },
        rule: { type: 'required' },
        message: 'Enter the manager’s code.',
        when: { field: { label: 'Refund' }, rule: { type: 'number', above: 500 } },
      },
    ],
  };

  it('edits a check’s rule, bounds, message and blocking in a form, keeping its condition', async () => {
    const { deps } = await open(
      authoringAid({ key: 'my-aids/refunds', published: CHECKS, draft: null }),
    );
    // The condition shows in the form: its box ticked, the other field and its rule filled.
    expect(byLabel('Apply only while another field has a given value').checked).toBe(true);
    const condition = document.getElementById('aid-checks-0-when-field')!;
    expect(byLabel('Label', condition).value).toBe('Refund');
    expect(byLabel<HTMLSelectElement>('Check 1 condition: the value').value).toBe('number');
    expect(byLabel('Check 1 condition: more than').value).toBe('500');
    const rule = byLabel<HTMLSelectElement>('Check 1: the value');
    rule.value = 'number';
    await act(() => {
      rule.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await type(byLabel('Check 1: at most'), '500');
    await type(byLabel('Check 1: message'), 'At most 500 without a manager.');
    await click(byLabel('Stop the save while it fails (the person may save anyway with a reason)'));
    await click(button('Add a check'));
    await waitFor(() => expect(deps.saveDraft).toHaveBeenCalled(), 3000);
    await waitFor(() => {
      const saved = deps.saveDraft.mock.calls.at(-1)![1] as Extract<Aid, { kind: 'checks' }>;
      expect(saved.checks).toHaveLength(2);
    }, 3000);
    const saved = deps.saveDraft.mock.calls.at(-1)![1] as Extract<Aid, { kind: 'checks' }>;
    expect(saved.checks[0]).toEqual({
      ...CHECKS.checks[0],
      rule: { type: 'number', max: 500 },
      message: 'At most 500 without a manager.',
      block: true,
    });
    expect(saved.checks[1]).toEqual({
      id: 'check',
      field: {},
      rule: { type: 'required' },
      message: '',
    });
  });
});

/** Chooses `value` in a select, as a person does. */
async function choose(select: HTMLSelectElement, value: string) {
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** The draft last handed to saveDraft, once it satisfies `check`. */
async function lastSaved<T>(deps: ReturnType<typeof fakeDeps>, check: (aid: T) => void) {
  await waitFor(() => {
    expect(deps.saveDraft).toHaveBeenCalled();
    check(deps.saveDraft.mock.calls.at(-1)![1] as T);
  }, 3000);
  return deps.saveDraft.mock.calls.at(-1)![1] as T;
}

describe('Editor: a field check’s condition on another field', () => {
  type Checks = Extract<Aid, { kind: 'checks' }>;
  const PHONE: Checks = {
    id: 'contact-checks',
    kind: 'checks',
    title: 'Contact checks',
    match: { urls: ['https://crm.example.com/contacts/new'] },
    checks: [
      {
        id: 'phone',
        field: { label: 'Phone' },
        rule: { type: 'required' },
        message: 'Enter their phone number.',
      },
    ],
  };
  const openChecks = (over = {}) =>
    open(authoringAid({ key: 'my-aids/contact-checks', published: PHONE }), {
      appTabs: async () => [
        { id: 7, title: 'New contact', url: 'https://crm.example.com/contacts/new' },
      ],
      ...over,
    });

  it('turns a condition on, picks the other field on the page and sets its rule', async () => {
    const picked = { label: 'Preferred channel', role: 'combobox', css: '#channel' };
    const { deps } = await openChecks({
      pick: async () => ({
        target: picked,
        description: { tag: 'select', role: 'combobox', name: 'Preferred channel' },
        url: 'https://crm.example.com/contacts/new',
      }),
    });
    expect(document.getElementById('aid-checks-0-when')).toBeNull();
    await click(byLabel('Apply only while another field has a given value'));
    const group = document.getElementById('aid-checks-0-when')!;
    expect(group.querySelector('legend')?.textContent).toBe('Check 1: the condition');
    const other = document.getElementById('aid-checks-0-when-field')!;
    expect(other.querySelector('legend')?.textContent).toBe('Check 1 condition: the other field');
    await click(button('Pick on page', other));
    expect(deps.pick).toHaveBeenCalledWith(7);
    expect(other.querySelector('[role="status"]')?.textContent).toBe(
      'Captured: combobox “Preferred channel”',
    );
    await choose(byLabel<HTMLSelectElement>('Check 1 condition: the value'), 'oneOf');
    await type(byLabel('Check 1 condition: values'), 'Phone, SMS,');
    const saved = await lastSaved<Checks>(deps, (a) =>
      expect(a.checks[0]!.when?.rule).toEqual({ type: 'oneOf', values: ['Phone', 'SMS'] }),
    );
    expect(saved.checks[0]).toEqual({
      ...PHONE.checks[0],
      when: { field: picked, rule: { type: 'oneOf', values: ['Phone', 'SMS'] } },
    });
    // The check's own rule is untouched by the condition's.
    expect(byLabel<HTMLSelectElement>('Check 1: the value').value).toBe('required');

    // Unticked, the condition goes from the aid.
    await click(byLabel('Apply only while another field has a given value'));
    expect(document.getElementById('aid-checks-0-when')).toBeNull();
    await lastSaved<Checks>(deps, (a) => expect(a.checks[0]).not.toHaveProperty('when'));
  });

  it('says next to the condition’s fields what is wrong with them', async () => {
    await openChecks();
    await click(byLabel('Apply only while another field has a given value'));
    // A condition just turned on has no field yet.
    const other = document.getElementById('aid-checks-0-when-field')!;
    expect(other.textContent).toContain('a target needs at least one signal');
    await type(byLabel('Label', other), 'Notes');
    expect(other.textContent).not.toContain('a target needs at least one signal');
    await choose(byLabel<HTMLSelectElement>('Check 1 condition: the value'), 'pattern');
    const pattern = byLabel('Check 1 condition: pattern');
    await type(pattern, '(\\w+\\s?)*');
    expect(pattern.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(pattern)).toContain('refused:');
    expect(document.querySelector('.problems')?.textContent).toContain(
      'Check 1 condition rule pattern: refused:',
    );
    // And the check's own fields say theirs.
    const message = byLabel('Check 1: message');
    await type(message, '');
    expect(descriptionOf(message)).toContain('must not be empty');
  });
});

describe('Editor: a walkthrough step’s pages', () => {
  type Walkthrough = Extract<Aid, { kind: 'walkthrough' }>;
  const MOVE: Walkthrough = {
    id: 'move-home',
    kind: 'walkthrough',
    title: 'Move home',
    match: { urls: ['https://portal.example.com/*'] },
    steps: [
      { id: 'open-form', text: 'Open Change your address.' },
      { id: 'postcode', text: 'Enter the new Postcode.', target: { label: 'Postcode' } },
    ],
  };
  const openWalkthrough = () => open(authoringAid({ key: 'my-aids/move-home', published: MOVE }));

  it('takes URL patterns one per line and saves them as the step’s urls', async () => {
    const { deps } = await openWalkthrough();
    const pages = byLabel<HTMLTextAreaElement>('Step 2: pages it is on');
    expect(pages.value).toBe('');
    await type(
      pages,
      ' https://portal.example.com/billing/address\n\nhttps://portal.example.com/billing/*/edit \n',
    );
    const saved = await lastSaved<Walkthrough>(deps, (a) => expect(a.steps[1]!.urls).toBeDefined());
    expect(saved.steps).toEqual([
      MOVE.steps[0],
      {
        ...MOVE.steps[1],
        urls: [
          'https://portal.example.com/billing/address',
          'https://portal.example.com/billing/*/edit',
        ],
      },
    ]);
    // Emptied, the step is on every page of the walkthrough again.
    await type(pages, '\n');
    await lastSaved<Walkthrough>(deps, (a) => expect(a.steps[1]).not.toHaveProperty('urls'));
  });

  it('says next to the field which pattern is not a URL pattern', async () => {
    await openWalkthrough();
    const pages = byLabel<HTMLTextAreaElement>('Step 1: pages it is on');
    await type(pages, 'https://portal.example.com/\nportal.example.com/billing');
    expect(pages.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(pages)).toContain('invalid URL pattern "portal.example.com/billing"');
    await type(pages, 'https://portal.example.com/');
    expect(pages.getAttribute('aria-invalid')).toBeNull();
  });

  it('keeps a published step’s id when its text changes; a new step’s id follows its text', async () => {
    // An id made from the text, as the editor makes it: it would follow a new text.
    const published = {
      ...MOVE,
      steps: [{ id: 'open-the-form', text: 'Open the form' }, MOVE.steps[1]!],
    };
    const { deps } = await open(authoringAid({ key: 'my-aids/move-home', published }));
    await type(byLabel<HTMLTextAreaElement>('Step 1 text'), 'Open Change your address');
    const saved = await lastSaved<Walkthrough>(deps, (a) =>
      expect(a.steps[0]!.text).toBe('Open Change your address'),
    );
    // Events already name this step by its id.
    expect(saved.steps[0]!.id).toBe('open-the-form');
    await click(button('Add a step'));
    await type(byLabel<HTMLTextAreaElement>('Step 3 text'), 'Save the address');
    const added = await lastSaved<Walkthrough>(deps, (a) => expect(a.steps).toHaveLength(3));
    expect(added.steps[2]!.id).toBe('save-the-address');
  });

  it('is not offered for a checklist’s steps', async () => {
    await open();
    expect(() => byLabel('Step 1: pages it is on')).toThrow('no label');
  });
});

describe('Editor: keywords', () => {
  it('saves comma-separated keywords as a list, and leaves them out when emptied', async () => {
    const { deps } = await open();
    const keywords = byLabel('Keywords');
    await type(keywords, 'change of address,  moving house , ');
    const saved = await lastSaved<Aid>(deps, (a) => expect(a.keywords).toBeDefined());
    expect(saved).toEqual({ ...CHECKLIST, keywords: ['change of address', 'moving house'] });
    // What the author typed stays as typed while it says the same.
    expect(keywords.value).toBe('change of address,  moving house , ');
    await type(keywords, ' , ');
    await lastSaved<Aid>(deps, (a) => expect(a).not.toHaveProperty('keywords'));
  });

  it('names the keyword that is too long, and says when there are too many', async () => {
    await open();
    const keywords = byLabel('Keywords');
    const long = 'x'.repeat(61);
    await type(keywords, `moving, ${long}`);
    expect(keywords.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(keywords)).toContain(
      `keyword 2 (“${'x'.repeat(30)}…”) is too long: 61 characters, at most 60`,
    );
    expect(document.querySelector('.problems')?.textContent).toContain('Keyword 2: keyword 2');
    const many = Array.from({ length: 21 }, (_, i) => `word ${i + 1}`).join(', ');
    await type(keywords, many);
    expect(descriptionOf(keywords)).toContain('at most 20 keywords: there are 21');
    await type(keywords, 'moving');
    expect(keywords.getAttribute('aria-invalid')).toBeNull();
  });

  it('is in the form of every kind of aid', async () => {
    const kinds: Aid[] = [
      {
        id: 'tip',
        kind: 'tip',
        title: 'Tip',
        match: { urls: ['https://portal.example.com/*'] },
        target: { label: 'Postcode' },
        text: 'Like SW1A 1AA.',
        keywords: ['postcode'],
      },
      {
        id: 'walk',
        kind: 'walkthrough',
        title: 'Walk',
        match: { urls: ['https://portal.example.com/*'] },
        steps: [{ id: 'a', text: 'A' }],
        keywords: ['moving', 'new home'],
      },
      {
        id: 'checks',
        kind: 'checks',
        title: 'Checks',
        match: { urls: ['https://portal.example.com/*'] },
        checks: [{ id: 'a', field: { label: 'A' }, rule: { type: 'required' }, message: 'A' }],
        keywords: ['email'],
      },
    ];
    for (const aid of kinds) {
      await open(authoringAid({ key: `my-aids/${aid.id}`, published: aid }));
      expect(byLabel('Keywords').value).toBe(aid.keywords!.join(', '));
      cleanup?.();
      cleanup = null;
    }
  });
});
