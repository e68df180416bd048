// The component API's calling conventions and errors (PROTOCOL.md §2, §4),
// as the SDKs rely on them: every answer HTTP 200 with
// `Content-Type: application/json`, failures as {errcode, errmsg} with
// errmsg ending in " rid: <X-Request-Id>", the body parsed as JSON whatever
// the Content-Type, both token parameter names, every §4 errcode the
// app-level calls can give, never a token error (40001, 40014, 42001) for a
// token that is valid, the IP allowlist (61004), the app's state, and the
// paging of api_get_authorizer_list. The test clock ages tokens and tickets
// at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, assertError } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

const REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';
const BASE = '/cgi-bin/component/';
const TOKEN_CALLS = ['api_create_preauthcode', 'api_query_auth', 'api_authorizer_token', 'api_get_authorizer_info', 'api_get_authorizer_list', 'api_get_authorizer_option', 'api_set_authorizer_option'];
const SECRET_CALLS = ['api_component_token', 'api_start_push_ticket'];
const ALL_CALLS = [...SECRET_CALLS, ...TOKEN_CALLS];
const TOKEN_ERRORS = [40001, 40014, 42001];

// PROTOCOL.md §4: errmsg texts
const ERRMSG = {
	40001: 'invalid credential, access_token is invalid or not latest',
	40013: 'invalid appid',
	40014: 'invalid access_token',
	40125: 'invalid appsecret',
	41001: 'access_token missing',
	41002: 'appid missing',
	41004: 'appsecret missing',
	42001: 'access_token expired',
	47001: 'data format error',
	48001: 'api unauthorized',
	61003: 'component is not authorized by this account',
	61004: 'access clientip is not registered',
	61005: 'component ticket is expired',
	61006: 'component ticket is invalid',
	61009: 'code is invalid',
	61011: 'invalid component',
	61023: 'refresh_token is invalid',
};

let srv, rx, owner, hostOwner, hosts, app, other, token, otherToken;
const auth = {}; // host external_id -> {access, refresh}

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'cerrprov' });
	const prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'cerrowner' });
	const key = hostApiKey(srv, 'component errors').key;
	hosts = [];
	for (let i = 0; i < 4; i++) hosts.push(await provisionHost(srv, key, { owner_email: hostOwner.email }));
	app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: hosts.map((h) => h.id) } });
	other = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [hosts[0].id] } });
	token = await componentToken(app);
	otherToken = await componentToken(other);
	// hosts[0] authorizes the app; hosts[1..3] come with the paging test
	await authorizeAndQuery(hosts[0]);
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

/** The body as JSON, with no Content-Type at all (as several SDKs send it). */
function call(name, body, { token: t, param = 'component_access_token', contentType } = {}) {
	const q = t === undefined ? '' : `?${param}=${encodeURIComponent(t)}`;
	const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return srv.rawRequest('POST', BASE + name + q, { body: raw, headers: contentType ? { 'Content-Type': contentType } : {} });
}

/** A failure as §2 and §4 say: HTTP 200 JSON, errcode, errmsg "<text> rid: <X-Request-Id>". */
function failed(r, code, what = '') {
	const where = `${what} HTTP ${r.status} ${r.text}`;
	assert.equal(r.status, 200, where);
	assert.equal(r.headers.get('content-type'), 'application/json', where);
	assert.equal(r.body?.errcode, code, `${what} expected errcode ${code}, got ${r.text}`);
	const rid = r.headers.get('x-request-id');
	assert.match(rid, /^[0-9a-f]{16}$/);
	// issue 11: 61004 names the address it refused (the tests call from loopback)
	const seen = code === 61004 ? ' requestIP: 127.0.0.1' : '';
	assert.equal(r.body.errmsg, `${ERRMSG[code]}${seen} rid: ${rid}`, where);
	assert.deepEqual(Object.keys(r.body).sort(), ['errcode', 'errmsg'], where);
	return r.body;
}

