// Debian's chromium driven by playwright-core (never a downloaded browser), and screenshots at both sizes.
import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-artifacts', 'dashboard');
export const DASHBOARD_INDEX = path.join(repoRoot, 'apps', 'dashboard', 'dist', 'index.html');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does this)`,
    );
  }
  if (!existsSync(DASHBOARD_INDEX)) throw new Error(`${DASHBOARD_INDEX} is missing: run npm run build`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Saves `<name>-1280x800.png` and `<name>-390x844.png` (full page), and checks that the phone layout has no
 * horizontal page scroll (wide tables scroll inside their own box). Returns the phone layout's page width.
 */
export async function screenshotBothSizes(
  page: Page,
  name: string,
): Promise<{ files: string[]; phoneScrollWidth: number }> {
  const files = [path.join(SCREENSHOT_DIR, `${name}-1280x800.png`), path.join(SCREENSHOT_DIR, `${name}-390x844.png`)];
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: files[0], fullPage: true });
  await page.setViewportSize(PHONE);
  const phoneScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: files[1], fullPage: true });
  await page.setViewportSize(DESKTOP);
  return { files, phoneScrollWidth };
}

/** Screenshots at both sizes and expects the phone layout to need no horizontal scroll; answers the files written. */
export async function shootPage(page: Page, name: string): Promise<string[]> {
  const { files, phoneScrollWidth } = await screenshotBothSizes(page, name);
  expect(phoneScrollWidth).toBeLessThanOrEqual(PHONE.width);
  return files;
}

export interface DashboardStage {
  database: TestDatabase;
  gateway: TestGateway;
  browser: Browser;
  /** Closes the browser, stops the gateway and drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh database, a gateway on it (`env` adds to its settings) and Chromium, the gateway and the browser started side
 * by side. If either fails, what did start is closed again.
 */
export async function startDashboardStage(env: Record<string, string> = {}): Promise<DashboardStage> {
  const database = await createTestDatabase();
  const [gateway, browser] = await Promise.allSettled([
    startTestGateway({ DATABASE_URL: database.url, ...env }),
    launchChromium(),
  ]);
  if (gateway.status === 'rejected' || browser.status === 'rejected') {
    if (browser.status === 'fulfilled') await browser.value.close();
    if (gateway.status === 'fulfilled') await gateway.value.close();
    await database.drop();
    throw gateway.status === 'rejected' ? gateway.reason : (browser as PromiseRejectedResult).reason;
  }
  return {
    database,
    gateway: gateway.value,
    browser: browser.value,
    close: async () => {
      await browser.value.close();
      await gateway.value.close();
      await database.drop();
    },
  };
}

/** Email and password for a new admin, unique per run: `<name>-<random>@<domain>`. */
export function newAdmin(name: string, domain: string): { email: string; password: string } {
  return {
    email: `${name}-${randomBytes(4).toString('hex')}@${domain}`,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
}

/** Signs a tenant up through POST /v1/admin/signup and answers its owner's access token. */
export async function signUpOwner(
  gateway: TestGateway,
  tenantName: string,
  owner: { email: string; password: string },
): Promise<string> {
  const signup = await fetch(`${gateway.url}/v1/admin/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName, email: owner.email, password: owner.password }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
  return ((await signup.json()) as { accessToken: string }).accessToken;
}

/** A new page in `context` with `timeoutMs` as its default timeout, whose uncaught errors are pushed to `errors`. */
export async function openPage(context: BrowserContext, errors: string[], timeoutMs = 15_000): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('pageerror', (error) => errors.push(String(error)));
  return page;
}
