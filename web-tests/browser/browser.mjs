// What every browser scenario file shares: the environment it is given, a fresh Chromium profile per
// scenario, waiting for text, and screenshots.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const SCREENSHOTS = process.env.SCREENSHOT_DIR || join(process.cwd(), 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const RUN = Date.now().toString(36); // names unique per run: the shared Redis and PostgreSQL outlive it
export const WAIT_MS = 20_000;

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value.replace(/\/$/, '');
}

const profiles = [];

/**
 * A browser with a fresh, empty profile and a viewport of the given width; page errors and console errors (other
 * than 4xx answers) are collected.
 */
export async function openBrowser({ width = 1280 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'seckill-chromium-'));
  profiles.push(profile);
  // launchPersistentContext is how Playwright takes a --user-data-dir: a fresh, empty one per scenario.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  return { context, page, problems };
}

export function removeProfiles() {
  profiles.forEach((p) => rmSync(p, { recursive: true, force: true }));
}

export async function text(page, selector) {
  return (await page.textContent(selector)).trim();
}

export async function waitForText(page, selector, pattern, timeout = WAIT_MS) {
  try {
    await page.waitForFunction(([sel, source, flags]) => {
      const el = document.querySelector(sel);
      return el !== null && new RegExp(source, flags).test(el.textContent);
    }, [selector, pattern.source, pattern.flags], { timeout, polling: 100 });
  } catch (e) {
    const actual = await page.textContent(selector).catch(() => '<missing>');
    throw new Error(`${selector} never matched ${pattern} within ${timeout} ms; it shows "${actual}"`);
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