/** A success: HTTP 200 JSON without a non-zero errcode. */
function succeeded(r, what = '') {
	const where = `${what} HTTP ${r.status} ${r.text}`;
	assert.equal(r.status, 200, where);
	assert.equal(r.headers.get('content-type'), 'application/json', where);
	assert.ok(r.body && !r.body.errcode, where);
	return r.body;
}

function ticketsOf(a) {
	return rx
		.on(pathOf(a.sent.dev.auth_receive_url))
		.map((rec) => openPush(rec, { token: a.sent.dev.message_token, aesKey: a.sent.dev.aes_key, appId: a.app_id }).fields)
		.filter((f) => f.InfoType === 'component_verify_ticket')
		.map((f) => f.ComponentVerifyTicket);
}

/** The newest ticket the app received (waiting for a first one). */
async function latestTicket(a, n = 1) {
	// generous: under a loaded machine a push may time out once and be retried
	await waitFor(() => ticketsOf(a).length >= n, { timeout: PUSH_WAIT_MS, what: `ticket ${n} of ${a.app_id}` });
	return ticketsOf(a).at(-1);
}

async function componentToken(a) {
	const r = await call('api_component_token', { component_appid: a.app_id, component_appsecret: a.app_secret, component_verify_ticket: await latestTicket(a) });
	return succeeded(r, 'api_component_token').component_access_token;
}

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** The consent page, driven as the host owner; returns the authorization code. */
async function authorize(host, a = app, t = token) {
	const pre = succeeded(await call('api_create_preauthcode', { component_appid: a.app_id }, { token: t })).pre_auth_code;
	const flow = { component_appid: a.app_id, pre_auth_code: pre, redirect_uri: REDIRECT };
	const cookie = `kf_session=${hostOwner.token}`;
	const page = await srv.req('GET', '/cgi-bin/componentloginpage?' + new URLSearchParams(flow), { cookie, headers: { Referer: REFERER } });
	assertStatus(page, 200, 'consent page');
	const form = new URLSearchParams({ ...flow, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 302, r.text.slice(0, 300));
	return new URL(r.headers.get('location')).searchParams.get('auth_code');
}

async function authorizeAndQuery(host) {
	const code = await authorize(host);
	const info = succeeded(await call('api_query_auth', { component_appid: app.app_id, authorization_code: code }, { token })).authorization_info;
	auth[host.external_id] = { access: info.authorizer_access_token, refresh: info.authorizer_refresh_token };
	return info;
}

/** A valid body for each call (hosts[0] is authorized). */
function validBody(name, a = app) {
	const h = hosts[0].external_id;
	switch (name) {
		case 'api_component_token': return { component_appid: a.app_id, component_appsecret: a.app_secret, component_verify_ticket: ticketsOf(a).at(-1) };
		case 'api_start_push_ticket': return { component_appid: a.app_id, component_secret: a.app_secret };
		case 'api_create_preauthcode': return { component_appid: a.app_id };
		case 'api_query_auth': return { component_appid: a.app_id, authorization_code: 'kfcd_' + 'A'.repeat(43) };
		case 'api_authorizer_token': return { component_appid: a.app_id, authorizer_appid: h, authorizer_refresh_token: auth[h]?.refresh };
		case 'api_get_authorizer_info': return { component_appid: a.app_id, authorizer_appid: h };
		case 'api_get_authorizer_list': return { component_appid: a.app_id, offset: 0, count: 10 };
		case 'api_get_authorizer_option': return { component_appid: a.app_id, authorizer_appid: h, option_name: 'location_report' };
		case 'api_set_authorizer_option': return { component_appid: a.app_id, authorizer_appid: h, option_name: 'location_report', option_value: 2 };
	}
	throw new Error(name);
}

const tokenOf = (name, t = token) => (TOKEN_CALLS.includes(name) ? t : undefined);

async function setIpAllowlist(list) {
	assertStatus(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { dev: { ip_allowlist: list } } }), 200, 'PATCH ip_allowlist');
	assertStatus(await srv.req('POST', `/v1/apps/${app.app_id}/configs:activate`, { token: owner.token }), 200, 'activate');
}

