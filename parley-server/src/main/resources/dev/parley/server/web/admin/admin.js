// Parley admin page: reads /admin/api/state and /admin/api/status, renders them, and posts the
// actions with the session's CSRF token. No dependencies; no inline script (the page's CSP).
'use strict';

let csrf = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function fill(id, rows, columns, actions) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'none', 'empty');
    td.colSpan = columns.length + (actions ? 1 : 0);
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const row of rows) {
    const tr = el('tr');
    for (const c of columns) tr.append(el('td', typeof c === 'function' ? c(row) : row[c]));
    if (actions) {
      const td = el('td');
      for (const a of actions(row)) td.append(a);
      tr.append(td);
    }
    body.append(tr);
  }
}

function button(label, path, fields) {
  const b = el('button', label);
  b.type = 'button';
  b.addEventListener('click', () => post(path, fields).then(load));
  return b;
}

async function post(path, fields) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
    body: new URLSearchParams(fields || {}).toString(),
    credentials: 'same-origin'
  });
  if (!r.ok) show('action failed: ' + r.status);
  return r;
}

function show(message) {
  const e = document.getElementById('error');
  e.textContent = message;
  e.hidden = !message;
}

async function load() {
  const [stateR, statusR] = await Promise.all([
    fetch('/admin/api/state', { credentials: 'same-origin' }),
    fetch('/admin/api/status', { credentials: 'same-origin' })]);
  if (stateR.status === 401) { location.href = '/admin/login'; return; }
  if (!stateR.ok || !statusR.ok) { show('cannot read the state: ' + stateR.status); return; }
  show('');
  const state = await stateR.json();
  const status = await statusR.json();
  csrf = state.csrf;
  document.getElementById('summary').textContent = status.domain + ': ' +
    status.registrations.aors + ' registered, ' + state.calls.length + ' calls, up ' +
    status.uptimeSeconds + ' s';
  fill('registrations', state.registrations, ['aor', 'contact', 'userAgent', 'source', 'expiresIn'],
    r => [button('Remove', '/admin/api/binding/remove', { user: r.user, key: r.key })]);
  fill('calls', state.calls, ['from', 'to', 'callId', 'since'], c => [ladderButton(c.callId)]);
  fill('offline', state.offline, ['user', 'messages', 'bytes']);
  fill('blocked', state.blocked, ['source', 'secondsLeft']);
  fill('accounts', state.accounts, ['user', a => a.admin ? 'admin' : '',
    a => a.disabled ? 'disabled' : 'enabled'],
    a => [a.disabled ? button('Enable', '/admin/api/account/enable', { user: a.user })
                     : button('Disable', '/admin/api/account/disable', { user: a.user })]);
  const conf = document.getElementById('conferences');
  conf.replaceChildren();
  const list = status.conferences ? status.conferences.list : [];
  if (list.length === 0) conf.append(el('p', 'none', 'note'));
  for (const c of list) {
    conf.append(el('h3', c.uri + ' (organizer ' + c.organizer + ')'));
    const ul = el('ul');
    for (const p of c.participants) {
      ul.append(el('li', (p.displayName || p.uri) + ': ' + p.status + (p.audio ? ', audio' : '') +
        (p.im ? ', IM' : '')));
    }
    conf.append(ul);
  }
}

// The live ladder of a selected call: POST .../ladder/watch once, then read the messages after
// the last one seen every 2 s (reading keeps the watch alive on the server), one read at a time.
// The page keeps the last MAX_MESSAGES messages, as the server does: a call with endless
// in-dialog requests does not grow the tab.
const MAX_MESSAGES = 200;
const ladder = { callId: null, since: 0, messages: [], timer: null, reading: null };

// Adds a batch the server sent to the ladder: only messages after the last one seen (a batch that
// repeats some adds them once), keeping the last MAX_MESSAGES. Returns how many were added.
function mergeLadder(target, batch) {
  let added = 0;
  for (const m of batch) {
    if (typeof m.seq === 'number' && m.seq > target.since) {
      target.messages.push(m);
      target.since = m.seq;
      added++;
    }
  }
  if (target.messages.length > MAX_MESSAGES) {
    target.messages.splice(0, target.messages.length - MAX_MESSAGES);
  }
  return added;
}

