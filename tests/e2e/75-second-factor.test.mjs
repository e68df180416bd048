// Staff security in a browser, as an admin plays it (issue 12): signed in
// with the password only, the console leads to setting up a second factor;
// the admin reads the secret from the QR code's text alternative, types the
// code an authenticator app (the npm package otpauth, independent of
// Kaifang's own TOTP) shows, sees the recovery codes once, signs out and in
// again with password and code; after 11 minutes a sensitive action asks
// for the password again; a locked sign-in says when the lock ends. In
// Chinese and English, at 1280 and 390 px, axe on every page, every page
// captured into build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { startServer } from '../api/helpers/server.mjs';
import { person, registerUser } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, LANGS, WIDTHS } from './helpers/browser.mjs';

// what a person reads (src/console/security.c, base.c, console.c)
const T = {
	zh: {
		login: '邮箱或手机号', password: '密码', signin: '登录', needs: '你的角色要求第二重验证', setUp: '设置第二重验证',
		qr: /身份验证器二维码。密钥：\s*([A-Z2-7]{32})/, code: '验证码', turnOn: '开启', codes: '恢复码', once: '它们只显示这一次',
		toConsole: '已保存，进入控制台', signOut: '退出登录', enterCode: '输入验证码', remove: '移除第二重验证', removeBtn: '移除',
		confirmIt: '验证身份', confirm: '确认', reauthed: '验证成功', removed: '第二重验证已移除', locked: '登录失败次数过多',
		until: '可再次尝试的时间', wrong: '登录名或密码错误',
	},
	en: {
		login: 'Email or mobile number', password: 'Password', signin: 'Sign in', needs: 'Your role needs a second factor', setUp: 'Set up a second factor',
		qr: /QR code for your authenticator app\. Secret key: ([A-Z2-7]{32})/, code: 'Code', turnOn: 'Turn on', codes: 'Recovery codes', once: 'they are shown only this once',
		toConsole: 'I have saved them: go to the console', signOut: 'Sign out', enterCode: 'Enter your code', remove: 'Remove the second factor', removeBtn: 'Remove',
		confirmIt: 'Confirm it is you', confirm: 'Confirm', reauthed: 'Thank you', removed: 'The second factor is removed', locked: 'Too many failed sign-ins',
		until: 'You can try again from', wrong: 'wrong',
	},
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const field = (page, label) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*[（(][^)）]*[)）])?$`));
const button = (page, name) => page.getByRole('button', { name, exact: true });
const link = (page, name) => page.getByRole('link', { name, exact: true });

let srv;
before(async () => {
	await openBrowser();
	srv = await startServer({
		env: { KAIFANG_OPERATOR_SECOND_FACTOR: 'admins', KAIFANG_OPERATOR_STEP_UP: '10m', KAIFANG_OPERATOR_IDLE_TIMEOUT: '2h', KAIFANG_LOGIN_MAX_FAILURES: '3' },
	});
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

async function codeFor(secret) {
	const now = await srv.now();
	return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: now * 1000 });
}

async function look(page, name) {
	await checkA11y(page, `${name} (${page.url()})`);
	await capture(page, name);
}

async function signInWithPassword(page, t, who) {
	await page.goto('/console/signin');
	await field(page, t.login).fill(who.email);
	await field(page, t.password).fill(who.password);
	await button(page, t.signin).click();
}

for (const lang of LANGS)
	for (const width of WIDTHS)
		test(`an admin enrols a second factor, signs in with it, confirms a sensitive action, and sees a lock's end (${lang}, ${width} px)`, async () => {
			const t = T[lang];
			const admin = person(`admin${lang}${width}`);
			const made = srv.cli(['user', 'create-operator', '--email', admin.email, '--password', admin.password, '--role', 'admin']);
			assert.equal(made.status, 0, made.stderr);
			const page = await newPage({ lang, width, baseURL: srv.url });
			try {
				await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
				// 1. the password alone leads to the set-up, whatever page is asked for
				await signInWithPassword(page, t, admin);
				await page.waitForURL(/\/console\/account\/security/);
				await assert.doesNotReject(page.getByText(t.needs).first().waitFor());
				await page.goto('/console/ops');
				assert.match(page.url(), /\/console\/account\/security$/);
				await look(page, 'second-factor-required');

				// 2. the QR code, whose text alternative holds the secret
				await button(page, t.setUp).click();
				const qr = page.getByRole('img', { name: t.qr });
				const secret = t.qr.exec(await qr.getAttribute('aria-label'))[1];
				assert.equal(await page.locator('#totp-secret').textContent(), secret);
				await look(page, 'second-factor-qr');

				// 3. the app's code turns it on; the recovery codes are shown once
				await field(page, t.code).fill(await codeFor(secret));
				await button(page, t.turnOn).click();
				await page.getByRole('heading', { name: t.codes }).waitFor();
				assert.equal(await page.locator('#recovery-codes li').count(), 10);
				await assert.doesNotReject(page.getByText(t.once).first().waitFor());
				await look(page, 'second-factor-recovery-codes');
				await link(page, t.toConsole).click();
				await button(page, t.signOut).click();

				// 4. password, then the code
				await srv.advance(30);
				await signInWithPassword(page, t, admin);
				await page.getByRole('heading', { name: t.enterCode }).waitFor();
				await look(page, 'signin-code');
				await field(page, t.code).fill(await codeFor(secret));
				await button(page, t.signin).click();
				await page.waitForURL(/\/console\/$/);

				// 5. eleven minutes later, a sensitive action asks for the password again
				await srv.advance(11 * 60);
				await page.goto('/console/account/security');
				await look(page, 'second-factor-on');
				await button(page, t.remove).click();
				await button(page, t.removeBtn).click();
				await link(page, t.confirmIt).click();
				await page.waitForURL(/\/console\/account\/reauth\?next=/);
				await look(page, 'reauth');
				await field(page, t.password).fill(admin.password);
				await button(page, t.confirm).click();
				await page.waitForURL(/\/console\/account\/security\?ok=reauthed/);
				await assert.doesNotReject(page.getByText(t.reauthed).first().waitFor());
				await button(page, t.remove).click();
				await button(page, t.removeBtn).click();
				await page.getByText(t.removed).first().waitFor();
				// removed: the admin must set up a new one before anything else
				await assert.doesNotReject(page.getByText(t.needs).first().waitFor());
			} finally {
				await closePage(page);
			}

			// 6. a locked sign-in says until when, in the page's language
			const u = await registerUser(srv, { tag: `lock${lang}${width}` });
			const p2 = await newPage({ lang, width, baseURL: srv.url });
			try {
				for (let i = 0; i < 3; i++) await signInWithPassword(p2, t, { email: u.email, password: 'not-the-password' });
				await signInWithPassword(p2, t, { email: u.email, password: u.password });
				const lockNotice = p2.locator('#signin-locked');
				await assert.doesNotReject(lockNotice.waitFor());
				const text = await lockNotice.textContent();
				assert.ok(text.includes(t.locked), text);
				assert.ok(text.includes(t.until), text);
				assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+8/);
				await look(p2, 'signin-locked');
			} finally {
				await closePage(p2);
			}
		});
