/**
 * Acme Energy Agent Workspace: the "New service request" screen. Shoelace provides the form
 * controls; the workspace adds two components of its own, written the way product teams
 * write them: an address card with an open shadow root (holding Shoelace inputs, so the
 * native field is two shadow roots deep) and an account number field with a closed root.
 */

const addressStyles = `
  :host { display: block; }
  .card { border: 1px solid var(--sl-color-neutral-200); border-radius: 8px; padding: 14px 16px;
    background: var(--sl-color-neutral-50); }
  .head { display: flex; align-items: baseline; justify-content: space-between; margin-bottom: 10px; }
  .title { font-weight: 600; color: var(--sl-color-neutral-800); }
  .meta { font-size: 12px; color: var(--sl-color-neutral-500); }
  .grid { display: grid; grid-template-columns: 1fr 2fr; gap: 12px; }
`;

/** The supply address on file, with the fields an agent corrects (open shadow root). */
class AcmeAddressCard extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>${addressStyles}</style>
      <div class="card" part="card">
        <div class="head">
          <span class="title">Address on the account</span>
          <span class="meta">Last changed 12 Mar 2025</span>
        </div>
        <div class="grid">
          <sl-input name="postcode" label="Postcode" autocomplete="off" placeholder="e.g. LS1 4AP"></sl-input>
          <sl-input name="house" label="House number or name" autocomplete="off"></sl-input>
        </div>
      </div>`;
  }

  /** The card's values, for the request summary. */
  get values() {
    const get = (name) => this.shadowRoot?.querySelector(`[name="${name}"]`)?.value ?? '';
    return { postcode: get('postcode'), house: get('house') };
  }
}

const accountStyles = `
  :host { display: block; margin-top: 14px; }
  label { display: block; font-size: var(--sl-input-label-font-size-medium, 16px);
    margin-bottom: var(--sl-spacing-3x-small, 2px); color: var(--sl-input-label-color, #3f3f46); }
  .box { display: flex; align-items: center; gap: 8px; }
  input { font: inherit; font-size: 16px; height: 40px; padding: 0 12px; width: 16ch;
    letter-spacing: 0.08em; border: 1px solid var(--sl-input-border-color, #d4d4d8);
    border-radius: var(--sl-input-border-radius-medium, 4px); background: #fff; color: #27272a; }
  input:focus { outline: none; border-color: var(--sl-color-primary-600, #0284c7);
    box-shadow: 0 0 0 3px var(--sl-color-primary-100, #e0f2fe); }
  .hint { font-size: 13px; color: var(--sl-color-neutral-500, #71717a); }
`;

/**
 * The customer's account number. A closed shadow root, as some design systems ship them, so
 * nothing outside sees the input; form-associated so that Clear empties it with the form.
 */
class AcmeAccountField extends HTMLElement {
  static formAssociated = true;
  #internals = this.attachInternals();
  #input;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'closed' });
    root.innerHTML = `
      <style>${accountStyles}</style>
      <label for="account">Account number</label>
      <div class="box">
        <input id="account" name="account_number" inputmode="numeric" autocomplete="off"
          maxlength="12" aria-describedby="account-hint">
        <span class="hint" id="account-hint">10 digits, top right of the bill</span>
      </div>`;
    this.#input = root.querySelector('input');
    this.#input.addEventListener('input', () => this.#internals.setFormValue(this.#input.value));
  }

  get value() {
    return this.#input.value;
  }

  formResetCallback() {
    this.#input.value = '';
    this.#internals.setFormValue('');
  }
}

customElements.define('acme-address-card', AcmeAddressCard);
customElements.define('acme-account-field', AcmeAccountField);

// The address lookup is a third party's page on its own origin, on this server's port.
const lookup = document.getElementById('address-lookup');
lookup.src = `${location.protocol}//lookup.localhost:${location.port}/address.html`;

const form = document.getElementById('service-request');
const confirmation = document.getElementById('confirmation');

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The card's fields live in its shadow root, outside the form's reach: clear them with it.
form.addEventListener('reset', () => {
  for (const input of form
    .querySelector('acme-address-card')
    .shadowRoot.querySelectorAll('sl-input')) {
    input.value = '';
  }
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const required = [...form.querySelectorAll('sl-input[required], sl-select[required]')];
  const invalid = required.find((el) => !el.checkValidity());
  if (invalid) {
    invalid.reportValidity();
    return;
  }
  const data = new FormData(form);
  const type = form.querySelector('sl-select[name="request_type"]');
  const reference = `SR-${Math.floor(100000 + Math.random() * 900000)}`;
  const address = form.querySelector('acme-address-card').values;
  confirmation.innerHTML = `
    <h2>Service request ${reference} logged</h2>
    <p>${escapeHtml(type.selectedOptions?.[0]?.getTextLabel?.() ?? type.value)} for
      <strong>${escapeHtml(data.get('customer_name') ?? '')}</strong>${
        address.postcode ? `, ${escapeHtml(address.postcode)}` : ''
      }${data.get('urgent') ? ' · <span class="urgent">Urgent</span>' : ''}.</p>
    <p>Read the reference to the customer. A confirmation email is on its way${
      data.get('email') ? ` to ${escapeHtml(data.get('email'))}` : ''
    }.</p>
    <sl-button variant="default" id="another">New request</sl-button>`;
  form.hidden = true;
  confirmation.hidden = false;
  confirmation.querySelector('#another').addEventListener('click', () => {
    form.reset();
    confirmation.hidden = true;
    form.hidden = false;
  });
});