function ladderButton(callId) {
  const b = el('button', 'Ladder', 'ladder');
  b.type = 'button';
  b.dataset.callId = callId;
  b.addEventListener('click', () => openLadder(callId));
  return b;
}

async function openLadder(callId) {
  const r = await post('/admin/api/ladder/watch', { callId });
  if (!r.ok) return;
  closeLadder();
  ladder.callId = callId;
  document.getElementById('ladder-call').textContent = callId;
  document.getElementById('ladder').hidden = false;
  await readLadder();
  ladder.timer = setInterval(readLadder, 2000);
}

function closeLadder() {
  if (ladder.timer) clearInterval(ladder.timer);
  Object.assign(ladder, { callId: null, since: 0, messages: [], timer: null, reading: null });
  document.querySelector('#ladder-table thead').replaceChildren();
  document.querySelector('#ladder-table tbody').replaceChildren();
  document.getElementById('ladder').hidden = true;
  document.getElementById('ladder-message').hidden = true;
}

async function readLadder() {
  const callId = ladder.callId;
  if (!callId || ladder.reading) return; // the last read has not come back yet
  const reading = {};
  ladder.reading = reading;
  try {
    const r = await fetch('/admin/api/ladder?callId=' + encodeURIComponent(callId) + '&since=' +
      ladder.since, { credentials: 'same-origin' });
    if (callId !== ladder.callId) return;
    if (r.status === 404) {
      document.getElementById('ladder-state').textContent = '(no longer watched)';
      clearInterval(ladder.timer);
      return;
    }
    if (!r.ok) return;
    const l = await r.json();
    if (callId !== ladder.callId) return;
    document.getElementById('ladder-state').textContent = (l.ended ? '(ended)' : '(live)') +
      (l.gap ? ' some messages were not kept' : '');
    if (mergeLadder(ladder, l.messages) > 0) drawLadder();
  } finally {
    if (ladder.reading === reading) ladder.reading = null;
  }
}

function drawLadder() {
  // columns: the first party heard from (the caller), the server, then the others
  const parties = [];
  for (const m of ladder.messages) {
    if (parties.length === 0) parties.push(m.remote, 'server');
    else if (!parties.includes(m.remote)) parties.push(m.remote);
  }
  const head = document.querySelector('#ladder-table thead');
  const tr = el('tr');
  tr.append(el('th', 'Time'));
  for (const p of parties) tr.append(el('th', p));
  head.replaceChildren(tr);
  const body = document.querySelector('#ladder-table tbody');
  body.replaceChildren();
  const server = parties.indexOf('server');
  for (const m of ladder.messages) {
    const row = el('tr');
    row.append(el('td', new Date(m.time).toISOString().substring(11, 23)));
    const remote = parties.indexOf(m.remote);
    const from = m.direction === 'in' ? remote : server;
    const to = m.direction === 'in' ? server : remote;
    const lo = Math.min(from, to);
    for (let i = 0; i < lo; i++) row.append(el('td'));
    const label = to > from ? m.firstLine + ' \u2192' : '\u2190 ' + m.firstLine;
    const cell = el('td', label, 'arrow ' + m.direction);
    cell.colSpan = Math.abs(to - from) + 1;
    row.append(cell);
    for (let i = Math.max(from, to) + 1; i < parties.length; i++) row.append(el('td'));
    row.addEventListener('click', () => {
      for (const s of body.querySelectorAll('tr.selected')) s.classList.remove('selected');
      row.classList.add('selected');
      const pre = document.getElementById('ladder-message');
      pre.textContent = m.text + (m.truncated ? '\n[cut]' : '');
      pre.hidden = false;
    });
    body.append(row);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('ladder-close').addEventListener('click', closeLadder);
  document.getElementById('refresh').addEventListener('click', load);
  document.getElementById('logout').addEventListener('click', () =>
    post('/admin/logout').then(() => { location.href = '/admin/login'; }));
  load();
  setInterval(load, 5000);
});
