/**
 * The help panel's keyboard shortcut (setting `helpShortcut`): written as "Alt+Shift+H",
 * modifiers first in the order Ctrl, Alt, Meta, Shift, then one key (A–Z, 0–9, F1–F12).
 * Keys are read by their place on the keyboard (`KeyboardEvent.code`), so the shortcut is the
 * same on every layout.
 */

/** The shortcut a key press makes, written as the setting writes it ("Alt+Shift+H"). */
export function shortcutOf(e: KeyboardEvent): string {
  const key = e.code.replace(/^(Key|Digit)/, '');
  return [e.ctrlKey && 'Ctrl', e.altKey && 'Alt', e.metaKey && 'Meta', e.shiftKey && 'Shift', key]
    .filter(Boolean)
    .join('+');
}

const MODIFIERS = ['Ctrl', 'Alt', 'Meta', 'Shift'] as const;
const KEY = /^([A-Z0-9]|F([1-9]|1[0-2]))$/;

/**
 * Shortcuts the browser keeps for itself (Chromium and Firefox on Windows and Linux), which
 * a page never sees or which would stop working: refused.
 */
const BROWSER_KEEPS = new Set([
  'Alt+D',
  'Alt+E',
  'Alt+F',
  'Alt+Shift+A',
  'Alt+Shift+B',
  'Alt+Shift+I',
  'Alt+Shift+T',
]);

/**
 * `text` as the canonical shortcut ("shift+alt+h" is "Alt+Shift+H"), or why it cannot be
 * one. Alt, Ctrl or Meta must be among its modifiers, so that typing never triggers it, and
 * Ctrl without Alt is refused: the browser uses most of those.
 */
export function parseShortcut(text: string): { shortcut: string } | { problem: string } {
  const parts = text.split('+').map((p) => p.trim());
  const key = parts.pop()!.toUpperCase();
  const mods = new Set<string>();
  for (const p of parts) {
    const mod = MODIFIERS.find((m) => m.toLowerCase() === p.toLowerCase());
    if (!mod) return { problem: `"${p}" is not a modifier: use Ctrl, Alt, Meta or Shift` };
    mods.add(mod);
  }
  if (!KEY.test(key)) return { problem: `"${key}" is not a key: use A–Z, 0–9 or F1–F12` };
  if (!mods.has('Alt') && !mods.has('Ctrl') && !mods.has('Meta')) {
    return { problem: 'needs Alt, Ctrl or Meta, so that typing never opens the help panel' };
  }
  if (mods.has('Ctrl') && !mods.has('Alt')) {
    return { problem: 'Ctrl without Alt is the browser’s: add Alt (e.g. Ctrl+Alt+H)' };
  }
  const shortcut = [...MODIFIERS.filter((m) => mods.has(m)), key].join('+');
  if (BROWSER_KEEPS.has(shortcut)) return { problem: `${shortcut} is the browser’s own` };
  return { shortcut };
}

export const DEFAULT_HELP_SHORTCUT = 'Alt+Shift+H';
