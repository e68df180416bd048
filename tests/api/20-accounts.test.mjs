// Accounts: registration (ONB-8), sessions and cookies, the failed-login
// limit, email verification, personal API tokens and Idempotency-Key.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, mailCode, ADMIN_EMAIL } from './helpers/server.mjs';
import {
	person, registerUser, login, assertError, assertStatus, expectUnchanged, adminToken,
} from './helpers/flows.mjs';

function register(srv, p) {
	return srv.req('POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } });
}

describe('registration (ONB-8)', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	test('ONB-8 registering with email, mobile, password and name gives 201 and mails a code', async () => {
		const p = person('reg');
		const r = await register(srv, { ...p, email: p.email.toUpperCase() });
		assertStatus(r, 201);
		assert.equal(typeof r.body.id, 'number');
		assert.equal(r.body.email, p.email, 'email is stored lower-cased');
		assert.equal(r.body.mobile, '+86' + p.mobile, 'mainland mobile is stored as E.164');
		assert.equal(r.body.name, p.name);
		assert.equal(r.body.email_verified, false);
		assert.equal(r.body.status, 'active');
		for (const k of Object.keys(r.body)) assert.ok(!/password|hash/.test(k), `response exposes ${k}`);
		const mail = await srv.readMail(p.email);
		assert.match(mailCode(mail), /^\d{6}$/);
		const [row] = srv.sql(`SELECT password_hash FROM users WHERE id = ${r.body.id}`);
		assert.match(row.password_hash, /^\$argon2id\$/, 'password is stored as an argon2id hash');
	});

	test('ONB-8 a second account with the same email is refused: 409 email_taken (any letter case)', async () => {
		const p = person('dupe');
		assertStatus(await register(srv, p), 201);
		const q = person('dupe2');
		const r = await expectUnchanged(srv, () => register(srv, { ...q, email: p.email.replace(/^./, (c) => c.toUpperCase()) }));
		assertError(r, 409, 'email_taken', { rule: 'ONB-8', field: 'email' });
	});

	test('ONB-8 a second account with the same mobile number is refused: 409 mobile_taken (any spelling)', async () => {
		const p = person('mob');
		assertStatus(await register(srv, p), 201);
		const spaced = `+86 ${p.mobile.slice(0, 3)}-${p.mobile.slice(3, 7)} ${p.mobile.slice(7)}`;
		for (const m of [p.mobile, '+86' + p.mobile, '86' + p.mobile, spaced]) {
			const q = person('mob2');
			const r = await expectUnchanged(srv, () => register(srv, { ...q, mobile: m }));
			assertError(r, 409, 'mobile_taken', { rule: 'ONB-8', field: 'mobile' });
		}
	});

	test('ONB-8 an E.164 number of another country is accepted', async () => {
		const p = person('intl');
		const r = await register(srv, { ...p, mobile: '+44 7911 123456' });
		assertStatus(r, 201);
		assert.equal(r.body.mobile, '+447911123456');
	});

	test('ONB-8 invalid mobile numbers are refused: 400 invalid_mobile', async () => {
		for (const m of ['12345', '23800000000', '1380000000', '138000000001', '+0123456789', '+123', '+1234567890123456', '13800abc000', '86123']) {
			const p = person('badmob');
			const r = await expectUnchanged(srv, () => register(srv, { ...p, mobile: m }));
			assertError(r, 400, 'invalid_mobile', { rule: 'ONB-8', field: 'mobile' });
		}
	});

	test('ONB-8 invalid email addresses are refused: 400 invalid_email', async () => {
		for (const e of ['plain', 'a@b', '@example.com', 'a b@example.com', 'a@-x.com', 'a@example.123', 'a@@example.com']) {
			const p = person('bademail');
			const r = await register(srv, { ...p, email: e });
			assertError(r, 400, 'invalid_email', { rule: 'ONB-8', field: 'email' });
		}
	});

	test('ONB-8 weak passwords are refused: shorter than 10, equal to the email or the mobile', async () => {
		const p = person('weak');
		const cases = [
			'short-pw1',
			p.email,
			p.email.toUpperCase(),
			p.mobile,
			'+86' + p.mobile,
		];
		for (const pw of cases) {
			const r = await expectUnchanged(srv, () => register(srv, { ...p, password: pw }));
			assertError(r, 400, 'weak_password', { rule: 'ONB-8', field: 'password' });
		}
	});

	test('ONB-8 password length counts characters, not bytes: 10 CJK characters are enough', async () => {
		const p = person('cjkpw');
		assertStatus(await register(srv, { ...p, password: '开放平台的密码很安全' }), 201);
		assert.ok(await login(srv, p.email, '开放平台的密码很安全'));
		const q = person('cjkpw2');
		assertError(await register(srv, { ...q, password: '开放平台的密码很安' }), 400, 'weak_password');
	});

	test('ONB-8 an unknown field is refused: 400 unknown_field naming it', async () => {
		const p = person('unk');
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/users', { body: { ...p, nickname: 'x' } }));
		assertError(r, 400, 'unknown_field', { field: 'nickname' });
	});

	test('ONB-8 a field of the wrong type is refused: 400 invalid_type naming it', async () => {
		for (const [field, value] of [['email', 42], ['mobile', 13800000000], ['password', ['x']], ['name', { a: 1 }], ['name', true]]) {
			const p = person('type');
			const r = await srv.req('POST', '/v1/users', { body: { ...p, [field]: value } });
			assertError(r, 400, 'invalid_type', { field });
		}
	});

	test('ONB-8 each missing or empty field is refused: 400 missing_field naming it', async () => {
		for (const field of ['email', 'mobile', 'password', 'name']) {
			const p = person('miss');
			const body = { ...p };
			delete body[field];
			assertError(await srv.req('POST', '/v1/users', { body }), 400, 'missing_field', { field });
			assertError(await srv.req('POST', '/v1/users', { body: { ...p, [field]: null } }), 400, 'missing_field', { field });
			assertError(await srv.req('POST', '/v1/users', { body: { ...p, [field]: '' } }), 400, 'missing_field', { field });
		}
	});

	test('an over-long name is refused: 400 too_long', async () => {
		const p = person('long');
		assertError(await register(srv, { ...p, name: 'n'.repeat(101) }), 400, 'too_long', { field: 'name' });
	});

	test('a string with a NUL character or invalid UTF-8 is refused as invalid_json', async () => {
		const p = person('nul');
		assertError(await register(srv, { ...p, name: 'a\u0000b' }), 400, 'invalid_json');
		const raw = Buffer.concat([Buffer.from(`{"email":"${p.email}","mobile":"${p.mobile}","password":"${p.password}","name":"a`), Buffer.from([0xff]), Buffer.from('b"}')]);
		assertError(await srv.req('POST', '/v1/users', { raw, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
	});
});

describe('sessions', () => {
	let srv;
	let u;
	before(async () => {
		srv = await startServer();
		u = await registerUser(srv, { tag: 'sess' });
	});
	after(async () => {
		await srv?.stop();
	});

	test('signing in answers {token, expires_at} and sets an HttpOnly SameSite=Lax cookie', async () => {
		const now = await srv.now();
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email.toUpperCase(), password: u.password } });
		assertStatus(r, 201);
		assert.match(r.body.token, /^kfs_/);
		assert.ok(Math.abs(r.body.expires_at - (now + 7 * 86400)) <= 5, 'session lasts the session-ttl (7 d)');
		assert.equal(r.body.user.id, u.id);
		const cookie = r.headers.get('set-cookie');
		assert.ok(cookie, 'no Set-Cookie header');
		assert.match(cookie, new RegExp(`^kf_session=${r.body.token};`));
		assert.match(cookie, /;\s*HttpOnly/i);
		assert.match(cookie, /;\s*SameSite=Lax/i);
		assert.match(cookie, /;\s*Path=\//);
	});

	test('signing in with the mobile number works in any spelling', async () => {
		for (const l of [u.mobile, '+86' + u.mobile, `${u.mobile.slice(0, 3)} ${u.mobile.slice(3)}`]) {
			const r = await srv.req('POST', '/v1/sessions', { body: { login: l, password: u.password } });
			assertStatus(r, 201, `login as ${l}`);
			assert.equal(r.body.user.id, u.id);
		}
	});

	test('the session works as a Bearer token and as the kf_session cookie', async () => {
		const t = await login(srv, u.email, u.password);
		const a = await srv.req('GET', '/v1/me', { token: t });
		assertStatus(a, 200);
		assert.equal(a.body.user.id, u.id);
		const b = await srv.req('GET', '/v1/me', { cookie: `kf_session=${t}` });
		assertStatus(b, 200);
		assert.equal(b.body.user.id, u.id);
		// writes too (from the platform's own origin: issue 9 defect 8), and signing out by cookie
		const own = { Origin: srv.url };
		assertStatus(await srv.req('POST', '/v1/me/api-tokens', { cookie: `kf_session=${t}`, body: { name: 'by cookie' }, headers: own }), 201);
		assert.equal((await srv.req('DELETE', '/v1/sessions/current', { cookie: `other=1; kf_session=${t}`, headers: own })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: t }), 401, 'unauthenticated');
	});

	test('GET /v1/me shows the user, memberships and pending agreements', async () => {
		const r = await srv.req('GET', '/v1/me', { token: u.token });
		assertStatus(r, 200);
		assert.equal(r.body.user.email, u.email);
		assert.equal(r.body.user.email_verified, true);
		assert.deepEqual(r.body.memberships, []);
		assert.deepEqual(r.body.agreements_pending, []);
		assert.ok(r.body.operator_role == null, 'a non-operator has no operator_role');
		const a = await srv.req('GET', '/v1/me', { token: await adminToken(srv) });
		assert.equal(a.body.operator_role, 'admin');
		assert.equal(a.body.user.email, ADMIN_EMAIL);
	});

	test('a wrong password and an unknown login both give 401 invalid_credentials, alike', async () => {
		const a = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: 'not-the-password' } });
		const e1 = assertError(a, 401, 'invalid_credentials');
		const b = await srv.req('POST', '/v1/sessions', { body: { login: 'nobody@example.com', password: 'not-the-password' } });
		const e2 = assertError(b, 401, 'invalid_credentials');
		assert.equal(e1.message, e2.message, 'the answer must not reveal whether the account exists');
		assert.equal(a.headers.get('set-cookie'), null);
	});

	test('signing out revokes the session: 204, cookie cleared, then 401 for token and cookie', async () => {
		const t = await login(srv, u.email, u.password);
		const r = await srv.req('DELETE', '/v1/sessions/current', { token: t });
		assert.equal(r.status, 204);
		assert.match(r.headers.get('set-cookie') || '', /kf_session=;.*Max-Age=0/);
		const a = await srv.req('GET', '/v1/me', { token: t });
		assertError(a, 401, 'unauthenticated');
		assert.equal(a.headers.get('www-authenticate'), 'Bearer');
		assertError(await srv.req('GET', '/v1/me', { cookie: `kf_session=${t}` }), 401, 'unauthenticated');
		assertError(await srv.req('DELETE', '/v1/sessions/current', { token: t }), 401, 'unauthenticated');
		// other sessions of the same person keep working
		assertStatus(await srv.req('GET', '/v1/me', { token: u.token }), 200);
	});

	test('signing out with an API token is refused: 400 not_a_session', async () => {
		const tk = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'script' } });
		assertStatus(tk, 201);
		assertError(await srv.req('DELETE', '/v1/sessions/current', { token: tk.body.token }), 400, 'not_a_session');
	});

	test('an unknown or malformed token gives 401 unauthenticated', async () => {
		for (const t of ['kfs_0000', 'kfp_0000', 'garbage', u.token + 'x']) assertError(await srv.req('GET', '/v1/me', { token: t }), 401, 'unauthenticated');
		assertError(await srv.req('GET', '/v1/me', { headers: { Authorization: 'Basic abc' } }), 401, 'unauthenticated');
	});

	test('sign-in input is checked: missing, wrong type and unknown fields', async () => {
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email } }), 400, 'missing_field', { field: 'password' });
		assertError(await srv.req('POST', '/v1/sessions', { body: { password: 'x' } }), 400, 'missing_field', { field: 'login' });
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: 5, password: 'x' } }), 400, 'invalid_type', { field: 'login' });
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password, remember: true } }), 400, 'unknown_field', { field: 'remember' });
	});
});

