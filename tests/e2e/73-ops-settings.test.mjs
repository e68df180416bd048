// The platform's settings in a browser (issue 12), as the staff and a
// provider play them: an admin tries a sample text in a term list's test
// box (LST-19: full-width and upper-case variants match); an admin
// publishes a new agreement version (ONB-12) and a provider then sees the
// announcement and the inbox message (NOTE-1), and after the effective date
// is refused a change until it accepts the version on its consent page. In
// Chinese and English; every settings page captured at 1280 and 390 px with
// axe; a provider meets the 403 page there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, publishAgreement, adminToken, operator, login } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn, LANGS } from './helpers/browser.mjs';

const DAY = 86400;
// what a person reads, in each language (src/console/ops_settings.c, ops_agreements.c, account.c)
const T = {
	zh: {
		platform: '平台管理', termLists: '词表', banned: '违禁内容词', sample: '示例文本', test: '试测', matched: '命中 1 个词',
		agreements: '协议', publishNext: '发布该协议的下一版本', title: '标题', text: '正文', kind: '变更类型', notice: '通知期（天）',
		publish: '发布并通知所有账号', published: '已发布', announced: '已公告', inForce: '现行', announcements: '公告',
		inbox: '站内信', readAccept: '阅读并同意现行协议', accept: '我已阅读并同意', allAccepted: '你已同意所有现行协议',
		tokenName: '名称', createToken: '创建令牌', once: '令牌只显示这一次', tooShort: '通知期',
	},
	en: {
		platform: 'Platform', termLists: 'Term lists', banned: 'Banned content terms', sample: 'Sample text', test: 'Test', matched: '1 term(s) matched',
		agreements: 'Agreements', publishNext: 'Publish the next version of this agreement', title: 'Title', text: 'Text', kind: 'Kind of change', notice: 'Notice period (days)',
		publish: 'Publish and tell every account', published: 'Published', announced: 'Announced', inForce: 'In force', announcements: 'Announcements',
		inbox: 'Inbox', readAccept: 'Read and accept the agreements in force', accept: 'I have read it and accept', allAccepted: 'You have accepted every agreement in force',
		tokenName: 'Name', createToken: 'Create token', once: 'this is the only time it is shown', tooShort: 'notice',
	},
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A field by its visible label (the label may end with the required mark). */
const field = (page, label) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*[（(][^)）]*[)）])?$`));
const button = (page, name) => page.getByRole('button', { name, exact: true });
const link = (page, name) => page.getByRole('link', { name, exact: true });

let srv, admin, reviewer;

before(async () => {
	await openBrowser();
	srv = await startServer();
	await publishAgreement(srv, { key: 'terms', version: 1, title: 'Provider terms' });
	admin = { token: await adminToken(srv) };
	reviewer = await operator(srv, 'reviewer');
	await srv.req('PUT', '/v1/term-lists/banned_terms', { token: admin.token, body: { terms: ['赌博', 'casino'] } });
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

for (const lang of LANGS)
	test(`an admin tests a sample text in the term list's test box (LST-19), in ${lang}`, async () => {
		const t = T[lang];
		const page = await pageAs(admin, { lang });
		try {
			await page.goto('/console/ops');
			await link(page, t.termLists).click();
			await link(page, t.banned).click();
			await field(page, t.sample).fill('Grand ＣＡＳＩＮＯ night');
			await button(page, t.test).click();
			await assert.doesNotReject(page.getByText(t.matched).waitFor());
			assert.equal(await field(page, t.sample).inputValue(), 'Grand ＣＡＳＩＮＯ night', 'the text stays in the box');
			assert.equal(await page.locator('mark').first().textContent(), 'casino');
			await checkA11y(page, `term list test result (${lang})`);
			await capture(page, 'ops-term-list-tested');
		} finally {
			await closePage(page);
		}
	});

