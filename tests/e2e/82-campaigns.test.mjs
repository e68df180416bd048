// Marketing campaigns (GOV-8) and announcements to providers (NOTE-1) in a
// browser, as the people play them: a provider registers a campaign on the
// app's Campaigns tab (a date too soon is refused with the earliest date),
// a reviewer approves it on Platform → Campaigns and, once the clock has
// reached its start, sees it under "Running now"; an admin posts an
// announcement that is also sent to every provider, and the provider finds
// it in the inbox. In Chinese and English; every page captured at 1280 and
// 390 px with axe; another provider's member meets 404 and a provider the
// staff page's 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, operator, adminToken, login, assertStatus } from '../api/helpers/flows.mjs';
import { appProvider, developingApp } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn, LANGS } from './helpers/browser.mjs';

const DAY = 86400;
const OFFSET = 8 * 3600;
const ENV = { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_MAX_APPS: '100' };
// what a person reads, in each language (src/console/app_campaigns.c, ops_campaigns.c, ops_settings.c)
const T = {
	zh: {
		tab: '营销活动', title: '标题', kind: '类型', first: '开始日期', last: '结束日期', register: '登记并提交审核',
		registered: '已登记：平台将在活动开始前审核', pending: '待处理', tooSoon: '营销活动须在开始前至少 3 个工作日登记',
		platform: '平台管理', waiting: '待审核', note: '给服务商的说明', approve: '通过', approved: '已通过，已通知服务商',
		running: '正在进行', runningBadge: '进行中', announcements: '公告', titleZh: '中文标题', titleEn: '英文标题',
		notify: '同时通过站内信和邮件发送给所有服务商', publish: '发布', sent: '已发布，并已通过站内信和邮件发送给所有服务商的成员',
	},
	en: {
		tab: 'Campaigns', title: 'Title', kind: 'Kind', first: 'First day', last: 'Last day', register: 'Register for review',
		registered: 'Registered: the platform reviews the campaign before it starts', pending: 'Pending', tooSoon: 'at least 3 working days before it starts',
		platform: 'Platform', waiting: 'Waiting for a decision', note: 'Note to the provider', approve: 'Approve', approved: 'Approved; the provider is told',
		running: 'Running now', runningBadge: 'Running now', announcements: 'Announcements', titleZh: 'Chinese title', titleEn: 'English title',
		notify: 'Also send it to every provider by inbox message and mail', publish: 'Publish', sent: 'Published, and sent to every provider',
	},
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const field = (page, label) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*[（(][^)）]*[)）])?$`));
const button = (page, name) => page.getByRole('button', { name, exact: true });
const link = (page, name) => page.getByRole('link', { name, exact: true });
const isoLocal = (t) => new Date((t + OFFSET) * 1000).toISOString().slice(0, 10);

let srv, owner, stranger, reviewer, admin, prov, app;

before(async () => {
	await openBrowser();
	srv = await startServer({ env: ENV });
	[owner, stranger] = await Promise.all([registerUser(srv, { tag: 'e2ecampowner' }), registerUser(srv, { tag: 'e2ecampstranger' })]);
	prov = await appProvider(srv, owner, { name: 'Campaign Studio 营销工作室' });
	app = await developingApp(srv, owner, prov.id, null, { name: '天气助手 Weather Helper' });
	srv.sql(`UPDATE apps SET state = 'released', released_version = '1.0.0' WHERE app_id = '${app.app_id}'`);
	reviewer = await operator(srv, 'reviewer');
	admin = { token: await adminToken(srv) };
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

async function pageAs(user, { lang = 'en', width = 1280 } = {}) {
	const page = await newPage({ lang, width, baseURL: srv.url });
	await signIn(page, srv, user);
	return page;
}

test('GOV-8 a provider registers a campaign, a reviewer approves it and sees it running once the clock reaches its start, in both languages', async () => {
	const list = await srv.req('GET', `/v1/apps/${app.app_id}/campaigns`, { token: owner.token });
	assertStatus(list, 200);
	const earliest = list.body.earliest_start;
	const titles = { zh: '春季促销推送', en: 'Spring sale pop-up' };
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(owner, { lang });
		try {
			await page.goto(`/console/apps/${app.app_id}`);
			await link(page, t.tab).click();
			await page.waitForURL(/\/campaigns$/);
			assert.equal(await field(page, t.first).inputValue(), isoLocal(earliest), 'the form starts at the earliest date allowed');
			await field(page, t.title).fill(titles[lang]);
			if (lang === 'en') await field(page, t.kind).selectOption('popup');
			// today is too soon: refused at the first day, with the earliest date, what was typed kept
			await field(page, t.first).fill(isoLocal(await srv.now()));
			await button(page, t.register).click();
			await assert.doesNotReject(page.getByText(t.tooSoon).first().waitFor());
			await assert.doesNotReject(page.getByText(isoLocal(earliest)).first().waitFor());
			await assert.doesNotReject(page.getByRole('link', { name: 'GOV-8' }).first().waitFor());
			assert.equal(await field(page, t.title).inputValue(), titles[lang]);
			await checkA11y(page, `campaign refused (${lang})`);
			await capture(page, 'app-campaign-too-soon');
			await field(page, t.first).fill(isoLocal(earliest));
			await button(page, t.register).click();
			await page.waitForURL(/\/campaigns\?ok=campaign_registered$/);
			await assert.doesNotReject(page.getByText(t.registered).waitFor());
			const row = page.getByRole('row').filter({ hasText: titles[lang] });
			await assert.doesNotReject(row.getByText(t.pending).waitFor());
			await checkA11y(page, `campaign registered (${lang})`);
			await capture(page, 'app-campaigns-registered');
		} finally {
			await closePage(page);
		}
	}
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(reviewer, { lang });
		try {
			await page.goto('/console/ops');
			await link(page, t.tab).click();
			await page.waitForURL(/\/console\/ops\/campaigns$/);
			await assert.doesNotReject(page.getByRole('heading', { name: t.waiting }).waitFor());
			const row = page.getByRole('row').filter({ hasText: titles[lang] });
			await row.getByLabel(t.note).fill(lang === 'zh' ? '可以。' : 'Fine by us.');
			await row.getByRole('button', { name: t.approve, exact: true }).click();
			await page.waitForURL(/\?ok=campaign_approved$/);
			await assert.doesNotReject(page.getByText(t.approved).waitFor());
			await checkA11y(page, `campaign approved (${lang})`);
			await capture(page, 'ops-campaigns-approved');
		} finally {
			await closePage(page);
		}
	}
	// the provider is told in the inbox
	const inbox = await srv.req('GET', '/v1/inbox?limit=50', { token: owner.token });
	assert.equal(inbox.body.items.filter((m) => m.title === 'Campaign approved').length, 2);
	// the clock reaches the start: the staff see both running now
	await srv.advance(earliest - (await srv.now()) + 3600);
	reviewer.token = await login(srv, reviewer.email, reviewer.password);
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(reviewer, { lang });
		try {
			await page.goto('/console/ops/campaigns');
			const running = page.getByRole('region', { name: t.running });
			for (const title of Object.values(titles)) await assert.doesNotReject(running.getByText(title).waitFor());
			await checkA11y(page, `campaigns running (${lang})`);
			await capture(page, 'ops-campaigns-running');
		} finally {
			await closePage(page);
		}
	}
	owner.token = await login(srv, owner.email, owner.password);
	const page = await pageAs(owner, { lang: 'en' });
	try {
		await page.goto(`/console/apps/${app.app_id}/campaigns`);
		const row = page.getByRole('row').filter({ hasText: titles.en });
		await assert.doesNotReject(row.getByText(T.en.runningBadge).waitFor());
		assert.equal(await row.getByRole('button').count(), 0, 'a started campaign cannot be cancelled');
		await capture(page, 'app-campaigns-running');
	} finally {
		await closePage(page);
	}
});

test('NOTE-1 an admin posts an announcement also sent to every provider; the provider reads it in the inbox and on the home page, in both languages', async () => {
	admin = { token: await adminToken(srv, { fresh: true }) };
	owner.token = await login(srv, owner.email, owner.password);
	const ann = { zh: ['平台维护通知', '服务商规则更新'], en: ['Maintenance notice', 'Provider rules updated'] };
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(admin, { lang });
		try {
			await page.goto('/console/ops');
			await link(page, t.announcements).click();
			await field(page, t.titleZh).fill(`${ann.zh[0]} ${lang}`);
			await field(page, t.titleEn).fill(`${ann.en[0]} ${lang}`);
			await page.getByLabel(t.notify).check();
			await button(page, t.publish).click();
			await page.waitForURL(/\?ok=announcement_sent$/);
			await assert.doesNotReject(page.getByText(t.sent).waitFor());
			await checkA11y(page, `announcement sent (${lang})`);
			await capture(page, 'ops-announcement-sent');
		} finally {
			await closePage(page);
		}
	}
	for (const lang of LANGS) {
		const page = await pageAs(owner, { lang });
		try {
			await page.goto('/console/inbox');
			await assert.doesNotReject(page.getByText(`${ann.en[0]} ${lang}`).first().waitFor());
			await capture(page, 'provider-inbox-announcement');
			await page.goto('/console/');
			await assert.doesNotReject(page.getByText(`${ann[lang][0]} ${lang}`).first().waitFor());
			await checkA11y(page, `provider home with the announcement (${lang})`);
			await capture(page, 'provider-home-announcement');
		} finally {
			await closePage(page);
		}
	}
});

test('every campaigns page at 1280 and 390 px in zh and en, with axe; 404 for another provider, 403 for a provider on the staff page', async () => {
	owner.token = await login(srv, owner.email, owner.password);
	reviewer.token = await login(srv, reviewer.email, reviewer.password);
	stranger.token = await login(srv, stranger.email, stranger.password);
	await tour(`/console/apps/${app.app_id}/campaigns`, 'app-campaigns', {
		baseURL: srv.url, prepare: (page) => signIn(page, srv, owner),
		check: async (page, { lang }) => assert.ok(await field(page, T[lang].title).count()),
	});
	await tour('/console/ops/campaigns', 'ops-campaigns', {
		baseURL: srv.url, prepare: (page) => signIn(page, srv, reviewer),
		check: async (page, { lang }) => assert.ok(await page.getByRole('heading', { name: T[lang].running }).count()),
	});
	await tour(`/console/apps/${app.app_id}/campaigns`, 'app-campaigns-foreign', {
		baseURL: srv.url, prepare: (page) => signIn(page, srv, stranger), status: 404, widths: [390],
	});
	await tour('/console/ops/campaigns', 'ops-campaigns-forbidden', {
		baseURL: srv.url, prepare: (page) => signIn(page, srv, owner), status: 403, widths: [390],
	});
});
