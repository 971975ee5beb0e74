// Finding identities in the dashboard by external id and by label (the API's exact ?externalId and ?label filters),
// in Chromium against a real gateway with the in-process devnet.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestGateway } from '../support/gateway.js';
import { newAdmin, openPage, shootPage, signUpOwner, startDashboardStage, type DashboardStage } from './browser.js';

let stage: DashboardStage;
let gateway: TestGateway;
let page: Page;
const pageErrors: string[] = [];
const owner = newAdmin('search', 'search.test');
const created: { id: string; label: string; externalId: string }[] = [];

beforeAll(async () => {
  stage = await startDashboardStage();
  gateway = stage.gateway;
  const token = await signUpOwner(gateway, 'Search Inc', owner);
  for (const [label, externalId] of [
    ['support bot', 'user-41'],
    ['sales bot', 'user-42'],
    ['support bot', 'user-43'],
  ] as const) {
    const answer = await fetch(`${gateway.url}/v1/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label, externalId }),
    });
    expect(answer.status).toBe(201);
    created.push({ id: ((await answer.json()) as { id: string }).id, label, externalId });
  }
  page = await openPage(await stage.browser.newContext({ viewport: { width: 1280, height: 800 } }), pageErrors);
}, 120_000);

afterAll(async () => {
  await stage?.close();
});

const rowLinks = () => page.getByTestId('identity-row').getByRole('link');

describe('identity search in chromium', () => {
  it('finds an identity by external id, by label, and says so when nothing matches', async () => {
    await page.goto(`${gateway.url}/admin/identities`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('identity-row').nth(2).waitFor();

    const search = page.getByRole('search', { name: 'Find identities' });
    await search.getByRole('searchbox').fill('user-42');
    await search.getByRole('button', { name: 'Find' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="identity-row"]').length === 1);
    await expect(rowLinks().getAttribute('href')).resolves.toBe(`/admin/identities/${created[1]!.id}`);
    await shootPage(page, 'identities-search-external-id');

    await search.getByLabel('Find by').selectOption('label');
    await search.getByRole('searchbox').fill('support bot');
    await search.getByRole('button', { name: 'Find' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="identity-row"]').length === 2);
    const hrefs = await rowLinks().evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs.sort()).toEqual([created[0]!.id, created[2]!.id].map((id) => `/admin/identities/${id}`).sort());

    await search.getByRole('searchbox').fill('Support Bot');
    await search.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No identity has the label “Support Bot”').waitFor();
    await search.getByRole('button', { name: 'Show all' }).click();
    await page.getByTestId('identity-row').nth(2).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
