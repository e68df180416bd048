// Staff security (issue 12): the second factor of operator staff (TOTP,
// RFC 6238) with recovery codes, the option operator-second-factor
// (admins | all | off), step-up before sensitive actions, the idle expiry
// of staff sessions, and sign-in throttling as staff and pages see it.
// Codes are computed with the npm package otpauth, an implementation
// independent of Kaifang's own (src/core/totp.c).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { startServer, ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/server.mjs';
import { assertError, assertStatus, login, person, registerUser } from './helpers/flows.mjs';
import { PageSession, mainText, fieldError } from './helpers/pages.mjs';

const servers = [];
after(async () => {
	for (const s of servers) await s.stop();
});

async function server(env = {}) {
	const srv = await startServer({ env });
	servers.push(srv);
	return srv;
}

/** The code an authenticator app shows for secret at the server's time
 * (plus offset steps). */
async function codeFor(srv, secret, offset = 0) {
	const now = await srv.now();
	const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
	return totp.generate({ timestamp: (now + offset * 30) * 1000 });
}

/** Sign in with the password; answers the raw response. */
function passwordStep(srv, login_, password) {
	return srv.req('POST', '/v1/sessions', { body: { login: login_, password } });
}

/** Enrol the holder of token: answers {secret, recovery_codes}. */
async function enrol(srv, token) {
	const start = assertStatus(await srv.req('POST', '/v1/me/second-factor', { token }), 201, 'start enrolment');
	const conf = await srv.req('POST', '/v1/me/second-factor/confirm', { token, body: { code: await codeFor(srv, start.secret) } });
	assertStatus(conf, 200, 'confirm enrolment');
	return { secret: start.secret, recovery_codes: conf.body.recovery_codes, start };
}

/** An operator of role made with the CLI (no sign-in). */
function makeOperator(srv, role) {
	const p = person(role);
	const r = srv.cli(['user', 'create-operator', '--email', p.email, '--password', p.password, '--role', role]);
	assert.equal(r.status, 0, `create-operator failed: ${r.stderr}`);
	return p;
}

