// Issue 9, security limits: the sign-in lockout under concurrent guesses
// (defect 2), attempt limits with 429 and Retry-After (client secrets at
// /oauth/token, introspection and api_component_token; registrations and
// verification mails per address; pre-auth codes per app), sessions a person
// can list and end (a password change ends the others), and 414/431 answers
// in the JSON error shape with a request id. Each group starts its own
// kaifangd with the limits it proves.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, person, assertError, assertStatus, login } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

function fire(n, fn) {
	return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
}
function statuses(rs) {
	const count = {};
	for (const r of rs) {
		const k = `${r.status}${r.body?.error?.code ? ' ' + r.body.error.code : ''}`;
		count[k] = (count[k] || 0) + 1;
	}
	return JSON.stringify(count);
}

/** A 429 in the native shape, its request id the X-Request-Id, with Retry-After; returns the seconds. */
function limited(r, code) {
	const e = assertError(r, 429, code);
	assert.equal(e.request_id, r.headers.get('x-request-id'), r.text);
	const ra = Number(r.headers.get('retry-after'));
	assert.ok(Number.isInteger(ra) && ra > 0, `Retry-After ${r.headers.get('retry-after')}`);
	return ra;
}

describe('issue 9 defect 2: the sign-in lockout under concurrent guesses', () => {
	let srv;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' } });
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9 defect 2: 50 concurrent wrong passwords get at most 5 checks, the rest 429; the right password waits for the lock to end', async () => {
		const u = await registerUser(srv, { tag: 'race50', verify: false, consent: false });
		const rs = await fire(50, (i) => srv.req('POST', '/v1/sessions', { body: { login: u.email, password: `wrong-password-${i}` } }));
		const wrong = rs.filter((r) => r.status === 401);
		const locked = rs.filter((r) => r.status === 429);
		assert.ok(wrong.length <= 5, `${wrong.length} password checks for 50 guesses (at most 5): ${statuses(rs)}`);
		assert.ok(wrong.length >= 1, statuses(rs));
		assert.equal(wrong.length + locked.length, 50, statuses(rs));
		for (const r of wrong) assertError(r, 401, 'invalid_credentials');
		for (const r of locked) limited(r, 'too_many_attempts');
		// the lock holds against the right password, until it ends
		limited(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 'too_many_attempts');
		await srv.advance(14 * 60);
		limited(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 'too_many_attempts');
		await srv.advance(61);
		assertStatus(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 201, 'after the lock');
	});

	test('sign-in claims: a right password among concurrent wrong ones signs in and gives the address its claim back', async () => {
		const u = await registerUser(srv, { tag: 'mixed', verify: false, consent: false });
		const rs = await fire(4, (i) => srv.req('POST', '/v1/sessions', { body: { login: u.email, password: i === 0 ? u.password : `wrong-${i}-password` } }));
		assert.equal(rs[0].status, 201, statuses(rs));
		// the address counter kept only the three failures (the earlier
		// test's window is over: its last sign-in started a new one)
		const rows = srv.sql("SELECT failures FROM login_failures WHERE key = 'a:127.0.0.1'");
		assert.deepEqual(rows, [{ failures: 3 }]);
	});

	test('retention: the worker deletes attempt counters once their window and lock are over', async () => {
		assert.ok(srv.sql('SELECT COUNT(*) AS n FROM login_failures')[0].n > 0, 'counters to delete');
		await srv.advance(86401);
		await waitFor(() => srv.sql('SELECT COUNT(*) AS n FROM login_failures')[0].n === 0, { what: 'counters deleted by the worker' });
	});
});

