// The shopper page in headless Chromium. Run by ShopperPageBrowserTest (which starts the three
// services), or by hand against a running stack:
//   GATEWAY_URL=http://127.0.0.1:8080 STOCK_URL=http://127.0.0.1:8081 ADMIN_TOKEN=... node --test shopper-page.test.mjs
// Every scenario gets a fresh browser profile (its own --user-data-dir) and its own shoppers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openBrowser as openAnyBrowser, removeProfiles, required, RUN, SCREENSHOTS, shot, text, WAIT_MS, waitForText }
  from './browser.mjs';

const GATEWAY = required('GATEWAY_URL');
const STOCK = required('STOCK_URL');
const ADMIN_TOKEN = required('ADMIN_TOKEN');

// ---- The API, for setting the scene ------------------------------------------------------------

async function createSale({ stock = 10, startsInMs = -5_000, requirePurchaseToken = true, itemName = 'Aurora phone',
  challenge } = {}) {
  const now = Date.now();
  const res = await fetch(`${STOCK}/admin/v1/sales`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      itemName, priceCents: 19_900, stock,
      startsAt: new Date(now + startsInMs).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(),
      perUserLimit: 1, paymentTimeoutSeconds: 600, requirePurchaseToken, challenge,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, `sale not created: ${JSON.stringify(body)}`);
  return body.saleId;
}

