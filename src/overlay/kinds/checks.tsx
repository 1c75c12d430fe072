/**
 * Field checks: rules on a form's fields, checked when the person leaves a field (or commits
 * a choice) and when the form is saved. A failing check shows its message next to the field,
 * describes the field for assistive technology (aria-describedby to a hidden note in the
 * field's own tree, aria-invalid) and is announced politely; as soon as the field is
 * corrected, the message goes. A blocking check stops the save (the form's submit, or a click
 * on the aid's `submit` button) while it fails; the person can correct the fields or save
 * anyway with a reason.
 *
 * Inflow never stops a form on what it cannot judge: a field it cannot find or read, a rule
 * it cannot evaluate (a pattern before the engine is loaded, a date not written YYYY-MM-DD).
 * Events carry the check's id and the person's reason, never a value.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { composedContains, innerField } from '../../aids/composed';
import { conditionVerdict, ruleVerdict, type Verdict } from '../../aids/field-rules';
import { patternVerdict } from '../../aids/regex-slot';
import type { ChecksAid, FieldCheck } from '../../aids/schema';
import { isRendered } from '../../aids/target';
import { readValue } from '../../aids/values';
import type { ActiveAid, AidStatus } from '../../protocol/messages';
import { eventWithin, type PageChange } from '../dom-watch';
import { byPerson, usePersonText } from '../person';
import { domId } from '../views/dom-id';
import checksCss from './checks.css?inline';
import type { AidController, AidKindModule, SessionEnv, Views } from './types';
import { useAnchored } from './use-anchored';

/** One check on the page. */
interface CheckState {
  readonly check: FieldCheck;
  /** The field as its target found it this pass (rendered), or null. */
  field: Element | null;
  /** The person left the field, committed a choice in it, or tried to save. */
  touched: boolean;
  /** Its message is shown. */
  failing: boolean;
  /** The hidden note that describes the field while the check fails, and where it is tied. */
  tied: { note: Element; field: Element; invalidSet: boolean } | null;
}

/** A save the checks stopped. */
interface Stopped {
  /** What to do again once the person saves anyway. */
  again: () => void;
  /** What the notice is placed next to. */
  anchor: Element;
}

/** The element a value is read from and a description is tied to: a component's inner field. */
const fieldOf = (el: Element) => innerField(el) ?? el;

export class ChecksController implements AidController {
  readonly key: string;
  readonly aid: ChecksAid;
  visible = false;
  readonly states: CheckState[];
  stopped: Stopped | null = null;
  /** The next save goes through unchecked: the person chose to save anyway. */
  private letThrough = false;
  private shown = false;
  private missing = 0;
  /** The save button (`submit`) as found this pass. */
  private button: Element | null = null;
  private readonly abort = new AbortController();

  constructor(
    active: ActiveAid & { aid: ChecksAid },
    readonly env: SessionEnv,
  ) {
    this.key = active.key;
    this.aid = active.aid;
    this.states = active.aid.checks.map((check) => ({
      check,
      field: null,
      touched: false,
      failing: false,
      tied: null,
    }));
    env.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    const opts = { capture: true, signal: this.abort.signal };
    // Capturing on the window: before the app's own submit and click handlers.
    window.addEventListener('submit', (e) => this.onSubmit(e as SubmitEvent), opts);
    window.addEventListener('click', (e) => this.onClick(e), opts);
    // Leaving a field: only pages with field checks listen (the session's watcher does not).
    document.addEventListener('focusout', (e) => this.onLeave(e), opts);
  }

  /** The verdict of a check on the page as it is: null when Inflow cannot judge. */
  verdict(s: CheckState): Verdict {
    if (!s.field?.isConnected) return null;
    const { when } = s.check;
    if (when) {
      const other = this.env.resolve(when.field).element;
      const value = other && readValue(other);
      if (value === null || value === undefined) return null;
      const applies = conditionVerdict(when.rule, value, new Date(), patternVerdict);
      // The check does not apply: it passes. Unknown whether it applies: nothing is said.
      if (applies !== true) return applies === false ? true : null;
    }
    const value = readValue(s.field);
    return value === null ? null : ruleVerdict(s.check.rule, value, new Date(), patternVerdict);
  }