describe('failed-login limit', () => {
	let srv;
	let u;
	let v;
	before(async () => {
		srv = await startServer();
		u = await registerUser(srv, { tag: 'lock' });
		v = await registerUser(srv, { tag: 'lock2' });
	});
	after(async () => {
		await srv?.stop();
	});

	test('after 5 failed sign-ins the account is locked: 429 with Retry-After, even with the right password', async () => {
		for (let i = 0; i < 5; i++) assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: `wrong-${i}-password` } }), 401, 'invalid_credentials');
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertError(r, 429, 'too_many_attempts', { field: 'login' });
		const ra = Number(r.headers.get('retry-after'));
		assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 900, `Retry-After ${r.headers.get('retry-after')}`);
		assert.equal(r.headers.get('set-cookie'), null);
	});

	test('the lock ends after the lock period (test clock past 15 min)', async () => {
		await srv.advance(901);
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertStatus(r, 201);
	});

	test('failures from one address across accounts lock that address, with a wider allowance than one account', async () => {
		// five failures lock an account, not the address: others there still sign in
		for (let i = 0; i < 5; i++) await srv.req('POST', '/v1/sessions', { body: { login: `ghost${i}@example.com`, password: 'whatever-password' } });
		const ok = await srv.req('POST', '/v1/sessions', { body: { login: v.email, password: v.password } });
		assertStatus(ok, 201);
		// the address allowance (login-max-failures-per-address, 50) then locks it
		for (let i = 5; i < 50; i++) await srv.req('POST', '/v1/sessions', { body: { login: `ghost${i}@example.com`, password: 'whatever-password' } });
		const r = await srv.req('POST', '/v1/sessions', { body: { login: v.email, password: v.password } });
		assertError(r, 429, 'too_many_attempts');
		assert.ok(Number(r.headers.get('retry-after')) > 0);
		await srv.advance(901);
		assertStatus(await srv.req('POST', '/v1/sessions', { body: { login: v.email, password: v.password } }), 201);
	});

	test('failures older than the counting window do not add up', async () => {
		for (let i = 0; i < 4; i++) await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: 'wrong-password-x' } });
		await srv.advance(16 * 60);
		for (let i = 0; i < 4; i++) await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: 'wrong-password-y' } });
		assertStatus(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 201);
	});
});

