// @vitest-environment happy-dom
/**
 * The "Report a problem" control on its own: what it records, what Escape does, and that
 * the person's words are only ever text.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANGED, Feedback, THANKS } from '../../../src/overlay/kinds/feedback';
import type { SessionEnv } from '../../../src/overlay/kinds/types';
import { asPerson, personClick, personKey, personType } from './person-events';

let root: HTMLElement;
let env: SessionEnv;
let onOpen: ReturnType<typeof vi.fn<(open: boolean) => void>>;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  env = { record: vi.fn(), announce: vi.fn() } as unknown as SessionEnv;
  onOpen = vi.fn<(open: boolean) => void>();
  act(() => {
    render(
      <Feedback env={env} aidKey="crm/new" title="New contact" id="crm-new" onOpen={onOpen} />,
      root,
    );
  });
});

afterEach(() => {
  render(null, root);
  root.remove();
});

const button = () => root.querySelector<HTMLButtonElement>('.fb > button')!;
const textarea = () => root.querySelector('textarea');
const sendButton = () => root.querySelector<HTMLButtonElement>('form button[type=submit]')!;
const type = (text: string) => act(() => personType(textarea()!, text));
const open = () => act(() => personClick(button()));
const send = () => act(() => personClick(sendButton()));

describe('Feedback', () => {
  it('opens a labelled form, focused on the comment, with a counter', () => {
    expect(button().getAttribute('aria-expanded')).toBe('false');
    open();
    expect(button().getAttribute('aria-expanded')).toBe('true');
    const form = root.querySelector('form')!;
    expect(form.getAttribute('aria-label')).toBe('Report a problem: New contact');
    expect(button().getAttribute('aria-controls')).toBe(form.id);
    expect(document.activeElement).toBe(textarea());
    expect(textarea()!.maxLength).toBe(1000);
    type('abc');
    expect(
      root.querySelector(`#${textarea()!.getAttribute('aria-describedby')}`)?.textContent,
    ).toBe('3 of 1000 characters');
    expect(onOpen).toHaveBeenLastCalledWith(true);
  });

  it('Send records the trimmed comment, thanks, and gives focus back', () => {
    open();
    type('  <img src=x onerror=alert(1)> wrong  ');
    send();
    expect(env.record).toHaveBeenCalledWith({
      type: 'aid_feedback',
      aidKey: 'crm/new',
      comment: '<img src=x onerror=alert(1)> wrong',
    });
    expect(env.announce).toHaveBeenCalledWith(THANKS);
    expect(root.querySelector('form')).toBeNull();
    expect(root.textContent).toContain(THANKS);
    expect(document.activeElement).toBe(button());
    expect(root.querySelector('img')).toBeNull();
  });

  it('without a comment records the report alone', () => {
    open();
    send();
    expect(env.record).toHaveBeenCalledWith({ type: 'aid_feedback', aidKey: 'crm/new' });
  });

  it('Escape cancels: nothing recorded, the text forgotten, focus back on the button', () => {
    open();
    type('half a thought');
    const pageSaw = vi.fn();
    document.addEventListener('keydown', pageSaw);
    act(() => personKey(textarea()!, 'Escape'));
    document.removeEventListener('keydown', pageSaw);
    expect(pageSaw).not.toHaveBeenCalled();
    expect(root.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(button());
    expect(env.record).not.toHaveBeenCalled();
    expect(onOpen).toHaveBeenLastCalledWith(false);
    open();
    expect(textarea()!.value).toBe('');
  });

  describe('acts on a person only', () => {
    it('a script cannot open the form, send it, or submit it', () => {
      act(() => button().click());
      expect(root.querySelector('form')).toBeNull();
      open();
      act(() => sendButton().click());
      act(() => root.querySelector('form')!.requestSubmit());
      act(() => {
        root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
      });
      expect(env.record).not.toHaveBeenCalled();
      expect(root.querySelector('form')).not.toBeNull();
    });

    it('takes no words a script wrote, with or without an input event', () => {
      open();
      type('the form is out of date');
      // A script's input event, and a trusted one that no beforeinput announced (execCommand).
      act(() => {
        textarea()!.value = 'refund approved by supervisor';
        textarea()!.dispatchEvent(new InputEvent('input', { bubbles: true }));
      });
      expect(textarea()!.value).toBe('the form is out of date');
      act(() => {
        textarea()!.value = 'refund approved by supervisor';
        textarea()!.dispatchEvent(asPerson(new InputEvent('input', { bubbles: true })));
      });
      expect(textarea()!.value).toBe('the form is out of date');
      send();
      expect(env.record).toHaveBeenCalledWith({
        type: 'aid_feedback',
        aidKey: 'crm/new',
        comment: 'the form is out of date',
      });
    });

    it('sends nothing when a script set the text silently, and shows the person’s own again', () => {
      open();
      type('mine');
      textarea()!.value = 'refund approved by supervisor';
      send();
      expect(env.record).not.toHaveBeenCalled();
      expect(textarea()!.value).toBe('mine');
      expect(root.textContent).toContain(CHANGED);
      send();
      expect(env.record).toHaveBeenCalledWith({
        type: 'aid_feedback',
        aidKey: 'crm/new',
        comment: 'mine',
      });
    });
  });
});