  update(change: PageChange): void {
    const { env } = this;
    let found = 0;
    let missing = 0;
    let changed = false;
    for (const s of this.states) {
      const r = env.resolve(s.check.field);
      const field = r.element && isRendered(r.element) ? r.element : null;
      const gone = !r.element && env.settled;
      if (gone) missing++;
      env.reportTarget(this.key, s.check.id, s.check.field, r, gone);
      if (field) found++;
      if (field !== s.field) {
        s.field = field;
        changed = true;
      }
      // A choice committed (a list, a checkbox) counts as leaving the field.
      if (field && !s.touched) {
        s.touched = change.events.some((e) => e.type === 'change' && eventWithin(e, field));
      }
    }
    for (const s of this.states) if (s.failing) this.retie(s);
    if (this.aid.submit) this.button = env.resolve(this.aid.submit).element;
    this.missing = missing;
    const visible = found > 0;
    if (visible && !this.shown) {
      this.shown = true;
      env.record({ type: 'aid_shown', aidKey: this.key });
    }
    if (visible !== this.visible) {
      this.visible = visible;
      changed = true;
    }
    if (this.refresh() || changed) env.render();
  }

  /**
   * Shows and hides messages as the checks now stand, recording each change; closes the
   * stopped-save notice once nothing blocks. True if anything changed.
   */
  private refresh(): boolean {
    let changed = false;
    for (const s of this.states) {
      const verdict = s.touched ? this.verdict(s) : null;
      const failing = verdict === false;
      if (failing === s.failing) continue;
      changed = true;
      s.failing = failing;
      if (failing) {
        this.env.record({ type: 'check_failed', aidKey: this.key, stepId: s.check.id });
        this.env.announce(s.check.message);
        this.tie(s);
      } else {
        if (verdict === true) {
          this.env.record({ type: 'check_passed', aidKey: this.key, stepId: s.check.id });
        }
        this.untie(s);
      }
    }
    if (this.stopped && this.blocking().length === 0) {
      this.stopped = null;
      this.env.announce('Corrected: you can save now.');
      changed = true;
    }
    return changed;
  }

  /** Checks that block saving and fail now. */
  blocking(): CheckState[] {
    return this.states.filter((s) => s.check.block && s.failing);
  }

  /** Ties the message to its field: a hidden note in the field's tree, aria-describedby. */
  private tie(s: CheckState): void {
    if (!s.field || s.tied) return;
    const field = fieldOf(s.field);
    const root = field.getRootNode();
    const parent = root instanceof ShadowRoot ? root : field.ownerDocument.body;
    if (!parent) return;
    const note = field.ownerDocument.createElement('span');
    note.id = `inflow-check-${domId(this.key)}-${domId(s.check.id)}`;
    note.hidden = true;
    // A page's CSS may show what `hidden` hides (span { display: inline !important }).
    note.style.setProperty('display', 'none', 'important');
    note.textContent = s.check.message;
    parent.append(note);
    const ids = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    field.setAttribute('aria-describedby', [...ids, note.id].join(' '));
    const invalidSet = !field.hasAttribute('aria-invalid');
    if (invalidSet) field.setAttribute('aria-invalid', 'true');
    s.tied = { note, field, invalidSet };
  }

  /**
   * Ties a failing check again where the page undid it: its field was rendered anew, or the
   * app's own render rewrote aria-describedby (React does, for fields it describes itself).
   */
  private retie(s: CheckState): void {
    const tied = s.tied;
    if (!tied || !s.field) return;
    const ids = (tied.field.getAttribute('aria-describedby') ?? '').split(/\s+/);
    if (tied.field === fieldOf(s.field) && tied.note.isConnected && ids.includes(tied.note.id)) {
      return;
    }
    this.untie(s);
    this.tie(s);
  }

