// The account journey in a browser, as a person plays it: sign up, confirm
// the email by the mail's link, sign out, forget the password, set a new
// one by the mail's link, sign in; the profile's language; API tokens shown
// once and revoked after a confirmation; a new agreement version that
// blocks writes until accepted (ONB-12); the inbox; export of one's data
// and deletion of the account (DATA-2). In Chinese and English, at desktop
// and phone widths, the first journey once more with JavaScript off; axe
// on every page, every page captured into build/screenshots/; another
// person sees none of it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, publishAgreement, person, login } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn, LANGS, WIDTHS } from './helpers/browser.mjs';

// what a person reads, in each language (src/console/account.c, base.c, console.c)
const T = {
	zh: {
		signup: '注册账号', name: '姓名', email: '邮箱', mobile: '手机号', password: '密码', passwordAgain: '再次输入密码',
		create: '注册', ready: '账号已创建', confirmed: '你的邮箱已确认', toConsole: '进入控制台', signOut: '退出登录',
		signedOut: '你已退出登录', forgot: '忘记密码？', login: '邮箱或手机号', mailLink: '发送链接', sent: '如果该登录名对应一个账号',
		newPw: '新密码', newPwAgain: '再次输入新密码', setPw: '设置新密码', differ: '两次输入的密码不一致', pwSet: '新密码已设置',
		signin: '登录', console: '控制台', account: '我的账号', language: '页面和邮件的语言', save: '保存', saved: '已保存',
		sessions: '会话与 API 令牌', tokenName: '名称', createToken: '创建令牌', once: '令牌只显示这一次', copy: '复制令牌',
		revoke: '撤销', revokeToken: '撤销令牌', revoked: '已撤销', refusedAgreements: '阅读并同意协议', acceptAg: '我已阅读并同意',
		allAccepted: '你已同意所有现行协议', data: '导出我的数据或注销账号', download: '下载我的数据（JSON）',
		deleteLink: '注销我的账号…', deleteBtn: '注销我的账号', confirmPw: '输入密码以确认', deleted: '你的账号已注销',
		inbox: '站内信', markRead: '标为已读', unreadAll: '全部已读',
	},
	en: {
		signup: 'Create an account', name: 'Your name', email: 'Email', mobile: 'Mobile number', password: 'Password', passwordAgain: 'Password again',
		create: 'Create account', ready: 'Your account is ready', confirmed: 'Your email is confirmed', toConsole: 'Go to the console', signOut: 'Sign out',
		signedOut: 'You are signed out', forgot: 'Forgot your password?', login: 'Email or mobile number', mailLink: 'Mail me a link', sent: 'If an account uses that login',
		newPw: 'New password', newPwAgain: 'New password again', setPw: 'Set the new password', differ: 'The two passwords differ', pwSet: 'Your password is set',
		signin: 'Sign in', console: 'Console', account: 'My account', language: 'Language of pages and mail', save: 'Save', saved: 'Saved',
		sessions: 'Sessions and API tokens', tokenName: 'Name', createToken: 'Create token', once: 'this is the only time it is shown', copy: 'Copy the token',
		revoke: 'Revoke', revokeToken: 'Revoke token', revoked: 'Revoked', refusedAgreements: 'Read and accept the agreements', acceptAg: 'I have read it and accept',
		allAccepted: 'You have accepted every agreement in force', data: 'Export my data or delete my account', download: 'Download my data (JSON)',
		deleteLink: 'Delete my account…', deleteBtn: 'Delete my account', confirmPw: 'Your password, to confirm', deleted: 'Your account is deleted',
		inbox: 'Inbox', markRead: 'Mark read', unreadAll: 'Everything is read',
	},
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A field by its visible label (the label may end with the required mark). */
const field = (page, label) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*[（(][^)）]*[)）])?$`));
const button = (page, name) => page.getByRole('button', { name, exact: true });
const link = (page, name) => page.getByRole('link', { name, exact: true });

let srv, seq = 0;

before(async () => {
	await openBrowser();
	// no public-url: the mails' links go to http://<listen>, where the browser is
	srv = await startServer();
	await publishAgreement(srv);
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

/** The newest link of a mail to `to` into console page `page`. */
async function mailLink(to, page, exclude = []) {
	const re = new RegExp(`(https?://[^\\s]+/console/${page}\\?token=[A-Za-z0-9_]+)`);
	const m = await srv.waitMail(to, { match: re, exclude });
	return { url: re.exec(m.body)[1], file: m.file };
}

