// The operator console in headless Chromium. Run by OperatorConsoleBrowserTest (which starts the three
// services), or by hand against a running stack:
//   STOCK_URL=http://127.0.0.1:8081 ADMIN_TOKEN=... node --test operator-console.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openBrowser, removeProfiles, required, RUN, SCREENSHOTS, shot, text, waitForText } from './browser.mjs';

const STOCK = required('STOCK_URL');
const ADMIN_TOKEN = required('ADMIN_TOKEN');
const CONSOLE = `${STOCK}/admin/`;
const TOKEN_KEY = 'seckill.operatorToken';
const isAdminApi = (url) => new URL(url).pathname.startsWith('/admin/v1/');

async function createSale({ stock = 7, startsInMs = -5_000, itemName = `Console lamp ${RUN}` } = {}) {
  const now = Date.now();
  const res = await fetch(`${STOCK}/admin/v1/sales`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      itemName, priceCents: 4_900, stock,
      startsAt: new Date(now + startsInMs).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(),
      perUserLimit: 1, paymentTimeoutSeconds: 600, requirePurchaseToken: false,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, `sale not created: ${JSON.stringify(body)}`);
  return body.saleId;
}

async function signIn(page, token, operatorName = '') {
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.fill('#token', token);
  await page.fill('#operator-name', operatorName);
  await page.click('#sign-in-button');
}

const row = (saleId) => `#sales-body tr[data-sale="${saleId}"]`;
const button = (saleId, action) => `${row(saleId)} button[data-action="${action}"]`;

describe('operator console', () => {
  before(() => mkdirSync(SCREENSHOTS, { recursive: true }));
  after(removeProfiles);

  test('loads without a token, with a strict CSP and no inline script, and calls no API before sign-in', async () => {
    const { context, page, problems } = await openBrowser();
    try {
      const calls = [];
      page.on('request', (r) => { if (isAdminApi(r.url())) calls.push(r.url()); });
      const res = await page.goto(CONSOLE);
      assert.equal(res.status(), 200);
      const csp = res.headers()['content-security-policy'] || '';
      assert.match(csp, /default-src 'self'/);
      assert.doesNotMatch(csp, /unsafe/);
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /\sstyle=/, 'no inline style');
      await page.waitForSelector('#sign-in:not([hidden])');
      assert.equal(await page.isHidden('#console'), true);
      await shot(page, 'console-01-sign-in');
      assert.deepEqual(calls, [], 'no admin API call before sign-in');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a wrong token is refused on the sign-in form and nothing is kept', async () => {
    const { context, page, problems } = await openBrowser();
    try {
      await page.goto(CONSOLE);
      await signIn(page, `not-the-token-${RUN}`);
      await page.waitForSelector('#sign-in-error:not([hidden])');
      assert.match(await text(page, '#sign-in-error'), /refused/);
      assert.equal(await page.isHidden('#console'), true);
      assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), null);
      await shot(page, 'console-02-refused');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('signed in, it lists a sale with its state and stock, reconciles it, and keeps the token in session storage only', async () => {
    const saleId = await createSale({ stock: 7 });
    const { context, page, problems } = await openBrowser();
    try {
      const calls = [];
      page.on('request', (r) => { if (isAdminApi(r.url())) calls.push(`${r.method()} ${new URL(r.url()).pathname} ${r.headers().authorization || ''}`); });
      await page.goto(CONSOLE);
      await signIn(page, ADMIN_TOKEN);
      await page.waitForSelector(row(saleId), { timeout: 20_000 });
      assert.equal(await text(page, `${row(saleId)} .state`), 'OPEN');
      assert.equal(await text(page, `${row(saleId)} .db-remaining`), '7');
      assert.equal(await text(page, `${row(saleId)} .redis-stock`), '7');
      assert.equal(await text(page, `${row(saleId)} .drift`), '0');
      assert.equal(await text(page, `${row(saleId)} .orders`), '0 / 0 / 0 / 0');
      await shot(page, 'console-03-sales');

      await page.click(button(saleId, 'reconcile'));
      await waitForText(page, '#message', new RegExp(`^Reconcile sale ${saleId}: done \\(200\\)\\.$`));
      await page.waitForSelector('#details:not([hidden])');
      assert.match(await text(page, '#details-result'), new RegExp(`"saleId": ${saleId}`));
      assert.ok(calls.includes(`POST /admin/v1/sales/${saleId}/reconcile Bearer ${ADMIN_TOKEN}`), calls.join('\n'));
      assert.ok(calls.every((c) => c.endsWith(`Bearer ${ADMIN_TOKEN}`)), 'every API call carries the token');

      const storage = await page.evaluate((k) => ({
        session: sessionStorage.getItem(k), local: localStorage.length, cookie: document.cookie,
      }), TOKEN_KEY);
      assert.deepEqual(storage, { session: ADMIN_TOKEN, local: 0, cookie: '' });

      await page.click('#sign-out-button');
      await page.waitForSelector('#sign-in:not([hidden])');
      assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('pause, resume and end change the sale through their routes', async () => {
    const saleId = await createSale({ stock: 5 });
    const { context, page, problems } = await openBrowser();
    try {
      const posts = [];
      page.on('request', (r) => { if (r.method() === 'POST' && isAdminApi(r.url())) posts.push(new URL(r.url()).pathname); });
      page.on('dialog', (d) => d.accept());
      await page.goto(CONSOLE);
      await signIn(page, ADMIN_TOKEN, `ops.${RUN}`);
      await page.waitForSelector(button(saleId, 'pause'), { timeout: 20_000 });

      await page.click(button(saleId, 'pause'));
      await waitForText(page, `${row(saleId)} .state`, /^PAUSED$/);
      await page.waitForSelector(button(saleId, 'resume'));
      await shot(page, 'console-04-paused');

      await page.click(button(saleId, 'resume'));
      await waitForText(page, `${row(saleId)} .state`, /^OPEN$/);

      await page.click(button(saleId, 'end'));
      await waitForText(page, `${row(saleId)} .state`, /^ENDED$/);
      await shot(page, 'console-05-ended');
      assert.deepEqual(posts, ['pause', 'resume', 'end'].map((a) => `/admin/v1/sales/${saleId}/${a}`));

      await page.click(button(saleId, 'details'));
      await page.waitForSelector('#audit:not([hidden])');
      await waitForText(page, '#audit-body', /END/);
      // Each control is audited under the name given at sign-in, beside the credential.
      const audit = await page.$$eval('#audit-body tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
      assert.deepEqual(audit.map((cells) => [cells[1], cells[2], cells[3]]), [
        [`ops.${RUN} (admin-token)`, 'END', 'APPLIED'],
        [`ops.${RUN} (admin-token)`, 'RESUME', 'APPLIED'],
        [`ops.${RUN} (admin-token)`, 'PAUSE', 'APPLIED'],
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
