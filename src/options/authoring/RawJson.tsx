/**
 * The draft as JSON, for authors who prefer it: edits are checked as they are typed and
 * an edit that is valid replaces the form's draft.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../../aids/validate';
import { checkRawAid } from './raw-json';

const pretty = (aid: unknown) => JSON.stringify(aid, null, 2);

export function RawJson({
  draft,
  locked,
  onChange,
}: {
  draft: unknown;
  locked: boolean;
  onChange(aid: unknown): void;
}) {
  const [text, setText] = useState(() => pretty(draft));
  const [problems, setProblems] = useState<Problem[]>(() => {
    const r = checkRawAid(pretty(draft));
    return r.ok ? [] : r.problems;
  });

  const says = (t: string) => {
    try {
      return pretty(JSON.parse(t)) === pretty(draft);
    } catch {
      return false;
    }
  };
  const applied = says(text);

  // A change made elsewhere (a restore, a reload) shows here unless this text already says it.
  useEffect(() => {
    if (applied) return;
    const next = pretty(draft);
    const r = checkRawAid(next);
    setText(next);
    setProblems(r.ok ? [] : r.problems);
  }, [draft]);

  const edit = (next: string) => {
    setText(next);
    const result = checkRawAid(next);
    if (result.ok) {
      setProblems([]);
      onChange(result.aid);
    } else setProblems(result.problems);
  };

  const problemsId = 'aid-json-problems';
  return (
    <div class="raw-json">
      <div class="field">
        <label for="aid-json">The aid as JSON</label>
        <textarea
          id="aid-json"
          class="code"
          rows={24}
          spellcheck={false}
          readOnly={locked}
          value={text}
          aria-invalid={problems.length ? true : undefined}
          aria-describedby={`aid-json-hint${problems.length ? ` ${problemsId}` : ''}`}
          onInput={(e) => edit((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id="aid-json-hint" class="help">
          The format is described in the authoring guide. A change is applied to the form as soon as
          it is valid.
        </p>
      </div>
      <div id={problemsId} class={problems.length ? 'problems' : undefined}>
        {problems.length > 0 && (
          <>
            <p>
              {problems.length === 1 ? '1 problem' : `${problems.length} problems`}
              {applied
                ? ' to fix before publishing:'
                : '; this edit is not applied to the form until they are fixed:'}
            </p>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  {p.path ? <code>{p.path}</code> : null}
                  {p.path ? ': ' : ''}
                  {p.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
