// @vitest-environment happy-dom
/**
 * The "Report a problem" control on its own: what it records, what Escape does, and that
 * the person's words are only ever text.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Feedback, THANKS } from '../../../src/overlay/kinds/feedback';
import type { SessionEnv } from '../../../src/overlay/kinds/types';

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
const type = (text: string) =>
  act(() => {
    const field = textarea()!;
    field.value = text;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
const open = () => act(() => button().click());

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
    act(() => root.querySelector('form')!.requestSubmit());
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
    act(() => root.querySelector('form')!.requestSubmit());
    expect(env.record).toHaveBeenCalledWith({ type: 'aid_feedback', aidKey: 'crm/new' });
  });

  it('Escape cancels: nothing recorded, the text forgotten, focus back on the button', () => {
    open();
    type('half a thought');
    const escapeKey = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true });
    const pageSaw = vi.fn();
    document.addEventListener('keydown', pageSaw);
    act(() => {
      textarea()!.dispatchEvent(escapeKey);
    });
    document.removeEventListener('keydown', pageSaw);
    expect(pageSaw).not.toHaveBeenCalled();
    expect(root.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(button());
    expect(env.record).not.toHaveBeenCalled();
    expect(onOpen).toHaveBeenLastCalledWith(false);
    open();
    expect(textarea()!.value).toBe('');
  });
});
