// A provider's apps in a browser (issue 11, apps part 1): from the console
// home to the apps list, creating an app with its development settings
// (the secret shown once), a refused field with its rule id next to it,
// submitting the creation review; a new configuration version, its diff
// and activation; rotating the secret with no grace period after a page
// that states the consequence. In Chinese and English; the creation and
// the rotation once more with JavaScript off. axe on every page of the
// app's tabs in both languages, each captured at 1280 and 390 px into
// build/screenshots/; another provider's member gets 404 pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser } from '../api/helpers/flows.mjs';
import { appProvider, appBody, createApp, approveCreation, ICP_DOMAIN, ICP_NO } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

// what a person reads, in each language (src/console/apps.c, appform.c)
const T = {
	zh: {
		nav: '控制台', apps: '应用', create: '创建应用', empty: '你还没有应用', name: '应用名称', intro: '应用简介', website: '官方网站', icpNo: 'ICP备案号',
		authDomain: '授权发起页域名', authUrl: '授权事件接收URL', msgUrl: '消息与事件接收URL', token: '消息校验Token', aesKey: '消息加解密Key',
		servers: '服务器域名', business: '业务域名', ipList: '白名单IP地址列表', messagesSet: '消息', createButton: '创建应用',
		created: '应用已创建', notAgain: '它不会再次显示', goToApp: '我已保存：前往应用', submit: '提交创建审核', submitted: '已提交审核。', inReview: '审核中',
		devTab: '开发配置', versionsTab: '配置版本', save: '保存为新版本', saved: '已保存为新的草稿版本。', activate: '使版本 2 生效', activated: '已生效。',
		credsTab: '凭据', grace: '宽限期', graceNone: '无：当前密钥立即失效（泄露时使用）', rotate: '轮换密钥', rotateNow: '立即轮换',
		consequence: '除新密钥外的所有密钥立即失效', newSecret: '新的应用密钥', notFound: '页面不存在', draft: '草稿',
	},
	en: {
		nav: 'Console', apps: 'Apps', create: 'Create an app', empty: 'You have no apps yet', name: 'App name', intro: 'Introduction', website: 'Official website', icpNo: 'ICP filing number',
		authDomain: 'Authorization page domain', authUrl: 'Authorization event URL', msgUrl: 'Message and event URL', token: 'Message token', aesKey: 'Message AES key',
		servers: 'Server domains', business: 'Business domains', ipList: 'IP allowlist', messagesSet: 'Messages', createButton: 'Create the app',
		created: 'App created', notAgain: 'It will not be shown again', goToApp: 'I have stored it: go to the app', submit: 'Submit for the creation review', submitted: 'Submitted for review.', inReview: 'In review',
		devTab: 'Development settings', versionsTab: 'Versions', save: 'Save as a new version', saved: 'Saved as a new draft version.', activate: 'Activate version 2', activated: 'Activated.',
		credsTab: 'Credentials', grace: 'Grace period', graceNone: 'None: the current secret stops at once (after a leak)', rotate: 'Rotate the secret', rotateNow: 'Rotate now',
		consequence: 'Every secret but the new one stops working at once', newSecret: 'New app secret', notFound: 'Not found', draft: 'Draft',
	},
};

let srv;
before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

/** A page signed in as user, in lang (the language switch's cookie). */
async function pageAs(user, lang, opts = {}) {
	const page = await newPage({ lang, baseURL: srv.url, ...opts });
	await signIn(page, srv, user);
	await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
	return page;
}

/** A certified provider's owner with an ICP filing. */
async function provider(tag) {
	const u = await registerUser(srv, { tag });
	const prov = await appProvider(srv, u);
	return { u, prov };
}

