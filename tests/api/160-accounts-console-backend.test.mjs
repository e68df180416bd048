// Issue 11, the back end of the console's account journeys: forgotten
// password by mailed link, email verification by link, changing the
// password ends the other sessions, mail in the account's language with
// links into /console/, and one id per thing (apps by app_id, host accounts
// by their API id, reviews with `overdue`).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import {
	person, registerUser, login, assertError, assertStatus, expectUnchanged, createProvider, hostApiKey, provisionHost,
	apply,
} from './helpers/flows.mjs';
import { startReceiver, appProvider, createApp, appBody, reviewer } from './helpers/apps.mjs';

const PUBLIC = 'https://open.example.test';

function register(srv, p, headers = {}) {
	return srv.req('POST', '/v1/users', {
		headers,
		body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name },
	});
}

/** The token of the newest mail to `to` whose link goes to console `page`. */
async function linkToken(srv, to, page, opts = {}) {
	const re = new RegExp(`${PUBLIC.replace(/[./]/g, '\\$&')}/console/${page}\\?token=([A-Za-z0-9_]+)`);
	const m = await srv.waitMail(to, { match: re, ...opts });
	return { token: re.exec(m.body)[1], mail: m };
}

describe('forgotten password by mailed link', () => {
	let srv;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC, '--verification-mails-per-address', '100'] });
	});
	after(async () => {
		await srv?.stop();
	});

	test('POST /v1/password-resets answers 202 for an unknown login and mails nobody', async () => {
		const r = await expectUnchanged(srv, () =>
			srv.req('POST', '/v1/password-resets', { body: { login: 'nobody.here@example.com' } }),
		);
		assertStatus(r, 202);
		assert.equal(srv.sql("SELECT COUNT(*) AS n FROM emails WHERE to_addr = 'nobody.here@example.com'")[0].n, 0);
	});

	test('a known login (email or mobile) gets 202 and a mail linking to /console/reset; only the hash is stored', async () => {
		const u = await registerUser(srv, { tag: 'reset' });
		const r = await srv.req('POST', '/v1/password-resets', { body: { login: u.mobile } });
		assertStatus(r, 202);
		assert.deepEqual(Object.keys(r.body), ['status'], 'the answer says nothing about the account');
		const { token, mail } = await linkToken(srv, u.email, 'reset');
		assert.match(mail.subject, /Reset your Kaifang password/);
		assert.match(mail.body, /expires in 60 minutes/);
		const hash = crypto.createHash('sha256').update(token).digest('hex');
		const rows = srv.sql(`SELECT token_hash FROM password_resets WHERE user_id = ${u.id}`);
		assert.deepEqual(rows, [{ token_hash: hash }]);
		assert.ok(!JSON.stringify(srv.sql('SELECT * FROM password_resets')).includes(token), 'the token itself is not kept');
	});

	test('completing the reset sets the password (ONB-8 rules), ends every session, and the link works once', async () => {
		const u = await registerUser(srv, { tag: 'reset2' });
		const other = await login(srv, u.email, u.password);
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const { token } = await linkToken(srv, u.email, 'reset');

		// the registration's password rules, with their rule id and field
		const weak = await expectUnchanged(srv, () =>
			srv.req('POST', '/v1/password-resets:complete', { body: { token, password: 'short' } }),
		);
		assertError(weak, 400, weak.body.error.code, { rule: 'ONB-8', field: 'password' });

		const npw = 'a-brand-new-password-42';
		const r = await srv.req('POST', '/v1/password-resets:complete', { body: { token, password: npw } });
		assertStatus(r, 200);
		assert.equal(r.body.sessions_ended, 2, 'both sessions of the person ended');
		for (const t of [u.token, other])
			assert.equal((await srv.req('GET', '/v1/me', { token: t })).status, 401, 'an old session still works');
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 401,
			'invalid_credentials');
		await login(srv, u.email, npw);

		// an address not yet verified is verified by the reset link mailed to it
		const v = await registerUser(srv, { tag: 'reset2v', verify: false });
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: v.email } }), 202);
		const vt = (await linkToken(srv, v.email, 'reset')).token;
		assertStatus(await srv.req('POST', '/v1/password-resets:complete', { body: { token: vt, password: npw } }), 200);
		const vme = await srv.req('GET', '/v1/me', { token: await login(srv, v.email, npw) });
		assert.equal(vme.body.user.email_verified, true);

		const again = await srv.req('POST', '/v1/password-resets:complete', { body: { token, password: 'another-long-pass-77' } });
		assertError(again, 410, 'reset_token_used', { field: 'token' });
		await login(srv, u.email, npw);
	});

	test('an expired link is refused with reset_token_expired; a made-up one with reset_token_invalid', async () => {
		const u = await registerUser(srv, { tag: 'reset3' });
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const { token } = await linkToken(srv, u.email, 'reset');
		await srv.advance(3601);
		const r = await expectUnchanged(srv, () =>
			srv.req('POST', '/v1/password-resets:complete', { body: { token, password: 'a-brand-new-password-43' } }),
		);
		assertError(r, 410, 'reset_token_expired', { field: 'token' });
		const bad = await srv.req('POST', '/v1/password-resets:complete', {
			body: { token: 'kfr_' + '0'.repeat(64), password: 'a-brand-new-password-43' },
		});
		assertError(bad, 400, 'reset_token_invalid', { field: 'token' });
		await login(srv, u.email, u.password);
	});

	test('a newer reset mail replaces the earlier link', async () => {
		const u = await registerUser(srv, { tag: 'reset4' });
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const first = await linkToken(srv, u.email, 'reset');
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const second = await linkToken(srv, u.email, 'reset', { exclude: [first.mail.file] });
		assert.notEqual(first.token, second.token);
		assertError(await srv.req('POST', '/v1/password-resets:complete', {
			body: { token: first.token, password: 'a-brand-new-password-44' },
		}), 410, 'reset_token_used');
		assertStatus(await srv.req('POST', '/v1/password-resets:complete', {
			body: { token: second.token, password: 'a-brand-new-password-44' },
		}), 200);
	});

	test('the worker deletes reset rows a week after they were mailed', async () => {
		const u = await registerUser(srv, { tag: 'reset5' });
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM password_resets WHERE user_id = ${u.id}`)[0].n, 1);
		await srv.advance(8 * 86400);
		const deadline = Date.now() + 10000;
		while (srv.sql(`SELECT COUNT(*) AS n FROM password_resets WHERE user_id = ${u.id}`)[0].n !== 0) {
			if (Date.now() > deadline) assert.fail('the retention pass did not delete the old reset');
			await new Promise((res) => setTimeout(res, 100));
		}
	});
});

describe('forgotten password: limits', () => {
	let srv;
	before(async () => {
		srv = await startServer({
			args: ['--public-url', PUBLIC, '--verification-mails-per-address', '2', '--verification-mails-per-account', '2'],
		});
	});
	after(async () => {
		await srv?.stop();
	});

	test('an account over its mail limit gets 202 and no mail; an address over its limit gets 429 for any login', async () => {
		const u = await registerUser(srv, { tag: 'rlim' }); // the registration's mail is the account's first
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const { mail } = await linkToken(srv, u.email, 'reset');
		const r = await srv.req('POST', '/v1/password-resets', { body: { login: u.email } });
		assertStatus(r, 202, 'the answer is the same when no mail goes out');
		await srv.mailIdle();
		assert.deepEqual(srv.mails(u.email).filter((m) => /console\/reset/.test(m.body)).map((m) => m.file), [mail.file]);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM password_resets WHERE user_id = ${u.id}`)[0].n, 1);

		// the address has used its two; known and unknown logins alike are refused
		for (const login of [u.email, 'nobody.else@example.com']) {
			const x = await srv.req('POST', '/v1/password-resets', { body: { login } });
			assertError(x, 429, 'too_many_requests', { field: 'login' });
			assert.match(x.headers.get('retry-after'), /^\d+$/);
		}
	});
});

