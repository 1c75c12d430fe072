/**
 * The help panel's list (../protocol/help.ts): the aids whose URL patterns name the page's
 * host, for this person (audience), in pack and author order, with their texts as plain text.
 */
import { inAudience, type Viewer } from '../aids/audience';
import { plainText } from '../aids/markdown';
import type { Aid } from '../aids/schema';
import { matchesUrl } from '../aids/url-match';
import type { HelpEntry, HelpKind } from '../protocol/help';
import { candidateAids, packOrder } from './lookup';

/** Characters of one text kept for searching and showing: a step's worth. */
const TEXT_CHARS = 400;

function textsOf(aid: Aid): string[] {
  const texts: string[] = [];
  if ('description' in aid && aid.description) texts.push(aid.description);
  if (aid.kind === 'tip') texts.push(aid.text);
  if (aid.kind === 'checklist' || aid.kind === 'walkthrough') {
    for (const step of aid.steps) texts.push(step.text);
  }
  return texts.map((t) => plainText(t).slice(0, TEXT_CHARS)).filter(Boolean);
}

type Db = Parameters<typeof candidateAids>[0];

/** The rows the help panel lists for `url` and `viewer`: candidates by host, in order. */
async function listed(db: Db, url: string, viewer: Viewer) {
  return (await candidateAids(db, url)).filter(
    (row) => row.aid.kind !== 'checks' && inAudience(row.aid.audience, viewer),
  );
}

/** True if the help panel has something to list on `url` (the page lookup asks, cached). */
export async function hasHelp(db: Db, url: string, viewer: Viewer): Promise<boolean> {
  return (await listed(db, url, viewer)).length > 0;
}

export async function helpEntries(db: Db, url: string, viewer: Viewer): Promise<HelpEntry[]> {
  const rows = (await listed(db, url, viewer)).sort(packOrder);
  return rows.map(({ key, aid }) => ({
    key,
    kind: aid.kind as HelpKind,
    title: aid.title,
    texts: textsOf(aid),
    keywords: aid.keywords ?? [],
    here: matchesUrl(aid.match, url),
  }));
}