let seq = 0;
/** Fill the create form by its labels, as a person would. */
async function fillNewApp(page, t, over = {}) {
	seq += 1;
	const n = `${process.pid % 10000}-${seq}`;
	await page.getByLabel(t.name, { exact: false }).first().fill(over.name ?? `Weather Helper ${n}`);
	await page.getByLabel(t.intro).fill('Forecasts for the places your members work in.');
	await page.getByLabel(t.website).fill(`https://www.${ICP_DOMAIN}/apps/${n}`);
	await page.getByLabel(t.icpNo).fill(ICP_NO);
	await page.getByLabel(t.messagesSet, { exact: false }).first().check();
	await page.getByLabel(t.authDomain).fill(`auth.${ICP_DOMAIN}`);
	await page.getByLabel(t.authUrl).fill(`http://127.0.0.1:9/auth/${n}`);
	await page.getByLabel(t.msgUrl).fill(`http://127.0.0.1:9/msg/${n}/$APPID$`);
	await page.getByLabel(t.token).fill(over.token ?? `tok${seq}Token`);
	await page.getByLabel(t.servers).fill('127.0.0.1');
	await page.getByLabel(t.business).fill(ICP_DOMAIN);
}

for (const lang of ['zh', 'en'])
	for (const javaScript of lang === 'en' ? [true, false] : [true])
		test(`create an app from the console home, a refused field, then the creation review (${lang}, JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
			const t = T[lang];
			const { u } = await provider(`e2eapps${lang}${javaScript ? '' : 'nojs'}`);
			const page = await pageAs(u, lang, { javaScript, width: javaScript ? 1280 : 390 });
			try {
				await page.goto('/console/');
				await page.getByRole('navigation', { name: t.nav }).getByRole('link', { name: t.apps, exact: true }).click();
				await assert.doesNotReject(page.getByText(t.empty).waitFor());
				await page.getByRole('link', { name: t.create }).first().click();
				// the AES key is filled in already
				assert.match(await page.getByLabel(t.aesKey).inputValue(), /^[A-Za-z0-9+/]{43}$/);
				// a message token the rules refuse: the error sits at the field, with its rule
				await fillNewApp(page, t, { token: 'x!' });
				await page.getByRole('button', { name: t.createButton }).click();
				const token = page.getByLabel(t.token);
				assert.equal(await token.getAttribute('aria-invalid'), 'true');
				const err = page.locator('[id="f-dev.message_token-err"]');
				await err.waitFor();
				assert.equal(await err.getByRole('link', { name: 'APP-4' }).count(), 1);
				assert.equal(await token.inputValue(), 'x!', 'what was typed stays');
				await checkA11y(page, `apps new with an error (${lang})`);
				await capture(page, `apps-new-error${javaScript ? '' : '-nojs'}`);
				// corrected, the app is made and its secret shown once
				await token.fill(`okToken${seq}`);
				await page.getByRole('button', { name: t.createButton }).click();
				await page.getByRole('heading', { name: t.created }).waitFor();
				assert.ok(await page.getByText(t.notAgain).isVisible());
				const secret = (await page.locator('#secret').textContent()).trim();
				assert.match(secret, /^[A-Za-z0-9_-]{32,}$/);
				await checkA11y(page, `app created (${lang})`);
				await capture(page, `apps-created${javaScript ? '' : '-nojs'}`);
				await page.getByRole('link', { name: t.goToApp }).click();
				// the overview: a draft with everything filled in, so submit it
				assert.ok(await page.getByText(t.draft, { exact: true }).first().isVisible());
				assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');
				await page.getByRole('button', { name: t.submit }).click();
				await page.getByText(t.submitted).waitFor();
				assert.ok(await page.getByText(t.inReview, { exact: true }).first().isVisible());
				// and it is in the list
				await page.getByRole('navigation', { name: t.nav }).getByRole('link', { name: t.apps, exact: true }).click();
				assert.equal(await page.getByRole('table').getByRole('link').count(), 1);
			} finally {
				await closePage(page);
			}
		});

for (const lang of ['zh', 'en'])
	test(`a new configuration version, its diff, activation; then a rotation with no grace (${lang})`, async () => {
		const t = T[lang];
		const { u, prov } = await provider(`e2ever${lang}`);
		const app = await createApp(srv, u.token, prov.id, appBody(null));
		await approveCreation(srv, u.token, app.app_id);
		const page = await pageAs(u, lang, { javaScript: lang === 'en' });
		try {
			await page.goto(`/console/apps/${app.app_id}`);
			await page.getByRole('link', { name: t.devTab }).click();
			await page.getByLabel(t.ipList).fill('127.0.0.1\n192.0.2.0/24');
			await page.getByRole('button', { name: t.save }).click();
			await page.getByText(t.saved).waitFor();
			await page.getByRole('link', { name: t.versionsTab }).click();
			const diff = page.locator('pre.diff');
			assert.match(await diff.textContent(), /- dev\.ip_allowlist: 10\.0\.0\.0\/8\n\+ dev\.ip_allowlist: 192\.0\.2\.0\/24/);
			await page.getByRole('button', { name: t.activate }).click();
			await page.getByText(t.activated).waitFor();
			const g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
			assert.deepEqual(g.body.live_config.dev.ip_allowlist, ['127.0.0.1/32', '192.0.2.0/24']);
			// the secret leaked: rotate with no grace, after a page that says what happens
			await page.getByRole('link', { name: t.credsTab }).click();
			await page.getByLabel(t.grace).selectOption({ label: t.graceNone });
			await page.getByRole('button', { name: t.rotate }).click();
			await page.getByText(t.consequence).waitFor();
			await checkA11y(page, `rotate with no grace: confirmation (${lang})`);
			await capture(page, 'apps-rotate-confirm');
			await page.getByRole('button', { name: t.rotateNow }).click();
			await page.getByRole('heading', { name: t.newSecret }).waitFor();
			const s = await srv.req('GET', `/v1/apps/${app.app_id}/secrets`, { token: u.token });
			assert.deepEqual(s.body.items.map((x) => x.state), ['current', 'revoked']);
		} finally {
			await closePage(page);
		}
	});

test('every page of an app, in both languages and widths: axe finds nothing serious, each is captured', async () => {
	const { u, prov } = await provider('e2etour');
	const app = await createApp(srv, u.token, prov.id, appBody(null));
	await approveCreation(srv, u.token, app.app_id);
	await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: u.token, body: { dev: { ip_allowlist: ['127.0.0.1', '192.0.2.0/24'] } } });
	await createApp(srv, u.token, prov.id, { name: '很长的中文应用名称用于测试换行' });
	const prepare = async (page, { lang }) => {
		await signIn(page, srv, u);
		await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
	};
	const base = `/console/apps/${app.app_id}`;
	const pages = [
		['apps-list', '/console/apps'], ['apps-new', '/console/apps/new'], ['app-overview', base], ['app-info', `${base}/info`],
		['app-permissions', `${base}/permissions`], ['app-dev', `${base}/dev`], ['app-credentials', `${base}/credentials`],
		['app-versions', `${base}/versions`], ['app-icp', `${base}/icp`], ['app-local', `${base}/local`], ['app-delete', `${base}/delete`],
	];
	for (const [name, url] of pages)
		await tour(url, name, {
			baseURL: srv.url,
			prepare,
			check: async (page, { lang }) => {
				// where am I: the app's name or the section in the heading, the app's id (never a row number)
				const h1 = await page.getByRole('heading', { level: 1 }).textContent();
				assert.ok(h1.trim().length > 0);
				if (url.startsWith(base) && !url.endsWith('/delete')) assert.ok((await page.content()).includes(app.app_id));
				assert.equal(await page.locator('html').getAttribute('lang'), lang === 'zh' ? 'zh-CN' : 'en');
			},
		});
});

test("another provider's member gets 404 pages for the app, and does not see it in the list", async () => {
	const a = await provider('e2ex1');
	const b = await provider('e2ex2');
	const app = await createApp(srv, a.u.token, a.prov.id, appBody(null));
	for (const lang of ['zh', 'en']) {
		const page = await pageAs(b.u, lang);
		try {
			for (const p of ['', '/dev', '/credentials', '/versions', '/local']) {
				const res = await page.goto(`/console/apps/${app.app_id}${p}`);
				assert.equal(res.status(), 404, p);
				await page.getByRole('heading', { name: T[lang].notFound }).waitFor();
				assert.equal(await page.getByText(app.sent.name).count(), 0);
			}
			await checkA11y(page, `404 (${lang})`);
			await capture(page, 'app-not-yours');
			await page.goto('/console/apps');
			assert.equal(await page.getByText(app.app_id).count(), 0);
		} finally {
			await closePage(page);
		}
	}
});