  private untie(s: CheckState): void {
    const tied = s.tied;
    if (!tied) return;
    s.tied = null;
    tied.note.remove();
    const ids = (tied.field.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id && id !== tied.note.id);
    if (ids.length) tied.field.setAttribute('aria-describedby', ids.join(' '));
    else tied.field.removeAttribute('aria-describedby');
    if (tied.invalidSet) tied.field.removeAttribute('aria-invalid');
  }

  /**
   * The person left a field: its checks are judged from now on. The event's path reaches into
   * open shadow roots; a field in a closed one is left when focus leaves its host.
   */
  private onLeave(e: Event): void {
    const path = e.composedPath();
    const from = path[0];
    let left = false;
    for (const s of this.states) {
      const field = s.field;
      if (!field || s.touched) continue;
      if (path.includes(field) || (from instanceof Node && composedContains(from, field))) {
        s.touched = true;
        left = true;
      }
    }
    if (left && this.refresh()) this.env.render();
  }

  /** A form is submitted: check the fields inside it. */
  private onSubmit(e: SubmitEvent): void {
    const form = e.target;
    if (!(form instanceof Element)) return;
    const inside = this.states.filter((s) => s.field && composedContains(form, s.field));
    if (inside.length === 0) return;
    const submitter = e.submitter;
    this.check(e, inside, submitter ?? form, () => {
      const f = form as HTMLFormElement;
      if (!f.isConnected) return;
      try {
        f.requestSubmit(submitter?.isConnected ? submitter : undefined);
      } catch {
        f.requestSubmit();
      }
    });
  }

  /**
   * A click on the save button (`submit`): check every field of the aid. A click on a form's
   * submit button: check the fields of that form, before the click does anything (so that a
   * stopped save is not a click the page or a checklist's `clicked` rule acts on).
   */
  private onClick(e: Event): void {
    const path = e.composedPath();
    const button = this.button;
    if (button?.isConnected && path.includes(button)) {
      this.check(e, this.states, button, () => {
        if (button.isConnected) (button as HTMLElement).click();
      });
      return;
    }
    const submit = path.find(
      (n): n is HTMLButtonElement | HTMLInputElement =>
        n instanceof HTMLButtonElement || n instanceof HTMLInputElement,
    );
    const form = submit?.type === 'submit' && !submit.disabled ? submit.form : null;
    if (!submit || !form) return;
    const inside = this.states.filter((s) => s.field && composedContains(form, s.field));
    if (inside.length === 0) return;
    this.check(e, inside, submit, () => {
      if (submit.isConnected) submit.click();
    });
  }

  /** Checks `states` now, as the save `e` is dispatched; stops it while a blocking check fails. */
  private check(e: Event, states: CheckState[], anchor: Element, again: () => void): void {
    // Saving anyway: the click, and the submit it causes, go through.
    if (this.letThrough) return;
    for (const s of states) s.touched = true;
    const changed = this.refresh();
    const blocking = states.filter((s) => s.check.block && s.failing);
    if (blocking.length > 0) {
      e.preventDefault();
      e.stopImmediatePropagation();
      this.stopped = { again, anchor };
      const n = blocking.length;
      this.env.announce(
        `Not saved: ${n === 1 ? '1 field needs' : `${n} fields need`} correcting. ${blocking.map((s) => s.check.message).join(' ')}`,
      );
      this.env.render();
    } else if (changed) this.env.render();
  }

  /** The person saves anyway: the reason is recorded for each blocking check, then the save runs. */
  saveAnyway(reason: string): void {
    const stopped = this.stopped;
    if (!stopped) return;
    for (const s of this.blocking()) {
      this.env.record({
        type: 'check_overridden',
        aidKey: this.key,
        stepId: s.check.id,
        reason,
      });
    }
    this.stopped = null;
    this.env.render();
    // The save runs now, synchronously: its click and submit come back through the
    // listeners, which let them pass; nothing later passes unchecked.
    this.letThrough = true;
    try {
      stopped.again();
    } finally {
      this.letThrough = false;
    }
  }

