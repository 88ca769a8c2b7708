import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as amqp from 'amqplib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoPassword } from '@edoc/identity';
import { waitFor } from '@edoc/testing';
import { makePdf } from '../support/pdf-fixtures';
import { TestExchange } from '../support/test-exchange';

const ROOT = resolve(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web-app');
const CHROMIUM = process.env.EDOC_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BACH_DANG = '000.31.13.H26';
const CAU_DEN = '000.35.13.H26';
const AXE = require.resolve('axe-core/axe.min.js');

/**
 * A whole working day through the web app alone, in a real browser: a clerk of the district
 * office composes and sends for signature, the chairman approves, the document is issued, a ward
 * clerk accepts and completes it in the built-in inbox, the sender watches 03 then 06 arrive, and
 * recalls it from the ward that has not finished.
 */
/** Every screen of the app, with a user who sees it. */
const SCREENS = [
  ['hbt.clerk', 'compose'],
  ['hbt.clerk', 'outgoing'],
  ['hbt.signer', 'sign'],
  ['bachdang.clerk', 'inbox'],
  ['bachdang.clerk', 'registers'],
  ['admin', 'users'],
  ['admin', 'dead-letters'],
] as const;

/**
 * What a pass over every screen may take: a bound on a hang, not a timing. Under CI's load (two CPU
 * hogs beside the suite) one screen with its two axe runs took over 8 s, and 7 screens passed 60 s.
 */
const EVERY_SCREEN_MS = SCREENS.length * 40_000;

describe('the clerks\' and signers\' web app in a real browser', () => {
  let exchange: TestExchange;
  let browser: Browser;
  let files: string;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'edoc-web-app-'));
    await Promise.all([
      TestExchange.start({ signersAtDesk: false }).then((started) => (exchange = started)),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).then((launched) => (browser = launched)),
    ]);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await exchange?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  /** A browser of its own for `username`, signed in through the identity service's page, at `screen` of the app. */
  async function signedIn(username: string, screen: string, options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${username}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[19]/.test(message.text())) problems.push(`${username}: console: ${message.text()}`);
    });
    await page.goto(exchange.url('intake', `/app/${screen}`));
    await page.waitForURL((url) => url.pathname === '/login');
    await page.fill('#username', username);
    await page.fill('#password', demoPassword(username));
    await Promise.all([page.waitForURL((url) => url.pathname === `/app/${screen}`), page.click('#login-submit')]);
    await page.waitForSelector('main#main');
    return page;
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      // In the page: axe-core, just added, checks the whole document.
      const inPage = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } };
      const result = await inPage.axe.run(inPage.document, { resultTypes: ['violations'] });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
    });
    return violations;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => undefined);
  }

  it('works a day: compose, approve, issue, accept and complete in a ward, the sender sees 03 then 06, and a recall', async () => {
    const pdf = join(files, 'cong-van.pdf');
    writeFileSync(pdf, await makePdf('Về việc tổng vệ sinh môi trường tháng 12', 2));
    const subject = `Về việc tổng vệ sinh môi trường ${Date.now()}`;

    // 1. The clerk of the district office composes and sends for signature.
    const clerk = await signedIn('hbt.clerk', 'compose');
    await clerk.fill('#subject', subject);
    await clerk.selectOption('#urgency', 'khẩn');
    await clerk.fill('#recipient-search', 'Bạch Đằng');
    await clerk.check(`#to-${BACH_DANG.replace(/\./g, '\\.')}`);
    await clerk.fill('#recipient-search', 'Cầu Dền');
    await clerk.check(`#to-${CAU_DEN.replace(/\./g, '\\.')}`);
    await clerk.selectOption('#signer', 'hbt.signer');
    await clerk.setInputFiles('#file', pdf);
    await clerk.click('#send-for-signature');
    const sent = await clerk.waitForSelector('#compose-sent', { timeout: 30_000 });
    const documentId = (await sent.innerText()).match(/[0-9a-f-]{36}/)?.[0];
    expect(documentId).toBeDefined();
    await shot(clerk, '1-compose');

    // 2. The chairman opens the request, reads the draft drawn by pdf.js beside its metadata, and approves.
    const signer = await signedIn('hbt.signer', 'sign');
    await signer.click(`text=${subject}`);
    // Both pages of the draft drawn (pdf.js renders one after the other).
    await signer.waitForSelector('.pdf-preview .pages[data-pages="2"] canvas:nth-of-type(2)', { timeout: 30_000 });
    expect(await signer.locator('.pdf-preview canvas').count()).toBe(2);
    await shot(signer, '2-sign');
    await signer.click('#approve');
    await signer.waitForSelector('#sign-notice', { timeout: 30_000 });

    // 3. The document is issued: numbered, both signatures on it, sent to both wards.
    const sender = await signedIn('hbt.clerk', 'outgoing');
    await exchange.waitFor('the document issued', async () => {
      await sender.reload();
      await sender.click(`text=${subject}`);
      return (await sender.locator('#document-state').getAttribute('data-state', { timeout: 5_000 })) === 'issued';
    }, { timeoutMs: 90_000, intervalMs: 1_000 });

    // 4. A ward clerk with the built-in inbox accepts it, then completes it.
    const ward = await signedIn('bachdang.clerk', 'inbox');
    await exchange.waitFor('the document in the ward\'s inbox', async () => {
      await ward.reload();
      return (await ward.locator(`text=${subject}`).count()) > 0;
    }, { timeoutMs: 60_000, intervalMs: 1_000 });
    await ward.click(`text=${subject}`);
    // The ward clerk checks the signatures before accepting: the signer's and the seal, both valid, in words.
    await ward.click('#verify');
    const report = await ward.waitForSelector('#signature-report', { timeout: 30_000 });
    expect(await report.innerText()).toMatch(/Tất cả chữ ký hợp lệ/);
    // The signer's, the seal's, and the document time-stamp over both and their validation data (B-LTA).
    expect(await ward.locator('#signature-report li[data-indication="TOTAL_PASSED"]').count()).toBe(3);
    expect(await ward.locator('#signature-report li').last().innerText()).toMatch(/Hợp lệ — Dấu thời gian của tài liệu, do .+/);
    expect(await ward.locator('#signature-report li').first().innerText()).toMatch(/Hợp lệ — Người ký: .+, CHỦ TỊCH/);
    await ward.click('#status-03');
    await ward.waitForSelector('#inbox-notice');

    // 5. The sender, without reloading, sees 03 for Bạch Đằng, then 06.
    const bachDangStatus = sender.locator(`tr[data-recipient="${BACH_DANG}"] td.status`);
    await expect(waitText(bachDangStatus, /^03/)).resolves.toMatch(/^03 · Đã tiếp nhận/);
    await ward.click('#status-06');
    await expect(waitText(bachDangStatus, /^06/)).resolves.toMatch(/^06 · Hoàn thành/);
    await shot(sender, '5-outgoing');

    // A replacement starts from here, naming the document it replaces (sending it is the compose screen's).
    await sender.click('#replace-document');
    expect(await (await sender.waitForSelector('#compose-business')).innerText()).toContain(documentId as string);
    await sender.goBack();
    await sender.click(`text=${subject}`);

    // 6. A recall: Cầu Dền, which has not completed it, is asked to give it back (13).
    await sender.fill('#recall-reason', 'Ban hành nhầm đối tượng');
    await sender.click('#recall');
    await expect(waitText(sender.locator(`tr[data-recipient="${CAU_DEN}"] td.status`), /^13/)).resolves.toMatch(/^13 · Yêu cầu thu hồi/);
    expect(await bachDangStatus.innerText()).toMatch(/^06/);
    expect(problems).toEqual([]);
  }, 300_000);

  it('keeps the registers: a paper document registered in the incoming book, the CSV export, the follow-up book', async () => {
    const ward = await signedIn('bachdang.clerk', 'registers');
    await ward.selectOption('#book', 'incoming');
    await ward.waitForSelector('#register-incoming');
    const before = await ward.locator('#register-incoming tbody tr').count();
    await ward.fill('#paper-author', 'Công an phường Bạch Đằng');
    await ward.fill('#paper-number', '15/CV-CAP');
    await ward.fill('#paper-date', new Date().toISOString().slice(0, 10));
    await ward.fill('#paper-subject', 'Về việc bảo đảm an ninh trật tự dịp Tết');
    await ward.click('#register-paper');
    await ward.waitForSelector('#registers-notice');
    await ward.waitForSelector('#register-incoming tbody tr >> text=15/CV-CAP');
    expect(await ward.locator('#register-incoming tbody tr').count()).toBe(before + 1);
    const csv = await ward.request.get(new URL((await ward.getAttribute('#export-csv', 'href')) as string, exchange.url('intake')).href);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Về việc bảo đảm an ninh trật tự dịp Tết');
    await ward.selectOption('#book', 'follow-up');
    await ward.waitForSelector('#follow-up-table');
  });

  it('lets the district administrator add a user to a unit and disable it, and shows a refused password\'s reason', async () => {
    const admin = await signedIn('admin', 'users');
    await admin.fill('#users-org', BACH_DANG);
    await admin.press('#users-org', 'Enter');
    await admin.waitForSelector('#users-table tr[data-username="bachdang.clerk"]');
    await admin.fill('#new-username', 'bachdang.lan');
    await admin.fill('#new-name', 'Nguyễn Thị Lan');
    await admin.fill('#new-password', 'short');
    await admin.click('#add-user');
    // The API's reason, in Vietnamese, with what the API said beside it.
    expect(await (await admin.waitForSelector('.error[role="alert"]')).innerText()).toMatch(/\(422\)[\s\S]*Mật khẩu: ít nhất \d+ ký tự[\s\S]*\(password: at least/);
    await admin.fill('#new-password', 'Sổ công văn đến 2026 của phường');
    await admin.click('#add-user');
    await admin.waitForSelector('#users-table tr[data-username="bachdang.lan"]');
    await admin.click('#users-table tr[data-username="bachdang.lan"] button');
    await admin.waitForSelector('#users-table tr[data-username="bachdang.lan"] >> text=Đã khóa');
  });

  it('shows the district administrator the dead letters with their reasons: a replay refused again, then a discard with a reason', async () => {
    const operator = await amqp.connect(exchange.ownAmqpUrl('operator'));
    try {
      const channel = await operator.createConfirmChannel();
      channel.publish('edoc.events', 'document.submitted', Buffer.from('not a protobuf'), {
        persistent: true, contentType: 'application/x-protobuf', messageId: 'web-dead-1', type: 'edoc.v9.Nonsense', userId: exchange.brokerUserOf('intake'),
      });
      await channel.waitForConfirms();
    } finally {
      await operator.close();
    }
    const admin = await signedIn('admin', 'dead-letters');
    // Signing and the archive both consume the event, so both dead-letter it.
    const rows = admin.locator('#dead-letters-table tr[data-id$="/web-dead-1"]');
    await waitFor('both dead letters on the screen', async () => {
      if ((await rows.count()) === 2) return true;
      await admin.reload();
      await admin.waitForSelector('#dead-letters-table, #no-dead-letters');
      return undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(await rows.first().innerText()).toMatch(/edoc\.v9\.Nonsense/);
    await rows.first().locator('button').click();
    await admin.waitForSelector('#dead-letter');
    await admin.click('#replay-dead-letter');
    expect(await (await admin.waitForSelector('.error[role="alert"]')).innerText()).toMatch(/\(409\)[\s\S]*refused again/);
    await shot(admin, 'dead-letters');
    await admin.fill('#discard-reason', 'thông điệp thử, không thuộc hệ thống');
    await admin.click('#discard-dead-letter');
    expect(await (await admin.waitForSelector('#dead-letters-notice')).innerText()).toMatch(/^Đã hủy bỏ dlq\./);
    await waitFor('one dead letter left', async () => ((await rows.count()) === 1 ? true : undefined), { timeoutMs: 10_000 });
  });

  it('keeps a draft in the browser, file included, and sends it later', async () => {
    const pdf = join(files, 'nhap.pdf');
    writeFileSync(pdf, await makePdf('Bản nháp'));
    const clerk = await signedIn('hbt.clerk', 'compose');
    await clerk.fill('#subject', 'Về việc chuẩn bị Tết Nguyên đán (nháp)');
    await clerk.setInputFiles('#file', pdf);
    await clerk.click('#save-draft');
    await clerk.waitForSelector('#compose-notice');
    await clerk.reload();
    await clerk.click('.drafts button >> text=Về việc chuẩn bị Tết Nguyên đán (nháp)');
    expect(await clerk.inputValue('#subject')).toBe('Về việc chuẩn bị Tết Nguyên đán (nháp)');
    await clerk.fill('#recipient-search', 'Bạch Đằng');
    await clerk.check(`#to-${BACH_DANG.replace(/\./g, '\\.')}`);
    await clerk.selectOption('#signer', 'hbt.signer');
    await clerk.click('#send-for-signature');
    await clerk.waitForSelector('#compose-sent', { timeout: 30_000 });
    expect(await clerk.locator('.drafts').count()).toBe(0);
  });

  it('fits a tablet held upright: no screen scrolls sideways', async () => {
    const wide: string[] = [];
    for (const [username, screen] of SCREENS) {
      const page = await signedIn(username, screen, { viewport: { width: 768, height: 1024 } });
      const first = page.locator('table.list button.link').first();
      if ((await first.count()) > 0) await first.click();
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      if (overflow > 0) wide.push(`${screen}: ${overflow} px too wide`);
    }
    expect(wide).toEqual([]);
  }, EVERY_SCREEN_MS);

  it('shows the reason when intake refuses an upload (an encrypted PDF), with the progress bar gone', async () => {
    const plain = join(files, 'plain.pdf');
    writeFileSync(plain, await makePdf('Tài liệu có mật khẩu'));
    execFileSync('qpdf', ['--encrypt', 'user', 'owner', '256', '--', plain, join(files, 'encrypted.pdf')]);
    const clerk = await signedIn('hbt.clerk', 'compose');
    await clerk.fill('#subject', 'Văn bản có mật khẩu');
    await clerk.fill('#recipient-search', 'Bạch Đằng');
    await clerk.check(`#to-${BACH_DANG.replace(/\./g, '\\.')}`);
    await clerk.selectOption('#signer', 'hbt.signer');
    await clerk.setInputFiles('#file', join(files, 'encrypted.pdf'));
    await clerk.click('#send-for-signature');
    const alert = await clerk.waitForSelector('.error[role="alert"]', { timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/\(422\)[\s\S]*tệp PDF được mã hóa \(có mật khẩu\)/);
    expect(await clerk.locator('#upload-progress').count()).toBe(0);
    expect(readFileSync(join(files, 'encrypted.pdf')).length).toBeGreaterThan(0);
  });

  it('says what is missing before uploading, each next to its field', async () => {
    const clerk = await signedIn('hbt.clerk', 'compose');
    await clerk.click('#send-for-signature');
    expect(await clerk.getAttribute('#subject', 'aria-invalid')).toBe('true');
    expect(await clerk.locator('#subject-problem').innerText()).toBe('bắt buộc');
    expect(await clerk.locator('#recipients-problem').innerText()).toBe('chọn ít nhất một nơi nhận');
    expect(await clerk.locator('#file-problem').innerText()).toBe('bắt buộc');
  });

  it('has no serious accessibility violation on any screen (axe-core), in Vietnamese and in English', async () => {
    const found: string[] = [];
    for (const [username, screen] of SCREENS) {
      const page = await signedIn(username, screen, { bypassCSP: true });
      if (screen === 'outgoing' || screen === 'inbox' || screen === 'sign') {
        const first = page.locator('table.list button.link').first();
        if ((await first.count()) > 0) await first.click();
      }
      if (screen === 'inbox' && (await page.locator('#verify').count()) > 0) {
        await page.click('#verify');
        await page.waitForSelector('#signature-report');
      }
      await shot(page, `screen-${screen}`);
      found.push(...(await axeViolations(page)).map((v) => `${screen} (vi): ${v}`));
      await page.click('text=English');
      await page.waitForSelector('html[lang="en"]');
      found.push(...(await axeViolations(page)).map((v) => `${screen} (en): ${v}`));
    }
    expect(found).toEqual([]);
  }, EVERY_SCREEN_MS);
});

/** The locator's text once it matches `pattern` (the page updates itself every 5 s). */
async function waitText(locator: import('playwright-core').Locator, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.innerText({ timeout: timeoutMs }).catch(() => '')).trim();
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
}
