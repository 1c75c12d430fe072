// Northwind CRM: a small single-page app with client-side routing.
//
// `?release=2` on any URL simulates the next release of the app: form fields get new ids
// and every generated class name changes, while labels, names and roles stay the same.
import { STYLES } from './styles.js';

const RELEASE = new URLSearchParams(location.search).get('release') === '2' ? 2 : 1;

// ---------------------------------------------------------------------------------------
// Generated class names

function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(6, '0').slice(-5);
}

/** The generated class name of a style key, e.g. cx('card') -> "c-x7f2a". */
function cx(...keys) {
  return keys
    .filter(Boolean)
    .map((k) => `c-${hash(`${RELEASE === 2 ? 'build-7.2' : 'build-7.1'}/${k}`)}`)
    .join(' ');
}

const style = document.createElement('style');
style.textContent = STYLES.replace(/\.\$([A-Za-z][\w-]*)/g, (_, key) => `.${cx(key)}`);
document.head.append(style);

// ---------------------------------------------------------------------------------------
// Field ids, which change between releases

const IDS =
  RELEASE === 2
    ? {
        search: 'header-search-input',
        firstName: 'contact-first-name-input',
        lastName: 'contact-last-name-input',
        email: 'contact-email-input',
        phone: 'contact-phone-input',
        channel: 'contact-channel-select',
        consent: 'contact-consent-checkbox',
        identity: 'contact-identity-checkbox',
        save: 'contact-save-button',
        security: 'case-security-checkbox',
        reason: 'case-reason-select',
        notes: 'case-notes-textarea',
        resolve: 'case-resolve-button',
      }
    : {
        search: 'global-search',
        firstName: 'first-name',
        lastName: 'last-name',
        email: 'email',
        phone: 'phone',
        channel: 'channel',
        consent: 'consent',
        identity: 'identity-confirmed',
        save: 'save-contact',
        security: 'security-passed',
        reason: 'call-reason',
        notes: 'case-notes',
        resolve: 'resolve-case',
      };

// ---------------------------------------------------------------------------------------
// Data (in memory; a reload starts afresh)

const contacts = [
  {
    id: 1001,
    first: 'Amelia',
    last: 'Hughes',
    email: 'amelia.hughes@example.com',
    phone: '+44 20 7946 0123',
    channel: 'Email',
    consent: true,
    account: 'NW-204118',
    since: '2019-04-12',
  },
  {
    id: 1002,
    first: 'Rohan',
    last: 'Mehta',
    email: 'r.mehta@example.net',
    phone: '+44 161 496 0457',
    channel: 'Phone',
    consent: true,
    account: 'NW-311907',
    since: '2021-09-30',
  },
  {
    id: 1003,
    first: 'Siobhan',
    last: 'Murphy',
    email: 'siobhan.murphy@example.org',
    phone: '+44 113 496 0782',
    channel: 'SMS',
    consent: false,
    account: 'NW-118345',
    since: '2016-02-08',
  },
  {
    id: 1004,
    first: 'Kwame',
    last: 'Asante',
    email: 'kwame.asante@example.com',
    phone: '+44 7700 900314',
    channel: 'SMS',
    consent: true,
    account: 'NW-402256',
    since: '2023-06-19',
  },
  {
    id: 1005,
    first: 'Tomasz',
    last: 'Nowak',
    email: 't.nowak@example.com',
    phone: '+44 121 496 0631',
    channel: 'Email',
    consent: true,
    account: 'NW-287710',
    since: '2020-11-02',
  },
  {
    id: 1006,
    first: 'Grace',
    last: 'Lim',
    email: 'grace.lim@example.net',
    phone: '+44 117 496 0948',
    channel: 'Phone',
    consent: false,
    account: 'NW-355021',
    since: '2022-01-25',
  },
  {
    id: 1007,
    first: 'Daniel',
    last: 'Okafor',
    email: 'daniel.okafor@example.org',
    phone: '+44 7700 900872',
    channel: 'Email',
    consent: true,
    account: 'NW-190482',
    since: '2018-07-14',
  },
  {
    id: 1008,
    first: 'Chloé',
    last: 'Dubois',
    email: 'chloe.dubois@example.com',
    phone: '+44 20 7946 0591',
    channel: 'Phone',
    consent: true,
    account: 'NW-420093',
    since: '2024-03-03',
  },
];