test('an admin publishes a new agreement version; a provider sees the announcement and the inbox message, then re-consents after the effective date (ONB-12, NOTE-1), in both languages', async () => {
	const providers = {};
	for (const lang of LANGS) providers[lang] = await registerUser(srv, { tag: `e2eset${lang}` });
	// the admin publishes version 2 in Chinese and version 3 in English
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(admin, { lang });
		try {
			await page.goto('/console/ops');
			await link(page, t.agreements).click();
			await link(page, t.publishNext).click();
			await field(page, t.title).fill(`Provider terms (${lang})`);
			await field(page, t.text).fill(`The rules of ${lang === 'zh' ? 2 : 3}.`);
			await field(page, t.kind).selectOption('service_end');
			await button(page, t.publish).click();
			// ending a service needs 60 days: refused at the notice period, what was typed kept
			await assert.doesNotReject(page.getByRole('link', { name: 'ONB-12' }).first().waitFor());
			assert.equal(await field(page, t.title).inputValue(), `Provider terms (${lang})`);
			await capture(page, 'ops-agreement-refused');
			await field(page, t.kind).selectOption('rules');
			await button(page, t.publish).click();
			await page.waitForURL(/\/console\/ops\/agreements\?ok=published$/);
			await assert.doesNotReject(page.getByText(t.published).first().waitFor());
			await assert.doesNotReject(page.getByText(t.announced).first().waitFor());
			await checkA11y(page, `agreements after publishing (${lang})`);
			await capture(page, 'ops-agreements-published');
		} finally {
			await closePage(page);
		}
	}
	// the provider is told at once: the announcement on the home page and the inbox message
	for (const lang of LANGS) {
		const t = T[lang];
		const page = await pageAs(providers[lang], { lang });
		try {
			await page.goto('/console/');
			await assert.doesNotReject(page.getByRole('heading', { name: t.announcements }).waitFor());
			await assert.doesNotReject(page.getByText(lang === 'zh' ? '《Provider terms (zh)》第 2 版已发布' : 'Version 2 of “Provider terms (zh)” is published').first().waitFor());
			await checkA11y(page, `provider home with the announcement (${lang})`);
			await capture(page, 'ops-provider-announcement');
			await page.goto('/console/inbox');
			await assert.doesNotReject(page.getByText('Version 3 of “Provider terms (en)” is published').first().waitFor());
			await capture(page, 'ops-provider-inbox');
		} finally {
			await closePage(page);
		}
	}
	// after the effective date: refused a change until the new versions are accepted
	await srv.advance(17 * DAY);
	for (const lang of LANGS) {
		const t = T[lang];
		const u = providers[lang];
		u.token = await login(srv, u.email, u.password);
		const page = await pageAs(u, { lang });
		try {
			await page.goto('/console/account/sessions');
			await field(page, t.tokenName).fill('ci');
			await button(page, t.createToken).click();
			await assert.doesNotReject(page.getByRole('link', { name: 'ONB-12' }).first().waitFor());
			await page.goto('/console/');
			await link(page, t.readAccept).click();
			await page.waitForURL(/\/console\/account\/agreements$/);
			await assert.doesNotReject(page.getByText('The rules of 3.').waitFor());
			await capture(page, 'ops-provider-consent');
			// one button per pending version
			while (await button(page, t.accept).count()) {
				await button(page, t.accept).first().click();
				await page.waitForLoadState();
			}
			await assert.doesNotReject(page.getByText(t.allAccepted).waitFor());
			await page.goto('/console/account/sessions');
			await field(page, t.tokenName).fill('ci');
			await button(page, t.createToken).click();
			await assert.doesNotReject(page.getByText(t.once).waitFor());
		} finally {
			await closePage(page);
		}
	}
	// the staff's sessions ended while the clock moved on
	admin = { token: await adminToken(srv, { fresh: true }) };
	reviewer.token = await login(srv, reviewer.email, reviewer.password);
	// the staff page shows the newest in force
	const page = await pageAs(reviewer, { lang: 'en' });
	try {
		await page.goto('/console/ops/agreements');
		await assert.doesNotReject(page.getByText(T.en.inForce).first().waitFor());
	} finally {
		await closePage(page);
	}
});

test('every settings page, as an admin and read-only as a reviewer, at 1280 and 390 px in zh and en, with axe', async () => {
	const pages = [
		['/console/ops/term-lists', 'ops-term-lists'],
		['/console/ops/term-lists/banned_terms', 'ops-term-list'],
		['/console/ops/categories', 'ops-categories'],
		['/console/ops/categories/new', 'ops-category-new'],
		['/console/ops/categories/finance', 'ops-category'],
		['/console/ops/permission-sets', 'ops-permission-sets'],
		['/console/ops/permission-sets/1', 'ops-permission-set'],
		['/console/ops/permission-sets/new', 'ops-permission-set-new'],
		['/console/ops/agreements', 'ops-agreements'],
		['/console/ops/agreements/new?key=terms', 'ops-agreement-new'],
		['/console/ops/announcements', 'ops-announcements'],
	];
	for (const [url, name] of pages)
		await tour(url, name, {
			baseURL: srv.url, prepare: (page) => signIn(page, srv, admin),
			check: async (page) => assert.match(page.url(), /\/console\/ops\//, `${name}: signed in, not sent to sign in`),
		});
	await tour('/console/ops/permission-sets/1', 'ops-permission-set-readonly', {
		baseURL: srv.url, prepare: (page) => signIn(page, srv, reviewer),
		check: async (page) => assert.equal(await page.locator('input[name="name_en"]').count(), 0),
	});
});

test('a provider meets the 403 page on the settings pages, and a reviewer on the admin-only forms', async () => {
	const p = await registerUser(srv, { tag: 'e2esetforbidden' });
	for (const url of ['/console/ops/agreements', '/console/ops/term-lists/banned_terms', '/console/ops/categories'])
		await tour(url, `ops-forbidden-${url.split('/')[3]}`, {
			baseURL: srv.url, status: 403, widths: [390], prepare: (page) => signIn(page, srv, p),
		});
	const page = await pageAs(reviewer, { lang: 'zh' });
	try {
		const res = await page.goto('/console/ops/agreements/new');
		assert.equal(res.status(), 403);
	} finally {
		await closePage(page);
	}
});
