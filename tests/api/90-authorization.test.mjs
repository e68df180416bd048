// The third-party-platform flow end to end, played exactly as PROTOCOL.md
// describes (§1–§6): receive the ticket, get the app token, create a
// pre-auth code, drive the consent page over HTTP with a host owner's
// session, receive the authorized event, query-auth, call an authorized
// endpoint, refresh, revoke, see the unauthorized event and the dead token.
// Then the consent page's refusals (AUTH-3, AUTH-4, wrong Referer, tampered
// form) and the cross-tenant rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

let srv, rx, owner, hostOwner, key, host, otherHost, app, appSecret;
let ticket, componentToken;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'provider' });
	const prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'hostowner' });
	key = hostApiKey(srv).key;
	host = await provisionHost(srv, key, { owner_email: hostOwner.email });
	otherHost = await provisionHost(srv, key, { owner_email: hostOwner.email });
	app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id] } });
	appSecret = app.app_secret;
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

const cgi = (name, body, token) =>
	srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, {
		raw: JSON.stringify(body), // SDKs send no Content-Type
	});

function push(rec) {
	return openPush(rec, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
}

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function sessionCookie(u) {
	return `kf_session=${u.token}`;
}

const REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

async function preAuthCode() {
	const r = await cgi('api_create_preauthcode', { component_appid: app.app_id }, componentToken);
	assert.equal(r.status, 200);
	assert.ok(r.body.pre_auth_code, JSON.stringify(r.body));
	assert.equal(r.body.expires_in, 600);
	return r.body.pre_auth_code;
}

function pageUrl(code, extra = '') {
	return `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(REDIRECT)}${extra}`;
}

async function openPage(code, { who = hostOwner, referer = REFERER, extra = '' } = {}) {
	return srv.req('GET', pageUrl(code, extra), { cookie: sessionCookie(who), headers: referer ? { Referer: referer } : {} });
}

async function submit(page, code, fields) {
	const form = new URLSearchParams({
		component_appid: app.app_id,
		pre_auth_code: code,
		redirect_uri: REDIRECT,
		step: 'consent',
		csrf_token: hidden(page.text, 'csrf_token'),
		data_scope: 'all',
		decision: 'confirm',
		...fields,
	});
	for (const s of fields.sets || [1, 3]) form.append('set', String(s));
	form.delete('sets');
	return srv.req('POST', '/cgi-bin/componentloginpage', {
		cookie: sessionCookie(hostOwner),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		raw: form.toString(),
	});
}

test('§6 the verify ticket arrives at the authorization receive URL, signed and encrypted', async () => {
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
	const { fields } = push(recs[0]);
	assert.equal(fields.InfoType, 'component_verify_ticket');
	assert.match(fields.ComponentVerifyTicket, /^ticket@@@/);
	ticket = fields.ComponentVerifyTicket;
});

test('§3 api_component_token: wrong secret 40125, bad ticket 61006, then a token', async () => {
	let r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: 'wrong', component_verify_ticket: ticket });
	assert.equal(r.body.errcode, 40125);
	assert.match(r.body.errmsg, /rid: [0-9a-f]+$/);
	assert.equal(r.headers.get('content-type'), 'application/json');
	r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: appSecret, component_verify_ticket: 'ticket@@@nope' });
	assert.equal(r.body.errcode, 61006);
	r = await cgi('api_component_token', { component_appid: 'kf0000000000000000', component_appsecret: appSecret, component_verify_ticket: ticket });
	assert.equal(r.body.errcode, 61011);
	r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: appSecret, component_verify_ticket: ticket });
	assert.equal(r.status, 200);
	assert.equal(r.body.expires_in, 7200);
	componentToken = r.body.component_access_token;
	assert.ok(componentToken);
	// both token parameter names are accepted (§2)
	const a = await srv.req('POST', `/cgi-bin/component/api_create_preauthcode?access_token=${componentToken}`, { raw: JSON.stringify({ component_appid: app.app_id }) });
	assert.ok(a.body.pre_auth_code);
	const bad = await cgi('api_create_preauthcode', { component_appid: app.app_id }, 'kfc_' + '0'.repeat(64));
	assert.equal(bad.body.errcode, 40001);
	const junk = await srv.req('POST', `/cgi-bin/component/api_create_preauthcode?access_token=${componentToken}`, { raw: 'not json' });
	assert.equal(junk.body.errcode, 47001);
});