const cases = [
  {
    id: 5001,
    contactId: 1001,
    subject: 'Bill higher than expected',
    status: 'Open',
    priority: 'Normal',
    opened: '2025-05-02',
    reason: '',
    activity: [
      [
        '2025-05-02',
        'Customer called: April bill is £40 higher than usual. Meter reading requested.',
      ],
    ],
  },
  {
    id: 5002,
    contactId: 1001,
    subject: 'Direct Debit date change',
    status: 'Resolved',
    priority: 'Normal',
    opened: '2025-01-15',
    reason: 'Billing',
    activity: [
      ['2025-01-15', 'Moved Direct Debit from the 1st to the 15th.'],
      ['2025-01-15', 'Resolved by J. Okoro.'],
    ],
  },
  {
    id: 5003,
    contactId: 1002,
    subject: 'Broadband drops every evening',
    status: 'Open',
    priority: 'High',
    opened: '2025-05-06',
    reason: '',
    activity: [
      ['2025-05-06', 'Line test passed. Router restarted remotely.'],
      ['2025-05-07', 'Customer reports drops continued after 19:00.'],
    ],
  },
  {
    id: 5004,
    contactId: 1003,
    subject: 'Wants to cancel after price rise',
    status: 'Open',
    priority: 'High',
    opened: '2025-05-08',
    reason: '',
    activity: [['2025-05-08', 'Retention offer not yet made.']],
  },
  {
    id: 5005,
    contactId: 1004,
    subject: 'New SIM not activated',
    status: 'Resolved',
    priority: 'Normal',
    opened: '2025-04-21',
    reason: 'Technical fault',
    activity: [
      ['2025-04-21', 'SIM activated manually.'],
      ['2025-04-21', 'Resolved by M. Reyes.'],
    ],
  },
  {
    id: 5006,
    contactId: 1005,
    subject: 'Complaint about engineer visit',
    status: 'Open',
    priority: 'Normal',
    opened: '2025-05-03',
    reason: '',
    activity: [['2025-05-03', 'Engineer missed the morning slot.']],
  },
  {
    id: 5007,
    contactId: 1007,
    subject: 'Refund for double payment',
    status: 'Open',
    priority: 'Normal',
    opened: '2025-05-09',
    reason: '',
    activity: [['2025-05-09', 'Two payments of £32.50 on 1 May.']],
  },
  {
    id: 5008,
    contactId: 1008,
    subject: 'Moving home next month',
    status: 'Open',
    priority: 'Normal',
    opened: '2025-05-10',
    reason: '',
    activity: [['2025-05-10', 'Customer moving on 14 June; wants service at the new address.']],
  },
];

const CALL_REASONS = ['Billing', 'Technical fault', 'Cancellation', 'Complaint', 'Other'];
const CHANNELS = ['Email', 'Phone', 'SMS'];

// ---------------------------------------------------------------------------------------
// Helpers

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A same-app URL that keeps the release flag. */
function href(path) {
  if (RELEASE !== 2) return path;
  const url = new URL(path, location.origin);
  url.searchParams.set('release', '2');
  return url.pathname + url.search + url.hash;
}

const dateFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const fmtDate = (iso) => dateFmt.format(new Date(`${iso}T12:00:00`));
const fullName = (c) => `${c.first} ${c.last}`;
const contactById = (id) => contacts.find((c) => c.id === id);
const caseById = (id) => cases.find((c) => c.id === id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pill(status) {
  const kind = status === 'Resolved' ? 'pillResolved' : status === 'High' ? 'pillHigh' : 'pillOpen';
  return `<span class="${cx('pill', kind)}">${esc(status)}</span>`;
}

function pageHead(title, crumbs, extra = '') {
  const trail = crumbs.length
    ? `<nav aria-label="Breadcrumb"><ol class="${cx('crumbs')}">${crumbs
        .map(([text, to]) =>
          to
            ? `<li><a href="${href(to)}">${esc(text)}</a></li>`
            : `<li aria-current="page">${esc(text)}</li>`,
        )
        .join('')}</ol></nav>`
    : '';
  return `<div class="${cx('pageHead')}"><div>${trail}<h1 class="${cx('title')}" tabindex="-1">${esc(title)}</h1></div>${extra}</div>`;
}

// ---------------------------------------------------------------------------------------
// Views. Each returns { title, html, mount? }.

function viewContacts() {
  const q = (new URLSearchParams(location.search).get('q') ?? '').trim().toLowerCase();
  const rows = contacts.filter(
    (c) => !q || `${fullName(c)} ${c.email} ${c.account} ${c.phone}`.toLowerCase().includes(q),
  );
  const lastCase = (c) =>
    cases.filter((k) => k.contactId === c.id).sort((a, b) => b.opened.localeCompare(a.opened))[0];
  const body = rows.length
    ? `<table class="${cx('table')}">
        <caption class="visually-hidden">Contacts</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Account</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Last case</th></tr></thead>
        <tbody>${rows
          .map((c) => {
            const k = lastCase(c);
            return `<tr><td><a href="${href(`/contacts/${c.id}`)}">${esc(fullName(c))}</a></td><td>${esc(c.account)}</td><td>${esc(c.email)}</td><td>${esc(c.phone)}</td><td class="${cx('muted')}">${k ? esc(fmtDate(k.opened)) : '—'}</td></tr>`;
          })
          .join('')}</tbody>
      </table>`
    : `<p class="${cx('empty')}">No contacts match “${esc(q)}”.</p>`;
  return {
    title: 'Contacts',
    html: `${pageHead('Contacts', [], `<a class="${cx('btn', 'btnPrimary')}" href="${href('/contacts/new')}">New contact</a>`)}
      <div class="${cx('card')}">${q ? `<p class="${cx('help')}">Showing contacts matching “${esc(q)}”. <a href="${href('/')}">Show all</a></p>` : ''}${body}</div>`,
  };
}

function field(id, label, control, required = false) {
  return `<div class="${cx('field')}"><label for="${id}">${esc(label)}${required ? `<span class="${cx('req')}" aria-hidden="true">*</span>` : ''}</label>${control}</div>`;
}

function checkbox(id, name, label) {
  return `<div class="${cx('check')}"><input type="checkbox" id="${id}" name="${name}" value="yes"><label for="${id}">${esc(label)}</label></div>`;
}

function viewNewContact() {
  const options = CHANNELS.map((c) => `<option>${c}</option>`).join('');
  return {
    title: 'New contact',
    html: `${pageHead('New contact', [['Contacts', '/'], ['New contact']])}
      <form class="${cx('form')}" data-form="new-contact" aria-label="New contact">
        <section class="${cx('card')}" aria-labelledby="sec-verify">
          <h2 id="sec-verify" class="${cx('cardTitle')}">Caller verification</h2>
          <p class="${cx('help')}">Check the caller's full name, date of birth and first line of address before you create a record.</p>
          ${checkbox(IDS.identity, 'identity_confirmed', 'Identity confirmed with caller')}
        </section>
        <section class="${cx('card')}" aria-labelledby="sec-details">
          <h2 id="sec-details" class="${cx('cardTitle')}">Contact details</h2>
          <div class="${cx('grid2')}">
            ${field(IDS.firstName, 'First name', `<input type="text" id="${IDS.firstName}" name="first_name" autocomplete="off" required>`, true)}
            ${field(IDS.lastName, 'Last name', `<input type="text" id="${IDS.lastName}" name="last_name" autocomplete="off" required>`, true)}
            ${field(IDS.email, 'Email', `<input type="email" id="${IDS.email}" name="email" autocomplete="off">`)}
            ${field(IDS.phone, 'Phone', `<input type="tel" id="${IDS.phone}" name="phone" autocomplete="off">`)}
          </div>
        </section>
        <section class="${cx('card')}" aria-labelledby="sec-prefs">
          <h2 id="sec-prefs" class="${cx('cardTitle')}">Contact preferences</h2>
          <p class="${cx('quote')}">“Can Northwind contact you about your account, service changes and offers?”</p>
          ${checkbox(IDS.consent, 'consent', 'Customer consented to be contacted')}
          ${field(IDS.channel, 'Preferred channel', `<select id="${IDS.channel}" name="preferred_channel"><option value="">Choose…</option>${options}</select>`)}
        </section>
        <div class="${cx('actions')}">
          <a class="${cx('btn')}" href="${href('/')}">Cancel</a>
          <button type="submit" id="${IDS.save}" class="${cx('btn', 'btnPrimary')}">Save contact</button>
        </div>
      </form>`,
    mount(root) {
      const form = root.querySelector('form[data-form="new-contact"]');
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const id = Math.max(...contacts.map((c) => c.id)) + 1;
        contacts.push({
          id,
          first: String(data.get('first_name')).trim(),
          last: String(data.get('last_name')).trim(),
          email: String(data.get('email') ?? '').trim(),
          phone: String(data.get('phone') ?? '').trim(),
          channel: String(data.get('preferred_channel') ?? ''),
          consent: data.get('consent') === 'yes',
          account: `NW-${String(500000 + id).slice(-6)}`,
          since: new Date().toISOString().slice(0, 10),
        });
        navigate(`/contacts/${id}`);
        toast('Contact saved');
      });
    },
  };
}