describe('issue 9 defect 2: the per-address sign-in limit under concurrent guesses', () => {
	let srv;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_LOGIN_MAX_FAILURES_PER_ADDRESS: '10' } });
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9 defect 2: 50 concurrent wrong sign-ins for 50 logins from one address get at most 10 checks', async () => {
		const rs = await fire(50, (i) => srv.req('POST', '/v1/sessions', { body: { login: `ghost${i}@example.com`, password: 'whatever-password' } }));
		const wrong = rs.filter((r) => r.status === 401).length;
		assert.ok(wrong <= 10 && wrong >= 1, `${wrong} checks (at most 10): ${statuses(rs)}`);
		for (const r of rs.filter((x) => x.status !== 401)) limited(r, 'too_many_attempts');
	});
});

describe('issue 9: failed client authentication is limited per client and per address', () => {
	let srv, rx, owner, a, b;
	before(async () => {
		srv = await startServer({
			env: {
				KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8',
				KAIFANG_CLIENT_AUTH_MAX_FAILURES: '3',
				KAIFANG_CLIENT_AUTH_MAX_FAILURES_PER_ADDRESS: '5',
				KAIFANG_PRE_AUTH_CODES_PER_APP: '3',
			},
		});
		rx = await startReceiver();
		owner = await registerUser(srv, { tag: 'climit' });
		const prov = await appProvider(srv, owner);
		a = await developingApp(srv, owner, prov.id, rx);
		b = await developingApp(srv, owner, prov.id, rx);
	});
	after(async () => {
		await srv?.stop();
		await rx?.close();
	});

	const form = (o) => ({ headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: new URLSearchParams(o).toString() });
	const token = (app, secret) => srv.req('POST', '/oauth/token', form({ grant_type: 'client_credentials', client_id: app.app_id, client_secret: secret }));
	const introspect = (app, secret) => srv.req('POST', '/oauth/introspect', form({ client_id: app.app_id, client_secret: secret, token: 'not-a-token' }));
	const component = (app, secret) => srv.rawRequest('POST', '/cgi-bin/component/api_component_token', { body: Buffer.from(JSON.stringify({ component_appid: app.app_id, component_appsecret: secret, component_verify_ticket: 'x' })) });
	function tickets(app) {
		return rx
			.on(pathOf(app.sent.dev.auth_receive_url))
			.map((rec) => openPush(rec, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id }).fields)
			.filter((f) => f.InfoType === 'component_verify_ticket')
			.map((f) => f.ComponentVerifyTicket);
	}

	test('issue 9: client-secret guessing across /oauth/token, introspection and api_component_token: 429 (45009 on the component API) with Retry-After; successes do not count', async () => {
		const window = 15 * 60;
		// successful authentications use up nothing
		for (let i = 0; i < 6; i++) assertStatus(await introspect(a, a.app_secret), 200, `introspect ${i}`);
		assert.equal((await token(a, 'wrong-secret-1')).status, 401);
		assert.equal((await introspect(a, 'wrong-secret-2')).status, 401);
		const c = await component(a, 'wrong-secret-3');
		assert.equal(c.body?.errcode, 40125, c.text);
		// the client's three failures are used: even the right secret waits
		limited(await token(a, 'wrong-secret-4'), 'too_many_failed_client_authentications');
		const ra = limited(await introspect(a, a.app_secret), 'too_many_failed_client_authentications');
		assert.ok(ra <= window, `Retry-After ${ra}`);
		const cl = await component(a, a.app_secret);
		assert.equal(cl.status, 200);
		assert.equal(cl.body?.errcode, 45009, cl.text);
		assert.match(cl.body.errmsg, new RegExp(`rid: ${cl.headers.get('x-request-id')}$`));
		assert.ok(Number(cl.headers.get('retry-after')) > 0, 'Retry-After on the component API');
		// app b is still fine, but the address has two failures left
		assertStatus(await introspect(b, b.app_secret), 200);
		assert.equal((await token(b, 'wrong-secret-5')).status, 401);
		assert.equal((await token(b, 'wrong-secret-6')).status, 401);
		limited(await introspect(b, b.app_secret), 'too_many_failed_client_authentications');
		// the window ends: both work again
		await srv.advance(window + 1);
		assertStatus(await introspect(a, a.app_secret), 200);
		assertStatus(await introspect(b, b.app_secret), 200);
	});

	test('issue 9: 20 concurrent wrong client secrets get at most 3 checks', async () => {
		await srv.advance(15 * 60 + 1);
		const rs = await fire(20, (i) => token(a, `concurrent-wrong-${i}`));
		const wrong = rs.filter((r) => r.status === 401).length;
		assert.ok(wrong <= 3 && wrong >= 1, `${wrong} secret checks: ${statuses(rs)}`);
		for (const r of rs.filter((x) => x.status !== 401)) limited(r, 'too_many_failed_client_authentications');
		await srv.advance(15 * 60 + 1);
	});

	test('issue 9: pre-auth codes per app: beyond the limit errcode 45009 with Retry-After until the minute ends', async () => {
		await waitFor(() => tickets(a).length >= 1, { timeout: PUSH_WAIT_MS, what: 'a verify ticket' });
		const t = await component(a, a.app_secret);
		const ctok = await (async () => {
			const r = await srv.rawRequest('POST', '/cgi-bin/component/api_component_token', { body: Buffer.from(JSON.stringify({ component_appid: a.app_id, component_appsecret: a.app_secret, component_verify_ticket: tickets(a).at(-1) })) });
			assert.ok(r.body?.component_access_token, `${t.text} / ${r.text}`);
			return r.body.component_access_token;
		})();
		const pre = () => srv.rawRequest('POST', `/cgi-bin/component/api_create_preauthcode?component_access_token=${ctok}`, { body: Buffer.from(JSON.stringify({ component_appid: a.app_id })) });
		const rs = await fire(8, () => pre());
		const ok = rs.filter((r) => r.body?.pre_auth_code);
		const refused = rs.filter((r) => r.body?.errcode === 45009);
		assert.equal(ok.length, 3, rs.map((r) => r.text).join('\n'));
		assert.equal(refused.length, 5, rs.map((r) => r.text).join('\n'));
		for (const r of refused) {
			const ra = Number(r.headers.get('retry-after'));
			assert.ok(ra > 0 && ra <= 60, `Retry-After ${r.headers.get('retry-after')}`);
		}
		await srv.advance(61);
		assert.ok((await pre()).body?.pre_auth_code, 'a new minute');
	});
});

