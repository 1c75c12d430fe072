/**
 * Why an aid would or would not apply to a URL, in words, for the authors' URL tester. The
 * verdict uses the same matching as the lookup (matchesUrl, inAudience), so the tester can
 * never disagree with what staff see; this module only finds the words for it.
 *
 * DOM conditions (`match.when`) depend on the page, which the tester does not have: they are
 * listed as reasons ("Also needs on the page: …") and do not change the verdict.
 */
import { inAudience, type Viewer } from './audience';
import type { Aid, DomCondition, Target } from './schema';
import { compileUrlPattern, matchesUrl, testUrlPattern } from './url-match';

export interface MatchExplanation {
  applies: boolean;
  /** Why it does not apply, then the conditions that only the page can tell. */
  reasons: string[];
}

/** The prefix of every reason that only the page can check. */
export const PAGE_CONDITION = 'Also needs on the page: ';

const quoted = (patterns: readonly string[]) => patterns.map((p) => `"${p}"`).join(', ');

/**
 * One target in words, from the signals an author wrote: "a button named “Save”",
 * "an element matching "#save"". `none` gives the negative: "no button named “Save”".
 */
export function describeTarget(target: Target, none = false): string {
  const noun = target.role ?? (target.label ? 'field' : 'element');
  const article = none ? 'no' : /^[aeiou]/i.test(noun) ? 'an' : 'a';
  const parts = [`${article} ${noun}`];
  if (target.css) parts.push(`matching "${target.css}"`);
  if (target.name) parts.push(`named “${target.name}”`);
  if (target.label) parts.push(`labelled “${target.label}”`);
  if (target.text) parts.push(`with the text “${target.text}”`);
  if (target.attrs) {
    const attrs = Object.entries(target.attrs).map(([k, v]) => `[${k}="${v}"]`);
    parts.push(`with ${attrs.join('')}`);
  }
  if (target.within) parts.push(`inside "${target.within}"`);
  return parts.join(' ');
}

function describeCondition(condition: DomCondition): string {
  switch (condition.type) {
    case 'present':
      return `${PAGE_CONDITION}${describeTarget(condition.target)}`;
    case 'absent':
      return `${PAGE_CONDITION}${describeTarget(condition.target, true)}`;
    case 'text':
      return `${PAGE_CONDITION}${describeTarget(condition.target)} containing “${condition.contains}”`;
  }
}

/** Why the URL part of the rule fails, or [] when it holds. */
function urlReasons(aid: Aid, url: string): string[] {
  const { urls, exclude = [] } = aid.match;
  const reasons: string[] = [];
  const invalid = [...urls, ...exclude].filter((p) => compileUrlPattern(p) instanceof Error);
  for (const p of invalid) reasons.push(`URL pattern "${p}" is not valid and never matches`);
  if (!urls.some((p) => testUrlPattern(p, url))) {
    reasons.push(
      urls.length === 1
        ? `its URL pattern ${quoted(urls)} does not match`
        : `none of its URL patterns matches: ${quoted(urls)}`,
    );
    return reasons;
  }
  const excludedBy = exclude.find((p) => testUrlPattern(p, url));
  if (excludedBy) reasons.push(`excluded by the pattern "${excludedBy}"`);
  return reasons;
}

/** Why the audience leaves the viewer out, one reason per list that does. */
function audienceReasons(aid: Aid, viewer: Viewer): string[] {
  const { roles, teams, locales } = aid.audience ?? {};
  const reasons: string[] = [];
  if (roles?.length && !inAudience({ roles }, viewer)) {
    const you = viewer.role ? `you are: ${viewer.role}` : 'no role set';
    reasons.push(`only for roles: ${roles.join(', ')}; ${you}`);
  }
  if (teams?.length && !inAudience({ teams }, viewer)) {
    const you = viewer.team ? `your team: ${viewer.team}` : 'no team set';
    reasons.push(`only for teams: ${teams.join(', ')}; ${you}`);
  }
  if (locales?.length && !inAudience({ locales }, viewer)) {
    const you = viewer.locale ? `your language: ${viewer.locale}` : 'no language set';
    reasons.push(`only for languages: ${locales.join(', ')}; ${you}`);
  }
  return reasons;
}

/** Whether `aid` applies to `url` for `viewer` (as far as the URL can tell), and why not. */
export function explainMatch(aid: Aid, url: string, viewer: Viewer): MatchExplanation {
  const applies = matchesUrl(aid.match, url) && inAudience(aid.audience, viewer);
  const reasons = applies ? [] : [...urlReasons(aid, url), ...audienceReasons(aid, viewer)];
  for (const condition of aid.match.when ?? []) reasons.push(describeCondition(condition));
  return { applies, reasons };
}