/** A signed-in page in lang (the language switch's cookie, as a person who chose it). */
async function signedInPage(user, { lang = 'en', width = 1280, javaScript = true } = {}) {
	const page = await newPage({ lang, width, javaScript, baseURL: srv.url });
	await prepareAs(page, user, lang);
	return page;
}

async function prepareAs(page, user, lang) {
	await signIn(page, srv, user);
	await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
}

async function look(page, name) {
	await checkA11y(page, `${name} (${page.url()})`);
	await capture(page, name);
}

/**
 * Sign up → confirm by the mail's link → sign out → forgot password → reset
 * by the mail's link (a mismatch first) → sign in with the new password.
 */
async function firstJourney({ lang, width, javaScript, tag }) {
	const t = T[lang];
	const p = person(tag);
	const page = await newPage({ lang, width, javaScript, baseURL: srv.url });
	const shot = (n) => look(page, `account-journey${javaScript ? '' : '-nojs'}-${n}`);
	try {
		await page.goto('/');
		await page.getByRole('link', { name: t.signup }).first().click();
		await shot('signup');
		await field(page, t.name).fill(p.name);
		await field(page, t.email).fill(p.email);
		await field(page, t.mobile).fill(p.mobile);
		await field(page, t.password).fill(p.password);
		await field(page, t.passwordAgain).fill(p.password);
		await button(page, t.create).click();
		await page.waitForURL(/\/console\/\?ok=signed_up$/);
		await assert.doesNotReject(page.getByText(t.ready).waitFor());
		await shot('home');

		// the mail's link, opened in the same browser
		const v = await mailLink(p.email, 'verify');
		await page.goto(v.url);
		await assert.doesNotReject(page.getByText(t.confirmed).waitFor());
		await shot('verified');
		await link(page, t.toConsole).click();
		await button(page, t.signOut).click();
		await page.waitForURL(/\/console\/signin\?ok=signed_out$/);
		await assert.doesNotReject(page.getByText(t.signedOut).waitFor());

		await link(page, t.forgot).click();
		await page.waitForURL(/\/console\/forgot$/);
		await shot('forgot');
		await field(page, t.login).fill(p.email);
		await button(page, t.mailLink).click();
		await assert.doesNotReject(page.getByText(t.sent).waitFor());
		await shot('forgot-sent');

		const r = await mailLink(p.email, 'reset');
		await page.goto(r.url);
		await shot('reset');
		const npw = `${p.password}-renewed`;
		await field(page, t.newPw).fill(npw);
		await field(page, t.newPwAgain).fill(`${npw}-typo`);
		await button(page, t.setPw).click();
		await assert.doesNotReject(page.getByText(t.differ).waitFor());
		assert.equal(await field(page, t.newPwAgain).getAttribute('aria-invalid'), 'true', 'the error is on the second field');
		await shot('reset-mismatch');
		await field(page, t.newPw).fill(npw);
		await field(page, t.newPwAgain).fill(npw);
		await button(page, t.setPw).click();
		await page.waitForURL(/\/console\/signin\?ok=reset$/);
		await assert.doesNotReject(page.getByText(t.pwSet).waitFor());
		await shot('signin-after-reset');
		await field(page, t.login).fill(p.email);
		await field(page, t.password).fill(npw);
		await button(page, t.signin).click();
		await page.waitForURL(/\/console\/$/);
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), t.console);

		// the link worked once
		await page.goto(r.url);
		await field(page, t.newPw).fill('yet-another-password-9');
		await field(page, t.newPwAgain).fill('yet-another-password-9');
		await button(page, t.setPw).click();
		await assert.doesNotReject(page.getByRole('link', { name: lang === 'zh' ? '重新获取链接' : 'Ask for a new link' }).waitFor());
		await shot('reset-used');
	} finally {
		await closePage(page);
	}
}

describe('account journey: sign up, confirm by link, sign out, reset the password by link, sign in', () => {
	for (const lang of LANGS)
		test(`in ${lang}`, () => firstJourney({ lang, width: 1280, javaScript: true, tag: `e2e${lang}` }));
	test('with JavaScript off, on a phone', () => firstJourney({ lang: 'en', width: 390, javaScript: false, tag: 'e2enojs' }));
});

