/**
 * The help panel's search: every word typed must be found in an aid's title, keywords or
 * texts (accents and case ignored); matches in the title count most, then keywords, then
 * texts. An aid found by its texts shows the passage that matched.
 */
import type { HelpEntry } from '../../protocol/help';

export interface HelpResult {
  entry: HelpEntry;
  /**
   * The passage of a text that matched, when the title and keywords did not; otherwise the
   * start of the aid's first text (its description), which says what it is for.
   */
  passage: string | null;
}

/** Characters of a matching passage shown around the word found. */
const PASSAGE = 120;

/** Lower case without accents; one character in for one out, for the letters of most languages. */
export const fold = (text: string): string =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Up to PASSAGE characters of `text` around `at`, with an ellipsis where it was cut. */
function passageOf(text: string, at: number): string {
  if (text.length <= PASSAGE) return text;
  const start = Math.max(0, Math.min(at - PASSAGE / 3, text.length - PASSAGE));
  const cut = text.slice(start, start + PASSAGE).trim();
  return `${start > 0 ? '…' : ''}${cut}${start + PASSAGE < text.length ? '…' : ''}`;
}

/**
 * The entries that match `query`, best first; aids on this page before the others at equal
 * score, then the author's order. An empty query lists all, those on this page first.
 */
export function searchHelp(entries: readonly HelpEntry[], query: string): HelpResult[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const found: { result: HelpResult; score: number; order: number }[] = [];
  entries.forEach((entry, order) => {
    const title = fold(entry.title);
    const keywords = fold(entry.keywords.join(' '));
    const texts = entry.texts.map(fold);
    let score = 0;
    let passage: string | null = null;
    for (const word of words) {
      if (title.includes(word)) score += 3;
      else if (keywords.includes(word)) score += 2;
      else {
        const i = texts.findIndex((t) => t.includes(word));
        if (i < 0) return;
        score += 1;
        passage ??= passageOf(entry.texts[i]!, texts[i]!.indexOf(word));
      }
    }
    passage ??= entry.texts[0] ? passageOf(entry.texts[0], 0) : null;
    found.push({ result: { entry, passage }, score: score * 2 + (entry.here ? 1 : 0), order });
  });
  found.sort((a, b) => b.score - a.score || a.order - b.order);
  return found.map((f) => f.result);
}
