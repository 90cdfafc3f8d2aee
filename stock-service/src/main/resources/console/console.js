// The operator console. Plain JavaScript, no framework, nothing from another origin (the CSP forbids it).
// The operator token lives in sessionStorage only: it dies with the tab, and is sent only to /admin/v1/* here.
'use strict';

const TOKEN_KEY = 'seckill.operatorToken';
const NAME_KEY = 'seckill.operatorName';
const REFRESH_MS = 3000;
const ACTIONS = [
  { action: 'pause', label: 'Pause', when: (s) => s === 'OPEN' || s === 'UPCOMING' || s === 'SOLD_OUT' },
  { action: 'resume', label: 'Resume', when: (s) => s === 'PAUSED' },
  { action: 'end', label: 'End', when: (s) => s !== 'ENDED', confirm: 'End sale %s now? Orders already taken stay valid.' },
  { action: 'reconcile', label: 'Reconcile', when: () => true },
];

const $ = (id) => document.getElementById(id);
let timer = null;
let selected = null;

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** One admin API call; a 401 signs the operator out. Answers {status, body} with body parsed when it is JSON. */
async function api(method, path) {
  const headers = { Authorization: `Bearer ${token()}`, Accept: 'application/json, application/problem+json' };
  const name = sessionStorage.getItem(NAME_KEY);
  if (name) headers['X-Seckill-Operator'] = name; // recorded beside the credential in every audit row
  const res = await fetch(path, { method, headers, cache: 'no-store' });
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json().catch(() => null) : null;
  if (res.status === 401) {
    signOut('The operator token was refused: sign in again.');
    throw new Error('unauthenticated');
  }
  return { status: res.status, body };
}

function problemText(reply) {
  const b = reply.body || {};
  const detail = b.detail ? `: ${b.detail}` : '';
  return `${reply.status} ${b.title || 'error'}${detail}`;
}

// ---- Sign-in ----------------------------------------------------------------------------------

function showSignIn(error) {
  stopRefresh();
  $('console').hidden = true;
  $('session').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').hidden = !error;
  $('sign-in-error').textContent = error || '';
  $('token').value = '';
  $('token').focus();
}

async function signIn(event) {
  event.preventDefault();
  const value = $('token').value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  const name = $('operator-name').value.trim();
  if (name) sessionStorage.setItem(NAME_KEY, name); else sessionStorage.removeItem(NAME_KEY);
  await enter();
}

/** Shows the console if the stored token lists the sales; otherwise back to the sign-in form, saying why. */
async function enter() {
  try {
    const reply = await api('GET', '/admin/v1/sales');
    if (reply.status !== 200) {
      showSignIn(problemText(reply));
      return;
    }
    showConsole(reply.body);
  } catch (e) {
    if (e.message !== 'unauthenticated') showSignIn(`The stock-service did not answer (${e.message}).`);
  }
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(NAME_KEY);
  selected = null;
  showSignIn(reason);
}

// ---- The sales table --------------------------------------------------------------------------

function showConsole(listing) {
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('session').hidden = false;
  render(listing);
  startRefresh();
}