async function devToken(userName) {
  const res = await fetch(`${GATEWAY}/dev/v1/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userName }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).token;
}

/** Another shopper buys through the API (purchase token, then the order). */
async function buyThroughApi(userName, saleId) {
  const auth = { Authorization: `Bearer ${await devToken(userName)}` };
  const token = await fetch(`${GATEWAY}/api/v1/sales/${saleId}/purchase-tokens`, { method: 'POST', headers: auth });
  assert.equal(token.status, 201);
  const res = await fetch(`${GATEWAY}/api/v1/sales/${saleId}/orders`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ quantity: 1, token: (await token.json()).token }),
  });
  assert.equal(res.status, 202);
  return res.json();
}

// ---- The browser -------------------------------------------------------------------------------

/** The storefront is a phone-width page. */
const openBrowser = () => openAnyBrowser({ width: 760 });

async function signIn(page, userName) {
  await page.waitForSelector('#dev-sign-in:not([hidden])');
  await page.fill('#user-name', userName);
  await page.click('#sign-in-button');
  await page.waitForFunction((u) => document.getElementById('who').textContent === `Signed in as ${u}`, userName);
}

const shopPage = (saleId) => `${GATEWAY}/?sale=${saleId}`;
const isOrderPost = (request) => request.method() === 'POST' && /\/api\/v1\/sales\/\d+\/orders$/.test(request.url());

describe('shopper page', () => {
  before(() => mkdirSync(SCREENSHOTS, { recursive: true }));
  after(removeProfiles);

  test('counts down by the server clock with the button disabled, then opens', async () => {
    // Long enough that a slow browser start on a busy machine still sees the countdown (it took over 6 s once).
    const saleId = await createSale({ startsInMs: 12_000 });
    const { context, page, problems } = await openBrowser();
    try {
      // The browser's clock is an hour behind the server's: the countdown must not care.
      await page.clock.install({ time: Date.now() - 3_600_000 });
      await page.goto(shopPage(saleId));
      await signIn(page, `early-${RUN}`);
      await waitForText(page, '#state', /^UPCOMING$/);
      await waitForText(page, '#countdown', /^00:00:0[1-6]$/);
      assert.equal(await page.isDisabled('#buy'), true, 'the buy button is disabled before the start');
      assert.match(await text(page, '#buy-hint'), /unlocks when the sale opens/);
      assert.equal(await text(page, '#price'), '199.00');
      assert.equal(await text(page, '#item'), 'Aurora phone');
      await shot(page, '01-countdown');

      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      assert.equal(await text(page, '#state'), 'OPEN');
      assert.equal(await text(page, '#countdown-label'), 'Ends in');
      await shot(page, '02-open');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('buys once: QUEUED, then PENDING_PAYMENT', async () => {
    const saleId = await createSale();
    const { context, page, problems } = await openBrowser();
    try {
      const answers = [];
      page.on('response', async (res) => {
        if (isOrderPost(res.request())) answers.push({ status: res.status(), body: await res.json() });
      });
      await page.goto(shopPage(saleId));
      await signIn(page, `buyer-${RUN}`);
      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      await page.click('#buy');
      await waitForText(page, '#order-status', /^(QUEUED|PENDING PAYMENT)$/);
      await shot(page, '03-queued');
      await waitForText(page, '#order-status', /^PENDING PAYMENT$/);
      await page.waitForSelector('#pay:not([hidden])');
      await shot(page, '04-pending-payment');

      assert.equal(answers.length, 1);
      assert.equal(answers[0].status, 202);
      assert.equal(answers[0].body.status, 'QUEUED');
      assert.equal(await text(page, '#order-id'), answers[0].body.orderId);
      assert.equal(await page.isHidden('#buy'), true, 'no second buy button once an order exists');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a double click sends one order request, with an Idempotency-Key', async () => {
    const saleId = await createSale();
    const { context, page, problems } = await openBrowser();
    try {
      const posts = [];
      page.on('request', (request) => { if (isOrderPost(request)) posts.push(request.headers()); });
      await page.goto(shopPage(saleId));
      await signIn(page, `double-${RUN}`);
      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      await page.dblclick('#buy');
      await waitForText(page, '#order-status', /^PENDING PAYMENT$/);
      assert.equal(posts.length, 1, `POST /orders was sent ${posts.length} times`);
      assert.match(posts[0]['idempotency-key'], /^[A-Za-z0-9_-]{16,64}$/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('reloading after buying shows the existing order, not a buy button', async () => {
    const saleId = await createSale();
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(shopPage(saleId));
      await signIn(page, `reload-${RUN}`);
      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      await page.click('#buy');
      await waitForText(page, '#order-status', /^PENDING PAYMENT$/);
      const orderId = await text(page, '#order-id');

      const posts = [];
      page.on('request', (request) => { if (isOrderPost(request)) posts.push(request.url()); });
      await page.reload();
      await waitForText(page, '#order-status', /^PENDING PAYMENT$/);
      assert.equal(await text(page, '#order-id'), orderId);
      assert.equal(await page.isHidden('#buy'), true);
      assert.equal(posts.length, 0, 'a reload sends no order');
      await shot(page, '05-reloaded');

      // Local memory lost: the one way to ask is a purchase, and the shop answers with the same order (200 duplicate).
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      await page.click('#buy');
      await waitForText(page, '#message', /already have an order in this sale/);
      assert.equal(await text(page, '#order-id'), orderId);
      await shot(page, '06-already-bought');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('pays a pending order and shows PAID', async () => {
    const saleId = await createSale();
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(shopPage(saleId));
      await signIn(page, `payer-${RUN}`);
      await page.waitForSelector('#buy:not([disabled])', { timeout: WAIT_MS });
      await page.click('#buy');
      await page.waitForSelector('#pay:not([hidden])', { timeout: WAIT_MS });
      await page.click('#pay');
      await waitForText(page, '#order-status', /^PAID$/);
      assert.equal(await page.isHidden('#pay'), true);
      assert.match(await text(page, '#order-note'), /Paid/);
      await shot(page, '07-paid');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('says sold out when another shopper took the last unit', async () => {
    const saleId = await createSale({ stock: 1 });
    await buyThroughApi(`first-${RUN}`, saleId);
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(shopPage(saleId));
      await signIn(page, `late-${RUN}`);
      await waitForText(page, '#state', /^SOLD OUT$/);
      await waitForText(page, '#buy-hint', /Sold out — every unit has been sold\./);
      assert.equal(await page.isDisabled('#buy'), true);
      assert.equal(await text(page, '#buy'), 'Sold out');
      assert.equal(await text(page, '#remaining'), '0');
      await shot(page, '08-sold-out');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the page without a sale lists the open and upcoming sales, with a live countdown and a link to each', async () => {
    const openName = `Open kettle ${RUN}`;
    const upcomingName = `Upcoming lamp ${RUN}`;
    const open = await createSale({ itemName: openName });
    const upcoming = await createSale({ itemName: upcomingName, startsInMs: 600_000 });
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(`${GATEWAY}/`);
      const openRow = `#sales-list li[data-sale-id="${open}"]`;
      const upcomingRow = `#sales-list li[data-sale-id="${upcoming}"]`;
      await page.waitForSelector(upcomingRow, { timeout: WAIT_MS });
      await page.waitForSelector(openRow, { timeout: WAIT_MS });
      assert.equal(await page.isHidden('#sale'), true, 'no single sale is shown');
      assert.equal(await text(page, `${openRow} .sale-name`), openName);
      assert.equal(await text(page, `${openRow} .sale-state`), 'OPEN');
      // An hour from the sale's creation; the page rounds up against its estimate of the server's clock, which
      // can trail the test's own by a little, so a full hour ("01:00:00") is as right as "00:59:59".
      assert.match(await text(page, `${openRow} .sale-when`), /^Ends in (00:59:\d\d|01:00:00)$/);
      assert.equal(await text(page, `${upcomingRow} .sale-name`), upcomingName);
      assert.equal(await text(page, `${upcomingRow} .sale-state`), 'UPCOMING');
      assert.equal(await text(page, `${upcomingRow} .sale-price`), '199.00');
      const first = await text(page, `${upcomingRow} .sale-when`);
      assert.match(first, /^Opens in 00:(09|10):\d\d$/);
      // Live: the countdown moves without a reload.
      await page.waitForFunction(([sel, before]) => document.querySelector(sel).textContent !== before,
        [`${upcomingRow} .sale-when`, first], { timeout: WAIT_MS });
      await shot(page, '10-sale-list');

      await page.click(`${openRow} a`);
      await page.waitForURL(`**/?sale=${open}`);
      await waitForText(page, '#item', new RegExp(`^${openName}$`));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('solves the sale\'s proof-of-work in a worker during the countdown, then buys', async () => {
    // Long enough that a busy machine still shows the solved challenge before the opening (12 s was not).
    const startsInMs = 40_000;
    const opensAt = Date.now() + startsInMs;
    const saleId = await createSale({ startsInMs, challenge: { kind: 'pow', difficulty: 8 } });
    const { context, page, problems } = await openBrowser();
    try {
      const challenges = [];
      const tokenBodies = [];
      page.on('request', (request) => {
        if (request.method() !== 'POST') return;
        if (request.url().endsWith(`/api/v1/sales/${saleId}/challenges`)) challenges.push(Date.now());
        if (request.url().endsWith(`/api/v1/sales/${saleId}/purchase-tokens`)) tokenBodies.push(request.postData());
      });
      await page.goto(shopPage(saleId));
      await signIn(page, `solver-${RUN}`);
      try {
        await waitForText(page, '#buy-hint', /Bot check done\. The button unlocks when the sale opens\./);
      } catch (e) {
        await shot(page, '11-challenge-not-solved');
        throw e;
      }
      assert.ok(challenges.length >= 1 && challenges[0] < opensAt, 'the challenge is fetched during the countdown');
      await shot(page, '11-challenge-solved');

      await page.waitForSelector('#buy:not([disabled])', { timeout: startsInMs + WAIT_MS });
      const answer = JSON.parse(tokenBodies[0]);
      assert.match(answer.nonce, /^[A-Za-z0-9_-]{32}$/);
      assert.match(answer.solution, /^[0-9]+$/);
      await page.click('#buy');
      await waitForText(page, '#order-status', /^PENDING PAYMENT$/);
      assert.equal(tokenBodies.length, 1, 'one solved challenge, one purchase token');
      await shot(page, '12-bought-after-challenge');

      // The browser's hash rate, for docs/bots.md: one worker solving an 18-bit challenge (2^18 hashes expected).
      const probe = await page.evaluate(() => new Promise((resolve, reject) => {
        const worker = new Worker('/shop/pow-worker.js');
        worker.onmessage = (event) => { worker.terminate(); resolve(event.data); };
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ nonce: 'hash-rate-probe-nonce-0123456789a', userId: 'rate-probe', difficulty: 18 });
      }));
      const rate = Math.round(probe.hashes / probe.ms * 1000);
      console.log(`browser proof-of-work rate: ${probe.hashes} hashes in ${Math.round(probe.ms)} ms = ${rate} hashes/s `
        + '(headless chromium, one Web Worker, crypto.subtle SHA-256)');
      assert.ok(rate > 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('says so when the sale does not exist', async () => {
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(shopPage('999999999999'));
      await waitForText(page, '#sale-missing', /There is no sale 999999999999/);
      assert.equal(await page.isHidden('#sale'), true);
      await shot(page, '09-no-such-sale');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
