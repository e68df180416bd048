// A reviewer at the review queue (issue 12, REV-1): filters by kind and
// overdue, sees the overdue review marked with a word and the working days,
// claims it, finds it under "Needs you now" on the console home, opens the
// queue from there and releases it. In Chinese and English; axe and
// screenshots at 1280 and 390 px of the queue, the home page and the
// admins' staff notices page; an auditor gets no claim button, and a
// reviewer gets the 403 page on the admins' page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, createProvider, apply, operator, adminToken } from '../api/helpers/flows.mjs';
import { appProvider, createApp, appBody } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const DAY = 86400;
const T = {
	zh: { title: '审核', kind: '类型', qual: '资质审核', overdueOnly: '仅显示已逾期', filter: '筛选', overdue: '已逾期', claim: '认领',
		release: '释放', claimed: '你已认领该审核。', released: '该审核已退回队列。', mine: /分配给你的审核：1 项（1 项已逾期）/,
		late: /已逾期 \d+ 个工作日/, me: '我', nobody: '未分配', notices: '员工通知', forbidden: '无权访问' },
	en: { title: 'Reviews', kind: 'Kind', qual: 'Qualification', overdueOnly: 'Only overdue', filter: 'Filter', overdue: 'Overdue', claim: 'Claim',
		release: 'Release', claimed: 'The review is yours now.', released: 'The review is back in the queue.', mine: /Reviews assigned to you: 1 \(1 overdue\)/,
		late: /overdue by \d+ working days?/, me: 'Me', nobody: 'Nobody', notices: 'Notices to staff', forbidden: 'Not allowed' },
};

let srv, reviewer, auditor, admin;
async function apiToken(token) {
	const r = await srv.req('POST', '/v1/me/api-tokens', { token, body: { name: 'e2e queue' } });
	return r.body.token;
}

before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	const u = await registerUser(srv, { tag: 'e2equeue' });
	const owner = { ...u, token: await apiToken(u.token) };
	// a creation review and an old qualification review: both overdue after nine days
	const prov = await appProvider(srv, owner, { name: 'Queue Apps Ltd' });
	const app = await createApp(srv, owner.token, prov.id, appBody(null, { name: 'Queue Weather' }));
	await srv.req('POST', `/v1/apps/${app.app_id}/creation-review`, { token: owner.token });
	const late = await createProvider(srv, owner.token, '逾期服务商 Late Provider');
	await apply(srv, owner.token, late.id, { legalName: '逾期测试有限公司' });
	await srv.advance(9 * DAY);
	const fresh = await createProvider(srv, owner.token, '新服务商 Fresh Provider');
	await apply(srv, owner.token, fresh.id, { legalName: '新测试有限公司' });
	// staff sign in after the clock moved (sessions would have expired)
	reviewer = await operator(srv, 'reviewer');
	auditor = await operator(srv, 'auditor');
	admin = await adminToken(srv, { fresh: true });
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: REV-1 a reviewer filters by kind and overdue, claims, finds it on the home page and releases it`, async () => {
		const t = T[lang];
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(page, srv, reviewer);
			await page.goto('/console/');
			await page.getByRole('navigation').getByRole('link', { name: t.title, exact: true }).click();
			await page.getByRole('heading', { name: t.title, exact: true }).waitFor();
			// the kind tabs carry the counts
			await page.getByRole('link', { name: new RegExp(`^${t.qual}`) }).first().waitFor();
			await page.getByLabel(t.kind).selectOption('qualification');
			await page.getByLabel(t.overdueOnly).check();
			await page.getByRole('button', { name: t.filter }).click();
			await page.waitForURL(/kind=qualification/);
			const rows = page.getByRole('row');
			assert.equal(await rows.count(), 2, 'the header and one overdue qualification');
			const row = rows.filter({ hasText: 'Late Provider' });
			await row.getByText(t.overdue, { exact: true }).waitFor();
			assert.match(await row.innerText(), t.late);
			assert.equal(await page.getByText('Fresh Provider').count(), 0);
			assert.equal(await page.getByText('Queue Weather').count(), 0);
			await checkA11y(page, `queue filtered ${lang}`);
			await capture(page, 'reviews-queue-filtered');
			await row.getByRole('button', { name: new RegExp(t.claim) }).click();
			await page.getByText(t.claimed).waitFor();
			// back on the filtered queue, with me as the assignee
			assert.match(page.url(), /overdue=1/);
			const mine = page.getByRole('row').filter({ hasText: 'Late Provider' });
			await mine.getByRole('cell', { name: t.me, exact: true }).waitFor();
			// the home page lists it under "Needs you now"
			await page.goto('/console/');
			await page.getByRole('link', { name: t.mine }).click();
			await page.waitForURL(/assignee=me/);
			const again = page.getByRole('row').filter({ hasText: 'Late Provider' });
			await again.getByRole('button', { name: new RegExp(t.release) }).click();
			await page.getByText(t.released).waitFor();
			await page.getByText(t.nobody).count();
			const back = await srv.req('GET', '/v1/reviews?assignee=me', { token: reviewer.token });
			assert.deepEqual(back.body.items, []);
		} finally {
			await closePage(page);
		}
	});
}

test('REV-1 the queue, the home page and the staff notices page pass axe in both languages and widths', async () => {
	const asReviewer = (p) => signIn(p, srv, reviewer);
	await tour('/console/reviews', 'reviews-queue', { baseURL: srv.url, prepare: asReviewer, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].title, exact: true }).waitFor();
		await p.getByText('Queue Weather').waitFor();
	} });
	await tour('/console/reviews?kind=display_listing', 'reviews-queue-empty', { baseURL: srv.url, prepare: asReviewer });
	await tour('/console/', 'reviews-home-staff', { baseURL: srv.url, prepare: asReviewer });
	await tour('/console/ops/notices', 'reviews-staff-notices', { baseURL: srv.url, prepare: (p) => signIn(p, srv, admin), check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].notices }).waitFor();
	} });
});

test('an auditor reads the queue without claim buttons; a reviewer gets the 403 page on the admins\' page', async () => {
	const page = await newPage({ lang: 'en', baseURL: srv.url });
	try {
		await signIn(page, srv, auditor);
		await page.goto('/console/reviews');
		await page.getByText('Queue Weather').waitFor();
		assert.equal(await page.getByRole('button', { name: /Claim/ }).count(), 0);
		await signIn(page, srv, reviewer);
		const r = await page.goto('/console/ops/notices');
		assert.equal(r.status(), 403);
		await page.getByRole('heading', { name: T.en.forbidden }).waitFor();
	} finally {
		await closePage(page);
	}
});
