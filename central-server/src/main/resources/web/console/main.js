// The console: who the user is, the fleet's stream, the table, the filter, the columns, the panel.
import { follow, getJson, post, setToken, token } from './api.js';
import { COLUMNS } from './columns.js';
import { Fleet, parseFilter } from './fleet.js';
import { Panel } from './panel.js';
import { Table } from './table.js';

const HIDDEN_KEY = 'machineserver.hiddenColumns';
const SORT_KEY = 'machineserver.sort';
const DONE = {
  toggle_mode: 'Maintenance toggled.', toggle_powercycle: 'Power cycle toggled.',
  clear_quarantined: 'Quarantine cleared.', delete_machine: 'Deleted.',
};

const $ = (id) => document.getElementById(id);
const fleet = new Fleet();
const state = {
  editor: false,
  live: false,
  terms: [],
  hidden: new Set(JSON.parse(localStorage.getItem(HIDDEN_KEY) || '[]')),
  sort: JSON.parse(localStorage.getItem(SORT_KEY) || '{"key":"machine","descending":false}'),
  messages: new Map(), // id -> {text, error}
  confirming: null,
  selected: null,
  stream: null,
};

const table = new Table($('scroller'), $('headings'), $('rows'), (key) => {
  state.sort = { key, descending: state.sort.key === key ? !state.sort.descending : false };
  localStorage.setItem(SORT_KEY, JSON.stringify(state.sort));
  layout();
});
const panel = new Panel($('panel'), () => {
  state.selected = null;
  table.invalidate();
  render();
});

function layout() {
  table.setColumns(COLUMNS.filter((c) => !state.hidden.has(c.key)), state.sort.key, state.sort.descending, {
    editor: state.editor, messages: state.messages,
    get confirming() { return state.confirming; },
    get selected() { return state.selected; },
  });
  fleet.changed = true;
  render();
}

let scheduled = false;
let renderMs = 0;
/**
 * Renders at most five times a second, however fast changes stream in, and with a large fleet
 * (10,000 machines change ~330 times a second) leaves the browser four times the last render's
 * time in between, so a page open all day stays light.
 */
function schedule() {
  if (!scheduled) {
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      render();
    }, Math.max(200, 4 * renderMs));
  }
}

function render() {
  if (!fleet.changed) return;
  const started = performance.now();
  fleet.changed = false;
  const column = COLUMNS.find((c) => c.key === state.sort.key);
  const rows = fleet.view(state.terms, column && column.sort, state.sort.descending);
  table.setRows(rows);
  const c = fleet.counts();
  const item = (name, n, hot) => `<li class="${hot && n ? 'hot' : ''}" data-count="${name}">${name}: <b>${n}</b></li>`;
  $('counts').innerHTML = [
    item('machines', c.machines), rows.length !== c.machines ? item('shown', rows.length) : '',
    item('maintenance', c.maintenance, true), item('recovering', c.recovering, true),
    item('quarantined', c.quarantined, true), item('power cycles pending', c.powercycle, true),
  ].join('');
  renderMs = performance.now() - started;
}

function message(id, text, error) {
  if (text) state.messages.set(id, { text, error });
  else state.messages.delete(id);
  fleet.touch(id);
  schedule();
}

async function act(action, id) {
  if (action === 'open') {
    state.selected = id;
    panel.open(fleet.rows.get(id), state.editor);
    table.invalidate();
    fleet.changed = true;
    render();
    return;
  }
  if (action === 'confirm_delete') {
    state.confirming = id;
    fleet.touch(id);
    render();
    return;
  }
  state.confirming = null;
  message(id, '…', false);
  try {
    const d = await post(`/_/machine/${action}/${encodeURIComponent(id)}`);
    if (d && !state.live) fleet.put(d, null); // the stream brings it when it is up
    message(id, DONE[action], false);
    setTimeout(() => state.messages.get(id)?.text === DONE[action] && message(id, ''), 5000);
  } catch (e) {
    message(id, e.message, true);
  }
}

$('rows').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (b) act(b.dataset.action, b.dataset.id);
});

$('filter').addEventListener('input', () => {
  state.terms = parseFilter($('filter').value);
  fleet.changed = true;
  $('scroller').scrollTop = 0;
  render();
});

function columnMenu() {
  $('column-list').innerHTML = COLUMNS.map((c) => `<label><input type="checkbox" data-key="${c.key}"${state.hidden.has(c.key) ? '' : ' checked'}> ${c.title}</label>`).join('');
  $('column-list').addEventListener('change', (e) => {
    const key = e.target.dataset.key;
    if (e.target.checked) state.hidden.delete(key);
    else state.hidden.add(key);
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...state.hidden]));
    layout();
  });
}

function banner(text) {
  $('banner').hidden = !text;
  $('banner').textContent = text || '';
}

function setLive(live, error) {
  state.live = live;
  $('live').className = `live ${live ? 'on' : 'off'}`;
  $('live').textContent = live ? 'live' : 'reconnecting';
  $('live').title = error ? error.message : 'Following every change';
}

function connect() {
  if (state.stream) state.stream.stop();
  let seen = new Set();
  state.stream = follow('/json/v1/machine/sse/descriptions', (type, data, id) => {
    if (type === 'message') {
      const d = JSON.parse(data);
      fleet.put(d, id);
      if (seen) seen.add(d.Dimensions.id.at(-1));
      const row = fleet.rows.get(d.Dimensions.id.at(-1));
      if (row && row.id === panel.id) panel.update(row);
    } else if (type === 'deleted') {
      const gone = JSON.parse(data).MachineID;
      fleet.remove(gone);
      if (gone === panel.id) panel.close();
    } else if (type === 'synced') {
      fleet.retain(seen); // a new snapshot: what it lacks was deleted while the stream was down
      seen = null;
      banner('');
    }
    schedule();
  }, (live, error) => {
    if (live) seen = new Set();
    setLive(live, error);
    if (!live && error && error.status === 401) banner('The server wants credentials: enter a bearer token above.');
  });
}

async function whoAmI() {
  try {
    const s = await getJson('/loginstatus/');
    state.editor = (s.roles || []).includes('editor');
    $('who').textContent = `${s.email || 'anonymous'} (${s.role})`;
    banner('');
    return true;
  } catch (e) {
    state.editor = false;
    $('who').textContent = '';
    banner(e.status === 401 ? 'The server wants credentials: enter a bearer token above.' : `Cannot reach the server: ${e.message}`);
    return false;
  }
}

$('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  $('token').placeholder = token() ? 'Bearer token (set)' : 'Bearer token';
  await start();
});

let starts = 0;
/** Asks who the user is, then follows the fleet; a later start (a new token) wins over one in flight. */
async function start() {
  const mine = ++starts;
  await whoAmI();
  if (mine !== starts) return;
  layout();
  connect();
}

$('token').placeholder = token() ? 'Bearer token (set)' : 'Bearer token';
columnMenu();
setInterval(() => table.tick(), 5000);
start();