test('§2 every answer is HTTP 200 application/json; failures are exactly {errcode, errmsg} with " rid: <X-Request-Id>"', async () => {
	const rids = new Set();
	for (const name of ALL_CALLS) {
		for (const [body, code] of [['', 47001], ['{"component_appid":1', 47001], [{}, 41002], [{ component_appid: 'kf0000000000000000' }, 61011]]) {
			const r = await call(name, body, { token: tokenOf(name) });
			failed(r, code, name);
			rids.add(r.headers.get('x-request-id'));
		}
	}
	assert.equal(rids.size, ALL_CALLS.length * 4, 'every answer has its own request id');
	// data calls answer the bare object, action calls {"errcode":0,"errmsg":"ok"}
	const info = succeeded(await call('api_get_authorizer_info', validBody('api_get_authorizer_info'), { token }));
	assert.equal(info.errcode, undefined);
	assert.equal(info.authorizer_info.user_name, hosts[0].external_id);
	assert.deepEqual(succeeded(await call('api_set_authorizer_option', validBody('api_set_authorizer_option'), { token })), { errcode: 0, errmsg: 'ok' });
	assert.deepEqual(succeeded(await call('api_start_push_ticket', validBody('api_start_push_ticket'))), { errcode: 0, errmsg: 'ok' });
	assert.equal(succeeded(await call('api_get_authorizer_option', validBody('api_get_authorizer_option'), { token })).option_value, '2');
});

