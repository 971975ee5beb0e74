// Debian's chromium driven by playwright-core (never a downloaded browser), and screenshots at both sizes.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

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