describe('email verification', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	test('a wrong code gives 400 invalid_code; the mailed code verifies the email', async () => {
		const u = await registerUser(srv, { tag: 'ver', verify: false });
		const code = mailCode(await srv.readMail(u.email));
		const wrong = code === '000000' ? '111111' : '000000';
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: wrong } }), 400, 'invalid_code', { field: 'code' });
		const me0 = await srv.req('GET', '/v1/me', { token: u.token });
		assert.equal(me0.body.user.email_verified, false);
		const r = await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code } });
		assertStatus(r, 200);
		assert.deepEqual(r.body, { email_verified: true });
		const me = await srv.req('GET', '/v1/me', { token: u.token });
		assert.equal(me.body.user.email_verified, true);
	});

	test('ONB-8 an unverified user may not create a provider: 403 email_unverified', async () => {
		const u = await registerUser(srv, { tag: 'unv', verify: false });
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/providers', { token: u.token, body: { name: 'Too Early' } }));
		assertError(r, 403, 'email_unverified', { rule: 'ONB-8' });
	});

	test('resending mails a new code and voids the old one', async () => {
		const u = await registerUser(srv, { tag: 'resend', verify: false });
		const first = await srv.waitMail(u.email);
		const oldCode = mailCode(first.body);
		await srv.advance(61); // at most one code a minute
		const r = await srv.req('POST', '/v1/me/email-verification:resend', { token: u.token });
		assert.equal(r.status, 202);
		const second = await srv.waitMail(u.email, { exclude: [first.file] });
		const newCode = mailCode(second.body);
		if (oldCode !== newCode)
			assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: oldCode } }), 400, 'invalid_code');
		assertStatus(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: newCode } }), 200);
		assertError(await srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }), 409, 'already_verified');
	});

	test('after 5 wrong codes even the right one is refused (429) until a new code is sent', async () => {
		const u = await registerUser(srv, { tag: 'brute', verify: false });
		const first = await srv.waitMail(u.email);
		const code = mailCode(first.body);
		let tried = 0;
		for (let g = 0; tried < 5; g++) {
			const guess = String(g).padStart(6, '0');
			if (guess === code) continue;
			assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: guess } }), 400, 'invalid_code');
			tried++;
		}
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code } }), 429, 'too_many_attempts');
		await srv.advance(61);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }), 202);
		const next = await srv.waitMail(u.email, { exclude: [first.file] });
		assertStatus(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: mailCode(next.body) } }), 200);
	});

	test('codes are sent at most once a minute and five times an hour: 429 too_many_codes with Retry-After', async () => {
		const u = await registerUser(srv, { tag: 'flood', verify: false });
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }));
		assertError(r, 429, 'too_many_codes');
		const ra = Number(r.headers.get('retry-after'));
		assert.ok(ra > 0 && ra <= 60, `Retry-After ${r.headers.get('retry-after')}`);
		// the registration mail was code 1; four more fit in the hour
		for (let i = 0; i < 4; i++) {
			await srv.advance(61);
			assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }), 202, `resend ${i + 2}`);
		}
		await srv.advance(61);
		const six = await expectUnchanged(srv, () => srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }));
		assertError(six, 429, 'too_many_codes');
		assert.ok(Number(six.headers.get('retry-after')) > 60);
		await srv.advance(3600);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: u.token }), 202);
	});

	test('verification input is checked', async () => {
		const u = await registerUser(srv, { tag: 'verin', verify: false });
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: {} }), 400, 'missing_field', { field: 'code' });
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: 123456 } }), 400, 'invalid_type', { field: 'code' });
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: '1', x: 1 } }), 400, 'unknown_field', { field: 'x' });
		assertError(await srv.req('POST', '/v1/me/email-verification', { body: { code: '123456' } }), 401, 'unauthenticated');
	});

	test('a code expires after the email-code-ttl (30 min)', async () => {
		const u = await registerUser(srv, { tag: 'expire', verify: false });
		const code = mailCode(await srv.readMail(u.email));
		await srv.advance(31 * 60);
		assertError(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code } }), 400, 'invalid_code');
	});
});

