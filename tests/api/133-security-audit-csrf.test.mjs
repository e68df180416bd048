// Issue 9, defects 7 and 8: the audit chain is keyed and anchored outside
// the database, so an attacker with the database cannot truncate, rewrite,
// cut or reorder it unnoticed; and writes authenticated by the session
// cookie refuse cross-site requests.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, login } from './helpers/flows.mjs';

const EVIL = 'https://evil.example';

describe('issue 9 defect 8: cookie-authenticated writes refuse cross-site requests', () => {
	let srv;
	let u;
	before(async () => {
		srv = await startServer();
		u = await registerUser(srv, { tag: 'csrf' });
	});
	after(async () => {
		await srv?.stop();
	});

	const tokens = () => srv.sql(`SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ${u.id}`)[0].n;
	const write = (headers, { cookie = `kf_session=${u.token}`, token, name = 'csrf' } = {}) =>
		srv.req('POST', '/v1/me/api-tokens', { cookie: token ? undefined : cookie, token, raw: JSON.stringify({ name }), headers });

	test('issue 9 defect 8: the attack (session cookie, text/plain, Origin https://evil.example) is refused and stores nothing', async () => {
		const before = tokens();
		const r = await write({ 'Content-Type': 'text/plain', Origin: EVIL });
		assertError(r, 403, 'cross_site_request');
		assert.match(r.body.error.message, /origin|cross-site/i);
		assert.equal(tokens(), before, 'the cross-site write created a token');
	});

	test('issue 9 defect 8: cookie + application/json from another origin is refused', async () => {
		const before = tokens();
		assertError(await write({ 'Content-Type': 'application/json', Origin: EVIL }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', Origin: 'null' }), 403, 'cross_site_request');
		// the same host on another port or scheme is another origin
		assertError(await write({ 'Content-Type': 'application/json', Origin: srv.url.replace(/:\d+$/, ':1') }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', Origin: srv.url.replace('http:', 'https:') }), 403, 'cross_site_request');
		// a browser that says the request is cross-site or same-site
		assertError(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' }), 403, 'cross_site_request');
		// neither Origin nor Sec-Fetch-Site: nothing shows where it came from
		assertError(await write({ 'Content-Type': 'application/json' }), 403, 'cross_site_request');
		// DELETE by cookie from another origin: the session stays
		const t = await login(srv, u.email, u.password);
		assertError(await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${t}`, headers: { Origin: EVIL } }), 403, 'cross_site_request');
		assertStatus(await srv.req('GET', '/v1/me', { token: t }), 200, 'the session survived');
		assert.equal(tokens(), before);
	});

	test('issue 9 defect 8: same origin but not JSON (a form or text/plain body) is refused', async () => {
		const before = tokens();
		for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp'])
			assertError(await write({ 'Content-Type': ct, Origin: srv.url }), 403, 'cross_site_request');
		assert.equal(tokens(), before);
	});

	test('issue 9 defect 8: cookie + application/json from the same origin works', async () => {
		const before = tokens();
		assertStatus(await write({ 'Content-Type': 'application/json', Origin: srv.url }), 201, 'same Origin');
		assertStatus(await write({ 'Content-Type': 'application/json; charset=utf-8', Origin: srv.url }), 201, 'same Origin, charset');
		assertStatus(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' }), 201, 'Sec-Fetch-Site: same-origin');
		assert.equal(tokens(), before + 3);
		// signing out by cookie from the console's own origin
		const t = await login(srv, u.email, u.password);
		assert.equal((await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${t}`, headers: { Origin: srv.url } })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: t }), 401, 'unauthenticated');
	});

	test('issue 9 defect 8: bearer-token writes are unaffected by Origin', async () => {
		const before = tokens();
		assertStatus(await write({ 'Content-Type': 'application/json', Origin: EVIL }, { token: u.token }), 201, 'bearer, evil Origin');
		assertStatus(await write({ 'Content-Type': 'application/json' }, { token: u.token }), 201, 'bearer, no Origin');
		assert.equal(tokens(), before + 2);
	});

	test('issue 9 defect 8: reads by cookie and an expired cookie are not affected', async () => {
		assertStatus(await srv.req('GET', '/v1/me', { cookie: `kf_session=${u.token}`, headers: { Origin: EVIL } }), 200);
		// a cookie that authenticates nobody is anonymous: 401 as before
		assertError(await write({ 'Content-Type': 'text/plain', Origin: EVIL }, { cookie: 'kf_session=kfs_' + '0'.repeat(64) }), 401, 'unauthenticated');
	});

	test('without public-url the session cookie has no Secure flag (plain http)', async () => {
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertStatus(r, 201);
		assert.doesNotMatch(r.headers.get('set-cookie'), /;\s*Secure/i);
	});
});

describe('issue 9 defect 8: with an https public-url', () => {
	const PUBLIC = 'https://open.example.com';
	let srv;
	let u;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_PUBLIC_URL: PUBLIC } });
		u = await registerUser(srv, { tag: 'csrfs' });
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9 defect 8: the session cookie gets Secure when public-url is https', async () => {
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertStatus(r, 201);
		const c = r.headers.get('set-cookie');
		assert.match(c, /^kf_session=kfs_/);
		assert.match(c, /;\s*Secure/i, `no Secure flag in ${c}`);
		assert.match(c, /;\s*HttpOnly/i);
		const out = await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${r.body.token}`, headers: { Origin: PUBLIC } });
		assert.equal(out.status, 204, out.text);
		assert.match(out.headers.get('set-cookie'), /;\s*Secure/i);
	});

	test('issue 9 defect 8: the expected origin is the public URL, not the listen address', async () => {
		const cookie = `kf_session=${u.token}`;
		const body = JSON.stringify({ name: 'public' });
		const post = (origin) => srv.req('POST', '/v1/me/api-tokens', { cookie, raw: body, headers: { 'Content-Type': 'application/json', Origin: origin } });
		assertStatus(await post(PUBLIC), 201, 'the public origin');
		assertStatus(await post('https://OPEN.example.com:443'), 201, 'the public origin, spelt with case and default port');
		assertError(await post(srv.url), 403, 'cross_site_request');
		assertError(await post('http://open.example.com'), 403, 'cross_site_request');
		assertError(await post('https://open.example.com.evil.example'), 403, 'cross_site_request');
	});
});