test('admins (default): an admin without a second factor reaches enrolment only, then enrols with a QR code and recovery codes', async () => {
	const srv = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'admins' });
	const r = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	assertStatus(r, 201, 'admin sign-in');
	assert.equal(r.body.second_factor, 'enrolment_required');
	const token = r.body.token;
	// everything but enrolment is refused, with a clear code
	assertError(await srv.req('GET', '/v1/providers', { token }), 403, 'second_factor_enrolment_required');
	assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['x'] } }), 403, 'second_factor_enrolment_required');
	// public routes answer as to anybody signed out
	assertStatus(await srv.req('GET', '/v1/directory', { token }), 200);
	const me = assertStatus(await srv.req('GET', '/v1/me', { token }), 200);
	assert.equal(me.second_factor_enrolment_required, true);
	const state = assertStatus(await srv.req('GET', '/v1/me/second-factor', { token }), 200);
	assert.equal(state.state, 'none');
	assert.equal(state.required, true);

	const start = assertStatus(await srv.req('POST', '/v1/me/second-factor', { token }), 201);
	assert.match(start.secret, /^[A-Z2-7]{32}$/);
	assert.match(start.otpauth_uri, new RegExp(`^otpauth://totp/Kaifang:${encodeURIComponent(ADMIN_EMAIL)}\\?secret=${start.secret}&issuer=Kaifang`));
	// the URI parses with the independent implementation to the same secret
	const parsed = OTPAuth.URI.parse(start.otpauth_uri);
	assert.equal(parsed.secret.base32, start.secret);
	assert.equal(parsed.digits, 6);
	assert.equal(parsed.period, 30);
	assert.match(start.qr_svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"[\s\S]*<path fill="#000" d="M\d/);
	// a wrong code does not turn it on
	const wrong = (Number(await codeFor(srv, start.secret)) + 1) % 1000000;
	assertError(await srv.req('POST', '/v1/me/second-factor/confirm', { token, body: { code: String(wrong).padStart(6, '0') } }), 400, 'invalid_second_factor', { field: 'code' });
	assertError(await srv.req('GET', '/v1/providers', { token }), 403, 'second_factor_enrolment_required');
	const conf = await srv.req('POST', '/v1/me/second-factor/confirm', { token, body: { code: await codeFor(srv, start.secret) } });
	assertStatus(conf, 200);
	assert.equal(conf.body.recovery_codes.length, 10);
	assert.equal(new Set(conf.body.recovery_codes).size, 10);
	for (const c of conf.body.recovery_codes) assert.match(c, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
	// the same session now reaches everything
	assertStatus(await srv.req('GET', '/v1/providers', { token }), 200);
	const on = assertStatus(await srv.req('GET', '/v1/me/second-factor', { token }), 200);
	assert.equal(on.state, 'enabled');
	assert.equal(on.recovery_codes_left, 10);
	// recovery codes are stored hashed, never in clear
	const rows = srv.sql('SELECT code_hash FROM recovery_codes');
	assert.equal(rows.length, 10);
	for (const row of rows) assert.ok(!conf.body.recovery_codes.some((c) => row.code_hash.includes(c.replace('-', ''))));
	// a second start while on is refused
	assertError(await srv.req('POST', '/v1/me/second-factor', { token }), 409, 'second_factor_enabled');
	// audit
	assert.ok(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'second_factor.enable'")[0].n >= 1);
});

test('sign-in with a second factor: password, then a code from the app; a code works once; a recovery code works once', async () => {
	const srv = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'admins' });
	const first = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const { secret, recovery_codes } = await enrol(srv, first.body.token);
	await srv.advance(30); // the enrolment's code is spent; the next step's is fresh

	const step1 = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	assertStatus(step1, 200, 'password step');
	assert.equal(step1.body.second_factor, 'required');
	assert.match(step1.body.challenge, /^kfc_/);
	assert.equal(step1.body.token, undefined, 'no session before the code');
	assert.ok(step1.body.challenge_expires_at > (await srv.now()));
	// the challenge is not a session
	assertError(await srv.req('GET', '/v1/me', { token: step1.body.challenge }), 401, 'unauthenticated');

	const code = await codeFor(srv, secret);
	const step2 = await srv.req('POST', '/v1/sessions', { body: { challenge: step1.body.challenge, code } });
	assertStatus(step2, 201, 'code step');
	assert.match(step2.body.token, /^kfs_/);
	assertStatus(await srv.req('GET', '/v1/providers', { token: step2.body.token }), 200);
	// the challenge is spent
	assertError(await srv.req('POST', '/v1/sessions', { body: { challenge: step1.body.challenge, code } }), 401, 'challenge_expired');

	// the same code again, on a fresh challenge, is refused (RFC 6238 §5.2)
	const again = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const reuse = await srv.req('POST', '/v1/sessions', { body: { challenge: again.body.challenge, code } });
	assertError(reuse, 401, 'invalid_second_factor', { field: 'code' });
	// a failed code keeps the challenge: the next step's code signs in
	await srv.advance(30);
	assertStatus(await srv.req('POST', '/v1/sessions', { body: { challenge: again.body.challenge, code: await codeFor(srv, secret) } }), 201);

	// a recovery code signs in once (typed in upper case with spaces works too)
	const c3 = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const typed = ` ${recovery_codes[3].toUpperCase()} `;
	assertStatus(await srv.req('POST', '/v1/sessions', { body: { challenge: c3.body.challenge, recovery_code: typed } }), 201);
	const c4 = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	assertError(await srv.req('POST', '/v1/sessions', { body: { challenge: c4.body.challenge, recovery_code: recovery_codes[3] } }), 401, 'invalid_second_factor');
	const token = (await srv.req('POST', '/v1/sessions', { body: { challenge: c4.body.challenge, recovery_code: recovery_codes[4] } })).body.token;
	assert.equal(assertStatus(await srv.req('GET', '/v1/me/second-factor', { token }), 200).recovery_codes_left, 8);
	// neither both nor none
	assertError(await srv.req('POST', '/v1/sessions', { body: { challenge: c4.body.challenge } }), 400, 'missing_field');
	// a challenge expires after 5 minutes
	const c5 = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	await srv.advance(301);
	assertError(await srv.req('POST', '/v1/sessions', { body: { challenge: c5.body.challenge, code: await codeFor(srv, secret) } }), 401, 'challenge_expired');
	// second-factor failures of staff are in the audit log
	assert.ok(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session.second_factor_failed'")[0].n >= 2);
});

