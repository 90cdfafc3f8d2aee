// The shopper page. Without ?sale=<id>: the list of open and upcoming sales, each with its countdown and a link
// to its page. With it: one sale, its countdown by the server's clock, the proof-of-work a sale may ask (fetched
// and solved in a Web Worker during the countdown, docs/bots.md), the buy flow (purchase token → one order per
// click, Idempotency-Key per attempt), the order's progress, and — on a dev-mode gateway — a dev sign-in and a
// simulated payment. No framework, no build step.
'use strict';
(() => {
  const SALE_POLL_MS = 3000;
  const LIST_POLL_MS = 5000;
  const LIST_LIMIT = 50;
  // How long before the opening the page asks for its challenge: enough to solve it at any allowed difficulty on a
  // slow phone, and well inside the nonce's life (SECKILL_CHALLENGE_TTL_S, 600 s by default).
  const CHALLENGE_LEAD_MS = 300_000;
  const ORDER_POLL_QUEUED_MS = 1000;
  const ORDER_POLL_PENDING_MS = 3000;
  const TICK_MS = 250;
  const JWT_KEY = 'seckill.jwt';

  const REFUSALS = {
    SOLD_OUT: 'Sold out — every unit has been sold.',
    SALE_ENDED: 'This sale has ended.',
    SALE_PAUSED: 'The shop has paused this sale for a moment. Please try again shortly.',
    USER_BLOCKED: 'This account cannot buy in sales. Please contact the shop.',
    SALE_NOT_STARTED: 'The sale has not started yet — the button unlocks when it opens.',
    RATE_LIMITED: 'Too many requests. Please wait a moment and try again.',
    UNAVAILABLE: 'The shop is busy right now and nothing was ordered. Please try again in a moment.',
    LIMIT_EXCEEDED: 'That is more than the limit per shopper.',
    INVALID_PURCHASE_TOKEN: 'Your purchase pass was not accepted. Getting a new one — please try again.',
    CHALLENGE_REQUIRED: 'This sale checks for bots first. Running the check — please wait a moment.',
    CHALLENGE_FAILED: 'The bot check did not pass. Running it again — please wait a moment.',
    CHALLENGE_EXPIRED: 'The bot check expired. Running it again — please wait a moment.',
    UNAUTHENTICATED: 'Your sign-in has expired. Please sign in again.',
    SALE_NOT_FOUND: 'This sale does not exist.',
    REQUEST_IN_PROGRESS: 'Your order is still being placed…',
    NETWORK: 'The shop could not be reached. Check your connection and try again.',
  };
  const FAILURE_REASONS = {
    SOLD_OUT: 'the last units went to other shoppers',
    DUPLICATE: 'you already hold an order in this sale',
    PAYMENT_TIMEOUT: 'it was not paid in time',
    UNAVAILABLE: 'the shop could not accept it; nothing was charged',
  };
  const ORDER_NOTES = {
    QUEUED: 'Order received — confirming it…',
    PENDING_PAYMENT: 'Reserved for you. Pay before the payment deadline to keep it.',
    PAID: 'Paid. Thank you for your order!',
  };

  const $ = (id) => document.getElementById(id);
  const saleParam = new URLSearchParams(location.search).get('sale');
  const listMode = saleParam === null;
  const saleIdValid = listMode || /^[1-9][0-9]{0,18}$/.test(saleParam);
  const saleId = saleParam;

  const st = {
    sales: null, // list mode: the last GET /api/v1/sales page's sales
    listFailed: false,
    sale: null, // the last GET /api/v1/sales/{id} body
    saleMissing: false,
    offsetMs: 0, // server clock minus browser clock, measured on every sale fetch
    auth: null, // {token, user}
    devMode: false,
    purchaseToken: null, // {token, expiresAtMs}
    challenge: null, // a solved proof-of-work not yet spent: {nonce, solution, expiresAtMs (server clock)}
    challengeBusy: false,
    challengeRetryAt: 0,
    tokenBusy: false,
    tokenRetryAt: 0,
    soldOut: false,
    buying: false,
    order: null, // {orderId, status, reason?}
    orderTimer: null,
    paying: false,
  };

  // ---- HTTP ----------------------------------------------------------------------------------

  async function api(method, path, { auth = false, body, headers = {} } = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (auth && st.auth) h.Authorization = `Bearer ${st.auth.token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method, headers: h, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    return { status: res.status, body: json, retryAfter: Number(res.headers.get('Retry-After')) || 0 };
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const code = (res) => (res && res.body && res.body.code) || null;
  const refusal = (res) => REFUSALS[code(res)] || (res && res.body && res.body.detail) || `Unexpected answer (${res.status}).`;

  function randomKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---- Sign-in (the JWT lives in sessionStorage: this tab only) -------------------------------

  function decodeJwt(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
      if (claims.exp * 1000 <= Date.now()) return null;
      return { token, user: claims.sub };
    } catch (e) {
      return null;
    }
  }

  function signIn(token) {
    const auth = decodeJwt(token);
    if (!auth) {
      setMessage('That token is not valid or has expired.', 'error');
      return;
    }
    sessionStorage.setItem(JWT_KEY, token);
    st.auth = auth;
    st.purchaseToken = null;
    st.challenge = null;
    st.order = null;
    const remembered = listMode ? null : localStorage.getItem(orderKey());
    if (remembered) {
      st.order = { orderId: remembered, status: null };
      pollOrder();
    }
    setMessage('', '');
    render();
  }

  function signOut(note) {
    sessionStorage.removeItem(JWT_KEY);
    clearTimeout(st.orderTimer);
    Object.assign(st, { auth: null, purchaseToken: null, challenge: null, order: null, buying: false, paying: false });
    setMessage(note || '', note ? 'error' : '');
    render();
  }

  async function devSignIn(event) {
    event.preventDefault();
    const userName = $('user-name').value.trim();
    $('sign-in-button').disabled = true;
    try {
      const res = await api('POST', '/dev/v1/token', { body: { userName } });
      if (res.status === 200) signIn(res.body.token);
      else setMessage(refusal(res), 'error');
    } catch (e) {
      setMessage(REFUSALS.NETWORK, 'error');
    } finally {
      $('sign-in-button').disabled = false;
    }
  }

  async function detectDevMode() {
    try {
      const res = await api('GET', '/dev/v1/status');
      st.devMode = res.status === 200 && res.body && res.body.devMode === true;
    } catch (e) {
      st.devMode = false;
    }
    render();
  }

  // ---- The sale ------------------------------------------------------------------------------

  const orderKey = () => `seckill.order.${st.auth.user}.${saleId}`;
  const serverNow = () => Date.now() + st.offsetMs;

  async function refreshList() {
    const sent = Date.now();
    let res;
    try {
      res = await api('GET', `/api/v1/sales?state=OPEN,UPCOMING&limit=${LIST_LIMIT}`);
    } catch (e) {
      st.listFailed = st.sales === null;
      render();
      return;
    }
    const received = Date.now();
    if (res.status === 200) {
      st.offsetMs = Date.parse(res.body.serverTime) - (sent + received) / 2;
      st.sales = res.body.sales;
      st.listFailed = false;
    } else {
      st.listFailed = st.sales === null;
    }
    render();
  }

  async function refreshSale() {
    if (!saleIdValid || listMode) return;
    const sent = Date.now();
    let res;
    try {
      res = await api('GET', `/api/v1/sales/${saleId}`);
    } catch (e) {
      if (!st.sale) setMessage(REFUSALS.NETWORK, 'error');
      return;
    }
    const received = Date.now();
    if (res.status === 404) {
      st.saleMissing = true;
      st.sale = null;
    } else if (res.status === 200) {
      // The server's clock at the midpoint of the round trip: the countdown runs on it, not on ours.
      st.offsetMs = Date.parse(res.body.serverTime) - (sent + received) / 2;
      st.saleMissing = false;
      st.sale = res.body;
      st.soldOut = res.body.state === 'SOLD_OUT' || res.body.remaining === 0;
    }
    render();
  }

  function phase() {
    const s = st.sale;
    if (!s) return null;
    const now = serverNow();
    if (s.state === 'ENDED' || now >= Date.parse(s.endsAt)) return 'ENDED';
    if (s.state === 'PAUSED') return 'PAUSED';
    if (now < Date.parse(s.startsAt)) return 'UPCOMING';
    return st.soldOut ? 'SOLD_OUT' : 'OPEN';
  }

  function formatPrice(cents) {
    return new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
  }

  function formatDuration(ms) {
    let s = Math.max(0, Math.ceil(ms / 1000));
    const days = Math.floor(s / 86400);
    s -= days * 86400;
    const pad = (n) => String(n).padStart(2, '0');
    const hms = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
    return days > 0 ? `${days}d ${hms}` : hms;
  }

  // ---- The proof-of-work (docs/bots.md) ------------------------------------------------------

  function solveInWorker(nonce, userId, difficulty) {
    return new Promise((resolve, reject) => {
      const worker = new Worker('/shop/pow-worker.js');
      worker.onmessage = (event) => { worker.terminate(); resolve(event.data); };
      worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message || 'the worker failed')); };
      worker.postMessage({ nonce, userId, difficulty });
    });
  }

  async function prepareChallenge() {
    st.challengeBusy = true;
    const auth = st.auth;
    try {
      const res = await api('POST', `/api/v1/sales/${saleId}/challenges`, { auth: true });
      if (res.status === 201) {
        const solved = await solveInWorker(res.body.nonce, auth.user, res.body.difficulty);
        const rate = Math.round(solved.hashes / Math.max(solved.ms, 1) * 1000);
        console.info(`proof-of-work solved: difficulty ${res.body.difficulty}, ${solved.hashes} hashes in ${Math.round(solved.ms)} ms (${rate} hashes/s)`);
        $('sale').dataset.powHashesPerSecond = String(rate);
        if (st.auth === auth) {
          st.challenge = { nonce: res.body.nonce, solution: solved.solution, expiresAtMs: Date.parse(res.body.expiresAt) };
        }
      } else if (res.status === 401) {
        signOut(REFUSALS.UNAUTHENTICATED);
      } else {
        if (code(res) === 'CHALLENGE_NOT_REQUIRED' && st.sale) st.sale.challengeRequired = false;
        st.challengeRetryAt = Date.now() + Math.max(1000, res.retryAfter * 1000);
      }
    } catch (e) {
      st.challengeRetryAt = Date.now() + 2000;
    } finally {
      st.challengeBusy = false;
      render();
    }
  }

  // ---- Buying --------------------------------------------------------------------------------

  async function fetchPurchaseToken() {
    st.tokenBusy = true;
    let body;
    if (st.sale && st.sale.challengeRequired && st.challenge) {
      body = { nonce: st.challenge.nonce, solution: st.challenge.solution };
      st.challenge = null; // single use: right or wrong, the gateway spends it
    }
    try {
      const res = await api('POST', `/api/v1/sales/${saleId}/purchase-tokens`, { auth: true, body });
      if (res.status === 201) {
        st.purchaseToken = { token: res.body.token, expiresAtMs: Date.parse(res.body.expiresAt) };
      } else if (res.status === 401) {
        signOut(REFUSALS.UNAUTHENTICATED);
      } else if (/^CHALLENGE_/.test(code(res) || '')) {
        st.tokenRetryAt = Date.now() + 500; // a new challenge is fetched and solved first
      } else {
        if (code(res) === 'SOLD_OUT') st.soldOut = true;
        if (code(res) !== 'SALE_NOT_STARTED') setMessage(refusal(res), 'error');
        st.tokenRetryAt = Date.now() + Math.max(1000, res.retryAfter * 1000);
      }
    } catch (e) {
      st.tokenRetryAt = Date.now() + 2000;
    } finally {
      st.tokenBusy = false;
      render();
    }
  }

  function orderActive() {
    return st.order !== null && st.order.status !== 'FAILED' && st.order.status !== 'CANCELLED';
  }

  async function buy() {
    if (st.buying || !st.purchaseToken || orderActive()) return;
    st.buying = true; // the button is disabled before anything leaves the page: one click, one order
    const body = { quantity: 1, token: st.purchaseToken.token };
    st.purchaseToken = null; // one-time: a refused attempt fetches a fresh one
    const key = randomKey(); // once per attempt, so a network retry below is replayed, not re-bought
    setMessage('Placing your order…', '');
    render();
    let res = null;
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        res = await api('POST', `/api/v1/sales/${saleId}/orders`, { auth: true, body, headers: { 'Idempotency-Key': key } });
      } catch (e) {
        res = null;
        if (attempt < 2) { await sleep(800); continue; }
        break;
      }
      if (code(res) === 'REQUEST_IN_PROGRESS') { await sleep(700); continue; }
      break;
    }
    st.buying = false;
    if (res && (res.status === 202 || res.status === 200)) {
      st.order = { orderId: res.body.orderId, status: res.body.status, reason: res.body.reason };
      localStorage.setItem(orderKey(), res.body.orderId);
      setMessage(res.body.duplicate ? 'You already have an order in this sale — nothing new was ordered.' : '',
        res.body.duplicate ? 'ok' : '');
      pollOrder();
      refreshSale(); // units left, now rather than at the next poll
    } else if (res && res.status === 401) {
      signOut(REFUSALS.UNAUTHENTICATED);
      return;
    } else {
      if (code(res) === 'SOLD_OUT') st.soldOut = true;
      setMessage(res ? refusal(res) : REFUSALS.NETWORK, 'error');
      st.tokenRetryAt = Date.now() + ((res && res.retryAfter) || 1) * 1000;
    }
    render();
  }

  async function pollOrder() {
    clearTimeout(st.orderTimer);
    if (!st.order || !st.auth) return;
    const orderId = st.order.orderId;
    let next = ORDER_POLL_PENDING_MS;
    try {
      const res = await api('GET', `/api/v1/orders/${encodeURIComponent(orderId)}`, { auth: true });
      if (!st.order || st.order.orderId !== orderId) return;
      if (res.status === 200) {
        st.order = res.body;
        if (res.body.status === 'QUEUED') next = ORDER_POLL_QUEUED_MS;
        else if (res.body.status !== 'PENDING_PAYMENT') next = 0;
      } else if (res.status === 404) {
        // A remembered id the shop does not know (expired or another stack): forget it.
        localStorage.removeItem(orderKey());
        st.order = null;
        next = 0;
      } else if (res.status === 401) {
        signOut(REFUSALS.UNAUTHENTICATED);
        return;
      }
    } catch (e) {
      // keep polling
    }
    render();
    if (next > 0) st.orderTimer = setTimeout(pollOrder, next);
  }

  async function pay() {
    if (st.paying || !st.order) return;
    st.paying = true;
    setMessage('Paying…', '');
    render();
    try {
      const res = await api('POST', `/dev/v1/orders/${encodeURIComponent(st.order.orderId)}/pay`, { auth: true });
      if (res.status === 200) setMessage('Payment sent.', 'ok');
      else setMessage(refusal(res), 'error');
    } catch (e) {
      setMessage(REFUSALS.NETWORK, 'error');
    }
    st.paying = false;
    await pollOrder();
  }

  // ---- Rendering -----------------------------------------------------------------------------

  function setMessage(text, kind) {
    const el = $('message');
    el.textContent = text;
    el.className = `message ${kind || ''}`.trim();
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function saleRow(sale) {
    const li = document.createElement('li');
    li.className = 'sale-row';
    li.dataset.saleId = String(sale.saleId);
    const link = document.createElement('a');
    link.className = 'sale-link';
    link.href = `/?sale=${encodeURIComponent(sale.saleId)}`;
    for (const part of ['sale-name', 'sale-price', 'sale-when', 'sale-state']) {
      const span = document.createElement('span');
      span.className = part;
      link.appendChild(span);
    }
    li.appendChild(link);
    return li;
  }

  function renderList() {
    show('sale-missing', false);
    show('sale', false);
    show('sales', true);
    const list = $('sales-list');
    const sales = st.sales || [];
    $('sales-empty').textContent = st.listFailed ? REFUSALS.NETWORK : 'No sale is open or coming up right now.';
    show('sales-empty', st.listFailed || (st.sales !== null && sales.length === 0));
    const rows = new Map(Array.from(list.children, (li) => [li.dataset.saleId, li]));
    const now = serverNow();
    sales.forEach((sale, index) => {
      const id = String(sale.saleId);
      let li = rows.get(id);
      if (!li) li = saleRow(sale);
      rows.delete(id);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      // The countdown runs on the server's clock; an upcoming sale whose start passed shows OPEN until the next poll.
      const started = now >= Date.parse(sale.startsAt);
      const state = sale.state === 'UPCOMING' && started ? 'OPEN' : sale.state;
      li.dataset.state = state;
      li.querySelector('.sale-name').textContent = sale.itemName;
      li.querySelector('.sale-price').textContent = formatPrice(sale.priceCents);
      li.querySelector('.sale-when').textContent = state === 'UPCOMING'
        ? `Opens in ${formatDuration(Date.parse(sale.startsAt) - now)}`
        : `Ends in ${formatDuration(Date.parse(sale.endsAt) - now)}`;
      const badge = li.querySelector('.sale-state');
      badge.textContent = state.replace('_', ' ');
      badge.className = `sale-state badge ${state}`;
    });
    rows.forEach((li) => li.remove());
  }

  function render() {
    show('sign-out', st.auth !== null);
    $('who').textContent = st.auth ? `Signed in as ${st.auth.user}` : 'Not signed in';
    show('sign-in', st.auth === null);
    show('dev-sign-in', st.auth === null && st.devMode);
    show('dev-off', st.auth === null && !st.devMode);

    if (listMode) {
      renderList();
      return;
    }
    show('sales', false);

    if (!saleIdValid || st.saleMissing) {
      $('sale-missing').textContent = saleIdValid
        ? `There is no sale ${saleId}. Check the link: open this page with ?sale=<id> of an existing sale.`
        : `"${saleParam}" is not a sale id. Open this page with ?sale=<id>, a positive number.`;
      show('sale-missing', true);
      show('sale', false);
      return;
    }
    show('sale-missing', false);
    const s = st.sale;
    show('sale', s !== null);
    if (!s) return;

    const p = phase();
    $('sale').dataset.phase = p;
    $('item').textContent = s.itemName;
    $('price').textContent = formatPrice(s.priceCents);
    $('state').textContent = p.replace('_', ' ');
    $('state').className = `badge ${p}`;
    $('remaining').textContent = String(s.remaining);
    const now = serverNow();
    if (p === 'UPCOMING') {
      $('countdown-label').textContent = 'Opens in';
      $('countdown').textContent = formatDuration(Date.parse(s.startsAt) - now);
    } else if (p === 'ENDED') {
      $('countdown-label').textContent = 'Ended';
      $('countdown').textContent = new Date(s.endsAt).toLocaleString();
    } else {
      $('countdown-label').textContent = 'Ends in';
      $('countdown').textContent = formatDuration(Date.parse(s.endsAt) - now);
    }

    const tokenExpiring = st.purchaseToken && st.purchaseToken.expiresAtMs - now < 10_000;
    if (tokenExpiring) st.purchaseToken = null;
    if (st.challenge && st.challenge.expiresAtMs - now < 10_000) st.challenge = null;
    // Solved during the countdown, so the buy button is ready the moment the sale opens.
    const challengeDue = p === 'OPEN' || (p === 'UPCOMING' && Date.parse(s.startsAt) - now < CHALLENGE_LEAD_MS);
    if (s.challengeRequired && challengeDue && st.auth && !orderActive() && !st.challenge && !st.purchaseToken
        && !st.challengeBusy && Date.now() >= st.challengeRetryAt) {
      prepareChallenge();
    }
    if (p === 'OPEN' && st.auth && !orderActive() && !st.purchaseToken && !st.tokenBusy && !st.buying
        && (!s.challengeRequired || st.challenge) && Date.now() >= st.tokenRetryAt) {
      fetchPurchaseToken();
    }
    renderBuy(p);
    renderOrder();
  }

  function renderBuy(p) {
    const buy = $('buy');
    show('buy', !orderActive());
    let label = 'Buy now';
    let hint = '';
    let enabled = false;
    if (p === 'UPCOMING') {
      hint = st.sale.challengeRequired && st.challenge
        ? 'Bot check done. The button unlocks when the sale opens.' : 'The button unlocks when the sale opens.';
    } else if (p === 'ENDED') {
      label = 'Sale ended';
      hint = REFUSALS.SALE_ENDED;
    } else if (p === 'PAUSED') {
      label = 'Paused';
      hint = REFUSALS.SALE_PAUSED;
    } else if (p === 'SOLD_OUT') {
      label = 'Sold out';
      hint = REFUSALS.SOLD_OUT;
    } else if (!st.auth) {
      hint = 'Sign in to buy.';
    } else if (st.buying) {
      label = 'Placing your order…';
    } else if (!st.purchaseToken && st.sale.challengeRequired && !st.challenge) {
      hint = 'Checking you are not a bot (a few seconds at most)…';
    } else if (!st.purchaseToken) {
      hint = 'Getting your purchase pass…';
    } else {
      enabled = true;
    }
    buy.textContent = label;
    buy.disabled = !enabled;
    buy.classList.toggle('busy', st.buying);
    $('buy-hint').textContent = orderActive() ? '' : hint;
  }

  function renderOrder() {
    const o = st.order;
    show('order', o !== null);
    if (!o) return;
    $('order-id').textContent = o.orderId;
    const status = o.status || 'LOADING';
    $('order-status').textContent = o.status ? o.status.replace('_', ' ') : '…';
    $('order-status').className = `badge ${status}`;
    let note = ORDER_NOTES[o.status] || '';
    if (o.status === 'FAILED' || o.status === 'CANCELLED') {
      const why = FAILURE_REASONS[o.reason] || (o.reason ? o.reason.toLowerCase().replace(/_/g, ' ') : '');
      note = `${o.status === 'FAILED' ? 'Your order could not be completed' : 'Your order was cancelled'}${why ? `: ${why}` : ''}.`;
    }
    $('order-note').textContent = note;
    show('pay', st.devMode && o.status === 'PENDING_PAYMENT');
    $('pay').disabled = st.paying;
    $('pay').classList.toggle('busy', st.paying);
  }

  // ---- Start ---------------------------------------------------------------------------------

  $('sale-id').textContent = saleIdValid && !listMode ? saleId : '—';
  $('buy').addEventListener('click', buy);
  $('pay').addEventListener('click', pay);
  $('sign-out').addEventListener('click', () => signOut());
  $('dev-sign-in').addEventListener('submit', devSignIn);
  $('token-sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('pasted-token').value.trim());
  });
  const saved = sessionStorage.getItem(JWT_KEY);
  if (saved && decodeJwt(saved)) signIn(saved);
  else sessionStorage.removeItem(JWT_KEY);
  render();
  detectDevMode();
  if (listMode) {
    refreshList();
    setInterval(refreshList, LIST_POLL_MS);
  } else {
    refreshSale();
    setInterval(refreshSale, SALE_POLL_MS);
  }
  setInterval(render, TICK_MS);
})();
