/**
 * "Report a problem", offered by every aid so that staff can tell its authors that it is
 * wrong or out of date. A disclosure button opens a small form; what the person writes is
 * recorded as an aid_feedback event in their own words, and only ever rendered as text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { byPerson, usePersonText } from '../person';
import type { SessionEnv } from './types';

const MAX = 1000;
export const THANKS = 'Thanks — the authors will see this.';
export const CHANGED =
  'The page changed your comment: it shows your words again. Nothing was sent.';

interface Props {
  env: SessionEnv;
  aidKey: string;
  title: string;
  /** Base of the form's element ids. */
  id: string;
  /** Told when the form opens or closes: a tip stays open while its form is. */
  onOpen?(open: boolean): void;
}

export function Feedback({ env, aidKey, title, id, onOpen }: Props) {
  const [open, setOpen] = useState(false);
  const comment = usePersonText();
  const [sent, setSent] = useState(false);
  const [changed, setChanged] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(false);
  // Focus goes to the comment when the form opens, and back to the button when it closes.
  useEffect(() => {
    onOpen?.(open);
    if (open) field.current?.focus();
    else if (wasOpen.current) button.current?.focus({ preventScroll: true });
    wasOpen.current = open;
  }, [open]);
  const close = () => {
    setOpen(false);
    setChanged(false);
    comment.clear();
  };
  /** Send, clicked by the person (or Enter on it): records their words, and only theirs. */
  const send = () => {
    if (!comment.shown(field.current)) {
      // A script changed the comment: show the person's own words again and send nothing.
      comment.restore(field.current);
      setChanged(true);
      env.announce(CHANGED);
      return;
    }
    const text = comment.text.trim();
    env.record({ type: 'aid_feedback', aidKey, ...(text ? { comment: text } : {}) });
    env.announce(THANKS);
    setSent(true);
    close();
  };
  const formId = `${id}-fb`;
  return (
    <div class="fb">
      <button
        ref={button}
        type="button"
        class="link"
        aria-expanded={open}
        aria-controls={open ? formId : undefined}
        onClick={byPerson(() => {
          setSent(false);
          if (open) close();
          else setOpen(true);
        })}
      >
        Report a problem
      </button>
      {sent && <span class="fb-note">{THANKS}</span>}
      {open && (
        <form
          id={formId}
          class="mini-form"
          aria-label={`Report a problem: ${title}`}
          // Sending is the Send button's click: a script can submit a form, but not click.
          onSubmit={(e) => e.preventDefault()}
          onKeyDown={byPerson((e) => {
            // Escape cancels the form only, not whatever the page does with it.
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            close();
          })}
        >
          <label for={`${formId}-text`}>What is wrong? (optional)</label>
          <textarea
            ref={field}
            id={`${formId}-text`}
            rows={3}
            maxLength={MAX}
            {...comment.field}
            aria-describedby={`${formId}-count`}
          />
          <span id={`${formId}-count`} class="fb-count">
            {comment.text.length} of {MAX} characters
          </span>
          {changed && <span class="fb-note">{CHANGED}</span>}
          <span class="row">
            <button type="submit" class="primary" onClick={byPerson(send)}>
              Send
            </button>
            <button type="button" onClick={byPerson(close)}>
              Cancel
            </button>
          </span>
        </form>
      )}
    </div>
  );
}