let authCode, access, refresh;

test('AUTH-1 the consent page asks a signed-out owner to sign in, then shows the app, its developer and each set', async () => {
	const code = await preAuthCode();
	const out = await srv.req('GET', pageUrl(code), { headers: { Referer: REFERER, 'Accept-Language': 'en' } });
	assert.equal(out.status, 200);
	assert.match(out.headers.get('content-type'), /text\/html/);
	assert.match(out.text, /name="password"/);
	assert.ok(hidden(out.text, 'csrf_token'));
	// sign in through the page's own form
	const pre = /kf_pre=([0-9a-f]+)/.exec(out.headers.get('set-cookie'))[1];
	const form = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: code, redirect_uri: REDIRECT, step: 'signin', csrf_token: hidden(out.text, 'csrf_token'), login: hostOwner.email, password: hostOwner.password });
	const signed = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: `kf_pre=${pre}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en' }, raw: form.toString() });
	assert.equal(signed.status, 200, signed.text.slice(0, 400));
	assert.match(signed.headers.get('set-cookie'), /kf_session=kfs_/);
	assert.ok(signed.text.includes(app.sent.name), 'the app name is shown');
	assert.match(signed.text, /Messages|消息/);
	assert.ok(hidden(signed.text, 'csrf_token'));
	// a wrong password shows the form again with a message, nothing else
	const bad = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: `kf_pre=${pre}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: new URLSearchParams({ ...Object.fromEntries(form), password: 'wrong-password-x' }).toString() });
	assert.equal(bad.status, 401);
	assert.match(bad.text, /name="password"/);
});

test('§5 confirming redirects with the code, and the authorized event carries the same code', async () => {
	const code = await preAuthCode();
	const page = await openPage(code);
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const acct = new RegExp(`value="${host.id}"`).test(page.text);
	assert.ok(acct, 'the allowlisted host account is offered');
	const r = await submit(page, code, { account: String(host.id) });
	assert.equal(r.status, 302, r.text.slice(0, 300));
	const loc = new URL(r.headers.get('location'));
	assert.equal(loc.origin + loc.pathname, REDIRECT);
	authCode = loc.searchParams.get('auth_code');
	assert.equal(loc.searchParams.get('expires_in'), '600');
	const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { filter: (x) => push(x).fields.InfoType === 'authorized' });
	const f = push(ev[0]).fields;
	assert.equal(f.AuthorizerAppid, host.external_id);
	assert.equal(f.AuthorizationCode, authCode);
	assert.equal(f.PreAuthCode, code);
	assert.ok(Number(f.AuthorizationCodeExpiredTime) > Number(f.CreateTime));
	// AUTH-3: the pre-auth code is used up
	const again = await openPage(code);
	assert.match(again.text, /AUTH-3/);
});

test('§3 api_query_auth gives the authorizer tokens and func_info; GET /v1/authorizer accepts the token', async () => {
	const r = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: authCode }, componentToken);
	assert.equal(r.status, 200);
	const info = r.body.authorization_info;
	assert.ok(info, JSON.stringify(r.body));
	assert.equal(info.authorizer_appid, host.external_id);
	assert.equal(info.expires_in, 7200);
	assert.deepEqual(info.func_info.map((x) => x.funcscope_category.id).sort(), [1, 3]);
	access = info.authorizer_access_token;
	refresh = info.authorizer_refresh_token;
	const who = await srv.req('GET', '/v1/authorizer', { token: access });
	assertStatus(who, 200);
	assert.equal(who.body.authorizer_appid, host.external_id);
	assert.equal(who.body.app_id, app.app_id);
	assert.deepEqual(who.body.permission_sets.sort(), [1, 3]);
	const q = await srv.req('GET', `/v1/authorizer?access_token=${access}`);
	assertStatus(q, 200);
});