test('admins: other staff sign in with the password alone; all: every staff role must enrol (auditor too); accounts are never asked', async () => {
	const srv = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'admins' });
	const rev = makeOperator(srv, 'reviewer');
	const r = await passwordStep(srv, rev.email, rev.password);
	assertStatus(r, 201);
	assert.equal(r.body.second_factor, undefined);
	assertStatus(await srv.req('GET', '/v1/providers', { token: r.body.token }), 200);

	const all = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'all' });
	const aud = makeOperator(all, 'auditor');
	const a = await passwordStep(all, aud.email, aud.password);
	assertStatus(a, 201);
	assert.equal(a.body.second_factor, 'enrolment_required');
	assertError(await all.req('GET', '/v1/providers', { token: a.body.token }), 403, 'second_factor_enrolment_required');
	// the auditor, read-only elsewhere, may still set up its own factor
	await enrol(all, a.body.token);
	assertStatus(await all.req('GET', '/v1/providers', { token: a.body.token }), 200);
	// an account (not staff) is never asked, and may not enrol
	const u = await registerUser(all);
	assertStatus(await all.req('GET', '/v1/providers', { token: u.token }), 200);
	assertError(await all.req('POST', '/v1/me/second-factor', { token: u.token }), 403, 'operator_required');
});

test('off: staff sign in with a password alone and kaifangd warns at start; an enrolled factor is still asked', async () => {
	const srv = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'off' });
	assert.match(srv.stderr, /operator-second-factor is off/);
	const r = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	assertStatus(r, 201);
	assert.equal(r.body.second_factor, undefined);
	assertStatus(await srv.req('GET', '/v1/providers', { token: r.body.token }), 200);
	await enrol(srv, r.body.token);
	assert.equal((await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD)).body.second_factor, 'required');
	// an invalid value refuses to start
	const bad = await startServer({ env: { KAIFANG_OPERATOR_SECOND_FACTOR: 'sometimes' } }).catch((e) => e);
	assert.ok(bad instanceof Error && /operator-second-factor/.test(bad.message), String(bad));
});

test('step-up: ban and lift, term lists, agreements and staff changes ask for the password or a code again after 10 minutes (reauth_required)', async () => {
	const srv = await server({ KAIFANG_OPERATOR_STEP_UP: '10m', KAIFANG_OPERATOR_IDLE_TIMEOUT: '1h' });
	const token = await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	// fresh: the sign-in was the check
	assertStatus(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['a'] } }), 200);
	await srv.advance(11 * 60);
	assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['b'] } }), 403, 'reauth_required');
	assertError(await srv.req('POST', '/v1/providers/999999/ban', { token, body: { reason: 'x' } }), 403, 'reauth_required');
	assertError(await srv.req('POST', '/v1/agreements', { token, body: { key: 'provider_terms', title: 't', body: 'b' } }), 403, 'reauth_required');
	// lifting a ban and managing the staff are sensitive too
	assertError(await srv.req('POST', '/v1/providers/999999/unban', { token, body: { reason: 'x' } }), 403, 'reauth_required');
	assertError(await srv.req('POST', '/v1/operators', { token, body: { email: 'new-staff@example.com', name: 'N', role: 'reviewer' } }), 403, 'reauth_required');
	assertError(await srv.req('PATCH', '/v1/operators/1', { token, body: { role: 'reviewer' } }), 403, 'reauth_required');
	assert.equal(srv.sql("SELECT COUNT(*) AS n FROM users WHERE email = 'new-staff@example.com'")[0].n, 0, 'nothing created');
	// reading is not sensitive
	assertStatus(await srv.req('GET', '/v1/providers', { token }), 200);
	// a wrong password does not count as a check
	assertError(await srv.req('POST', '/v1/sessions/current/reauth', { token, body: { password: 'wrong-password-1' } }), 403, 'wrong_password', { field: 'password' });
	assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['b'] } }), 403, 'reauth_required');
	const ok = assertStatus(await srv.req('POST', '/v1/sessions/current/reauth', { token, body: { password: ADMIN_PASSWORD } }), 200);
	assert.equal(ok.valid_until, ok.verified_at + 600);
	assertStatus(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['b'] } }), 200);
	// past the gate: the ban itself answers (no such provider)
	assertError(await srv.req('POST', '/v1/providers/999999/ban', { token, body: { reason: 'x' } }), 404, 'provider_not_found');
	assert.ok(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session.reauth'")[0].n >= 1);

	// with a second factor, a code does as well as the password
	const { secret } = await enrol(srv, token);
	await srv.advance(11 * 60);
	assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['c'] } }), 403, 'reauth_required');
	assertStatus(await srv.req('POST', '/v1/sessions/current/reauth', { token, body: { code: await codeFor(srv, secret) } }), 200);
	assertStatus(await srv.req('PUT', '/v1/term-lists/hot_words', { token, body: { terms: ['c'] } }), 200);
	// removing the factor is itself a sensitive action
	await srv.advance(11 * 60);
	assertError(await srv.req('DELETE', '/v1/me/second-factor', { token }), 403, 'reauth_required');
});