describe('email verification by link', () => {
	let srv;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC] });
	});
	after(async () => {
		await srv?.stop();
	});

	test('the verification mail links to /console/verify and keeps the code as fallback', async () => {
		const p = person('vlink');
		assertStatus(await register(srv, p), 201);
		const { token, mail } = await linkToken(srv, p.email, 'verify');
		assert.match(mail.body, /Open this link/);
		assert.match(mail.body, /verification code is \d{6}/);
		const r = await srv.req('POST', '/v1/email-verification:confirm', { body: { token } });
		assertStatus(r, 200);
		assert.equal(r.body.email_verified, true);
		const t = await login(srv, p.email, p.password);
		assert.equal((await srv.req('GET', '/v1/me', { token: t })).body.user.email_verified, true);
		assertError(await srv.req('POST', '/v1/email-verification:confirm', { body: { token } }), 410,
			'verification_token_used', { field: 'token' });
	});

	test('the link expires with the code, and a new mail replaces it', async () => {
		const p = person('vlink2');
		assertStatus(await register(srv, p), 201);
		const first = await linkToken(srv, p.email, 'verify');
		await srv.advance(1801);
		assertError(await srv.req('POST', '/v1/email-verification:confirm', { body: { token: first.token } }), 410,
			'verification_token_expired');
		const t = await login(srv, p.email, p.password);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: t }), 202);
		const second = await linkToken(srv, p.email, 'verify', { exclude: [first.mail.file] });
		assertStatus(await srv.req('POST', '/v1/email-verification:confirm', { body: { token: second.token } }), 200);
		assertError(await srv.req('POST', '/v1/email-verification:confirm', { body: { token: 'kfv_nothing' } }), 400,
			'verification_token_invalid');
	});
});