async function viewContact(id) {
  await sleep(120); // the record is "fetched"
  const c = contactById(id);
  if (!c) return viewNotFound('Contact not found');
  const own = cases.filter((k) => k.contactId === id);
  const list = own.length
    ? `<table class="${cx('table')}">
        <caption class="visually-hidden">Cases for ${esc(fullName(c))}</caption>
        <thead><tr><th scope="col">Case</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Opened</th></tr></thead>
        <tbody>${own
          .map(
            (k) =>
              `<tr><td><a href="${href(`/cases/${k.id}`)}">Case ${k.id}</a></td><td>${esc(k.subject)}</td><td>${pill(k.status)}</td><td>${esc(fmtDate(k.opened))}</td></tr>`,
          )
          .join('')}</tbody></table>`
    : `<p class="${cx('empty')}">No cases yet.</p>`;
  return {
    title: fullName(c),
    html: `${pageHead(fullName(c), [['Contacts', '/'], [fullName(c)]])}
      <div class="${cx('cols')}">
        <section class="${cx('card')}" aria-labelledby="sec-cases"><h2 id="sec-cases" class="${cx('cardTitle')}">Cases</h2>${list}</section>
        <section class="${cx('card')}" aria-labelledby="sec-contact"><h2 id="sec-contact" class="${cx('cardTitle')}">Details</h2>
          <dl class="${cx('dl')}">
            <dt>Account</dt><dd>${esc(c.account)}</dd>
            <dt>Email</dt><dd>${c.email ? `<a href="mailto:${esc(c.email)}">${esc(c.email)}</a>` : '—'}</dd>
            <dt>Phone</dt><dd>${esc(c.phone || '—')}</dd>
            <dt>Preferred channel</dt><dd>${esc(c.channel || 'Not set')}</dd>
            <dt>Consent</dt><dd>${c.consent ? 'Given' : 'Not given'}</dd>
            <dt>Customer since</dt><dd>${esc(fmtDate(c.since))}</dd>
          </dl>
        </section>
      </div>`,
  };
}

function viewCases() {
  const rows = [...cases].sort((a, b) => b.opened.localeCompare(a.opened));
  return {
    title: 'Cases',
    html: `${pageHead('Cases', [])}
      <div class="${cx('card')}"><table class="${cx('table')}">
        <caption class="visually-hidden">All cases</caption>
        <thead><tr><th scope="col">Case</th><th scope="col">Customer</th><th scope="col">Subject</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Opened</th></tr></thead>
        <tbody>${rows
          .map((k) => {
            const c = contactById(k.contactId);
            return `<tr><td><a href="${href(`/cases/${k.id}`)}">Case ${k.id}</a></td><td>${esc(fullName(c))}</td><td>${esc(k.subject)}</td><td>${k.priority === 'High' ? pill('High') : 'Normal'}</td><td>${pill(k.status)}</td><td>${esc(fmtDate(k.opened))}</td></tr>`;
          })
          .join('')}</tbody></table></div>`,
  };
}

