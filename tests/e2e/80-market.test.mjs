// The marketplace in the browser (issue 13): a host-account owner browses
// from the home page to a category and an app's page, installs the app with
// one of their accounts through the consent page (AUTH-1), finds it among
// the account's connected apps, uninstalls it there (AUTH-2) and sees the
// install count drop; searching from the home page's box in Chinese, in
// pinyin and with one character. In Chinese and English, at 1280 and
// 390 px; axe on every page; screenshots into build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, decide, uploadPdf, hostApiKey, provisionHost } from '../api/helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer } from '../api/helpers/apps.mjs';
import { startTestApp } from '../api/helpers/testapp.mjs';
import { listingPictures, cleanListing } from '../api/helpers/images.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour } from './helpers/browser.mjs';

const T = {
	zh: { home: '应用市场', categories: '类目', newest: '最新上架', search: '搜索应用', go: '搜索', install: '安装', sets: '申请的权限',
		signin: '登录', login: '邮箱或手机号', password: '密码', account: '选择授权的帐号', authorize: '确认授权', connected: '已授权的应用',
		installed: '安装成功', uninstall: '卸载', confirm: '立即卸载', uninstalled: '已卸载', installs: (n) => `${n} 次安装`, verified: '已认证开发者',
		results: (q) => `“${q}”的搜索结果`, none: '没有匹配的应用' },
	en: { home: 'App marketplace', categories: 'Categories', newest: 'New in the marketplace', search: 'Search apps', go: 'Search', install: 'Install', sets: 'What it asks for',
		signin: 'Sign in', login: 'Email or mobile number', password: 'Password', account: 'Account to authorize', authorize: 'Authorize', connected: 'Connected apps',
		installed: 'Installed', uninstall: 'Uninstall', confirm: 'Uninstall now', uninstalled: 'Uninstalled', installs: (n) => `${n} installs`, verified: 'Verified developer',
		results: (q) => `Apps matching “${q}”`, none: 'No app matches' },
};

let srv, rx, app, owner, cat;
const hosts = {};
const testApps = [];