test('§3 refresh keeps the refresh token stable; info, list and options answer', async () => {
	const r = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: host.external_id, authorizer_refresh_token: refresh }, componentToken);
	assert.ok(r.body.authorizer_access_token, JSON.stringify(r.body));
	assert.equal(r.body.authorizer_refresh_token, refresh);
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: r.body.authorizer_access_token }), 200);
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: access }), 200, 'the earlier token stays valid until it expires');
	const bad = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: host.external_id, authorizer_refresh_token: 'kfr_nope' }, componentToken);
	assert.equal(bad.body.errcode, 61023);
	const info = await cgi('api_get_authorizer_info', { component_appid: app.app_id, authorizer_appid: host.external_id }, componentToken);
	assert.equal(info.body.authorizer_info.user_name, host.external_id);
	assert.equal(info.body.authorization_info.func_info.length, 2);
	const list = await cgi('api_get_authorizer_list', { component_appid: app.app_id, offset: 0, count: 100 }, componentToken);
	assert.equal(list.body.total_count, 1);
	assert.equal(list.body.list[0].authorizer_appid, host.external_id);
	const set = await cgi('api_set_authorizer_option', { component_appid: app.app_id, authorizer_appid: host.external_id, option_name: 'voice_recognize', option_value: '1' }, componentToken);
	assert.equal(set.body.errcode, 0);
	const get = await cgi('api_get_authorizer_option', { component_appid: app.app_id, authorizer_appid: host.external_id, option_name: 'voice_recognize' }, componentToken);
	assert.equal(get.body.option_value, '1');
	const none = await cgi('api_get_authorizer_info', { component_appid: app.app_id, authorizer_appid: otherHost.external_id }, componentToken);
	assert.equal(none.body.errcode, 61003);
});

test('AUTH-3 a replayed authorization code is refused and revokes what it issued', async () => {
	const r = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: authCode }, componentToken);
	assert.equal(r.body.errcode, 61009);
	const dead = await srv.req('GET', '/v1/authorizer', { token: access });
	assert.equal(dead.status, 401);
	assert.equal(dead.body.error.code, 'invalid_token');
});

test('APP-7 sets an app adds wait for the owner: tokens keep the old grant, re-consent pushes updateauthorized', async () => {
	// a fresh grant of sets 1 and 3
	let code = await preAuthCode();
	let r = await submit(await openPage(code), code, { account: String(host.id) });
	assert.equal(r.status, 302);
	let q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: new URL(r.headers.get('location')).searchParams.get('auth_code') }, componentToken);
	const tok = q.body.authorization_info.authorizer_access_token;
	assert.deepEqual((await srv.req('GET', '/v1/authorizer', { token: tok })).body.pending_permission_sets, []);
	// the app adds the optional set 2 and puts it live
	const p = await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { permission_sets: [1, 3, 2] } });
	assertStatus(p, 200);
	assertStatus(await srv.req('POST', `/v1/apps/${app.app_id}/configs:activate`, { token: owner.token }), 200);
	const who = await srv.req('GET', '/v1/authorizer', { token: tok });
	assertStatus(who, 200);
	assert.deepEqual(who.body.permission_sets.sort(), [1, 3], 'the new set is not granted without consent');
	assert.deepEqual(who.body.pending_permission_sets, [2]);
	// the owner re-consents including set 2: updateauthorized, and the grant grows
	const before = rx.on(pathOf(app.sent.dev.auth_receive_url)).length;
	code = await preAuthCode();
	const page = await openPage(code);
	assert.match(page.text, /name="set"[^>]*value="2"|value="2"[^>]*name="set"/);
	r = await submit(page, code, { account: String(host.id), sets: [1, 3, 2] });
	assert.equal(r.status, 302);
	const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), before + 1, { filter: () => true });
	assert.ok(ev.slice(before).some((x) => push(x).fields.InfoType === 'updateauthorized'), 'updateauthorized pushed');
	q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: new URL(r.headers.get('location')).searchParams.get('auth_code') }, componentToken);
	assert.deepEqual(q.body.authorization_info.func_info.map((x) => x.funcscope_category.id).sort(), [1, 2, 3]);
	const after = await srv.req('GET', '/v1/authorizer', { token: q.body.authorization_info.authorizer_access_token });
	assert.deepEqual(after.body.pending_permission_sets, []);
});