async function viewCase(id) {
  await sleep(120);
  const k = caseById(id);
  if (!k) return viewNotFound('Case not found');
  const c = contactById(k.contactId);
  const activity = `<section class="${cx('card')}" aria-labelledby="sec-activity"><h2 id="sec-activity" class="${cx('cardTitle')}">Activity</h2>
      <ol class="${cx('timeline')}">${k.activity
        .map(
          ([when, text]) =>
            `<li><div class="${cx('when')}">${esc(fmtDate(when))}</div>${esc(text)}</li>`,
        )
        .join('')}</ol></section>`;
  const summary = `<section class="${cx('card')}" aria-labelledby="sec-customer"><h2 id="sec-customer" class="${cx('cardTitle')}">Customer</h2>
      <dl class="${cx('dl')}">
        <dt>Name</dt><dd><a href="${href(`/contacts/${c.id}`)}">${esc(fullName(c))}</a></dd>
        <dt>Account</dt><dd>${esc(c.account)}</dd>
        <dt>Phone</dt><dd>${esc(c.phone)}</dd>
        <dt>Email</dt><dd>${esc(c.email)}</dd>
        <dt>Customer since</dt><dd>${esc(fmtDate(c.since))}</dd>
      </dl></section>`;
  const head = pageHead(
    `Case ${k.id}: ${k.subject}`,
    [['Cases', '/cases'], [`Case ${k.id}`]],
    `<div>${k.priority === 'High' ? pill('High') : ''} ${pill(k.status)}</div>`,
  );

  if (k.status === 'Resolved') {
    return {
      title: `Case ${k.id}`,
      html: `${head}
        <div class="${cx('banner', 'bannerInfo')}">This case is closed. Call reason: ${esc(k.reason || 'Other')}.</div>
        <div class="${cx('cols')}"><div>${activity}</div>${summary}</div>`,
    };
  }

  const reasons = CALL_REASONS.map((r) => `<option>${r}</option>`).join('');
  return {
    title: `Case ${k.id}`,
    html: `${head}
      <div data-slot="banner"></div>
      <div class="${cx('cols')}">
        <form class="${cx('form')}" data-form="case" aria-label="Work the case">
          <section class="${cx('card')}" aria-labelledby="sec-identity">
            <h2 id="sec-identity" class="${cx('cardTitle')}">Verify identity</h2>
            <p class="${cx('help')}">Ask two of: date of birth, postcode on the account, amount of the last payment.</p>
            ${checkbox(IDS.security, 'security_passed', 'Caller passed security questions')}
          </section>
          <section class="${cx('card')}" aria-labelledby="sec-call">
            <h2 id="sec-call" class="${cx('cardTitle')}">This call</h2>
            ${field(IDS.reason, 'Call reason', `<select id="${IDS.reason}" name="call_reason"><option value="">Choose…</option>${reasons}</select>`)}
            ${field(IDS.notes, 'Case notes', `<textarea id="${IDS.notes}" name="notes" rows="5"></textarea>`)}
            <div class="${cx('actions')}">
              <button type="submit" id="${IDS.resolve}" class="${cx('btn', 'btnPrimary')}">Resolve case</button>
            </div>
          </section>
          ${activity}
        </form>
        ${summary}
      </div>`,
    mount(root) {
      const form = root.querySelector('form[data-form="case"]');
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const data = new FormData(form);
        k.status = 'Resolved';
        k.reason = String(data.get('call_reason') || 'Other');
        const notes = String(data.get('notes') ?? '').trim();
        const today = new Date().toISOString().slice(0, 10);
        if (notes) k.activity.push([today, notes]);
        k.activity.push([today, 'Resolved by Sam Patel.']);
        form.querySelector('button[type="submit"]').disabled = true;
        for (const p of root.querySelectorAll(`.${cx('pillOpen')}`)) {
          p.className = cx('pill', 'pillResolved');
          p.textContent = 'Resolved';
        }
        root.querySelector('[data-slot="banner"]').innerHTML =
          `<div id="case-resolved-banner" class="${cx('banner')}" role="status"><span><strong>Case resolved</strong> — ${esc(fullName(c))} will get a confirmation email.</span></div>`;
      });
    },
  };
}

