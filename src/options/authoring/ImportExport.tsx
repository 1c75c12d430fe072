/**
 * Pack files in and out of the aid list. Import is all or nothing: the background checks
 * the whole file and either installs it or names every problem by its JSON path. Export
 * writes the chosen aids' published versions as one pack file.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Id } from '../../aids/schema';
import type { Problem } from '../../aids/validate';
import type { AuthoringListItem } from '../../protocol/authoring';
import { downloadText } from '../ask';
import type { AuthoringDeps } from './deps';

export type ReadText = (file: File) => Promise<string>;
export type SaveFile = (fileName: string, text: string) => void;

/** What the background accepts in one import message. */
const MAX_IMPORT_CHARS = 5_000_000;
/** A report longer than this lists the first ones and says how many more there are. */
const MAX_LISTED_PROBLEMS = 200;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const readFileText: ReadText = (file) => file.text();

/** Offers `text` as a download named `fileName`. */
export const downloadFile: SaveFile = (fileName, text) =>
  downloadText(fileName, text, 'application/json');

/** A pack file as the export writes it: two-space indents and a final newline. */
export function packFileText(pack: unknown): string {
  return `${JSON.stringify(pack, null, 2)}\n`;
}

interface Note {
  text: string;
  error?: boolean;
}

export function ImportPanel({
  id,
  deps,
  onImported,
  readText = readFileText,
}: {
  id: string;
  deps: AuthoringDeps;
  onImported(): Promise<void> | void;
  readText?: ReadText;
}) {
  const input = useRef<HTMLInputElement>(null);
  const reportHeading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note | null>(null);
  const [report, setReport] = useState<{ fileName: string; problems: Problem[] } | null>(null);

  // Opened on purpose: the file field is what the author came for.
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (report) reportHeading.current?.focus();
  }, [report]);

  const importFile = async (file: File) => {
    setReport(null);
    setBusy(true);
    setNote({ text: `Importing ${file.name}…` });
    try {
      const text = await readText(file);
      if (text.length > MAX_IMPORT_CHARS) {
        setNote({
          text: `${file.name} is too large to import: a pack file may have 5 million characters at most.`,
          error: true,
        });
        return;
      }
      const result = await deps.importPack(text);
      if (!result.ok) {
        setNote(null);
        setReport({ fileName: file.name, problems: result.problems });
        return;
      }
      setNote({
        text:
          result.status === 'unchanged'
            ? `Already installed: ${result.packId} ${result.version}, nothing changed.`
            : `Imported “${result.packId}” version ${result.version}: ${plural(result.aids, 'aid', 'aids')}.`,
      });
      await onImported();
    } catch (e) {
      setNote({ text: `Could not import ${file.name}: ${(e as Error).message}`, error: true });
    } finally {
      setBusy(false);
      // The same file can be chosen again after it was fixed.
      if (input.current) input.current.value = '';
    }
  };

  const problems = report?.problems ?? [];
  return (
    <section id={id} class="aids-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Import a pack file</h2>
      <p class="help" id={`${id}-help`}>
        A pack file is the JSON file an export or the pack tools write. It is imported whole or not
        at all; its aids can then be edited like your own.
      </p>
      <div class="field">
        <label for={`${id}-file`}>Pack file (JSON)</label>
        <input
          ref={input}
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          aria-describedby={`${id}-help`}
          disabled={busy}
          onChange={(e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) void importFile(file);
          }}
        />
      </div>
      <p class={note?.error ? 'note error' : 'note'} role="status">
        {note?.text ?? ''}
      </p>
      {report && (
        <div class="import-report">
          <h3 ref={reportHeading} tabIndex={-1}>
            Nothing was imported: {plural(problems.length, 'problem', 'problems')} in{' '}
            {report.fileName}
          </h3>
          <p>Fix the file where each path points, then import it again.</p>
          <ul class="problems">
            {problems.slice(0, MAX_LISTED_PROBLEMS).map((p, i) => (
              <li key={i}>
                <code>{p.path || '(file)'}</code> {p.message}
              </li>
            ))}
          </ul>
          {problems.length > MAX_LISTED_PROBLEMS && (
            <p>And {problems.length - MAX_LISTED_PROBLEMS} more.</p>
          )}
        </div>
      )}
    </section>
  );
}

export function ExportPanel({
  id,
  deps,
  items,
  shown,
  selected,
  onSelect,
  save = downloadFile,
}: {
  id: string;
  deps: AuthoringDeps;
  /** Every aid, in list order: the pack file keeps that order. */
  items: AuthoringListItem[];
  /** The aids the filters show, for "Select all shown". */
  shown: AuthoringListItem[];
  selected: ReadonlySet<string>;
  onSelect(next: ReadonlySet<string>): void;
  save?: SaveFile;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [packId, setPackId] = useState('exported-aids');
  const [title, setTitle] = useState('Exported aids');
  const [idError, setIdError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note | null>(null);

  useEffect(() => heading.current?.focus(), []);

  // Only published versions can be exported: a never-published aid is skipped.
  const keys = items.filter((i) => i.published && selected.has(i.key)).map((i) => i.key);
  const publishable = shown.filter((i) => i.published);

  const exportPack = async (event: Event) => {
    event.preventDefault();
    const idCheck = Id.safeParse(packId.trim());
    setIdError(idCheck.success ? null : 'Use a lower-case id: a-z, 0-9, “.”, “_” or “-”.');
    if (!idCheck.success) {
      document.getElementById(`${id}-pack-id`)?.focus();
      return;
    }
    if (!keys.length) {
      setNote({ text: 'Select at least one published aid in the list below.', error: true });
      return;
    }
    setBusy(true);
    setNote({ text: 'Exporting…' });
    try {
      const { pack, fileName } = await deps.exportPack(
        keys,
        idCheck.data,
        title.trim() || undefined,
      );
      save(fileName, packFileText(pack));
      setNote({ text: `Exported ${plural(keys.length, 'aid', 'aids')} to ${fileName}.` });
    } catch (e) {
      setNote({ text: `Could not export: ${(e as Error).message}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id={id} class="aids-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Export aids
      </h2>
      <p class="help">
        Tick the aids to export in the list below. The file holds their published versions; drafts
        are not exported.
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={!publishable.length}
          onClick={() => onSelect(new Set([...selected, ...publishable.map((i) => i.key)]))}
        >
          Select all shown
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!selected.size}
          onClick={() => onSelect(new Set())}
        >
          Clear the selection
        </button>
      </div>
      <form onSubmit={(e) => void exportPack(e)} noValidate>
        <fieldset>
          <legend>Pack file</legend>
          <div class="field">
            <label for={`${id}-pack-id`}>Pack id</label>
            <input
              id={`${id}-pack-id`}
              type="text"
              value={packId}
              maxLength={64}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={idError ? true : undefined}
              aria-describedby={idError ? `${id}-pack-id-error` : `${id}-pack-id-help`}
              onInput={(e) => setPackId((e.currentTarget as HTMLInputElement).value)}
            />
            {idError ? (
              <p id={`${id}-pack-id-error`} class="field-error">
                {idError}
              </p>
            ) : (
              <p id={`${id}-pack-id-help`} class="help">
                Lower-case letters, digits, “.”, “_” or “-”.
              </p>
            )}
          </div>
          <div class="field">
            <label for={`${id}-title`}>Pack title</label>
            <input
              id={`${id}-title`}
              type="text"
              value={title}
              maxLength={120}
              onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Export selected ({keys.length})
          </button>
          <p class={note?.error ? 'note error' : 'note'} role="status">
            {note?.text ?? ''}
          </p>
        </div>
      </form>
    </section>
  );
}
