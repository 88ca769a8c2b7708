import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoPassword } from '@edoc/identity';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http } from '../support/http';
import { EXPECTED, UNITS } from '../../services/metrics/test/fixtures/known-mix';
import { feedKnownMix } from '../../services/metrics/test/fixtures/feed-exchange';

const YEAR = new Date(Date.now() + 7 * 3600_000).getUTCFullYear() - 1;
const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');
/** Debian's chromium (apt-get install chromium); EDOC_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.EDOC_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** How the page prints a share: one decimal, a decimal comma in Vietnamese. */
const vi = (share: number | null) => (share === null ? '—' : `${String(Math.round(share * 10) / 10).replace('.', ',')}%`);
const en = (share: number | null) => (share === null ? '—' : `${Math.round(share * 10) / 10}%`);

describe('the administrators\' dashboard in a real browser', () => {
  let exchange: TestExchange;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Each is assigned as soon as it exists, so afterAll closes it even when the other failed to start.
    await Promise.all([
      TestExchange.start().then((started) => (exchange = started)),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).then((launched) => (browser = launched)),
    ]);
    await feedKnownMix(exchange.feedTarget(), YEAR);
    await waitFor('the known mix in the figures', async () => {
      const answer = await http<{ district: { total: number; receipts: { deliveries: number }; onTime: { due: number } } }>(
        exchange.url('metrics', `/coverage?from=${YEAR}-10-01&to=${YEAR}-12-31`),
        { token: exchange.token('admin') },
      );
      const f = answer.body.district;
      return f.total === 17 && f.receipts.deliveries === 6 && f.onTime.due === 4;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await exchange?.stop();
  });

  /** Fills the identity service's sign-in form, which sends the browser back to the page it came from. */
  async function signInAs(username: string): Promise<void> {
    await page.waitForURL((url) => url.pathname === '/login' && url.port === String(exchange.ports.get('identity')));
    await page.fill('#username', username);
    await page.fill('#password', demoPassword(username));
    await Promise.all([page.waitForURL(/\/dashboard/), page.click('#login-submit')]);
  }
  const cookie = async (name: string) => (await context.cookies()).find((c) => c.name === name);

  it('sends a visitor without a session to the sign-in page, refuses a clerk, and keeps the API closed', async () => {
    expect((await page.request.get(exchange.url('metrics', '/dashboard/api/coverage'))).status()).toBe(401);
    await page.goto(exchange.url('metrics', '/dashboard'));
    await signInAs('hbt.clerk');
    expect(await page.textContent('#login-error')).toContain('hbt.clerk không phải quản trị viên cấp quận');
    expect((await page.request.get(exchange.url('metrics', '/dashboard/api/coverage'))).status()).toBe(403);
    // The clerk signs out; the sign-in page says so and offers to come back here.
    await Promise.all([page.waitForURL(/\/login\?signed-out=1/), page.click('#logout')]);
    expect(await page.textContent('#login-notice')).toBe('Đã đăng xuất.');
    expect(await cookie('edoc_access')).toBeUndefined();
    expect((await page.request.get(exchange.url('metrics', '/dashboard/api/coverage'))).status()).toBe(401);
  });

  it('signs the administrator in with HttpOnly, SameSite=Strict, Secure cookies that page scripts cannot read', async () => {
    await page.fill('#username', 'admin');
    await page.fill('#password', 'not the password');
    await page.click('#login-submit');
    expect(await page.textContent('#login-error')).toMatch(/./);
    await page.fill('#password', demoPassword('admin'));
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('#login-submit')]);
    expect(await cookie('edoc_access')).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
    expect(await cookie('edoc_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/auth/refresh' });
    expect(await page.evaluate('document.cookie')).not.toContain('edoc_access');
    expect(await page.evaluate('document.cookie')).not.toContain('edoc_refresh');
  });

  it('shows the district against the 100% line, units worst first with their trend, the months and exact figures', async () => {
    await page.goto(exchange.url('metrics', `/dashboard?from=${YEAR}-10-01&to=${YEAR}-12-31&month=${YEAR}-11`));
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('h1')).toBe('Văn bản điện tử: bảng theo dõi');
    expect(await page.textContent('#district-share')).toBe(vi(EXPECTED.all.share));
    expect(await page.textContent('#district-target')).toBe('100%');
    expect(await page.textContent('#district-counts')).toBe('Văn bản đi và đến: 10 điện tử, 6 giấy, 1 cả hai (tổng 17)');
    expect(await page.textContent('#district-timeliness')).toBe('Xác nhận đã nhận trong ngày: 50% (3/6) · Xử lý đúng hạn: 50% (2/4)');

    const rows = await page.$$eval('#units tbody tr', (trs) =>
      trs.map((tr) => ({
        org: tr.getAttribute('data-org'),
        ...Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field'), td.textContent])),
        trend: tr.querySelector('svg.sparkline')?.getAttribute('data-points'),
      })),
    );
    expect(rows).toHaveLength(33);
    expect(rows.slice(0, 4).map((r) => r.org)).toEqual(EXPECTED.worstFirst);
    for (const [code, expected] of Object.entries(EXPECTED.units)) {
      const row = rows.find((r) => r.org === code)!;
      expect([code, row.electronic, row.paper, row.both, row.share, row.sameDay, row.onTime]).toEqual([
        code, String(expected.electronic), String(expected.paper), String(expected.both), vi(expected.share), vi(EXPECTED.receipts[code].share), vi(EXPECTED.onTime[code].share),
      ]);
    }
    expect(rows.find((r) => r.org === UNITS.bachDang)!.trend!.split(';').slice(-3)).toEqual(['50', '', '100']);
    expect(rows.find((r) => r.org === '000.12.13.H26')!.share).toBe('Chưa có số liệu');

    const months = await page.$$eval('#month-chart g[data-period]', (groups) => groups.map((g) => [g.getAttribute('data-period'), g.getAttribute('data-share')]));
    expect(months).toEqual(Object.entries(EXPECTED.months).map(([month, e]) => [`${YEAR}-${month}`, String(e.share)]));
    // The columns are drawn to scale: December's (83.33%) is 1.25 times October's (66.67%).
    const heights = await page.$$eval('#month-chart rect.column', (rects) => rects.map((r) => r.getBoundingClientRect().height));
    expect(heights[2] / heights[0]).toBeCloseTo(83.33 / 66.67, 2);
    expect(heights[1] / heights[0]).toBeCloseTo(20 / 66.67, 2);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('drills down to the paper documents that keep a unit below target', async () => {
    await page.click(`#units tr[data-org="${UNITS.noiVu}"]`);
    await page.waitForSelector(`#drilldown[data-org="${UNITS.noiVu}"]`);
    expect(await page.textContent('#drilldown-title')).toBe('Văn bản giấy của Phòng Nội vụ');
    expect(await page.textContent('#drilldown-summary')).toBe('2 văn bản chưa gửi điện tử; tỷ lệ điện tử 33,3%.');
    const documents = await page.$$eval('#paper tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(documents.map((cells) => [cells[1], cells[4], cells[6]])).toEqual([
      ['1010', 'Văn bản thử số 10', 'Giấy'],
      ['1009', 'Văn bản thử số 9', 'Giấy'],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-drilldown.png'), fullPage: true });
  });

  it('switches to English', async () => {
    await page.click('#lang-en');
    expect(await page.textContent('#district-share')).toBe(en(EXPECTED.all.share));
    expect(await page.textContent('#units thead')).toContain('Electronic share');
    expect(await page.textContent('#drilldown-title')).toBe('Paper documents of Phòng Nội vụ');
    expect(await page.textContent(`#units tr[data-org="${UNITS.district}"] td[data-field="share"]`)).toBe(en(71.43));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-en.png'), fullPage: true });
  });

  it('links the CSV export and the monthly PDF report, both readable with the session', async () => {
    const csv = await page.request.get(new URL((await page.getAttribute('#csv', 'href'))!, page.url()).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain(`${YEAR}-11,${YEAR}-11-01,${YEAR}-11-30,all,Tất cả đơn vị,1,3,0,0,0,1,5,20,100`);
    const pdfHref = (await page.getAttribute('#pdf', 'href'))!;
    expect(pdfHref).toContain(`month=${YEAR}-11`);
    const pdf = await page.request.get(new URL(pdfHref, page.url()).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    writeFileSync(join(ARTIFACTS, 'monthly-report.pdf'), await pdf.body());
  });

  it('shows the reason for a reversed range instead of figures', async () => {
    await page.goto(exchange.url('metrics', `/dashboard?from=${YEAR}-12-31&to=${YEAR}-10-01&lang=en`));
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.isVisible('#error')).toBe(true);
    expect(await page.textContent('#error')).toContain(`the range is reversed: from ${YEAR}-12-31 is after to ${YEAR}-10-01`);
    expect(await page.$$('#units tbody tr')).toHaveLength(0);
    expect(await page.textContent('body')).not.toContain('NaN');
  });

  it('signs out, and the session\'s access token stops working at once on every service', async () => {
    const access = (await cookie('edoc_access'))!.value;
    expect((await fetch(exchange.url('intake', '/documents?limit=1'), { headers: { authorization: `Bearer ${access}` } })).status).not.toBe(401);
    await Promise.all([page.waitForURL(/\/login\?signed-out=1/), page.click('#logout')]);
    expect(await cookie('edoc_access')).toBeUndefined();
    expect((await page.request.get(exchange.url('metrics', '/dashboard/api/coverage'))).status()).toBe(401);
    // The token itself has minutes left, but its session has ended: every service refuses it.
    for (const service of ['intake', 'metrics', 'identity'] as const) {
      const path = service === 'intake' ? '/documents?limit=1' : service === 'metrics' ? '/dashboard/api/coverage' : '/auth/me';
      await waitFor(`${service} to refuse the signed-out token`, async () => (await fetch(exchange.url(service, path), { headers: { authorization: `Bearer ${access}` } })).status === 401, { timeoutMs: 10_000, intervalMs: 200 });
    }
    // The refused wrong password (401) and the reversed range (400) are reported on the console; nothing else may be.
    expect(problems.filter((p) => !/status of 40[013] /.test(p))).toEqual([]);
  });
});