function viewNotFound(title = 'Page not found') {
  return {
    title,
    html: `${pageHead(title, [])}<div class="${cx('card')}"><p>It may have been moved or deleted. <a href="${href('/')}">Back to contacts</a></p></div>`,
  };
}

const ROUTES = [
  [/^\/$/, () => viewContacts()],
  [/^\/contacts\/new\/?$/, () => viewNewContact()],
  [/^\/contacts\/(\d+)\/?$/, (m) => viewContact(Number(m[1]))],
  [/^\/cases\/?$/, () => viewCases()],
  [/^\/cases\/(\d+)\/?$/, (m) => viewCase(Number(m[1]))],
];

// ---------------------------------------------------------------------------------------
// Shell, router

const root = document.getElementById('root');
root.innerHTML = `<div class="${cx('shell')}">
  <header class="${cx('topbar')}">
    <a class="${cx('brand')}" href="${href('/')}"><span class="${cx('brandMark')}" aria-hidden="true">N</span>Northwind CRM</a>
    <form class="${cx('search')}" role="search" data-form="search">
      <label for="${IDS.search}" class="visually-hidden">Search contacts</label>
      <input type="search" id="${IDS.search}" name="q" placeholder="Search contacts, accounts, phone numbers">
    </form>
    <div class="${cx('user')}"><span>Sam Patel · Customer Care</span><span class="${cx('avatar')}" aria-hidden="true">SP</span></div>
  </header>
  <div class="${cx('frame')}">
    <nav class="${cx('sidenav')}" aria-label="Main">
      <p class="${cx('navHeading')}">Service</p>
      <ul>
        <li><a class="${cx('navLink')}" data-nav="/" href="${href('/')}">Contacts</a></li>
        <li><a class="${cx('navLink')}" data-nav="/cases" href="${href('/cases')}">Cases</a></li>
        <li><a class="${cx('navLink')}" data-nav="/contacts/new" href="${href('/contacts/new')}">New contact</a></li>
      </ul>
    </nav>
    <main class="${cx('content')}" id="main">
      <div data-slot="view"></div>
      <div class="${cx('toastRegion')}" role="status" aria-live="polite" data-slot="toast"></div>
    </main>
  </div>
</div>`;

const viewSlot = root.querySelector('[data-slot="view"]');
const toastSlot = root.querySelector('[data-slot="toast"]');
let renderSeq = 0;
let toastTimer = 0;

function toast(message) {
  clearTimeout(toastTimer);
  toastSlot.innerHTML = `<div class="${cx('toast')}">${esc(message)}</div>`;
  toastTimer = setTimeout(() => {
    toastSlot.textContent = '';
  }, 3000);
}

async function render({ focus = false } = {}) {
  const seq = ++renderSeq;
  const path = location.pathname;
  let view;
  for (const [re, make] of ROUTES) {
    const m = re.exec(path);
    if (m) {
      const result = make(m);
      if (result instanceof Promise)
        viewSlot.innerHTML = `<p class="${cx('spinner')}">Loading…</p>`;
      view = await result;
      break;
    }
  }
  if (seq !== renderSeq) return; // a newer navigation won
  view ??= viewNotFound();
  document.title = `${view.title} · Northwind CRM`;
  viewSlot.innerHTML = view.html;
  view.mount?.(viewSlot);
  for (const a of root.querySelectorAll('[data-nav]')) {
    const active =
      a.dataset.nav === path || (a.dataset.nav === '/cases' && path.startsWith('/cases/'));
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (focus) viewSlot.querySelector('h1')?.focus();
}

function navigate(to, { replace = false } = {}) {
  const url = href(to);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  return render({ focus: true });
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

root.querySelector('form[data-form="search"]').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = new FormData(event.currentTarget).get('q');
  navigate(q ? `/?q=${encodeURIComponent(String(q))}` : '/');
});

window.addEventListener('popstate', () => render());

// Normalise the initial URL (keeps ?release=2) and draw the first view.
render();