describe('issue 9: registrations and verification mails per address', () => {
	let srv;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_REGISTRATIONS_PER_ADDRESS: '4', KAIFANG_VERIFICATION_MAILS_PER_ADDRESS: '2' } });
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9: 8 concurrent registrations from one address: 4 accounts, the rest 429 too_many_registrations; an hour later again', async () => {
		const ps = Array.from({ length: 8 }, () => person('regflood'));
		const rs = await fire(8, (i) => srv.req('POST', '/v1/users', { body: { email: ps[i].email, mobile: ps[i].mobile, password: ps[i].password, name: ps[i].name } }));
		assert.equal(rs.filter((r) => r.status === 201).length, 4, statuses(rs));
		for (const r of rs.filter((x) => x.status !== 201)) limited(r, 'too_many_registrations');
		const created = srv.sql("SELECT COUNT(*) AS n FROM users WHERE email LIKE 'regflood.%'")[0].n;
		assert.equal(created, 4);
		await srv.advance(3601);
		const p = person('reglater');
		assertStatus(await srv.req('POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } }), 201);
	});

	test('issue 9: verification mails requested from one address are limited across accounts (429 too_many_codes)', async () => {
		await srv.advance(3601);
		const us = [];
		for (let i = 0; i < 3; i++) us.push(await registerUser(srv, { tag: `mail${i}`, verify: false, consent: false }));
		await srv.advance(61);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: us[0].token }), 202);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: us[1].token }), 202);
		const r = await srv.req('POST', '/v1/me/email-verification:resend', { token: us[2].token });
		const ra = limited(r, 'too_many_codes');
		assert.ok(ra > 60 && ra <= 3600, `Retry-After ${ra}`);
		await srv.advance(3601);
		assertStatus(await srv.req('POST', '/v1/me/email-verification:resend', { token: us[2].token }), 202);
	});
});

