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
  fill('calls', state.calls, ['from', 'to', 'callId', 'since']);
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

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('refresh').addEventListener('click', load);
  document.getElementById('logout').addEventListener('click', () =>
    post('/admin/logout').then(() => { location.href = '/admin/login'; }));
  load();
  setInterval(load, 5000);
});
