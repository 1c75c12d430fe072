/**
 * Contact centre floor: a supervisor's live view of 50 agents in 5 teams, the call queue and
 * a ticker, updated about 2,000 times a second (`?rate=` changes it, `?rate=0` stops it).
 * It is the page `npm run bench` measures Inflow under churn on.
 *
 * Each team is a <team-board> web component with an open shadow root that renders its ten
 * <agent-tile> components, each with an open shadow root of its own (two roots deep). Every
 * tile holds the elements the floor pack's aids target: a "Checked in with …" checkbox and a
 * "Listen in to …" button. The churn is text (timers, figures), attribute flips (status) and
 * nodes inserted and removed (each tile's recent statuses, queue rows, the ticker), most of it
 * inside the shadow roots. Each update is one DOM mutation record, counted in
 * `window.floorStats`. Updates come from a seeded generator, so every load does the same work.
 * Routes are in the hash (#/teams, #/queue, #/alerts): the board stays, the side pane changes.
 */

const FIRST = ['Priya', 'Tom', 'Aisha', 'Marek', 'Hannah', 'Kwame', 'Sofia', 'Liam', 'Mei', 'Omar'];
const LAST = [
  'Shah',
  'Evans',
  'Khan',
  'Nowak',
  'Price',
  'Mensah',
  'Rossi',
  'Byrne',
  'Chen',
  'Haddad',
];
const TEAMS = ['Blue', 'Green', 'Amber', 'Red', 'Violet'];
const STATUSES = ['available', 'on-call', 'after-call', 'break'];
const STATUS_TEXT = {
  available: 'Available',
  'on-call': 'On call',
  'after-call': 'After-call work',
  break: 'Break',
};

/** Agent i (0..49): team i / 10, extension 2001 + i, a name of its own. */
export const AGENTS = Array.from({ length: 50 }, (_, i) => ({
  ext: String(2001 + i),
  name: `${FIRST[i % 10]} ${LAST[(i * 3 + Math.floor(i / 10)) % 10]}`,
  team: TEAMS[Math.floor(i / 10)],
}));

const params = new URLSearchParams(location.search);
const RATE = Math.max(0, Number(params.get('rate') ?? 2000) || 0);