describe('change password, language, mail in the account language', () => {
	let srv;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC, '--smtp-from', 'accounts@open.example.test'] });
	});
	after(async () => {
		await srv?.stop();
	});

	test('POST /v1/me/password ends the other sessions, keeps this one, and says how many', async () => {
		const u = await registerUser(srv, { tag: 'chpw' });
		const other = await login(srv, u.email, u.password);
		const r = await srv.req('POST', '/v1/me/password', {
			token: u.token,
			body: { current_password: u.password, new_password: 'a-changed-password-55' },
		});
		assertStatus(r, 200);
		assert.equal(r.body.other_sessions_ended, 1);
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 200, 'the current session goes on');
		assert.equal((await srv.req('GET', '/v1/me', { token: other })).status, 401, 'the other session ended');
	});

	test('the language comes from Accept-Language at registration; the mail is written in it', async () => {
		const p = person('zh');
		const r = await register(srv, p, { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' });
		assertStatus(r, 201);
		assert.equal(r.body.language, 'zh');
		const { mail } = await linkToken(srv, p.email, 'verify');
		assert.equal(mail.subject, '开放平台邮箱验证');
		assert.match(mail.body, /请打开下面的链接/);
		assert.doesNotMatch(mail.body, /Open this link/);

		const q = person('en');
		const s = await register(srv, q);
		assert.equal(s.body.language, 'en', 'no Accept-Language: English');

		// asked for explicitly, the language wins over the header; others are refused
		const z = person('zh2');
		const t = await srv.req('POST', '/v1/users', {
			headers: { 'Accept-Language': 'en-US' },
			body: { email: z.email, mobile: z.mobile, password: z.password, name: z.name, language: 'zh' },
		});
		assertStatus(t, 201);
		assert.equal(t.body.language, 'zh');
		const f = person('fr');
		const bad = await expectUnchanged(srv, () => srv.req('POST', '/v1/users', {
			body: { email: f.email, mobile: f.mobile, password: f.password, name: f.name, language: 'fr' },
		}));
		assertError(bad, 400, 'invalid_value', { field: 'language' });
	});

	test('PATCH /v1/me sets the language; later mails follow it; other values are refused', async () => {
		const u = await registerUser(srv, { tag: 'lang' });
		let me = await srv.req('GET', '/v1/me', { token: u.token });
		assert.equal(me.body.user.language, 'en');
		const bad = await expectUnchanged(srv, () => srv.req('PATCH', '/v1/me', { token: u.token, body: { language: 'fr' } }));
		assertError(bad, 400, 'invalid_value', { field: 'language' });
		const r = await srv.req('PATCH', '/v1/me', { token: u.token, body: { language: 'zh' } });
		assertStatus(r, 200);
		assert.equal(r.body.language, 'zh');
		me = await srv.req('GET', '/v1/me', { token: u.token });
		assert.equal(me.body.user.language, 'zh');
		assertStatus(await srv.req('POST', '/v1/password-resets', { body: { login: u.email } }), 202);
		const { mail } = await linkToken(srv, u.email, 'reset');
		assert.equal(mail.subject, '重设开放平台密码');
		assert.match(mail.body, /设置新密码/);
	});

	test('NOTE-1 a notice mailed from the inbox is framed in the account language and links to the console', async () => {
		const zh = await registerUser(srv, { tag: 'nzh' });
		assertStatus(await srv.req('PATCH', '/v1/me', { token: zh.token, body: { language: 'zh' } }), 200);
		const prov = await createProvider(srv, zh.token);
		await apply(srv, zh.token, prov.id, { legalName: 'Notice Language Co' });
		const m = await srv.waitMail(zh.email, { match: /application submitted/i });
		assert.equal(m.subject, '开放平台通知：资质申请已提交');
		assert.match(m.body, /您在开放平台有一条新通知/);
		assert.ok(m.body.includes(`${PUBLIC}/console/`), m.body);

		const en = await registerUser(srv, { tag: 'nen' });
		const p2 = await createProvider(srv, en.token);
		await apply(srv, en.token, p2.id, { legalName: 'Notice English Co' });
		const e = await srv.waitMail(en.email, { match: /application submitted/i });
		assert.doesNotMatch(e.subject + e.body, /开放平台/);
		assert.ok(e.body.includes(`in the Kaifang console: ${PUBLIC}/console/`), e.body);
	});

	test('mail is sent from the configured smtp-from and links use public-url', async () => {
		const p = person('from');
		assertStatus(await register(srv, p), 201);
		const m = await srv.waitMail(p.email, { match: /console\/verify/ });
		assert.equal(m.headers.from, 'accounts@open.example.test');
		assert.match(m.body, new RegExp(`${PUBLIC.replace(/[./]/g, '\\$&')}/console/verify\\?token=kfv_`));
	});
});

