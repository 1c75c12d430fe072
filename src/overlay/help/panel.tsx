/**
 * The help panel: a searchable list of every aid of the app the person is on (checklists,
 * walkthroughs and tips), read from the background's store (help.list), so it works offline.
 * An aid on this page can be shown from it: a walkthrough starts, a tip opens, a checklist
 * takes focus. Non-modal: the page stays usable; Escape or Close puts focus back where it was.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { askBackground } from '../../protocol/client';
import type { HelpEntry, HelpList } from '../../protocol/help';
import { byPerson } from '../person';
import helpCss from './help.css?inline';
import { searchHelp } from './search';
import type { HelpModule, HelpProps } from './types';

const KIND: Record<HelpEntry['kind'], { name: string; action: string }> = {
  checklist: { name: 'Checklist', action: 'Show' },
  walkthrough: { name: 'Walkthrough', action: 'Start' },
  tip: { name: 'Tip', action: 'Show' },
};

const ID = 'inflow-help';

/** What the list says above its results. */
function countLine(list: HelpList | 'failed' | null, shown: number, query: string): string {
  if (list === null) return 'Loading…';
  if (list === 'failed') return 'The list could not be loaded. Try again in a moment.';
  if (list.paused) return 'Inflow is paused on this site.';
  if (list.entries.length === 0) return 'No aids for this app yet.';
  const aids = (n: number) => `${n} ${n === 1 ? 'aid' : 'aids'}`;
  if (!query.trim()) return `${aids(shown)} for this app`;
  return shown
    ? `${aids(shown)} found for “${query.trim()}”`
    : `Nothing found for “${query.trim()}”`;
}

function HelpPanel({ shortcut, url, opened, reveal, close }: HelpProps) {
  const [list, setList] = useState<HelpList | 'failed' | null>(null);
  const [query, setQuery] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);

  // Asked again on every page of the app: what is on this page changes.
  useEffect(() => {
    let current = true;
    askBackground({ type: 'help.list' }).then(
      (answer) => current && setList(answer),
      () => current && setList('failed'),
    );
    return () => {
      current = false;
    };
  }, [url]);
  // The person asked for the panel: focus goes to its search, each time.
  useEffect(() => {
    search.current?.focus();
  }, [opened]);

  const results = list && list !== 'failed' ? searchHelp(list.entries, query) : [];
  const show = (entry: HelpEntry) => {
    if (reveal(entry.key)) close(false);
    else {
      setProblem(
        `“${entry.title}” cannot be shown right now: ${entry.kind === 'tip' ? 'its field is' : 'what it needs is'} not on the page.`,
      );
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    close(true);
  };

  return (
    <div class="help" role="dialog" aria-labelledby={`${ID}-title`} onKeyDown={onKey}>
      <div class="help-head">
        <h2 id={`${ID}-title`}>Help for this app</h2>
        <button type="button" class="link" onClick={byPerson(() => close(true))}>
          Close
        </button>
      </div>
      <label for={`${ID}-search`}>Search checklists, walkthroughs and tips</label>
      <input
        id={`${ID}-search`}
        ref={search}
        type="search"
        autocomplete="off"
        spellcheck={false}
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setProblem(null);
        }}
      />
      <p class="help-count" aria-live="polite">
        {countLine(list, results.length, query)}
      </p>
      {problem && <p class="help-problem">{problem}</p>}
      {results.length > 0 && (
        <ul class="help-list">
          {results.map(({ entry, passage }) => {
            const kind = KIND[entry.kind];
            return (
              <li key={entry.key}>
                <div class="help-item">
                  <h3>{entry.title}</h3>
                  <span class="help-kind">{kind.name}</span>
                </div>
                {passage && <p class="help-passage">{passage}</p>}
                {entry.here ? (
                  <button
                    type="button"
                    aria-label={`${kind.action} ${kind.name.toLowerCase()}: ${entry.title}`}
                    onClick={byPerson(() => show(entry))}
                  >
                    {kind.action}
                  </button>
                ) : (
                  <p class="help-where">On another page of this app</p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {shortcut && (
        <p class="help-foot">
          Open this list from any page of the app with <kbd>{shortcut}</kbd>.
        </p>
      )}
    </div>
  );
}

export const helpPanel: HelpModule = {
  view: (props) => <HelpPanel {...props} />,
  styles: [helpCss],
};