/** The state a shopper sees now. The server's own word (state, paused) wins when it gives one. */
function stateOf(sale, now) {
  if (sale.state) return sale.state;
  if (sale.paused) return 'PAUSED';
  if (now < Date.parse(sale.startsAt)) return 'UPCOMING';
  if (now >= Date.parse(sale.endsAt)) return 'ENDED';
  const redisStock = sale.redis ? sale.redis.stock : null;
  return sale.remaining === 0 || redisStock === 0 ? 'SOLD_OUT' : 'OPEN';
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '—' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

/** 2026-12-01T19:15:33.484Z → 12-01 19:15:33 (the header says UTC). */
function when(iso) {
  return iso.slice(5, 19).replace('T', ' ');
}

function money(cents) {
  return (cents / 100).toFixed(2);
}

function orders(sale) {
  const o = sale.db && sale.db.orders;
  return o ? `${o.pendingPayment} / ${o.paid} / ${o.cancelled} / ${o.failed}` : null;
}

function payments(sale) {
  const p = sale.db && sale.db.payments;
  if (!p) return null;
  const parts = Object.keys(p).sort().map((outcome) => `${outcome} ${p[outcome].count} (${money(p[outcome].amountCents)})`);
  return parts.length ? parts.join(', ') : 'none';
}

function render(listing) {
  const now = Date.now();
  const sales = (listing && listing.sales) || [];
  const body = $('sales-body');
  body.replaceChildren();
  $('no-sales').hidden = sales.length > 0;
  for (const sale of sales) {
    const state = stateOf(sale, now);
    const row = document.createElement('tr');
    row.dataset.sale = sale.saleId;
    cell(row, sale.saleId, 'num');
    cell(row, sale.itemName);
    const stateCell = cell(row, '');
    const badge = document.createElement('span');
    badge.className = `state state-${state}`;
    badge.textContent = state;
    stateCell.appendChild(badge);
    cell(row, `${when(sale.startsAt)} → ${when(sale.endsAt)}`);
    cell(row, sale.remaining, 'num db-remaining');
    cell(row, sale.redis ? sale.redis.stock : null, 'num redis-stock');
    cell(row, sale.inFlight ? sale.inFlight.units : null, 'num in-flight');
    cell(row, sale.drift, sale.drift ? 'num drift drift-bad' : 'num drift');
    cell(row, orders(sale), 'orders');
    cell(row, payments(sale), 'payments');
    const actions = cell(row, '');
    const box = document.createElement('div');
    box.className = 'actions';
    for (const a of ACTIONS) {
      if (!a.when(state)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = a.label;
      button.dataset.action = a.action;
      button.dataset.sale = sale.saleId;
      box.appendChild(button);
    }
    const details = document.createElement('button');
    details.type = 'button';
    details.textContent = 'Details';
    details.dataset.action = 'details';
    details.dataset.sale = sale.saleId;
    box.appendChild(details);
    actions.appendChild(box);
    body.appendChild(row);
  }
  $('refreshed').textContent = `Updated ${new Date(now).toISOString().slice(11, 19)} UTC`;
}

async function refresh() {
  try {
    const reply = await api('GET', '/admin/v1/sales');
    if (reply.status === 200) {
      render(reply.body);
    } else {
      say(problemText(reply), true);
    }
    if (selected !== null) await loadAudit(selected);
  } catch (e) {
    if (e.message !== 'unauthenticated') say(`Refresh failed: ${e.message}`, true);
  }
}

function startRefresh() {
  stopRefresh();
  timer = setInterval(() => { if (document.visibilityState === 'visible') refresh(); }, REFRESH_MS);
}

function stopRefresh() {
  if (timer !== null) clearInterval(timer);
  timer = null;
}

// ---- Actions ----------------------------------------------------------------------------------

function say(text, problem) {
  const m = $('message');
  m.textContent = text;
  m.className = problem ? 'problem' : '';
  m.hidden = false;
}

async function act(action, saleId, button) {
  const spec = ACTIONS.find((a) => a.action === action);
  if (spec && spec.confirm && !window.confirm(spec.confirm.replace('%s', saleId))) return;
  button.disabled = true;
  try {
    const reply = await api('POST', `/admin/v1/sales/${encodeURIComponent(saleId)}/${action}`);
    if (reply.status >= 200 && reply.status < 300) {
      say(`${spec.label} sale ${saleId}: done (${reply.status}).`, false);
      showDetails(saleId, reply.body);
    } else {
      say(`${spec.label} sale ${saleId} refused — ${problemText(reply)}`, true);
    }
    await refresh();
  } catch (e) {
    if (e.message !== 'unauthenticated') say(`${spec.label} sale ${saleId} failed: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

function showDetails(saleId, body) {
  selected = saleId;
  $('details').hidden = false;
  $('details-title').textContent = `Sale ${saleId}`;
  $('details-result').textContent = body ? JSON.stringify(body, null, 2) : '';
  loadAudit(saleId);
}

async function openDetails(saleId) {
  const reply = await api('GET', `/admin/v1/sales/${encodeURIComponent(saleId)}`);
  if (reply.status === 200) {
    showDetails(saleId, reply.body);
  } else {
    say(problemText(reply), true);
  }
}

/** The audit trail, when this stock-service has one (an older one answers 404: the panel stays hidden). */
async function loadAudit(saleId) {
  const reply = await api('GET', `/admin/v1/sales/${encodeURIComponent(saleId)}/audit`);
  const entries = reply.status === 200 ? auditEntries(reply.body) : null;
  $('audit').hidden = entries === null;
  if (entries === null) return;
  const body = $('audit-body');
  body.replaceChildren();
  for (const e of entries) {
    const row = document.createElement('tr');
    cell(row, e.at);
    cell(row, who(e.who), 'who');
    cell(row, e.action);
    cell(row, e.outcome);
    body.appendChild(row);
  }
}

function auditEntries(body) {
  return body && Array.isArray(body.entries) ? body.entries : null;
}

/** "alice (admin-token)": the operator's name when one was given, and always the credential used. */
function who(w) {
  if (!w) return null;
  return w.operator ? `${w.operator} (${w.credential})` : w.credential;
}

// ---- Start ------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out-button').addEventListener('click', () => signOut(null));
  $('refresh-button').addEventListener('click', refresh);
  $('sales-body').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.action === 'details') {
      openDetails(button.dataset.sale).catch(() => {});
    } else {
      act(button.dataset.action, button.dataset.sale, button);
    }
  });
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && token()) refresh(); });
  if (token()) {
    enter();
  } else {
    showSignIn(null);
  }
});