describe('one id per thing', () => {
	let srv;
	let rx;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC], env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
		rx = await startReceiver();
	});
	after(async () => {
		await rx?.close?.();
		await srv?.stop();
	});

	test('REV-1 a review of an app names it by app_id, and GET /v1/reviews/{id} says overdue like the list', async () => {
		const owner = await registerUser(srv, { tag: 'ids' });
		const prov = await appProvider(srv, owner);
		const app = await createApp(srv, owner.token, prov.id, appBody(rx));
		const s = await srv.req('POST', `/v1/apps/${app.app_id}/creation-review`, { token: owner.token });
		assertStatus(s, 201);
		assert.equal(s.body.app_id, app.app_id, 'the submission answer names the app');
		const inbox = await srv.req('GET', '/v1/inbox', { token: owner.token });
		const notice = inbox.body.items.find((x) => x.kind === 'app.creation_submitted');
		assert.equal(notice.app_id, app.app_id, 'the inbox notice names the app');
		assert.equal(inbox.body.items.find((x) => x.kind === 'provider.application_submitted').app_id, null);
		const rv = await reviewer(srv);
		let g = await srv.req('GET', `/v1/reviews/${s.body.id}`, { token: rv.token });
		assertStatus(g, 200);
		assert.equal(g.body.app_id, app.app_id);
		assertStatus(await srv.req('GET', `/v1/apps/${g.body.app_id}`, { token: owner.token }), 200);
		assert.equal(g.body.overdue, false);
		await srv.advance(40 * 86400);
		const rvToken = await login(srv, rv.email, rv.password); // sessions do not outlive 40 days
		g = await srv.req('GET', `/v1/reviews/${s.body.id}`, { token: rvToken });
		assert.equal(g.body.overdue, true, 'pending past its deadline');
		const list = await srv.req('GET', '/v1/reviews?kind=creation', { token: rvToken });
		const item = list.body.items.find((x) => x.id === s.body.id);
		assert.equal(item.overdue, true);
		assert.equal(item.app_id, app.app_id);
		// a review of something else has no app
		const q = (await srv.req('GET', '/v1/reviews?kind=qualification', { token: rvToken })).body.items[0];
		assert.equal(q.app_id, null);
	});

	test('GET /v1/me names a host account by the id /v1/host-accounts uses, and a provider by its id', async () => {
		const owner = await registerUser(srv, { tag: 'hostid' });
		const prov = await createProvider(srv, owner.token);
		const key = hostApiKey(srv);
		const host = await provisionHost(srv, key.key, { owner_email: owner.email, name: 'Id Shop' });
		const [{ org_id: internal }] = srv.sql(`SELECT org_id FROM host_accounts WHERE id = ${host.id}`);
		assert.notEqual(internal, host.id, 'the test needs the two numbers to differ');
		const me = await srv.req('GET', '/v1/me', { token: owner.token });
		const hm = me.body.memberships.find((m) => m.kind === 'host');
		assert.equal(hm.id, host.id);
		assert.equal(hm.host_account_id, host.id);
		assert.equal(hm.org_id, undefined, 'no second number for the same host account');
		assertStatus(await srv.req('GET', `/v1/me/host-accounts`, { token: owner.token }), 200);
		const pm = me.body.memberships.find((m) => m.kind === 'provider');
		assert.equal(pm.id, prov.id);
		assert.equal(pm.provider_id, prov.id);
		assertStatus(await srv.req('GET', `/v1/providers/${pm.id}`, { token: owner.token }), 200);
	});
});
