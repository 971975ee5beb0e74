// Every dashboard page in Chromium with the system set to light and to dark (prefers-color-scheme): the page follows
// the setting, and a screenshot of each is saved as test-artifacts/dashboard/scheme-<light|dark>-<page>-*.png.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { newAdmin, openPage, shootPage, signUpOwner, startDashboardStage, type DashboardStage } from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let browser: Browser;
let receiver: WebhookReceiver;
const owner = newAdmin('schemes', 'schemes.test');
const ids: { identity?: string; webhook?: string; delivery?: string } = {};
const pageErrors: string[] = [];

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as T;
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  receiver.answerByDefault(200);
  stage = await startDashboardStage({ OUTBOUND_ALLOWLIST: '127.0.0.1', WEBHOOK_POLL_INTERVAL_MS: '100' });
  ({ gateway, browser } = stage);
  const token = await signUpOwner(gateway, 'Schemes Inc', owner);
  await api(token, 'POST', '/v1/api-keys', { name: 'backend', scopes: ['identities', 'messages'] });
  ids.identity = (
    await api<{ id: string }>(token, 'POST', '/v1/identities', { label: 'support bot', externalId: 'user-42' })
  ).id;
  ids.webhook = (
    await api<{ id: string }>(token, 'POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] })
  ).id;
  ids.delivery = (await api<{ id: string }>(token, 'POST', `/v1/webhooks/${ids.webhook}/test`, {})).id;
}, 120_000);

afterAll(async () => {
  await stage?.close();
  await receiver?.close();
});

const SIGNED_IN_PAGES = (): { name: string; path: string; ready: string }[] => [
  { name: 'overview', path: '/', ready: 'Messages per day' },
  { name: 'api-keys', path: '/api-keys', ready: 'Keys' },
  { name: 'identities', path: '/identities', ready: 'All identities' },
  { name: 'identity', path: `/identities/${ids.identity}`, ready: 'Inbox state' },
  { name: 'conversations', path: `/identities/${ids.identity}/conversations`, ready: 'Conversations' },
  { name: 'webhooks', path: '/webhooks', ready: 'Webhooks' },
  { name: 'webhook', path: `/webhooks/${ids.webhook}`, ready: 'Deliveries' },
  { name: 'webhook-delivery', path: `/webhooks/${ids.webhook}/deliveries/${ids.delivery}`, ready: 'Body as sent' },
  { name: 'team', path: '/team', ready: 'Members' },
  { name: 'audit-log', path: '/audit-log', ready: 'Entries' },
  { name: 'settings', path: '/settings', ready: 'Settings' },
  { name: 'account', path: '/account', ready: 'Change your password' },
];

async function backgroundOf(page: Page): Promise<number> {
  // Relative luminance proxy of the page background: the average of its RGB channels.
  const color = await page.evaluate(
    () => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor,
  );
  const rootColor = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const [r, g, b] = (
    /rgba?\((\d+), (\d+), (\d+)/.exec(color.includes('rgba(0, 0, 0, 0)') ? rootColor : color) ?? ['', '0', '0', '0']
  )
    .slice(1)
    .map(Number);
  return (r! + g! + b!) / 3;
}

describe.each(['light', 'dark'] as const)('every page with the system in %s mode', (scheme) => {
  let page: Page;

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    page = await openPage(context, pageErrors, 20_000);
  });

  async function shoot(name: string): Promise<void> {
    const background = await backgroundOf(page);
    if (scheme === 'dark') expect(background).toBeLessThan(60);
    else expect(background).toBeGreaterThan(200);
    await shootPage(page, `scheme-${scheme}-${name}`);
  }

  it('signed-out pages follow the setting', async () => {
    await page.goto(`${gateway.url}/admin/login`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shoot('login');
    await page.goto(`${gateway.url}/admin/signup`);
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await shoot('signup');
    await page.goto(`${gateway.url}/admin/accept-invitation#token=mri_example`);
    await page.getByRole('heading', { name: 'Join the team' }).waitFor();
    await shoot('accept-invitation');
    await page.goto(`${gateway.url}/admin/reset-password#token=mrp_example`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shoot('reset-password');
  });

  it('signed-in pages follow the setting', async () => {
    await page.goto(`${gateway.url}/admin/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    for (const target of SIGNED_IN_PAGES()) {
      await page.goto(`${gateway.url}/admin${target.path}`);
      await page.getByRole('heading', { name: target.ready, exact: true }).first().waitFor();
      await page
        .locator('.loading')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      await shoot(target.name);
    }
    expect(pageErrors).toEqual([]);
  });
});