describe('account pages, every one in both languages and widths', () => {
	let u;
	before(async () => {
		u = await registerUser(srv, { tag: 'e2etour', verify: false });
		await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'deploy script' } });
		const now = await srv.now();
		for (let i = 1; i <= 3; i++)
			srv.sql(`INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES (${u.id}, 'test', 'Notice ${i} 通知', 'What happened, in a long enough sentence to wrap on a phone: 发生了什么。', ${now - i})`);
	});
	const prepare = (page, { lang }) => prepareAs(page, u, lang);
	const pages = [
		['/console/account', 'account-profile'],
		['/console/account/verify', 'account-verify'],
		['/console/account/password', 'account-password'],
		['/console/account/sessions', 'account-sessions'],
		['/console/account/agreements', 'account-agreements'],
		['/console/inbox', 'account-inbox'],
		['/console/account/data', 'account-data'],
		['/console/account/delete', 'account-delete-confirm'],
	];
	for (const [url, name] of pages)
		test(`${url}`, () => tour(url, name, { baseURL: srv.url, prepare, check: async (page) => {
			assert.ok(await page.getByRole('heading', { level: 1 }).isVisible());
		} }));
	test('/console/forgot and the reset and verification links (signed out)', async () => {
		await tour('/console/forgot', 'account-forgot', { baseURL: srv.url });
		const v = person('e2elinks');
		await srv.req('POST', '/v1/users', { body: { email: v.email, mobile: v.mobile, password: v.password, name: v.name } });
		let seen = [];
		await tour(async () => {
			await srv.req('POST', '/v1/password-resets', { body: { login: v.email } });
			const r = await mailLink(v.email, 'reset', seen);
			seen.push(r.file);
			return r.url.replace(/^https?:\/\/[^/]+/, '');
		}, 'account-reset', { baseURL: srv.url });
		// a link cut short in the mail program: no token at all
		await tour('/console/reset', 'account-reset-invalid', { baseURL: srv.url, status: 400, check: async (page, { lang }) => {
			await assert.doesNotReject(page.getByRole('link', { name: lang === 'zh' ? '重新获取链接' : 'Ask for a new link' }).waitFor());
		} });
		await tour('/console/verify?token=kfv_not_a_real_one', 'account-verify-link-invalid', { baseURL: srv.url, status: 400 });
		seen = [];
		await tour(async () => {
			const t = await login(srv, v.email, v.password);
			// a new mail each time: the link of the previous one is replaced
			await srv.advance(61);
			await srv.req('POST', '/v1/me/email-verification:resend', { token: t });
			const r = await mailLink(v.email, 'verify', seen);
			seen.push(r.file);
			return r.url.replace(/^https?:\/\/[^/]+/, '');
		}, 'account-verify-link', { baseURL: srv.url, langs: ['zh'], widths: [1280] });
	});
});

