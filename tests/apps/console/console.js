// Contact centre console: a live call queue, a customer card web component and a wrap-up form.

// ---------------------------------------------------------------------------------------
// <customer-card>: a widget from another team, built as a web component with an open shadow root.

class CustomerCard extends HTMLElement {
  static observedAttributes = ['name', 'account', 'since', 'phone'];

  constructor() {
    super();
    this.verified = false;
    this.attachShadow({ mode: 'open' });
  }

  connectedCallback() {
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  render() {
    const text = (name) =>
      (this.getAttribute(name) ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    this.shadowRoot.innerHTML = `
      <style>
        :host { display: block; font: 14px/1.4 Inter, "Segoe UI", Roboto, system-ui, sans-serif; color: #1c2033; }
        .card { background: #fff; border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(20, 22, 60, .12); border-top: 4px solid #5b5bd6; }
        .top { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
        h2 { margin: 0; font-size: 15px; }
        .name { font-size: 20px; font-weight: 700; margin: 8px 0 2px; }
        dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 12px; font-size: 13px; }
        dt { color: #50557a; }
        dd { margin: 0; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-size: 12px; font-weight: 700; }
        .badge.pending { background: #fff1cc; color: #6b4a00; }
        .badge.ok { background: #dcf5e6; color: #115c32; }
        button { font: inherit; font-weight: 700; padding: 7px 14px; border-radius: 6px; border: 1px solid #4b4bc4; background: #fff; color: #3a3aa8; cursor: pointer; }
        button:hover { background: #f0f0ff; }
        button:disabled { border-color: #c5c7dc; color: #6b6f8f; background: #f4f5fa; cursor: default; }
        button:focus-visible { outline: 2px solid #5b5bd6; outline-offset: 2px; }
      </style>
      <section class="card" aria-labelledby="card-heading">
        <div class="top">
          <h2 id="card-heading">Customer</h2>
          ${
            this.verified
              ? '<span class="badge ok" id="verified-badge">Verified</span>'
              : '<span class="badge pending" id="unverified-badge">Not verified</span>'
          }
        </div>
        <p class="name" id="customer-name">${text('name')}</p>
        <dl>
          <dt>Account number</dt><dd id="account-number">${text('account')}</dd>
          <dt>Phone</dt><dd>${text('phone')}</dd>
          <dt>Customer since</dt><dd>${text('since')}</dd>
        </dl>
        <button type="button" id="verify-customer" part="verify-button" ${this.verified ? 'disabled' : ''}>Verify customer</button>
      </section>`;
    this.shadowRoot.getElementById('verify-customer').addEventListener('click', () => {
      this.verified = true;
      this.render();
      this.dispatchEvent(new CustomEvent('customer-verified', { bubbles: true, composed: true }));
    });
  }
}
customElements.define('customer-card', CustomerCard);

// ---------------------------------------------------------------------------------------
// Call queue: rows and wait timers change several times a second.

const CALLERS = [
  ['+44 20 7946 0311', 'Billing'],
  ['+44 161 496 0872', 'Faults'],
  ['+44 7700 900125', 'Moving home'],
  ['+44 113 496 0044', 'Billing'],
  ['+44 121 496 0530', 'Cancellations'],
  ['+44 117 496 0219', 'Faults'],
  ['+44 7700 900688', 'Billing'],
  ['+44 20 7946 0902', 'Complaints'],
  ['+44 131 496 0167', 'Moving home'],
  ['+44 7700 900471', 'Faults'],
];

const rowsEl = document.querySelector('[data-queue-rows]');
const countEl = document.querySelector('[data-queue-count]');
const longestEl = document.querySelector('[data-queue-longest]');
let nextCaller = 0;
const queue = [];

const mmss = (ms) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function addCall(waitedMs = 0) {
  const [number, line] = CALLERS[nextCaller++ % CALLERS.length];
  const urgent = line === 'Complaints' || line === 'Cancellations';
  const tr = document.createElement('tr');
  tr.dataset.new = '';
  tr.innerHTML = `<td>${number}</td><td>${line}</td><td><span class="sc-fjdhpX${urgent ? ' urgent' : ''}">${urgent ? 'High' : 'Normal'}</span></td><td><span class="sc-jzgbtB">0:00</span></td>`;
  const call = { since: Date.now() - waitedMs, tr, timer: tr.querySelector('.sc-jzgbtB') };
  queue.push(call);
  rowsEl.append(tr);
  setTimeout(() => delete tr.dataset.new, 1000);
}

function tick() {
  const now = Date.now();
  // Another agent answers the longest-waiting call now and then; new calls arrive.
  if (queue.length > 3 && Math.random() < 0.06) queue.shift().tr.remove();
  if (queue.length < 9 && Math.random() < 0.05) addCall();
  for (const call of queue) {
    const waited = now - call.since;
    call.timer.textContent = mmss(waited);
    call.timer.classList.toggle('long', waited > 120_000);
  }
  countEl.textContent = String(queue.length);
  longestEl.textContent = queue.length ? mmss(now - queue[0].since) : '0:00';
}

for (const waited of [184_000, 97_000, 41_000, 12_000, 3_000]) addCall(waited);
tick();
setInterval(tick, 200);

// ---------------------------------------------------------------------------------------
// Wrap-up

const form = document.getElementById('wrapup-form');
const acw = document.querySelector('[data-acw-timer]');
const acwStart = Date.now();
const acwInterval = setInterval(() => {
  acw.textContent = `After-call work ${mmss(Date.now() - acwStart)}`;
}, 1000);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearInterval(acwInterval);
  const slot = form.querySelector('[data-wrapup-status]');
  slot.innerHTML = '<p class="sc-gzOgki" id="wrapup-submitted" role="status">Wrap-up submitted</p>';
  document.getElementById('agent-status').value = 'Available';
});