describe('issue 9: sessions a person can list and end', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	async function signIn(u, agent) {
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password }, headers: { 'User-Agent': agent } });
		assertStatus(r, 201, 'sign in');
		return r.body.token;
	}

	test('issue 9: GET /v1/sessions lists the caller\'s live sessions with the current one marked, and nobody else\'s', async () => {
		const u = await registerUser(srv, { tag: 'sesslist' });
		const other = await registerUser(srv, { tag: 'sessother' });
		const t1 = await signIn(u, 'Phone Browser/1.0');
		await srv.advance(5);
		const t2 = await signIn(u, 'Desk Browser/2.0');
		const r = await srv.req('GET', '/v1/sessions', { token: t2 });
		assertStatus(r, 200);
		const items = r.body.items;
		assert.equal(items.length, 3, r.text); // registerUser's, t1, t2
		const current = items.filter((s) => s.current);
		assert.equal(current.length, 1, r.text);
		assert.equal(current[0].user_agent, 'Desk Browser/2.0');
		assert.equal(current[0].address, '127.0.0.1');
		const phone = items.find((s) => s.user_agent === 'Phone Browser/1.0');
		assert.ok(phone && !phone.current, r.text);
		for (const s of items) {
			assert.equal(typeof s.id, 'number');
			assert.equal(typeof s.created_at, 'number');
			assert.equal(typeof s.expires_at, 'number');
			assert.ok(s.last_used_at === null || typeof s.last_used_at === 'number');
		}
		const mine = new Set(items.map((s) => s.id));
		const theirs = await srv.req('GET', '/v1/sessions', { token: other.token });
		assertStatus(theirs, 200);
		assert.ok(theirs.body.items.every((s) => !mine.has(s.id)), theirs.text);
		assert.ok((await srv.req('GET', '/v1/sessions', { token: t1 })).body.items.find((s) => s.current).user_agent === 'Phone Browser/1.0');
		assertError(await srv.req('GET', '/v1/sessions'), 401, 'unauthenticated');
	});

	test('issue 9: DELETE /v1/sessions/{id} ends one of the caller\'s sessions; another person\'s id answers 404 and keeps working', async () => {
		const u = await registerUser(srv, { tag: 'sessend' });
		const other = await registerUser(srv, { tag: 'sessvictim' });
		const t2 = await signIn(u, 'Second/1');
		const list = (await srv.req('GET', '/v1/sessions', { token: u.token })).body.items;
		const second = list.find((s) => s.user_agent === 'Second/1');
		const theirs = (await srv.req('GET', '/v1/sessions', { token: other.token })).body.items[0];
		// someone else's session: 404 as if it did not exist, and it lives on
		assertError(await srv.req('DELETE', `/v1/sessions/${theirs.id}`, { token: u.token }), 404, 'not_found', { field: 'id' });
		assertStatus(await srv.req('GET', '/v1/me', { token: other.token }), 200, 'the other person is still signed in');
		assertError(await srv.req('DELETE', '/v1/sessions/999999', { token: u.token }), 404, 'not_found');
		assertError(await srv.req('DELETE', '/v1/sessions/abc', { token: u.token }), 404, 'not_found');
		// their own other session ends; the current one stays
		assert.equal((await srv.req('DELETE', `/v1/sessions/${second.id}`, { token: u.token })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: t2 }), 401, 'unauthenticated');
		assertStatus(await srv.req('GET', '/v1/me', { token: u.token }), 200);
		assertError(await srv.req('DELETE', `/v1/sessions/${second.id}`, { token: u.token }), 404, 'not_found');
		assert.ok(!(await srv.req('GET', '/v1/sessions', { token: u.token })).body.items.some((s) => s.id === second.id));
		// and the current one by its id
		const cur = (await srv.req('GET', '/v1/sessions', { token: u.token })).body.items.find((s) => s.current);
		assert.equal((await srv.req('DELETE', `/v1/sessions/${cur.id}`, { token: u.token })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: u.token }), 401, 'unauthenticated');
	});

	test('issue 9: a password change ends every other session of the person and keeps the current one', async () => {
		const u = await registerUser(srv, { tag: 'pwchange' });
		const other = await registerUser(srv, { tag: 'pwbystander' });
		const t2 = await signIn(u, 'Other/1');
		const t3 = await signIn(u, 'Other/2');
		const newPassword = `${u.password}-renewed`;
		const r = await srv.req('POST', '/v1/me/password', { token: u.token, body: { current_password: u.password, new_password: newPassword } });
		assertStatus(r, 200, 'password change');
		assert.equal(r.body.sessions_ended, 2);
		assertStatus(await srv.req('GET', '/v1/me', { token: u.token }), 200, 'the current session stays');
		assertError(await srv.req('GET', '/v1/me', { token: t2 }), 401, 'unauthenticated');
		assertError(await srv.req('GET', '/v1/me', { token: t3 }), 401, 'unauthenticated');
		assertStatus(await srv.req('GET', '/v1/me', { token: other.token }), 200, 'another person is untouched');
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 401, 'invalid_credentials');
		await login(srv, u.email, newPassword);
	});

	test('issue 9: a password change needs the right current password and a valid new one; nothing changes otherwise', async () => {
		const u = await registerUser(srv, { tag: 'pwwrong' });
		const t2 = await signIn(u, 'Other/3');
		assertError(await srv.req('POST', '/v1/me/password', { token: u.token, body: { current_password: 'not-it-at-all', new_password: `${u.password}-x` } }), 403, 'wrong_password', { field: 'current_password' });
		assertError(await srv.req('POST', '/v1/me/password', { token: u.token, body: { current_password: u.password } }), 400, 'missing_field', { field: 'new_password' });
		const weak = await srv.req('POST', '/v1/me/password', { token: u.token, body: { current_password: u.password, new_password: 'short' } });
		assertError(weak, 400, 'weak_password', { field: 'new_password', rule: 'ONB-8' });
		assertStatus(await srv.req('GET', '/v1/me', { token: t2 }), 200, 'the other session still works');
		await login(srv, u.email, u.password);
	});
});