describe('account pages in use', () => {
	for (const lang of LANGS)
		for (const width of WIDTHS)
			test(`profile language, API token shown once and revoked, inbox (${lang}, ${width} px)`, async () => {
				const t = T[lang];
				const u = await registerUser(srv, { tag: `e2etok${++seq}` });
				srv.sql(`INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES (${u.id}, 'test', 'Review approved', 'Your app passed review.', ${await srv.now()})`);
				const page = await signedInPage(u, { lang, width });
				try {
					await page.goto('/console/');
					await page.getByRole('navigation', { name: lang === 'zh' ? '控制台' : 'Console' }).getByRole('link', { name: t.account }).click();
					await field(page, t.language).selectOption(lang === 'zh' ? 'zh' : 'en');
					await button(page, t.save).click();
					await assert.doesNotReject(page.getByText(t.saved).waitFor());
					const me = await srv.req('GET', '/v1/me', { token: u.token });
					assert.equal(me.body.user.language, lang, 'saved to the account');

					await link(page, t.sessions).click();
					await field(page, t.tokenName).fill('deploy script');
					await button(page, t.createToken).click();
					await assert.doesNotReject(page.getByText(t.once).waitFor());
					const token = (await page.locator('code.secret').textContent()).trim();
					assert.match(token, /^kfp_/);
					assert.ok(await button(page, t.copy).isVisible(), 'the copy button, with the script');
					await look(page, 'account-token-created');
					assert.equal((await srv.req('GET', '/v1/me', { token })).status, 200, 'the token works');
					await page.goto('/console/account/sessions');
					assert.equal(await page.getByText(token).count(), 0, 'shown once');
					await page.getByRole('row', { name: /deploy script/ }).getByRole('button', { name: t.revoke }).click();
					await look(page, 'account-token-revoke-confirm');
					await button(page, t.revokeToken).click();
					await assert.doesNotReject(page.getByText(t.revoked).first().waitFor());
					assert.equal((await srv.req('GET', '/v1/me', { token })).status, 401, 'revoked');

					await page.getByRole('link', { name: new RegExp(`^${esc(t.inbox)}`) }).first().click();
					await button(page, t.markRead).click();
					await assert.doesNotReject(page.getByText(t.unreadAll).waitFor());
					assert.equal(await page.locator('header .count').count(), 0, 'no unread count left in the header');
				} finally {
					await closePage(page);
				}
			});

	test('a new agreement version blocks writes until it is accepted (ONB-12), in both languages', async () => {
		const users = {};
		for (const lang of LANGS) users[lang] = await registerUser(srv, { tag: `e2eagr${lang}` });
		const now = await srv.now();
		await publishAgreement(srv, { version: 2, title: 'Provider terms, second version', body: 'The second version of the terms.', effective_at: now + 15 * 86400 + 5, notice_days: 15 });
		await srv.advance(15 * 86400 + 10);
		for (const lang of LANGS) {
			const t = T[lang];
			const u = users[lang];
			u.token = await login(srv, u.email, u.password);
			const page = await signedInPage(u, { lang });
			try {
				await page.goto('/console/account/sessions');
				await field(page, t.tokenName).fill('ci');
				await button(page, t.createToken).click();
				await assert.doesNotReject(page.getByRole('link', { name: 'ONB-12' }).first().waitFor());
				await look(page, 'account-consent-required');
				await link(page, t.refusedAgreements).click();
				await page.waitForURL(/\/console\/account\/agreements$/);
				await assert.doesNotReject(page.getByText('The second version of the terms.').waitFor());
				await look(page, 'account-agreements-pending');
				await button(page, t.acceptAg).click();
				await assert.doesNotReject(page.getByText(t.allAccepted).waitFor());
				await page.goto('/console/account/sessions');
				await field(page, t.tokenName).fill('ci');
				await button(page, t.createToken).click();
				await assert.doesNotReject(page.getByText(t.once).waitFor());
			} finally {
				await closePage(page);
			}
		}
	});

	for (const lang of LANGS)
		test(`export my data as a file, then delete my account (DATA-2), in ${lang}; another person sees nothing of it`, async () => {
			const t = T[lang];
			const u = await registerUser(srv, { tag: `e2edel${lang}` });
			const other = await registerUser(srv, { tag: `e2eoth${lang}` });
			srv.sql(`INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES (${u.id}, 'test', 'Private notice of ${u.email}', 'x', ${await srv.now()})`);
			const page = await signedInPage(u, { lang });
			const theirs = await signedInPage(other, { lang });
			try {
				await page.goto('/console/account');
				await link(page, t.data).click();
				const [download] = await Promise.all([page.waitForEvent('download'), link(page, t.download).click()]);
				assert.match(download.suggestedFilename(), /^kaifang-my-data-\d+\.json$/);
				const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
				assert.equal(data.user.email, u.email);
				assert.ok(data.inbox.some((m) => m.title.includes(u.email)));

				// another person: their own inbox and file only
				await theirs.goto('/console/inbox');
				assert.equal(await theirs.getByText(`Private notice of ${u.email}`).count(), 0);
				const [d2] = await Promise.all([theirs.waitForEvent('download'), theirs.goto('/console/account/data').then(() => link(theirs, t.download).click())]);
				const data2 = JSON.parse(fs.readFileSync(await d2.path(), 'utf8'));
				assert.equal(data2.user.email, other.email);
				assert.ok(!JSON.stringify(data2).includes(u.email), 'nothing of the first person');

				await link(page, t.deleteLink).click();
				await page.waitForURL(/\/console\/account\/delete$/);
				await field(page, t.confirmPw).fill('not-my-password-1');
				await button(page, t.deleteBtn).click();
				assert.equal(await field(page, t.confirmPw).getAttribute('aria-invalid'), 'true', 'a wrong password is refused at its field');
				await look(page, 'account-delete-wrong-password');
				await field(page, t.confirmPw).fill(u.password);
				await button(page, t.deleteBtn).click();
				await page.waitForURL(/\/console\/signin\?ok=account_deleted$/);
				await assert.doesNotReject(page.getByText(t.deleted).waitFor());
				await look(page, 'account-deleted');
				assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 401);
				await theirs.goto('/console/account');
				assert.equal(await theirs.getByRole('heading', { level: 1 }).textContent(), t.account, 'the other person is untouched');
			} finally {
				await closePage(page);
				await closePage(theirs);
			}
		});
});