  /** The person closes the notice to correct the fields: focus goes to the first of them. */
  closeNotice(): void {
    const first = this.blocking()[0]?.field;
    const stopped = this.stopped;
    this.stopped = null;
    this.env.render();
    const to = first ? fieldOf(first) : stopped?.anchor;
    if (to instanceof HTMLElement) to.focus();
  }

  leave(): null {
    return null;
  }

  views(): Views {
    const messages = this.states
      .filter((s) => s.failing && s.field)
      .map((s) => <CheckMessage key={s.check.id} text={s.check.message} field={s.field!} />);
    return {
      float: (
        <>
          {messages}
          {this.stopped && <StoppedNotice c={this} stopped={this.stopped} />}
        </>
      ),
    };
  }

  status(): AidStatus {
    return {
      key: this.key,
      title: this.aid.title,
      kind: 'checks',
      done: this.states.filter((s) => s.touched && !s.failing).length,
      skipped: 0,
      total: this.states.length,
      missing: this.missing,
    };
  }

  targets(): Element[] {
    return this.states.flatMap((s) => (s.failing && s.field ? [s.field] : []));
  }

  dispose(): void {
    this.abort.abort();
    for (const s of this.states) this.untie(s);
  }
}

/**
 * A failing check's message, under its field. Hidden from assistive technology: the field's
 * description (aria-describedby) and the announcement already say it.
 */
function CheckMessage({ text, field }: { text: string; field: Element }) {
  const ref = useAnchored<HTMLDivElement>(field, 'bottom', 4);
  return (
    <div ref={ref} class="check-msg" aria-hidden="true">
      <span class="check-icon">!</span>
      {text}
    </div>
  );
}

/** The notice of a stopped save: what blocks it, and saving anyway with a reason. */
function StoppedNotice({ c, stopped }: { c: ChecksController; stopped: Stopped }) {
  // Under the save button, where it covers none of the fields above it (above when no room).
  const ref = useAnchored<HTMLDivElement>(stopped.anchor, 'bottom', 8);
  // Only what the person typed: a page's script cannot write the reason (../person.ts).
  const reason = usePersonText();
  const [asked, setAsked] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = `${domId(c.key)}-stopped`;
  useEffect(() => {
    ref.current?.focus();
  }, [stopped]);
  const blocking = c.blocking();
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      c.closeNotice();
    }
  };
  const submit = byPerson((e: Event) => {
    e.preventDefault();
    if (!reason.shown(input.current)) {
      // A script changed the field since the person typed: their words come back, unsent.
      reason.restore(input.current);
      return;
    }
    const text = reason.text.trim();
    if (text === '') {
      setAsked(true);
      input.current?.focus();
      return;
    }
    c.saveAnyway(text);
  });
  const missing = asked && reason.text.trim() === '';
  return (
    <div
      ref={ref}
      class="check-stop"
      role="dialog"
      aria-labelledby={`${id}-title`}
      tabIndex={-1}
      onKeyDown={onKey}
    >
      <h2 id={`${id}-title`}>Not saved yet</h2>
      <ul>
        {blocking.map((s) => (
          <li key={s.check.id}>
            <button
              type="button"
              class="link"
              onClick={byPerson(() => s.field && (fieldOf(s.field) as HTMLElement).focus())}
            >
              {s.check.message}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit}>
        <label for={`${id}-reason`}>Or say why it is right as it is, and save anyway:</label>
        <textarea
          id={`${id}-reason`}
          ref={input}
          rows={2}
          maxLength={500}
          {...reason.field}
          aria-invalid={missing ? 'true' : undefined}
          aria-describedby={missing ? `${id}-need` : undefined}
        />
        {missing && (
          <p id={`${id}-need`} class="check-need">
            Write a reason to save anyway.
          </p>
        )}
        <div class="check-actions">
          <button type="submit">Save anyway</button>
          <button type="button" onClick={byPerson(() => c.closeNotice())}>
            Correct the fields
          </button>
        </div>
      </form>
    </div>
  );
}

export const checksKind: AidKindModule<ChecksAid> = {
  kind: 'checks',
  create: (active, env) => new ChecksController(active, env),
  styles: [checksCss],
};