test('AUTH-2 the owner revokes: tokens die at once and the unauthorized event is pushed', async () => {
	// authorize again to get live tokens
	const code = await preAuthCode();
	const page = await openPage(code);
	const r = await submit(page, code, { account: String(host.id) });
	assert.equal(r.status, 302);
	const c2 = new URL(r.headers.get('location')).searchParams.get('auth_code');
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: c2 }, componentToken);
	const tok = q.body.authorization_info.authorizer_access_token;
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: tok }), 200);
	// a second process on the same database has the check cached too
	const other = await startServer({ dataDir: srv.dataDir, args: ['--role', 'api'], admin: false });
	try {
		assertStatus(await other.req('GET', '/v1/authorizer', { token: tok }), 200);
		await revokeAndCheck(tok, other);
	} finally {
		await other.stop({ keepDir: true });
	}
	const refreshDead = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: host.external_id, authorizer_refresh_token: q.body.authorization_info.authorizer_refresh_token }, componentToken);
	assert.equal(refreshDead.body.errcode, 61003);
});

async function revokeAndCheck(tok, other) {
	const list = await srv.req('GET', `/v1/host-accounts/${host.id}/authorizations`, { token: hostOwner.token });
	assertStatus(list, 200);
	assert.equal(list.body.items[0].app_id, app.app_id);
	// someone else cannot revoke it
	const stranger = await registerUser(srv, { tag: 'stranger' });
	const no = await srv.req('DELETE', `/v1/host-accounts/${host.id}/authorizations/${app.app_id}`, { token: stranger.token });
	assert.equal(no.status, 404);
	const del = await srv.req('DELETE', `/v1/host-accounts/${host.id}/authorizations/${app.app_id}`, { token: hostOwner.token });
	assert.equal(del.status, 204);
	const revokedAt = Date.now();
	const dead = await srv.req('GET', '/v1/authorizer', { token: tok });
	assert.equal(dead.status, 401, 'at once in the process that revoked');
	// within a second in the other process
	let status;
	while (Date.now() - revokedAt < 3000) {
		status = (await other.req('GET', '/v1/authorizer', { token: tok })).status;
		if (status === 401) break;
		await new Promise((res) => setTimeout(res, 50));
	}
	assert.equal(status, 401);
	assert.ok(Date.now() - revokedAt <= 1500, `seen by the other process after ${Date.now() - revokedAt} ms`);
	const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { filter: (x) => push(x).fields.InfoType === 'unauthorized' });
	assert.equal(push(ev[0]).fields.AuthorizerAppid, host.external_id);
}

test('AUTH-4 before release only test-allowlisted host accounts may authorize', async () => {
	const code = await preAuthCode();
	const page = await openPage(code);
	const r = await submit(page, code, { account: String(otherHost.id) });
	assert.equal(r.status, 403);
	assert.match(r.text, /AUTH-4/);
});