describe('issue 9: 414 and 431 in the JSON error shape', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9: a 20 KB URL gets 414 with the JSON error body and request id', async () => {
		const r = await srv.req('GET', `/v1/directory?q=${'a'.repeat(20 * 1024)}`);
		assert.equal(r.status, 414, r.text.slice(0, 200));
		assert.match(r.headers.get('content-type'), /^application\/json/);
		const e = assertError(r, 414, 'uri_too_long');
		assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
		assert.equal(e.request_id, r.headers.get('x-request-id'));
		assertStatus(await srv.req('GET', '/healthz'), 200, 'the server goes on');
	});

	test('issue 9: a 40 KB header gets 431 with the JSON error body and request id', async () => {
		const r = await srv.req('GET', '/healthz', { headers: { 'X-Filler': 'b'.repeat(40 * 1024) } });
		assert.equal(r.status, 431, r.text.slice(0, 200));
		assert.match(r.headers.get('content-type'), /^application\/json/);
		const e = assertError(r, 431, 'header_fields_too_large');
		assert.equal(e.request_id, r.headers.get('x-request-id'));
		// also on a request with a body
		const p = await srv.req('POST', '/v1/sessions', { body: { login: 'x@example.com', password: 'y' }, headers: { Cookie: `c=${'c'.repeat(40 * 1024)}` } });
		assertError(p, 431, 'header_fields_too_large');
	});
});
