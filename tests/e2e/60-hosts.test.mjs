// A host-account owner in the browser: the invitation mail's link, setting
// a password, signing in, finding the account and its connected app with
// the permission sets and data scope, and revoking it after the page that
// states the consequence (AUTH-2). In Chinese and English, at desktop and
// phone widths, the invitation once more with JavaScript off; axe on every
// page; screenshots into build/screenshots/. Another owner gets 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, invitationToken, person } from '../api/helpers/flows.mjs';
import { authorizableApp, authorize } from '../api/helpers/authorize.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const T = {
	zh: { accept: '接受邀请', name: '姓名', mobile: '手机号', password: '密码', again: '再次输入密码', submit: '接受邀请并设置密码',
		signin: '登录', login: '邮箱或手机号', hosts: '授权账号', mine: '我的授权账号', connected: '已授权的应用', all: '全部成员',
		revoke: '卸载', confirm: '立即卸载', revoked: '已卸载', none: '该账号尚未授权任何应用', mismatch: '两次输入的密码不一致。', notFound: '页面不存在' },
	en: { accept: 'Accept your invitation', name: 'Your name', mobile: 'Mobile number', password: 'Password', again: 'Password again', submit: 'Accept and set password',
		signin: 'Sign in', login: 'Email or mobile number', hosts: 'Host accounts', mine: 'My host accounts', connected: 'Connected apps', all: 'All members',
		revoke: 'Uninstall', confirm: 'Uninstall now', revoked: 'Uninstalled', none: 'No app is connected to this account', mismatch: 'The two passwords differ.', notFound: 'Not found' },
};

let srv, key, owner, a;
const hosts = {};

before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
	key = hostApiKey(srv).key;
	owner = await registerUser(srv, { tag: 'e2ehost' });
	for (const lang of ['zh', 'en']) hosts[lang] = await provisionHost(srv, key, { owner_email: owner.email, name: lang === 'zh' ? '测试小程序' : 'Test Shop' });
	const provider = await registerUser(srv, { tag: 'e2ehostprov' });
	a = await authorizableApp(srv, provider, [hosts.zh.id, hosts.en.id]);
	for (const lang of ['zh', 'en']) await authorize(srv, a, owner, hosts[lang].id);
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
	await a?.rx?.close();
});

/** The invitation journey for a new owner, by labels, in one page. */
async function acceptInvitation(lang, { javaScript = true, width = 1280 } = {}) {
	const t = T[lang];
	const who = person(`inv${lang}${javaScript ? '' : 'nojs'}${width}`);
	await provisionHost(srv, key, { owner_email: who.email, name: `${lang} shop ${width}` });
	const token = await invitationToken(srv, who.email);
	const link = /https?:\/\/[^\s]+\/console\/invitations\/accept\?token=[^\s]+/.exec(srv.mails(who.email).at(-1).body)?.[0];
	assert.ok(link, 'the mail carries the console link');
	const page = await newPage({ lang, width, javaScript, baseURL: srv.url });
	try {
		await page.goto(`/console/invitations/accept?token=${token}`);
		await page.getByRole('heading', { name: t.accept }).waitFor();
		await checkA11y(page, `invitation ${lang}`);
		await capture(page, `hosts-invitation${javaScript ? '' : '-nojs'}`);
		await page.getByLabel(t.name).fill('王芳');
		await page.getByLabel(t.mobile).fill(who.mobile);
		await page.getByLabel(t.password, { exact: true }).fill(who.password);
		await page.getByLabel(t.again).fill(who.password + 'x');
		await page.getByRole('button', { name: t.submit }).click();
		// the error sits under its field, and what was typed is kept
		await page.getByText(t.mismatch).waitFor();
		assert.equal(await page.getByLabel(t.mobile).inputValue(), who.mobile);
		await checkA11y(page, `invitation error ${lang}`);
		await page.getByLabel(t.password, { exact: true }).fill(who.password);
		await page.getByLabel(t.again).fill(who.password);
		await page.getByRole('button', { name: t.submit }).click();
		await page.getByRole('heading', { name: t.signin }).waitFor();
		await page.getByLabel(t.login).fill(who.email);
		await page.getByLabel(t.password).fill(who.password);
		await page.getByRole('button', { name: t.signin }).click();
		// on to the accounts: the link in the console's navigation
		await page.getByRole('navigation').getByRole('link', { name: t.hosts }).click();
		await page.getByRole('heading', { name: t.mine }).waitFor();
		await page.getByRole('link', { name: `${lang} shop ${width}` }).click();
		await page.getByRole('heading', { name: `${lang} shop ${width}` }).waitFor();
		await page.getByText(t.none).waitFor();
	} finally {
		await closePage(page);
	}
}

for (const lang of ['zh', 'en']) {
	test(`${lang}: a new owner accepts the invitation from the mail, signs in and finds the account`, async () => {
		await acceptInvitation(lang);
	});
}

test('the invitation journey works with JavaScript off, on a phone', async () => {
	await acceptInvitation('en', { javaScript: false, width: 390 });
});

test('every hosts page passes axe and is captured in both languages and widths', async () => {
	const prepare = (p) => signIn(p, srv, owner);
	await tour('/console/hosts', 'hosts-list', { baseURL: srv.url, prepare, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].mine }).waitFor();
	} });
	await tour(`/console/hosts/${hosts.zh.id}`, 'hosts-account', { baseURL: srv.url, prepare, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].connected }).waitFor();
		await p.getByText(T[lang].all).first().waitFor();
	} });
	await tour(`/console/hosts/${hosts.zh.id}/apps/${a.app.app_id}/revoke`, 'hosts-revoke', { baseURL: srv.url, prepare });
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: AUTH-2 revoking an app states the consequence, then ends the authorization`, async () => {
		const t = T[lang];
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(page, srv, owner);
			await page.goto(`/console/hosts/${hosts[lang].id}`);
			const row = page.getByRole('row', { name: new RegExp(a.app.app_id) });
			await row.getByRole('link', { name: new RegExp(t.revoke) }).click();
			const accountName = lang === 'zh' ? '测试小程序' : 'Test Shop';
			await page.getByText(accountName, { exact: false }).first().waitFor();
			const warning = await page.getByRole('alert').innerText();
			assert.match(warning, new RegExp(accountName));
			await page.getByRole('button', { name: t.confirm }).click();
			await page.getByText(t.revoked).waitFor();
			await page.getByText(t.none).waitFor();
			await checkA11y(page, `after revoke ${lang}`);
			await capture(page, 'hosts-revoked');
		} finally {
			await closePage(page);
		}
		const z = await srv.req('GET', `/v1/host-accounts/${hosts[lang].id}/authorizations`, { token: owner.token });
		assert.equal(z.body.items.filter((x) => x.state !== 'revoked').length, 0);
	});
}

test('another owner sees none of it: 404 on the account page', async () => {
	const other = await registerUser(srv, { tag: 'e2eother' });
	const page = await newPage({ lang: 'en', baseURL: srv.url });
	try {
		await signIn(page, srv, other);
		const r = await page.goto(`/console/hosts/${hosts.zh.id}`);
		assert.equal(r.status(), 404);
		await page.getByRole('heading', { name: T.en.notFound }).waitFor();
		assert.equal(await page.getByText('测试小程序').count(), 0);
	} finally {
		await closePage(page);
	}
});