test('the page must be reached from the authorization-initiation domain; a tampered form is refused', async () => {
	const code = await preAuthCode();
	const noRef = await openPage(code, { referer: null });
	assert.ok(noRef.status >= 400);
	assert.match(noRef.text, /APP-4/);
	const evil = await openPage(code, { referer: 'https://evil.example.net/x' });
	assert.match(evil.text, /APP-4/);
	const page = await openPage(code);
	const tampered = await submit(page, code, { account: String(host.id), csrf_token: hidden(page.text, 'csrf_token').replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) });
	assert.ok(tampered.status >= 400);
	assert.match(tampered.text, /AUTH-1/);
	const bad = await srv.req('GET', `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=preauthcode@@@nope&redirect_uri=${encodeURIComponent(REDIRECT)}`, { cookie: sessionCookie(hostOwner), headers: { Referer: REFERER } });
	assert.match(bad.text, /AUTH-3/);
	const off = await srv.req('GET', `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent('https://evil.example.net/cb')}`, { cookie: sessionCookie(hostOwner), headers: { Referer: REFERER } });
	assert.match(off.text, /APP-4/);
});

test('cross-tenant: a token of app A never works for an authorizer that only authorized app B', async () => {
	await waitFor(async () => true);
	const tokOfNobody = 'kfa_' + 'f'.repeat(64);
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: tokOfNobody })).status, 401);
	// app A's component token cannot read app B's authorizer
	const none = await cgi('api_get_authorizer_info', { component_appid: app.app_id, authorizer_appid: 'ext-unknown' }, componentToken);
	assert.equal(none.body.errcode, 61003);
	// and the component token of A is refused for another app id
	const other = await cgi('api_create_preauthcode', { component_appid: 'kf0000000000000001' }, componentToken);
	assert.ok([61011, 40013].includes(other.body.errcode));
});

test('AUTH-3 an expired pre-auth code is refused on the page', async () => {
	const code = await preAuthCode();
	await srv.advance(601);
	const page = await openPage(code);
	assert.match(page.text, /AUTH-3/);
	assert.ok(page.status >= 400);
	// the component token lives 7200 s: get a fresh one for what follows
	await srv.advance(7200);
	const fresh = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { filter: (x) => push(x).fields.InfoType === 'component_verify_ticket' && push(x).fields.ComponentVerifyTicket !== ticket, timeout: PUSH_WAIT_MS });
	ticket = push(fresh[fresh.length - 1]).fields.ComponentVerifyTicket;
	const r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: appSecret, component_verify_ticket: ticket });
	componentToken = r.body.component_access_token;
	assert.ok(componentToken, JSON.stringify(r.body));
});