test('§2 the body is JSON whatever the Content-Type says (none, text/plain, form-urlencoded, octet-stream, json with charset)', async () => {
	for (const contentType of [undefined, 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/json; charset=UTF-8', 'multipart/form-data; boundary=x']) {
		const what = `Content-Type ${contentType ?? '(none)'}`;
		const pre = succeeded(await call('api_create_preauthcode', { component_appid: app.app_id }, { token, contentType }), what);
		assert.match(pre.pre_auth_code, /^kfpa_[A-Za-z0-9_-]{43}$/, what);
		assert.equal(pre.expires_in, 600);
		const t = succeeded(await call('api_component_token', validBody('api_component_token'), { contentType }), what);
		assert.match(t.component_access_token, /^kfat_[A-Za-z0-9_-]{43}$/, what);
		assert.equal(t.expires_in, 7200);
		// a body that is not JSON is 47001 whatever the header claims
		failed(await call('api_create_preauthcode', `component_appid=${app.app_id}`, { token, contentType }), 47001, what);
	}
	// fields the call does not use are ignored; white space and key order do not matter
	succeeded(await call('api_create_preauthcode', { sdk: 'x', component_appid: app.app_id, extra: [1, { a: null }] }, { token }), 'unknown fields');
	succeeded(await call('api_create_preauthcode', `\n  {  "component_appid" :\t"${app.app_id}"  }\n`, { token }), 'white space');
});

test('§2 the token is accepted as component_access_token= or access_token=', async () => {
	for (const param of ['component_access_token', 'access_token']) {
		for (const name of TOKEN_CALLS.filter((n) => n !== 'api_query_auth')) succeeded(await call(name, validBody(name), { token, param }), `${name} ?${param}=`);
		failed(await call('api_get_authorizer_info', validBody('api_get_authorizer_info'), { token: 'kfat_' + 'A'.repeat(43), param }), 40001, param);
	}
});

test('§4 each errcode of the app-level calls, with its errmsg', async () => {
	const body = (name, over) => ({ ...validBody(name), ...over });
	// 41002 appid missing, 40013 invalid appid, 61011 invalid component, 47001 data format error
	for (const name of ALL_CALLS) {
		const t = tokenOf(name);
		failed(await call(name, body(name, { component_appid: undefined }), { token: t }), 41002, name);
		failed(await call(name, body(name, { component_appid: 'wx0123456789abcdef' }), { token: t }), 40013, name);
		failed(await call(name, body(name, { component_appid: 'kf0123456789abcdef' }), { token: t }), 61011, name);
		failed(await call(name, '<xml><AppId>x</AppId></xml>', { token: t }), 47001, name);
	}
	for (const name of TOKEN_CALLS) {
		failed(await call(name, validBody(name)), 41001, name); // access_token missing
		failed(await call(name, validBody(name), { token: 'kfat_' + 'A'.repeat(43) }), 40001, name); // unknown token
		failed(await call(name, validBody(name), { token: token + 'A'.repeat(160) }), 40014, name); // malformed (over 200 bytes)
		failed(await call(name, validBody(name), { token: otherToken }), 40013, `${name} with another app's token`);
	}
	for (const name of SECRET_CALLS) {
		const field = name === 'api_component_token' ? 'component_appsecret' : 'component_secret';
		failed(await call(name, body(name, { [field]: undefined })), 41004, name); // appsecret missing
		failed(await call(name, body(name, { [field]: other.app_secret })), 40125, name); // invalid appsecret
	}
	failed(await call('api_component_token', body('api_component_token', { component_verify_ticket: ticketsOf(other).at(-1) })), 61006, "another app's ticket");
	failed(await call('api_query_auth', validBody('api_query_auth'), { token }), 61009, 'unknown code');
	failed(await call('api_get_authorizer_info', body('api_get_authorizer_info', { authorizer_appid: hosts[3].external_id }), { token }), 61003, 'not authorized by hosts[3]');
	failed(await call('api_authorizer_token', body('api_authorizer_token', { authorizer_refresh_token: 'kfar_' + 'A'.repeat(43) }), { token }), 61023, 'unknown refresh token');
	failed(await call('api_get_authorizer_list', body('api_get_authorizer_list', { count: 501 }), { token }), 47001, 'count 501');
});

test('§2 a token error is never returned for a valid token', async () => {
	const seen = [];
	const expect = async (name, over, code) => {
		const r = await call(name, { ...validBody(name), ...over }, { token });
		seen.push(r.body.errcode);
		if (code === undefined) succeeded(r, name);
		else failed(r, code, `${name} ${JSON.stringify(over)}`);
	};
	// the valid token with every other kind of mistake gets that mistake's errcode
	await expect('api_query_auth', { authorization_code: 'nope' }, 61009);
	await expect('api_query_auth', { authorization_code: auth[hosts[0].external_id].access }, 61009);
	await expect('api_authorizer_token', { authorizer_appid: 'ext-nobody' }, 61003);
	await expect('api_authorizer_token', { authorizer_refresh_token: token }, 61023);
	await expect('api_get_authorizer_info', { authorizer_appid: undefined }, 41002);
	await expect('api_get_authorizer_option', { option_name: 'nope' }, 47001);
	await expect('api_set_authorizer_option', { option_value: 7 }, 47001);
	await expect('api_get_authorizer_list', { count: 0 }, 47001);
	// another app id with a valid token: the app id is wrong, not the token
	await expect('api_create_preauthcode', { component_appid: other.app_id }, 40013);
	// a newer token, a new ticket, many calls at once: earlier tokens stay valid
	const second = await componentToken(app);
	assert.notEqual(second, token);
	// counted before the call: the new ticket may arrive before it answers
	const had = ticketsOf(app).length;
	succeeded(await call('api_start_push_ticket', validBody('api_start_push_ticket')));
	await latestTicket(app, had + 1);
	const third = await componentToken(app);
	for (const t of [token, second, third]) succeeded(await call('api_get_authorizer_list', validBody('api_get_authorizer_list'), { token: t }), 'an earlier token');
	const reads = ['api_get_authorizer_info', 'api_get_authorizer_list', 'api_get_authorizer_option', 'api_authorizer_token', 'api_create_preauthcode', 'api_set_authorizer_option'];
	const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => call(reads[i % reads.length], validBody(reads[i % reads.length]), { token: [token, second, third][i % 3] })));
	for (const r of burst) assert.ok(!TOKEN_ERRORS.includes(r.body?.errcode), `a token error under load: ${r.text}`);
	assert.ok(!seen.some((c) => TOKEN_ERRORS.includes(c)), `token errors for a valid token: ${seen}`);
});

