import * as Checkbox from '@radix-ui/react-checkbox';
import * as Select from '@radix-ui/react-select';
import * as Switch from '@radix-ui/react-switch';
import { useState } from 'react';
import { REASONS } from './data.js';

const Check = () => (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
    <path d="M3 8.5 6.5 12 13 4.5" fill="none" stroke="currentColor" strokeWidth="2" />
  </svg>
);

const Chevron = () => (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
    <path d="m4 6 4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.8" />
  </svg>
);

/**
 * The "New contact" form. Contact reason is a Radix Select (a button with role combobox whose
 * options render in a portal at the end of the body) and Marketing consent a Radix Switch;
 * both are named only by aria-labelledby, as the design system does it.
 */
export function NewContact({ onSave, onCancel }) {
  const [reason, setReason] = useState('');
  const [verified, setVerified] = useState(false);
  const [marketing, setMarketing] = useState(false);
  const [reasonError, setReasonError] = useState(false);

  const submit = (event) => {
    event.preventDefault();
    if (!reason) {
      setReasonError(true);
      return;
    }
    const data = new FormData(event.currentTarget);
    onSave({
      name: String(data.get('full_name')).trim(),
      email: String(data.get('email')).trim(),
      phone: String(data.get('phone')).trim(),
      reason,
      marketing,
    });
  };

  return (
    <>
      <p className="crumbs">
        <a href="#/contacts">Contacts</a> / New
      </p>
      <div className="page-head">
        <h1>New contact</h1>
      </div>
      <form className="panel form" aria-label="New contact" onSubmit={submit}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="full-name">Full name</label>
            <input id="full-name" name="full_name" autoComplete="off" required />
          </div>
          <div className="field">
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="off" required />
          </div>
          <div className="field">
            <label htmlFor="phone">Phone</label>
            <input id="phone" name="phone" type="tel" autoComplete="off" />
            <span className="hint">Optional. Include the area code.</span>
          </div>
          <div className="field">
            <span className="label" id="reason-label">
              Contact reason
            </span>
            <Select.Root
              name="contact_reason"
              value={reason}
              onValueChange={(value) => {
                setReason(value);
                setReasonError(false);
              }}
            >
              <Select.Trigger
                className="select-trigger"
                id="contact-reason"
                aria-labelledby="reason-label"
                aria-invalid={reasonError || undefined}
                aria-describedby={reasonError ? 'reason-error' : undefined}
              >
                <Select.Value placeholder="Choose a reason" />
                <Select.Icon className="select-icon">
                  <Chevron />
                </Select.Icon>
              </Select.Trigger>
              <Select.Portal>
                <Select.Content className="select-content" position="popper" sideOffset={4}>
                  <Select.Viewport className="select-viewport">
                    {REASONS.map((r) => (
                      <Select.Item key={r.value} value={r.value} className="select-item">
                        <Select.ItemText>{r.label}</Select.ItemText>
                        <Select.ItemIndicator className="select-indicator">
                          <Check />
                        </Select.ItemIndicator>
                      </Select.Item>
                    ))}
                  </Select.Viewport>
                </Select.Content>
              </Select.Portal>
            </Select.Root>
            {reasonError ? (
              <span className="error" id="reason-error">
                Choose why the customer got in touch.
              </span>
            ) : null}
          </div>
        </div>

        <div className="toggles">
          <div className="toggle">
            <Checkbox.Root
              className="checkbox"
              id="identity-verified"
              name="identity_verified"
              checked={verified}
              onCheckedChange={(v) => setVerified(v === true)}
            >
              <Checkbox.Indicator className="checkbox-indicator">
                <Check />
              </Checkbox.Indicator>
            </Checkbox.Root>
            <label htmlFor="identity-verified">Caller identity verified</label>
          </div>
          <div className="toggle">
            <Switch.Root
              className="switch"
              id="marketing-consent"
              name="marketing_consent"
              aria-labelledby="marketing-label"
              aria-describedby="marketing-hint"
              checked={marketing}
              onCheckedChange={setMarketing}
            >
              <Switch.Thumb className="switch-thumb" />
            </Switch.Root>
            <span>
              <span id="marketing-label">Marketing consent</span>
              <span className="hint" id="marketing-hint">
                Only if the customer says yes to news and offers by email.
              </span>
            </span>
          </div>
        </div>

        <div className="form-actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn primary">
            Save
          </button>
        </div>
      </form>
    </>
  );
}
