// The pages everyone meets first: the landing page with the released apps,
// sign-in (a wrong password first, the error at the field), sign-up with
// its errors next to the fields, the console home that says what needs
// the person now, and a rule page reached from a rule id. In both
// languages and widths, axe on each, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../api/helpers/server.mjs';
import { registerUser, person } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const T = {
	zh: { title: '应用市场', released: '最新上架', signup: '注册账号', signin: '登录', login: '邮箱或手机号', password: '密码',
		name: '姓名', email: '邮箱', mobile: '手机号', again: '再次输入密码', create: '注册', console: '控制台', todo: '待办', confirmEmail: '确认邮箱' },
	en: { title: 'App marketplace', released: 'New in the marketplace', signup: 'Create an account', signin: 'Sign in', login: 'Email or mobile number', password: 'Password',
		name: 'Your name', email: 'Email', mobile: 'Mobile number', again: 'Password again', create: 'Create account', console: 'Console', todo: 'Needs you now', confirmEmail: 'Confirm your email' },
};

let srv, user;
before(async () => {
	await openBrowser();
	srv = await startServer();
	user = await registerUser(srv, { tag: 'e2eland' });
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

test('the first pages pass axe and are captured in both languages and widths', async () => {
	await tour('/', 'landing', { baseURL: srv.url, check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].title }).waitFor();
		await p.getByRole('heading', { name: T[lang].released }).waitFor();
	} });
	await tour('/console/signin', 'signin', { baseURL: srv.url });
	await tour('/console/signup', 'signup', { baseURL: srv.url });
	await tour('/console/rules/ONB-8', 'rule', { baseURL: srv.url, check: async (p) => {
		await p.getByText('one email and one mobile number belong to at most one account').waitFor();
	} });
	await tour('/console/', 'console-home', { baseURL: srv.url, prepare: (p) => signIn(p, srv, user), check: async (p, { lang }) => {
		await p.getByRole('heading', { name: T[lang].todo }).waitFor();
	} });
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: sign up from the landing page, an error at its field with its rule, then the console home`, async () => {
		const t = T[lang];
		const who = person(`land${lang}`);
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await page.goto('/');
			await page.getByRole('link', { name: t.signup }).first().click();
			await page.getByLabel(t.name).fill(who.name);
			await page.getByLabel(t.email).fill(who.email);
			await page.getByLabel(t.mobile).fill(who.mobile);
			await page.getByLabel(t.password, { exact: true }).fill('short');
			await page.getByLabel(t.again).fill('short');
			await page.getByRole('button', { name: t.create }).click();
			// ONB-8: the password is refused, next to the password field, with the rule id linked
			const err = page.locator('#f-password-err');
			await err.waitFor();
			assert.match(await err.innerText(), /ONB-8/);
			assert.equal(await err.getByRole('link', { name: 'ONB-8' }).getAttribute('href'), '/console/rules/ONB-8');
			assert.equal(await page.getByLabel(t.email).inputValue(), who.email, 'what was typed is kept');
			await checkA11y(page, `signup error ${lang}`);
			await capture(page, 'signup-error');
			await page.getByLabel(t.password, { exact: true }).fill(who.password);
			await page.getByLabel(t.again).fill(who.password);
			await page.getByRole('button', { name: t.create }).click();
			await page.getByRole('heading', { name: t.console }).waitFor();
			await page.getByRole('listitem').filter({ hasText: t.confirmEmail }).waitFor();
		} finally {
			await closePage(page);
		}
		const s = await srv.req('POST', '/v1/sessions', { body: { login: who.email, password: who.password } });
		assert.equal(s.status, 201);
		const me = await srv.req('GET', '/v1/me', { token: s.body.token });
		assert.equal(me.body.user.language, lang, 'the page language became the account language');
	});
}

test('sign-in with a wrong password shows why at the field and keeps the login; then it works, with JavaScript off', async () => {
	const page = await newPage({ lang: 'en', width: 390, javaScript: false, baseURL: srv.url });
	try {
		await page.goto('/console/signin');
		await page.getByLabel(T.en.login).fill(user.email);
		await page.getByLabel(T.en.password).fill('wrong password 123');
		await page.getByRole('button', { name: T.en.signin }).click();
		await page.locator('#f-password-err').waitFor();
		assert.equal(await page.getByLabel(T.en.login).inputValue(), user.email);
		await page.getByLabel(T.en.password).fill(user.password);
		await page.getByRole('button', { name: T.en.signin }).click();
		await page.getByRole('heading', { name: T.en.console }).waitFor();
	} finally {
		await closePage(page);
	}
});