test('APP-4 an address off the IP allowlist gets 61004 on every call, before the credentials are looked at', async () => {
	try {
		await setIpAllowlist(['10.0.0.0/8', '::1']);
		for (const name of ALL_CALLS) {
			failed(await call(name, validBody(name), { token: tokenOf(name) }), 61004, name);
			// a bad credential does not change the answer: the address is checked first
			const bad = TOKEN_CALLS.includes(name) ? { token: 'kfat_' + 'A'.repeat(43) } : {};
			const body = SECRET_CALLS.includes(name) ? { ...validBody(name), component_appsecret: 'wrong', component_secret: 'wrong' } : validBody(name);
			failed(await call(name, body, bad), 61004, `${name} with a bad credential`);
		}
		// the other app, whose list is its own, is not affected
		succeeded(await call('api_create_preauthcode', { component_appid: other.app_id }, { token: otherToken }), 'other app');
		// the list takes CIDR blocks; an empty list restricts nothing
		for (const list of [['127.0.0.0/8'], ['10.0.0.0/8', '127.0.0.1'], []]) {
			await setIpAllowlist(list);
			for (const name of ['api_create_preauthcode', 'api_get_authorizer_list', 'api_start_push_ticket']) succeeded(await call(name, validBody(name), { token: tokenOf(name) }), `${name} with ${JSON.stringify(list)}`);
		}
	} finally {
		await setIpAllowlist(['127.0.0.1', '10.0.0.0/8']);
	}
	succeeded(await call('api_get_authorizer_info', validBody('api_get_authorizer_info'), { token }), 'after the list is restored');
});

test('api_get_authorizer_list pages with offset and count (1 to 500); 47001 outside', async () => {
	for (const h of hosts.slice(1)) await authorizeAndQuery(h);
	const list = async (over) => succeeded(await call('api_get_authorizer_list', { component_appid: app.app_id, ...over }, { token }), JSON.stringify(over));
	const all = await list({});
	assert.equal(all.total_count, 4);
	assert.deepEqual(all.list.map((x) => x.authorizer_appid), hosts.map((h) => h.external_id), 'oldest first');
	for (const x of all.list) {
		assert.deepEqual(Object.keys(x).sort(), ['auth_time', 'authorizer_appid', 'refresh_token']);
		assert.ok(Number.isInteger(x.auth_time) && x.auth_time > 1e9, JSON.stringify(x));
	}
	assert.deepEqual(await list({ offset: 0, count: 500 }), all);
	// pages of 3: 3 + 1, no repeats, the total on every page
	const p1 = await list({ offset: 0, count: 3 });
	const p2 = await list({ offset: 3, count: 3 });
	assert.equal(p1.list.length, 3);
	assert.equal(p2.list.length, 1);
	assert.equal(p1.total_count, 4);
	assert.equal(p2.total_count, 4);
	assert.deepEqual([...p1.list, ...p2.list], all.list);
	for (let i = 0; i < 4; i++) assert.deepEqual((await list({ offset: i, count: 1 })).list, [all.list[i]]);
	for (const offset of [4, 5, 1000]) {
		const past = await list({ offset, count: 10 });
		assert.deepEqual(past.list, []);
		assert.equal(past.total_count, 4);
	}
	for (const over of [{ count: 501 }, { count: 0 }, { count: -1 }, { count: 100000 }, { offset: -1 }, { offset: -1, count: 1 }])
		failed(await call('api_get_authorizer_list', { component_appid: app.app_id, ...over }, { token }), 47001, JSON.stringify(over));
	// a revoked authorization leaves the list
	assert.equal((await srv.req('DELETE', `/v1/host-accounts/${hosts[2].id}/authorizations/${app.app_id}`, { token: hostOwner.token })).status, 204);
	const after = await list({});
	assert.equal(after.total_count, 3);
	assert.deepEqual(after.list.map((x) => x.authorizer_appid), [hosts[0], hosts[1], hosts[3]].map((h) => h.external_id));
	failed(await call('api_get_authorizer_info', { component_appid: app.app_id, authorizer_appid: hosts[2].external_id }, { token }), 61003, 'revoked');
	failed(await call('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: hosts[2].external_id, authorizer_refresh_token: auth[hosts[2].external_id].refresh }, { token }), 61003, 'revoked');
});

test("the app's state: a delisted app gets 48001, a deleted one 61011, and its authorizer tokens stop working", async () => {
	const t = await componentToken(other);
	const code = await authorize(hosts[0], other, t);
	const info = succeeded(await call('api_query_auth', { component_appid: other.app_id, authorization_code: code }, { token: t })).authorization_info;
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: info.authorizer_access_token }), 200);
	// GOV-1: delisted (set in the database: no route delists yet)
	srv.sql(`UPDATE apps SET state = 'delisted' WHERE app_id = '${other.app_id}'`);
	try {
		for (const name of ALL_CALLS) failed(await call(name, validBody(name, other), { token: tokenOf(name, t) }), 48001, `${name} of a delisted app`);
	} finally {
		srv.sql(`UPDATE apps SET state = 'developing' WHERE app_id = '${other.app_id}'`);
	}
	succeeded(await call('api_get_authorizer_list', validBody('api_get_authorizer_list', other), { token: t }), 'developing again');
	// DATA-3: deleted by its provider
	assert.equal((await srv.req('DELETE', `/v1/apps/${other.app_id}`, { token: owner.token })).status, 204);
	for (const name of ALL_CALLS) failed(await call(name, validBody(name, other), { token: tokenOf(name, t) }), 61011, `${name} of a deleted app`);
	// the authorization of a deleted app is over: its tokens do not pass the gateway's check
	assertError(await srv.req('GET', '/v1/authorizer', { token: info.authorizer_access_token }), 401, 'invalid_token');
});

