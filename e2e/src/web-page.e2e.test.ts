import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, everyServiceBReady, freshUserId, getServiceB, stack, supervisorctl } from './stack.js';

// The web page (web/, served by nginx on WEB_PORT) in Debian's chromium, driven by playwright-core:
// no browser is downloaded, and each run starts from an empty profile.
const screenshotPath = resolve(import.meta.dirname, '../../test-results/web-page.png');
const userDataDir = mkdtempSync(join(tmpdir(), 'web-page-chromium-'));
let browser: BrowserContext;

beforeAll(async () => {
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

/** Opens the page and waits until its live table streams. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(stack.webUrl);
  await page.waitForSelector('#stream-status[data-state="live"]', { timeout: 10_000 });
  return page;
}

/** Fills in the form and sends it: the event id the page shows for the answer. */
async function submitSum(page: Page, userId: string, operands: string): Promise<string> {
  await page.fill('#user-id', userId);
  await page.fill('#operands', operands);
  await page.click('#sum-submit');
  const result = await page.waitForSelector('#sum-result[data-event-id]', { timeout: 10_000 });
  return (await result.getAttribute('data-event-id')) ?? '';
}

/** The live table's rows of one user: event id, seq and sum as shown. */
async function liveRowsOf(page: Page, userId: string) {
  return page.$$eval(
    '#live-rows tr',
    (rows, user) =>
      rows
        .filter((row) => row.children[1]?.textContent === user)
        .map((row) => ({
          eventId: row.getAttribute('data-event-id') ?? '',
          seq: row.getAttribute('data-seq') ?? '',
          sum: row.children[3]?.textContent ?? '',
          endToEnd: row.children[5]?.textContent ?? '',
        })),
    userId,
  );
}

async function saveScreenshot(page: Page): Promise<void> {
  mkdirSync(resolve(screenshotPath, '..'), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
}

/** What POST /v1/sum answers for this body when asked directly, to compare the page with. */
async function apiErrorFor(body: string) {
  const response = await fetch(`${stack.httpApiUrl}/v1/sum`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const problem = (await response.json()) as { code: string; detail: string; field?: string };
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: `${problem.detail} (${problem.code})`,
    field: problem.field,
  };
}

describe('the web page', () => {
  it('shows a sum sent from its form in the live table within seconds, with its sum and end-to-end time', async () => {
    await everyServiceBReady();
    const page = await openPage();
    const userId = freshUserId('web');
    const eventId = await submitSum(page, userId, '1.5, 2 3');
    expect(await page.textContent('#sum-result')).toContain('Sum 6.5');

    await page.waitForSelector(`#live-rows tr[data-event-id="${eventId}"]`, { timeout: 5000 });
    const [row] = await liveRowsOf(page, userId);
    expect(row).toMatchObject({ eventId, sum: '6.5' });
    expect(row?.endToEnd).toMatch(/^\d+(\.\d+)? m?s$/);
    // The page shows what service-b stored.
    const stored = await getServiceB<{ sum: number; seq: string }>(`/v1/calculations/${eventId}`);
    expect(stored.body).toMatchObject({ sum: 6.5, seq: row?.seq });

    // The summary and history of the user just sent for, once the calculation is applied.
    await page.waitForSelector('#history-count:text-is("1")', { timeout: 5000 });
    expect(await page.textContent('#history-total')).toBe('6.5');
    expect(await page.$$eval('#history-rows tr', (rows) => rows.map((r) => r.getAttribute('data-seq')))).toEqual([
      row?.seq,
    ]);
    await saveScreenshot(page);
    await page.close();
  });

  it("shows the API's error next to the input it names, and clears it on the next try", async () => {
    const page = await openPage();
    const cases = [
      {
        input: 'user-id',
        userId: '',
        operands: '1, 2',
        requestId: '',
        body: '{"userId":"","operands":[1,2]}',
        field: 'userId',
      },
      {
        input: 'operands',
        userId: 'web-bad',
        operands: '1, abc',
        requestId: '',
        body: '{"userId":"web-bad","operands":[1,"abc"]}',
        field: 'operands',
      },
      {
        input: 'operands',
        userId: 'web-bad',
        operands: '1 1e999',
        requestId: '',
        body: '{"userId":"web-bad","operands":[1,1e999]}',
        field: 'operands',
      },
      {
        input: 'request-id',
        userId: 'web-bad',
        operands: '1',
        requestId: 'r 1',
        body: '{"userId":"web-bad","operands":[1],"requestId":"r 1"}',
        field: 'requestId',
      },
    ];
    for (const { input, userId, operands, requestId, body, field } of cases) {
      const expected = await apiErrorFor(body);
      // RFC 9457 problem details naming the request property at fault: the page puts it at that input.
      expect(expected).toMatchObject({
        status: 400,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        field,
      });

      await page.fill('#user-id', userId);
      await page.fill('#operands', operands);
      await page.fill('#request-id', requestId);
      await page.click('#sum-submit');
      const error = await page.waitForSelector(`#${input}-error:not([hidden])`, { timeout: 5000 });
      expect(await error.textContent()).toBe(expected.text);
      expect(await page.getAttribute(`#${input}`, 'aria-invalid')).toBe('true');
      expect((await page.getAttribute(`#${input}`, 'aria-describedby'))?.split(' ')).toContain(`${input}-error`);
      // Only the input at fault is marked; the general error area stays empty.
      expect(await page.$$eval('[aria-invalid="true"]', (inputs) => inputs.map((i) => i.id))).toEqual([input]);
      expect(await page.isHidden('#sum-error')).toBe(true);
      expect(await page.$eval(':focus', (element) => element.id)).toBe(input);
    }

    await page.fill('#request-id', '');
    await submitSum(page, freshUserId('web'), '4');
    expect(await page.$$eval('[aria-invalid="true"]', (inputs) => inputs.length)).toBe(0);
    expect(await page.isHidden('#operands-error')).toBe(true);
    await page.close();
  });

  it('resumes its stream after the instance it streams from stops and starts: each sum sent meanwhile appears once', async () => {
    await everyServiceBReady();
    const page = await openPage();
    // The page says which instance it streams from.
    const instance = (await page.getAttribute('#stream-status', 'data-instance')) ?? '';
    expect(stack.serviceBUrls.map((_, i) => `service-b-${i + 1}`)).toContain(instance);
    const otherUrl = stack.serviceBUrls.find((_, i) => `service-b-${i + 1}` !== instance) ?? '';

    const userId = freshUserId('web-resume');
    const first = await submitSum(page, userId, '1');
    // An instance that just started may still be joining the group: wait for the apply, then the row.
    await eventually('the first sum applied', async () =>
      (await getServiceB(`/v1/calculations/${first}`)).status === 200 ? true : undefined,
    );
    await page.waitForSelector(`#live-rows tr[data-event-id="${first}"]`, { timeout: 5000 });
    // The newest calculation the page has (its own, unless another was applied since): where it must resume.
    const resumeAfter = (await page.getAttribute('#live-rows tr:first-child', 'data-seq')) ?? '';

    // Streams opened from here on that an instance answered (the browser reports no request headers
    // for the tries nginx closed unanswered while the instance was down).
    const reopened: { url: string; lastEventId: string | undefined }[] = [];
    page.on('response', (response) => {
      if (!response.url().includes('/stream')) return;
      void response
        .request()
        .allHeaders()
        .then((headers) => reopened.push({ url: response.url(), lastEventId: headers['last-event-id'] }));
    });

    const meanwhile: string[] = [];
    try {
      await supervisorctl('stop', instance);
      await page.waitForSelector('#stream-status:not([data-state="live"])', { timeout: 5000 });
      for (let i = 1; i <= 5; i++) meanwhile.push(await submitSum(page, userId, `${i}, 10`));
      // Applied by the other instance while the page's one is down: they can only reach the page by the resume.
      await eventually('the sums sent meanwhile applied', async () => {
        const summary = await fetch(`${otherUrl}/v1/users/${userId}/summary`);
        return summary.ok && ((await summary.json()) as { calculationCount: number }).calculationCount === 6
          ? true
          : undefined;
      });
      expect(await liveRowsOf(page, userId)).toHaveLength(1);
      await page.waitForSelector(`#instance-rows tr[data-instance="${instance}"]:not([data-ready="ready"])`, {
        timeout: 15_000,
      });
    } finally {
      await supervisorctl('start', instance);
    }
    await everyServiceBReady();

    await page.waitForSelector('#stream-status[data-state="live"]', { timeout: 15_000 });
    expect(await page.getAttribute('#stream-status', 'data-instance')).toBe(instance);
    await eventually('every sum sent meanwhile in the live table', async () =>
      (await liveRowsOf(page, userId)).length >= 6 ? true : undefined,
    );
    const rows = await liveRowsOf(page, userId);
    expect(rows.map((row) => row.eventId).sort()).toEqual([first, ...meanwhile].sort());
    // Newest on top, in apply order, each seq once in the whole table.
    const seqs = rows.map((row) => BigInt(row.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const allSeqs = await page.$$eval('#live-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-seq')));
    expect(new Set(allSeqs).size).toBe(allSeqs.length);
    expect(rows.map((row) => row.sum)).toEqual(['15', '14', '13', '12', '11', '1']);

    // Every reconnect asked to resume after the last calculation the page had: EventSource's own
    // retries with the Last-Event-ID header, a stream the page reopened with ?lastEventId=.
    expect(reopened.length).toBeGreaterThan(0);
    for (const { url, lastEventId } of reopened) {
      expect(lastEventId ?? new URL(url).searchParams.get('lastEventId')).toBe(resumeAfter);
    }
    console.info(
      `streams answered after the stop: ${reopened.length}, ` +
        `${reopened.filter((r) => r.lastEventId !== undefined).length} resumed by EventSource with Last-Event-ID`,
    );
    await page.waitForSelector(`#instance-rows tr[data-instance="${instance}"][data-ready="ready"]`, {
      timeout: 15_000,
    });
    await saveScreenshot(page);
    await page.close();
  });
});