/** A small seeded generator (mulberry32), so that every load makes the same updates. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20260101);
const pick = (xs) => xs[Math.floor(random() * xs.length)];

const mmss = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

const stats = { mutations: 0, since: performance.now(), ticks: 0 };
window.floorStats = stats;

// ---------------------------------------------------------------------------------------

const tileStyles = `
  :host { display: block; }
  .tile { background: #fff; border-radius: 8px; padding: 8px 10px; border-left: 4px solid #8a8fb8;
    box-shadow: 0 1px 2px rgba(20, 22, 60, .12); font-size: 13px; }
  :host([status="available"]) .tile { border-left-color: #1f9d55; }
  :host([status="on-call"]) .tile { border-left-color: #5b5bd6; }
  :host([status="after-call"]) .tile { border-left-color: #d18b00; }
  :host([status="break"]) .tile { border-left-color: #9aa0b8; }
  .top { display: flex; justify-content: space-between; gap: 6px; }
  .name { font-weight: 700; }
  .timer { font-variant-numeric: tabular-nums; color: #50557a; }
  .badge { font-size: 11px; padding: 0 6px; border-radius: 8px; background: #eef; }
  .badge.long { background: #ffe3e3; color: #8a1c1c; }
  ol { margin: 4px 0; padding: 0; list-style: none; display: flex; gap: 4px; height: 14px; overflow: hidden; }
  li { width: 10px; height: 10px; border-radius: 50%; background: #c5c7dc; }
  li[data-s="on-call"] { background: #5b5bd6; }
  li[data-s="available"] { background: #1f9d55; }
  li[data-s="after-call"] { background: #d18b00; }
  .row { display: flex; align-items: center; justify-content: space-between; gap: 6px; }
  label { font-size: 12px; }
  button { font: inherit; font-size: 12px; padding: 2px 8px; border-radius: 6px; border: 1px solid #4b4bc4;
    background: #fff; color: #3a3aa8; cursor: pointer; }
`;

/** One agent: status, time in status, recent statuses, a check-in box and "Listen in". */
class AgentTile extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const name = this.getAttribute('name') ?? '';
    const ext = this.getAttribute('ext') ?? '';
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>${tileStyles}</style>
      <div class="tile" part="tile">
        <div class="top"><span class="name">${name}</span><span class="timer">0:00</span></div>
        <div class="row"><span class="badge">Available</span><span class="ext">x${ext}</span></div>
        <ol aria-label="Recent statuses"></ol>
        <div class="row">
          <span><input type="checkbox" id="checkin" name="checkin-${ext}"><label for="checkin">Checked in with ${name}</label></span>
          <button type="button" data-ext="${ext}" aria-label="Listen in to ${name}">Listen</button>
        </div>
      </div>`;
    this.timer = root.querySelector('.timer').firstChild;
    this.badge = root.querySelector('.badge');
    this.badgeText = this.badge.firstChild;
    this.history = root.querySelector('ol');
    this.seconds = Math.floor(random() * 400);
    this.setAttribute('status', pick(STATUSES));
  }
}

const boardStyles = `
  :host { display: block; }
  h3 { margin: 8px 0 6px; font-size: 14px; display: flex; justify-content: space-between; }
  .count { font-weight: 400; color: #50557a; font-variant-numeric: tabular-nums; }
  .grid { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px; }
`;

/** A team: its heading with a live count, and its agents' tiles in its own shadow root. */
class TeamBoard extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const team = this.getAttribute('team') ?? '';
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>${boardStyles}</style>
      <h3>Team ${team} <span class="count">0 on calls</span></h3>
      <div class="grid"></div>`;
    this.count = root.querySelector('.count').firstChild;
    const grid = root.querySelector('.grid');
    for (const a of AGENTS.filter((x) => x.team === team)) {
      const tile = document.createElement('agent-tile');
      tile.setAttribute('name', a.name);
      tile.setAttribute('ext', a.ext);
      grid.append(tile);
    }
    this.tiles = [...grid.children];
  }
}

customElements.define('agent-tile', AgentTile);
customElements.define('team-board', TeamBoard);

const teamsEl = document.querySelector('[data-teams]');
for (const team of TEAMS) {
  const board = document.createElement('team-board');
  board.setAttribute('team', team);
  teamsEl.append(board);
}
const boards = [...teamsEl.children];
const tiles = boards.flatMap((b) => b.tiles);

// ---------------------------------------------------------------------------------------
// The side pane, by route.

const pane = document.querySelector('[data-pane]');
const ticker = document.querySelector('[data-ticker]');
const stat = (name) => document.querySelector(`[data-stat="${name}"]`).firstChild;
const statText = {
  waiting: stat('waiting'),
  longest: stat('longest'),
  onCall: stat('on-call'),
  mutations: stat('mutations'),
};
let queueRows = null;
const queue = [];