test('42001 only once a token is past its 7200 s; refresh gives a working authorizer token again', async () => {
	const fresh = await componentToken(app);
	const h = hosts[0].external_id;
	const at = succeeded(await call('api_authorizer_token', validBody('api_authorizer_token'), { token: fresh })).authorizer_access_token;
	const tickets = ticketsOf(app).length;
	await srv.advance(7000);
	for (const name of TOKEN_CALLS.filter((n) => n !== 'api_query_auth')) succeeded(await call(name, validBody(name), { token: fresh }), `${name} at 7000 s`);
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: at }), 200, 'authorizer token at 7000 s');
	await srv.advance(300);
	for (const name of TOKEN_CALLS) {
		failed(await call(name, validBody(name), { token: fresh }), 42001, `${name} at 7300 s`);
		failed(await call(name, validBody(name), { token: fresh, param: 'access_token' }), 42001, `${name} ?access_token= at 7300 s`);
	}
	assertError(await srv.req('GET', '/v1/authorizer', { token: at }), 401, 'token_expired');
	// a new app token (with the ticket the worker issued when the clock moved), then a new authorizer token
	await latestTicket(app, tickets + 1);
	const renewed = await componentToken(app);
	const r = succeeded(await call('api_authorizer_token', validBody('api_authorizer_token'), { token: renewed }));
	assert.equal(r.authorizer_refresh_token, auth[h].refresh, 'the refresh token does not expire and stays the same');
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: r.authorizer_access_token }), 200);
	failed(await call('api_get_authorizer_info', validBody('api_get_authorizer_info'), { token: fresh }), 42001, 'still expired');
});

test('61005 a verify ticket older than 12 hours is stale, 61006 one that never was', async () => {
	const n = ticketsOf(app).length;
	const ticket = ticketsOf(app).at(-1);
	succeeded(await call('api_component_token', { ...validBody('api_component_token'), component_verify_ticket: ticket }), 'the newest ticket');
	await srv.advance(12 * 3600 + 60);
	// the worker issues a new ticket; the one held is now the previous one, 12 hours old
	await latestTicket(app, n + 1);
	failed(await call('api_component_token', { ...validBody('api_component_token'), component_verify_ticket: 'ticket@@@' + 'x'.repeat(86) }), 61006, 'a ticket never issued');
	succeeded(await call('api_component_token', validBody('api_component_token')), 'the new ticket');
	failed(await call('api_component_token', { ...validBody('api_component_token'), component_verify_ticket: ticket }), 61005, 'the ticket of 12 hours ago');
});