describe('personal API tokens', () => {
	let srv;
	let u;
	let other;
	before(async () => {
		srv = await startServer();
		u = await registerUser(srv, { tag: 'tok' });
		other = await registerUser(srv, { tag: 'tok2' });
	});
	after(async () => {
		await srv?.stop();
	});

	test('a token is shown once at creation, listed without its secret, and works as Bearer', async () => {
		const r = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'ci script' } });
		assertStatus(r, 201);
		assert.match(r.body.token, /^kfp_[A-Za-z0-9_-]{20,}/);
		assert.equal(r.body.name, 'ci script');
		assert.equal(r.body.expires_at, null);
		const list = await srv.req('GET', '/v1/me/api-tokens', { token: u.token });
		assertStatus(list, 200);
		const item = list.body.items.find((t) => t.id === r.body.id);
		assert.ok(item, 'new token not listed');
		assert.equal(item.name, 'ci script');
		assert.ok(!JSON.stringify(list.body).includes(r.body.token), 'the list reveals the secret');
		for (const k of Object.keys(item)) assert.ok(!/token|hash|secret/.test(k), `list exposes ${k}`);
		const [row] = srv.sql(`SELECT token_hash FROM api_tokens WHERE id = ${r.body.id}`);
		assert.notEqual(row.token_hash, r.body.token, 'the token is stored in clear');
		const me = await srv.req('GET', '/v1/me', { token: r.body.token });
		assertStatus(me, 200);
		assert.equal(me.body.user.id, u.id);
		// the other user's list does not show it
		const ol = await srv.req('GET', '/v1/me/api-tokens', { token: other.token });
		assert.ok(!ol.body.items.some((t) => t.id === r.body.id));
	});

	test('a revoked token gives 401 and leaves the list', async () => {
		const r = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'to revoke' } });
		assertStatus(r, 201);
		assert.equal((await srv.req('DELETE', `/v1/me/api-tokens/${r.body.id}`, { token: u.token })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: r.body.token }), 401, 'unauthenticated');
		const list = await srv.req('GET', '/v1/me/api-tokens', { token: u.token });
		assert.ok(!list.body.items.some((t) => t.id === r.body.id));
		assertError(await srv.req('DELETE', `/v1/me/api-tokens/${r.body.id}`, { token: u.token }), 404, 'not_found');
	});

	test("another user's token cannot be revoked (404) and keeps working", async () => {
		const r = await srv.req('POST', '/v1/me/api-tokens', { token: other.token, body: { name: 'mine' } });
		const d = await expectUnchanged(srv, () => srv.req('DELETE', `/v1/me/api-tokens/${r.body.id}`, { token: u.token }));
		assertError(d, 404, 'not_found');
		assertStatus(await srv.req('GET', '/v1/me', { token: r.body.token }), 200);
	});

	test('token input is checked', async () => {
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: {} }), 400, 'missing_field', { field: 'name' });
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'x', expires_in_days: 0 } }), 400, 'invalid_value', { field: 'expires_in_days' });
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'x', expires_in_days: 3651 } }), 400, 'invalid_value', { field: 'expires_in_days' });
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'x', expires_in_days: '7' } }), 400, 'invalid_type', { field: 'expires_in_days' });
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'x', scope: 'all' } }), 400, 'unknown_field', { field: 'scope' });
	});

	test('Idempotency-Key: a repeated POST replays the first answer and creates nothing new', async () => {
		const key = 'create-token-' + Date.now();
		const before = await srv.req('GET', '/v1/me/api-tokens', { token: u.token });
		const a = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'idem' }, headers: { 'Idempotency-Key': key } });
		assertStatus(a, 201);
		const b = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'idem' }, headers: { 'Idempotency-Key': key } });
		assertStatus(b, 201);
		assert.deepEqual(b.body, a.body);
		assert.equal(b.headers.get('idempotent-replayed'), 'true');
		const afterList = await srv.req('GET', '/v1/me/api-tokens', { token: u.token });
		assert.equal(afterList.body.items.length, before.body.items.length + 1, 'a second token was created');
	});

	test('Idempotency-Key: the same key on another route is refused (422); keys are per user', async () => {
		const key = 'shared-key-' + Date.now();
		assertStatus(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'k1' }, headers: { 'Idempotency-Key': key } }), 201);
		const r = await srv.req('POST', '/v1/providers', { token: u.token, body: { name: 'Other Route' }, headers: { 'Idempotency-Key': key } });
		assertError(r, 422, 'idempotency_key_reused');
		// another user with the same key gets a token of their own
		const o = await srv.req('POST', '/v1/me/api-tokens', { token: other.token, body: { name: 'k2' }, headers: { 'Idempotency-Key': key } });
		assertStatus(o, 201);
		assert.equal(o.body.name, 'k2');
		assert.equal(o.headers.get('idempotent-replayed'), null);
		const me = await srv.req('GET', '/v1/me', { token: o.body.token });
		assert.equal(me.body.user.id, other.id);
	});

	test('Idempotency-Key: the same key with a different body is refused (422), not replayed', async () => {
		const key = 'body-bound-' + Date.now();
		assertStatus(await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'first body' }, headers: { 'Idempotency-Key': key } }), 201);
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'second body' }, headers: { 'Idempotency-Key': key } }));
		assertError(r, 422, 'idempotency_key_reused');
	});

	test('Idempotency-Key longer than 255 characters is refused', async () => {
		const r = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'k' }, headers: { 'Idempotency-Key': 'k'.repeat(256) } });
		assertError(r, 400, 'invalid_idempotency_key');
	});

	test('Idempotency-Key on anonymous requests never replays another caller\'s answer (no session leak)', async () => {
		const key = 'login-' + Date.now();
		const a = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password }, headers: { 'Idempotency-Key': key } });
		assertStatus(a, 201);
		const b = await srv.req('POST', '/v1/sessions', { body: { login: other.email, password: other.password }, headers: { 'Idempotency-Key': key } });
		assert.ok(b.status === 201 || b.status === 422, `unexpected ${b.status} ${b.text}`);
		assert.notEqual(b.body?.token, a.body.token, "the second caller received the first caller's session token");
		if (b.status === 201) assert.equal(b.body.user.id, other.id);
	});

	test('a token with expires_in_days stops working when it expires', async () => {
		const now = await srv.now();
		const r = await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'short', expires_in_days: 1 } });
		assertStatus(r, 201);
		assert.ok(Math.abs(r.body.expires_at - (now + 86400)) <= 5);
		assertStatus(await srv.req('GET', '/v1/me', { token: r.body.token }), 200);
		await srv.advance(86400 + 10);
		assertError(await srv.req('GET', '/v1/me', { token: r.body.token }), 401, 'unauthenticated');
	});
});
