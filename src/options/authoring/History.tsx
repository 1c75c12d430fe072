/**
 * The published versions of an aid, newest first: what changed in each, how it differs
 * from the draft, and "Restore as draft".
 */
import { useState } from 'preact/hooks';
import type { AidVersionSummary } from '../../protocol/authoring';
import { describeChanges } from './diff';
import { shortDate } from './editor-model';

function Changes({ lines, empty }: { lines: string[]; empty: string }) {
  if (!lines.length) return <p class="muted">{empty}</p>;
  return (
    <ul class="changes">
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

export function History({
  history,
  draft,
  canRestore,
  onRestore,
}: {
  history: AidVersionSummary[];
  draft: unknown;
  canRestore: boolean;
  onRestore(rev: number): Promise<void>;
}) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState<number | null>(null);
  const versions = [...history].sort((a, b) => b.rev - a.rev);
  const toggle = (key: string) => setOpen((o) => ({ ...o, [key]: !o[key] }));

  if (!versions.length) {
    return <p class="muted">Not published yet: versions appear here once you publish.</p>;
  }

  return (
    <ol class="history" reversed>
      {versions.map((v, i) => {
        const previous = versions[i + 1];
        const changesId = `aid-version-${v.rev}-changes`;
        const draftId = `aid-version-${v.rev}-draft`;
        const date = new Date(v.publishedAt);
        return (
          <li key={v.rev}>
            <h3>
              Version {v.rev}{' '}
              <span class="muted">
                — <time dateTime={date.toISOString()}>{shortDate(v.publishedAt)}</time>
                {v.note ? ` — ${v.note}` : ''}
              </span>
            </h3>
            <div class="row">
              <button
                type="button"
                class="secondary"
                aria-expanded={!!open[changesId]}
                aria-controls={changesId}
                onClick={() => toggle(changesId)}
              >
                Show changes<span class="visually-hidden"> in version {v.rev}</span>
              </button>
              <button
                type="button"
                class="secondary"
                aria-expanded={!!open[draftId]}
                aria-controls={draftId}
                onClick={() => toggle(draftId)}
              >
                Compare with the draft<span class="visually-hidden"> (version {v.rev})</span>
              </button>
              {canRestore && (
                <button
                  type="button"
                  class="secondary"
                  disabled={busy !== null}
                  onClick={async () => {
                    setBusy(v.rev);
                    try {
                      await onRestore(v.rev);
                    } finally {
                      setBusy(null);
                    }
                  }}
                >
                  {busy === v.rev ? 'Restoring…' : 'Restore as draft'}
                  <span class="visually-hidden"> (version {v.rev})</span>
                </button>
              )}
            </div>
            <div id={changesId} hidden={!open[changesId]}>
              {open[changesId] &&
                (previous ? (
                  <Changes
                    lines={describeChanges(previous.aid, v.aid)}
                    empty={`Same as version ${previous.rev}.`}
                  />
                ) : (
                  <p class="muted">The first version.</p>
                ))}
            </div>
            <div id={draftId} hidden={!open[draftId]}>
              {open[draftId] && (
                <>
                  <p class="muted">From version {v.rev} to the draft:</p>
                  <Changes lines={describeChanges(v.aid, draft)} empty="The draft is the same." />
                </>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