test('idle expiry: a staff session unused for operator-idle-timeout ends; use keeps it alive; accounts keep theirs', async () => {
	const srv = await server({ KAIFANG_OPERATOR_IDLE_TIMEOUT: '30m' });
	const token = await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const u = await registerUser(srv);
	await srv.advance(20 * 60);
	assertStatus(await srv.req('GET', '/v1/me', { token }), 200);
	await srv.advance(20 * 60); // 40 minutes after sign-in, 20 after the last use
	assertStatus(await srv.req('GET', '/v1/me', { token }), 200);
	await srv.advance(31 * 60);
	assertError(await srv.req('GET', '/v1/me', { token }), 401, 'unauthenticated');
	// it stays ended
	assertError(await srv.req('GET', '/v1/me', { token }), 401, 'unauthenticated');
	// a provider's or owner's session is not a staff session
	assertStatus(await srv.req('GET', '/v1/me', { token: u.token }), 200);
});

test('throttling: a locked sign-in says when it ends (API and sign-in page, zh and en); failed staff sign-ins are audited', async () => {
	const srv = await server({ KAIFANG_LOGIN_MAX_FAILURES: '3', KAIFANG_LOGIN_LOCK: '15m' });
	for (let i = 0; i < 3; i++) assertError(await passwordStep(srv, ADMIN_EMAIL, 'not-the-password'), 401, 'invalid_credentials');
	const now = await srv.now();
	const locked = await passwordStep(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const e = assertError(locked, 429, 'too_many_attempts');
	assert.ok(e.retry_after > 0 && e.retry_after <= 15 * 60, JSON.stringify(e));
	assert.equal(e.retry_at, now + e.retry_after);
	assert.equal(locked.headers.get('retry-after'), String(e.retry_after));
	// the audit log names the staff member and where the attempts came from
	const rows = srv.sql("SELECT actor, action, subject FROM audit_log WHERE action = 'session.failed'");
	assert.equal(rows.length, 3);
	assert.match(rows[0].subject, /^user:\d+$/);
	assert.equal(rows[0].actor, 'address:127.0.0.1');
	// an account's failed sign-in is not audited (only staff)
	const u = await registerUser(srv);
	await passwordStep(srv, u.email, 'not-the-password');
	assert.equal(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session.failed'")[0].n, 3);

	// the sign-in page shows the lock and its end in the page's language
	const end = new Date((e.retry_at + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
	for (const lang of ['en', 'zh']) {
		const page = new PageSession(srv, { lang });
		await page.get('/console/signin');
		const r = await page.post('/console/signin', { login: ADMIN_EMAIL, password: ADMIN_PASSWORD });
		assert.equal(r.status, 429);
		const text = mainText(r.text);
		assert.ok(text.includes(end), `lock end ${end} in: ${text}`);
		if (lang === 'en') {
			assert.match(text, /Too many failed sign-ins/);
			assert.match(text, /You can try again from/);
			assert.match(text, /in 1[45] minutes/);
		} else {
			assert.match(text, /登录失败次数过多/);
			assert.match(text, /可再次尝试的时间/);
		}
	}
});

test('console: the sign-in page asks for the code, sends staff who must enrol to the security page, and step-up offers the re-check', async () => {
	const srv = await server({ KAIFANG_OPERATOR_SECOND_FACTOR: 'admins', KAIFANG_OPERATOR_STEP_UP: '10m', KAIFANG_OPERATOR_IDLE_TIMEOUT: '1h' });
	const page = new PageSession(srv, { lang: 'en' });
	await page.get('/console/signin');
	let r = await page.post('/console/signin', { login: ADMIN_EMAIL, password: ADMIN_PASSWORD });
	// must enrol first: every page leads to the security page
	assert.match(mainText(r.text), /Your role needs a second factor/);
	r = await page.get('/console/ops');
	assert.match(mainText(r.text), /Your role needs a second factor/);
	r = await page.post('/console/account/security', { action: 'start' });
	assert.equal(r.status, 200);
	const secret = /<code class="id" id="totp-secret">([A-Z2-7]+)<\/code>/.exec(r.text)[1];
	assert.match(r.text, /aria-label="QR code for your authenticator app\. Secret key: [A-Z2-7]{32}"/);
	assert.match(r.text, /<svg [^>]*aria-hidden="true"/);
	r = await page.post('/console/account/security', { action: 'confirm', secret, code: '000000' === (await codeFor(srv, secret)) ? '111111' : '000000' });
	assert.ok(fieldError(r.text, 'code'), 'the wrong code is refused at its field');
	r = await page.post('/console/account/security', { action: 'confirm', secret, code: await codeFor(srv, secret) });
	assert.equal(r.status, 200);
	const codes = [...r.text.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]);
	assert.equal(codes.length, 10);
	assert.match(mainText(r.text), /shown only this once/);
	r = await page.get('/console/ops');
	assert.equal(r.status, 200);
	assert.doesNotMatch(mainText(r.text), /Your role needs a second factor/);

	// sign out, sign in again: password, then the code step
	await page.post('/console/signout', {}, { from: await page.get('/console/account') });
	assert.ok(!page.cookies.has('kf_session'));
	await srv.advance(30);
	await page.get('/console/signin');
	r = await page.post('/console/signin', { login: ADMIN_EMAIL, password: ADMIN_PASSWORD });
	assert.match(mainText(r.text), /Enter your code/);
	assert.ok(!page.cookies.has('kf_session'), 'no session before the code');
	r = await page.post('/console/signin', { challenge: /name="challenge" value="([^"]+)"/.exec(r.text)[1], code: '12345' });
	assert.ok(fieldError(r.text, 'code'), 'a bad code is refused at its field');
	r = await page.post('/console/signin', { challenge: /name="challenge" value="([^"]+)"/.exec(r.text)[1], code: await codeFor(srv, secret) });
	assert.ok(page.cookies.has('kf_session'));

	// step-up through the pages: the refusal offers the re-check, which leads back
	await srv.advance(11 * 60);
	r = await page.get('/console/account/security');
	r = await page.post('/console/account/security', { action: 'remove', confirm: '1' });
	assert.match(mainText(r.text), /Confirm it is you/);
	assert.match(r.text, /href="\/console\/account\/reauth\?next=%2Fconsole%2Faccount%2Fsecurity"/);
	r = await page.get('/console/account/reauth?next=%2Fconsole%2Faccount%2Fsecurity');
	r = await page.post('/console/account/reauth', { next: '/console/account/security', password: 'wrong-password-1' });
	assert.ok(fieldError(r.text, 'password'));
	r = await page.post('/console/account/reauth', { next: '/console/account/security', password: ADMIN_PASSWORD });
	assert.match(r.redirectedFrom.location, /^\/console\/account\/security\?ok=reauthed$/);
	r = await page.post('/console/account/security', { action: 'remove', confirm: '1' });
	assert.match(mainText(r.text), /The second factor is removed/);
	// the admin must set one up again before anything else
	r = await page.get('/console/ops');
	assert.match(mainText(r.text), /Your role needs a second factor/);
});
