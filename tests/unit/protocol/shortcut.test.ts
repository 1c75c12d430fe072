import { describe, expect, it } from 'vitest';
import { Settings } from '../../../src/protocol/settings';
import { parseShortcut, shortcutOf } from '../../../src/protocol/shortcut';

describe('parseShortcut', () => {
  it('writes a shortcut one way: modifiers in order, then the key in capitals', () => {
    expect(parseShortcut('shift+alt+h')).toEqual({ shortcut: 'Alt+Shift+H' });
    expect(parseShortcut(' Alt + ctrl + 7 ')).toEqual({ shortcut: 'Ctrl+Alt+7' });
    expect(parseShortcut('Meta+Shift+F2')).toEqual({ shortcut: 'Meta+Shift+F2' });
  });

  it('refuses what typing would trigger, what the browser keeps, and what is not a key', () => {
    expect(parseShortcut('Shift+H')).toEqual({ problem: expect.stringContaining('needs Alt') });
    expect(parseShortcut('H')).toEqual({ problem: expect.stringContaining('needs Alt') });
    expect(parseShortcut('Ctrl+T')).toEqual({
      problem: expect.stringContaining('Ctrl without Alt'),
    });
    expect(parseShortcut('Alt+Shift+I')).toEqual({ problem: 'Alt+Shift+I is the browser’s own' });
    expect(parseShortcut('Alt+F')).toEqual({ problem: 'Alt+F is the browser’s own' });
    expect(parseShortcut('Hyper+H')).toEqual({ problem: expect.stringContaining('"Hyper"') });
    expect(parseShortcut('Alt+Enter')).toEqual({ problem: expect.stringContaining('"ENTER"') });
    expect(parseShortcut('Alt+F13')).toEqual({ problem: expect.stringContaining('"F13"') });
  });

  it('is what the settings keep, with the problem as the error', () => {
    expect(Settings.shape.helpShortcut.parse('alt+shift+j')).toBe('Alt+Shift+J');
    expect(Settings.shape.helpShortcut.parse('')).toBe('');
    expect(Settings.shape.helpShortcut.parse(undefined)).toBe('Alt+Shift+H');
    const bad = Settings.shape.helpShortcut.safeParse('Ctrl+W');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('Ctrl without Alt');
  });
});

describe('shortcutOf', () => {
  const press = (init: KeyboardEventInit) => shortcutOf({ ...init } as KeyboardEvent);

  it('writes a key press as the settings write a shortcut, by the key’s place', () => {
    expect(press({ code: 'KeyH', altKey: true, shiftKey: true })).toBe('Alt+Shift+H');
    expect(press({ code: 'Digit7', altKey: true, ctrlKey: true })).toBe('Ctrl+Alt+7');
    expect(press({ code: 'F2', metaKey: true })).toBe('Meta+F2');
    expect(press({ code: 'KeyH' })).toBe('H');
  });
});