test('AUTH-5 a suspended app cannot be authorized; APP-10 a self-use app only by its own provider\'s accounts', async () => {
	const code = await preAuthCode();
	srv.sql(`UPDATE apps SET state = 'suspended' WHERE app_id = '${app.app_id}'`);
	try {
		const page = await openPage(code);
		assert.match(page.text, /AUTH-5/);
		assert.ok(page.status >= 400);
	} finally {
		srv.sql(`UPDATE apps SET state = 'developing' WHERE app_id = '${app.app_id}'`);
	}
	// a self-use app of the same provider, with the host on its test allowlist
	const prov = srv.sql(`SELECT provider_id FROM apps WHERE app_id = '${app.app_id}'`)[0].provider_id;
	const selfUse = await developingApp(srv, owner, prov, rx, { audience: 'self_use', dev: { test_allowlist: [host.id] } });
	const t = await cgi('api_component_token', { component_appid: selfUse.app_id, component_appsecret: selfUse.app_secret, component_verify_ticket: 'none' });
	assert.equal(t.body.errcode, 61006, 'no ticket yet');
	const recs = await rx.waitFor(pathOf(selfUse.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
	const tk = openPush(recs[0], { token: selfUse.sent.dev.message_token, aesKey: selfUse.sent.dev.aes_key, appId: selfUse.app_id }).fields.ComponentVerifyTicket;
	const tok = (await cgi('api_component_token', { component_appid: selfUse.app_id, component_appsecret: selfUse.app_secret, component_verify_ticket: tk })).body.component_access_token;
	const pre = (await cgi('api_create_preauthcode', { component_appid: selfUse.app_id }, tok)).body.pre_auth_code;
	const url = `/cgi-bin/componentloginpage?component_appid=${selfUse.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(REDIRECT)}`;
	const page = await srv.req('GET', url, { cookie: sessionCookie(hostOwner), headers: { Referer: REFERER } });
	assert.equal(page.status, 200);
	const form = new URLSearchParams({ component_appid: selfUse.app_id, pre_auth_code: pre, redirect_uri: REDIRECT, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: sessionCookie(hostOwner), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 403);
	assert.match(r.text, /APP-10/);
});

test('cross-tenant: app A\'s tokens and calls never reach an authorizer that only authorized app B of another provider', async () => {
	// provider Y with app B, authorized by a second host account
	const ownerY = await registerUser(srv, { tag: 'providerY' });
	const provY = await appProvider(srv, ownerY);
	const hostB = await provisionHost(srv, key, { owner_email: hostOwner.email });
	const appB = await developingApp(srv, ownerY, provY.id, rx, { dev: { test_allowlist: [hostB.id] } });
	const recs = await rx.waitFor(pathOf(appB.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
	const tkB = openPush(recs[0], { token: appB.sent.dev.message_token, aesKey: appB.sent.dev.aes_key, appId: appB.app_id }).fields.ComponentVerifyTicket;
	const tokB = (await cgi('api_component_token', { component_appid: appB.app_id, component_appsecret: appB.app_secret, component_verify_ticket: tkB })).body.component_access_token;
	const pre = (await cgi('api_create_preauthcode', { component_appid: appB.app_id }, tokB)).body.pre_auth_code;
	const url = `/cgi-bin/componentloginpage?component_appid=${appB.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(REDIRECT)}`;
	const page = await srv.req('GET', url, { cookie: sessionCookie(hostOwner), headers: { Referer: REFERER } });
	const form = new URLSearchParams({ component_appid: appB.app_id, pre_auth_code: pre, redirect_uri: REDIRECT, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(hostB.id), data_scope: 'all', decision: 'confirm' });
	form.append('set', '1');
	form.append('set', '3');
	const done = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: sessionCookie(hostOwner), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(done.status, 302);
	const codeB = new URL(done.headers.get('location')).searchParams.get('auth_code');
	// app A's component token cannot redeem B's code, read B's authorizer, or act as B
	assert.equal((await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: codeB }, componentToken)).body.errcode, 61009);
	assert.equal((await cgi('api_get_authorizer_info', { component_appid: app.app_id, authorizer_appid: hostB.external_id }, componentToken)).body.errcode, 61003);
	assert.equal((await cgi('api_create_preauthcode', { component_appid: appB.app_id }, componentToken)).body.errcode, 40013);
	// B redeems its own code; B's authorizer token names B and hostB only
	const q = await cgi('api_query_auth', { component_appid: appB.app_id, authorization_code: codeB }, tokB);
	const whoB = await srv.req('GET', '/v1/authorizer', { token: q.body.authorization_info.authorizer_access_token });
	assert.equal(whoB.body.app_id, appB.app_id);
	assert.equal(whoB.body.authorizer_appid, hostB.external_id);
	// B's refresh token is useless to A
	const steal = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: hostB.external_id, authorizer_refresh_token: q.body.authorization_info.authorizer_refresh_token }, componentToken);
	assert.equal(steal.body.errcode, 61003);
	// provider X (owner of app A) cannot see or revoke hostB's authorizations
	assert.equal((await srv.req('GET', `/v1/host-accounts/${hostB.id}/authorizations`, { token: owner.token })).status, 404);
	assert.equal((await srv.req('DELETE', `/v1/host-accounts/${hostB.id}/authorizations/${appB.app_id}`, { token: owner.token })).status, 404);
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: q.body.authorization_info.authorizer_access_token })).status, 200);
});