function route() {
  const name = /^#\/(\w+)/.exec(location.hash)?.[1] ?? 'teams';
  for (const a of document.querySelectorAll('.fl-nav a')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  queueRows = null;
  queue.length = 0;
  if (name === 'queue') {
    pane.innerHTML = `<h2>Call queue</h2><table class="fl-queue"><thead><tr><th scope="col">Line</th><th scope="col">Waiting</th></tr></thead><tbody></tbody></table>`;
    queueRows = pane.querySelector('tbody');
    for (let i = 0; i < 8; i++) addCall();
  } else if (name === 'alerts') {
    pane.innerHTML = `<h2>Alerts</h2><ul class="fl-alerts">${AGENTS.slice(0, 6)
      .map((a) => `<li>${a.name}: long after-call work</li>`)
      .join('')}</ul>`;
  } else {
    pane.innerHTML = `<h2>Teams</h2><p>${AGENTS.length} agents in ${TEAMS.length} teams.</p>`;
  }
}
window.addEventListener('hashchange', route);
route();

function addCall() {
  const tr = document.createElement('tr');
  tr.innerHTML = `<td>${pick(['Billing', 'Faults', 'Moving home', 'Complaints'])}</td><td>0:00</td>`;
  queue.push({ tr, text: tr.lastChild.firstChild, seconds: Math.floor(random() * 200) });
  queueRows.append(tr);
}

// ---------------------------------------------------------------------------------------
// The churn: each update below makes exactly one mutation record.

const UPDATES = [
  // Text inside a tile's shadow root: its timer.
  [
    30,
    () => {
      const t = pick(tiles);
      t.seconds++;
      t.timer.data = mmss(t.seconds);
    },
  ],
  // Attribute flips inside a root: the badge's class.
  [
    10,
    () => {
      const t = pick(tiles);
      t.badge.classList.toggle('long');
    },
  ],
  // Attribute on a tile (its host): its status.
  [
    8,
    () => {
      const t = pick(tiles);
      t.setAttribute('status', pick(STATUSES));
    },
  ],
  // Text inside a root: the badge's words.
  [
    8,
    () => {
      const t = pick(tiles);
      t.badgeText.data = STATUS_TEXT[t.getAttribute('status')] ?? 'Available';
    },
  ],
  // Nodes inside a root: a tile's recent statuses, one in and one out.
  [
    12,
    () => {
      const t = pick(tiles);
      if (t.history.childElementCount >= 6) t.history.lastElementChild.remove();
      else {
        const li = document.createElement('li');
        li.dataset.s = t.getAttribute('status');
        t.history.prepend(li);
      }
    },
  ],
  // Text in a team board's root (one level up): its count.
  [
    4,
    () => {
      const b = pick(boards);
      b.count.data = `${Math.floor(random() * 10)} on calls`;
    },
  ],
  // Light DOM text: the live figures, the queue's timers.
  [
    14,
    () => {
      if (queueRows && queue.length && random() < 0.7) {
        const c = pick(queue);
        c.seconds++;
        c.text.data = mmss(c.seconds);
        return;
      }
      const which = random();
      if (which < 0.4) statText.waiting.data = String(Math.floor(random() * 30));
      else if (which < 0.7) statText.longest.data = mmss(Math.floor(random() * 600));
      else statText.onCall.data = String(Math.floor(random() * 50));
    },
  ],
  // Light DOM nodes: the ticker, and queue rows answered and arriving.
  [
    14,
    () => {
      if (queueRows && random() < 0.5) {
        if (queue.length > 10) queue.shift().tr.remove();
        else addCall();
        return;
      }
      if (ticker.childElementCount >= 12) ticker.lastElementChild.remove();
      else {
        const li = document.createElement('li');
        const a = pick(AGENTS);
        li.textContent = `${a.name} → ${STATUS_TEXT[pick(STATUSES)]}`;
        ticker.prepend(li);
      }
    },
  ],
];
const WEIGHTS = UPDATES.reduce((a, [w]) => a + w, 0);

function update() {
  let r = random() * WEIGHTS;
  for (const [w, fn] of UPDATES) {
    r -= w;
    if (r < 0) return fn();
  }
}

let done = 0;
let lastSecond = performance.now();
let lastCount = 0;
function tick() {
  const now = performance.now();
  // As many updates as the rate asks for by now; a late timer catches up (at most 1 s worth).
  const due = Math.min(Math.floor(((now - stats.since) / 1000) * RATE) - done, RATE);
  for (let i = 0; i < due; i++) update();
  done += Math.max(due, 0);
  stats.mutations = done;
  stats.ticks++;
  if (now - lastSecond >= 1000) {
    statText.mutations.data = String(Math.round(((done - lastCount) * 1000) / (now - lastSecond)));
    stats.mutations = ++done;
    lastSecond = now;
    lastCount = done;
  }
}
if (RATE > 0) setInterval(tick, 20);