before(async () => {
	await openBrowser();
	srv = await startServer({
		env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_URL_CHECK_TIMEOUT: '3s' },
	});
	rx = await startReceiver();
	const base = `http://listing.localhost:${rx.port}`;
	const rev = await reviewer(srv);
	const dev = await registerUser(srv, { tag: 'e2emarketdev' });
	const prov = await appProvider(srv, dev);
	const files = await listingPictures(srv, dev.token);
	const doc = (await uploadPdf(srv, dev.token)).id;
	await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: dev.token, body: { documents: [doc], statement: 'We build it.' } });
	const [{ review_id: rid }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id}`);
	await decide(srv, rev.token, rid, 'approve');
	const ta = await startTestApp(srv);
	testApps.push(ta);
	app = await createApp(srv, dev.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
	ta.configure(app);
	await approveCreation(srv, dev.token, app.app_id);
	await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: dev.token, body: cleanListing(files, base, prov.legalName) });
	const s = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: dev.token });
	assert.equal(s.status, 202, s.text);
	assert.equal((await decide(srv, rev.token, s.body.review.id, 'approve')).status, 200);
	// REV-2: search finds only search-listed apps
	const sl = await srv.req('POST', `/v1/apps/${app.app_id}/search-listing`, { token: dev.token, body: {} });
	assert.equal(sl.status, 201, sl.text);
	assert.equal((await decide(srv, rev.token, sl.body.review_id, 'approve')).status, 200);
	cat = (await srv.req('GET', '/v1/categories')).body.items.find((c) => c.id === 'tools');
	owner = await registerUser(srv, { tag: 'e2emarketowner' });
	const key = hostApiKey(srv).key;
	for (const lang of ['zh', 'en']) hosts[lang] = await provisionHost(srv, key, { owner_email: owner.email, name: lang === 'zh' ? '门店小程序' : 'Corner Shop' });
});
after(async () => {
	await closeBrowser();
	for (const t of testApps) await t.close();
	await rx?.close();
	await srv?.stop();
});

const installs = async () => (await srv.req('GET', `/v1/market/apps/${app.app_id}`)).body.installs;

test('every marketplace page passes axe and is captured in both languages and widths', async () => {
	await tour('/', 'market-home', { baseURL: srv.url, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].home, level: 1 }).waitFor();
		await p.getByRole('heading', { name: T[lang].categories }).waitFor();
		await p.getByRole('link', { name: '天气助手' }).first().waitFor();
	} });
	await tour(`/categories/${cat.id}`, 'market-category', { baseURL: srv.url, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: lang === 'zh' ? cat.name_zh : cat.name_en, level: 1 }).waitFor();
		await p.getByRole('link', { name: '天气助手' }).waitFor();
	} });
	await tour('/apps?q=%E5%A4%A9%E6%B0%94', 'market-search', { baseURL: srv.url, check: async (p) => {
		await p.getByRole('link', { name: '天气助手' }).waitFor();
	} });
	await tour('/apps?q=zzzzqqq', 'market-search-empty', { baseURL: srv.url, check: async (p, { lang }) => {
		await p.getByText(T[lang].none).waitFor();
	} });
	await tour(`/apps/${app.app_id}`, 'market-app', { baseURL: srv.url, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: '天气助手', level: 1 }).waitFor();
		await p.getByRole('link', { name: T[lang].install, exact: true }).waitFor();
		await p.getByRole('heading', { name: T[lang].sets }).waitFor();
		await p.getByText(T[lang].verified).first().waitFor();
	} });
	await tour(`/apps/${app.app_id}-missing`, 'market-app-404', { baseURL: srv.url, status: 404 });
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: browse to an app, install it with a host account through consent, then uninstall it`, async () => {
		const t = T[lang];
		const host = hosts[lang];
		const before = await installs();
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			// the pages' language, as the console's switch sets it (the account's own is English)
			await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url, sameSite: 'Lax' }]);
			await page.goto('/');
			await page.getByRole('link', { name: lang === 'zh' ? cat.name_zh : cat.name_en, exact: true }).click();
			await page.getByRole('link', { name: '天气助手' }).click();
			await page.getByRole('heading', { name: '天气助手', level: 1 }).waitFor();
			assert.ok(await page.getByText(t.installs(before)).first().isVisible(), 'the install count is shown');
			await page.getByRole('link', { name: t.install, exact: true }).click();
			// signed out: the consent page signs the owner in first
			await page.getByLabel(t.login).fill(owner.email);
			await page.getByLabel(t.password).fill(owner.password);
			await page.getByRole('button', { name: t.signin }).click();
			const accounts = page.getByRole('group', { name: t.account });
			await accounts.waitFor();
			await checkA11y(page, `install consent ${lang}`);
			await capture(page, 'market-install-consent');
			await accounts.getByRole('radio', { name: new RegExp(host.name) }).check();
			await page.getByRole('button', { name: t.authorize, exact: true }).click();
			// the account's connected apps, with the app
			await page.waitForURL(new RegExp(`/console/hosts/${host.id}\\?ok=installed`));
			await page.getByText(t.installed).waitFor();
			await page.getByRole('heading', { name: t.connected }).waitFor();
			const row = page.getByRole('row', { name: new RegExp(app.app_id) });
			await row.locator(`a[href="/apps/${app.app_id}"]`).waitFor(); // back to the app's page
			await checkA11y(page, `installed ${lang}`);
			await capture(page, 'market-installed');
			assert.equal(await installs(), before + 1, 'installs count the new install');
			// AUTH-2: uninstall from the connected apps
			await row.getByRole('link', { name: new RegExp(t.uninstall) }).click();
			await page.getByRole('button', { name: t.confirm }).click();
			await page.getByText(t.uninstalled).waitFor();
			assert.equal(await installs(), before, 'the count drops');
			await page.goto(`/apps/${app.app_id}`);
			assert.ok(await page.getByText(t.installs(before)).first().isVisible());
		} finally {
			await closePage(page);
		}
	});
}

for (const [q, what] of [['天气', 'Chinese'], ['tianqi', 'pinyin'], ['tq', 'pinyin initials'], ['天', 'one character']]) {
	test(`search from the home page's box: ${what} (${q}) finds the app`, async () => {
		const lang = /[a-z]/.test(q) ? 'en' : 'zh';
		const t = T[lang];
		const page = await newPage({ lang, width: 390, baseURL: srv.url });
		try {
			await page.goto('/');
			await page.getByRole('searchbox', { name: t.search }).fill(q);
			await page.getByRole('button', { name: t.go, exact: true }).click();
			await page.getByRole('heading', { name: t.results(q), level: 1 }).waitFor();
			await page.getByRole('link', { name: '天气助手' }).click();
			await page.getByRole('heading', { name: '天气助手', level: 1 }).waitFor();
		} finally {
			await closePage(page);
		}
	});
}
