// Issue 9, defects 3 to 6: cutting off what leaked or ended, played as an
// attacker or an operator would through the API. A leaked secret must die
// with an emergency rotation (3); a deleted host account takes its grants
// along (4); an operator's emergency stop ends an app's tokens and codes and
// holds its pushes until lifted (5); /oauth/token applies the component
// API's own checks, IP allowlist and verify ticket (6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, assertError, adminToken, operator, certifiedProvider } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from './helpers/apps.mjs';

const REDIRECT = 'https://auth.example.com/oauth/callback';
const COMPONENT_REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

let srv, rx, owner, prov, hostOwner, hostKey, admin;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '300s' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'revprov' });
	prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'revhost' });
	hostKey = hostApiKey(srv).key;
	admin = await adminToken(srv);
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

const cgi = (name, body, token) =>
	srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });

const basic = (id, secret) => ({ Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

function oauth(path, fields, headers = {}) {
	return srv.req('POST', path, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, raw: new URLSearchParams(fields).toString() });
}

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

const cookie = () => `kf_session=${hostOwner.token}`;

function pushOf(app, rec) {
	return openPush(rec, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
}

/** Pushes of one InfoType received for the app. */
function pushes(app, infoType) {
	return rx.on(pathOf(app.sent.dev.auth_receive_url)).filter((x) => pushOf(app, x).fields.InfoType === infoType);
}

/** The newest verify ticket pushed to the app (waits for the first). */
async function ticketOf(app, { exclude = [] } = {}) {
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, {
		timeout: 20000,
		filter: (x) => pushOf(app, x).fields.InfoType === 'component_verify_ticket' && !exclude.includes(pushOf(app, x).fields.ComponentVerifyTicket),
	});
	return pushOf(app, recs[recs.length - 1]).fields.ComponentVerifyTicket;
}

async function componentToken(app, ticket) {
	const r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	assert.ok(r.body.component_access_token, JSON.stringify(r.body));
	return r.body.component_access_token;
}

/** Authorize the app for host through the component flow; returns the authorizer tokens. */
async function componentAuthorize(app, ctoken, host) {
	const pre = (await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.pre_auth_code;
	assert.ok(pre);
	const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(COMPONENT_REDIRECT)}`;
	const page = await srv.req('GET', url, { cookie: cookie(), headers: { Referer: REFERER } });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const form = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: pre, redirect_uri: COMPONENT_REDIRECT, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: cookie(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 302, r.text.slice(0, 300));
	const code = new URL(r.headers.get('location')).searchParams.get('auth_code');
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctoken);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
	return { access: q.body.authorization_info.authorizer_access_token, refresh: q.body.authorization_info.authorizer_refresh_token };
}

/** Authorize the app for host through /oauth/authorize with PKCE; returns {access_token, refresh_token}. */
async function oauthAuthorize(app, host) {
	const verifier = crypto.randomBytes(32).toString('base64url');
	const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
	const params = { response_type: 'code', client_id: app.app_id, redirect_uri: REDIRECT, scope: 'messages account', state: 'st', code_challenge: challenge, code_challenge_method: 'S256' };
	const page = await srv.req('GET', `/oauth/authorize?${new URLSearchParams(params)}`, { cookie: cookie() });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const form = new URLSearchParams(params);
	form.append('step', 'consent');
	form.append('csrf_token', hidden(page.text, 'csrf_token'));
	form.append('account', String(host.id));
	form.append('data_scope', 'all');
	form.append('decision', 'confirm');
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/oauth/authorize', { cookie: cookie(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 302, r.text.slice(0, 300));
	const code = new URL(r.headers.get('location')).searchParams.get('code');
	const t = await oauth('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, basic(app.app_id, app.app_secret));
	assertStatus(t, 200, 'code exchange');
	return t.body;
}

const introspect = (app, token) => oauth('/oauth/introspect', { token }, basic(app.app_id, app.app_secret));

let provApps = 0;
/** A developing app (of a provider with room left, APP-1), with its owner as .owner. */
async function newApp(over = {}, host) {
	if (provApps === 5) {
		owner = await registerUser(srv, { tag: 'revprov' });
		prov = await appProvider(srv, owner);
		provApps = 0;
	}
	provApps += 1;
	const dev = { redirect_uris: [REDIRECT], ...(host ? { test_allowlist: [].concat(host).map((h) => h.id) } : {}), ...(over.dev || {}) };
	return { ...(await developingApp(srv, owner, prov.id, rx, { ...over, dev })), owner };
}

test('issue 9 defect 3: an emergency rotation (grace 0) cuts off every earlier secret, also one still in a 24-hour grace (APP-10)', async () => {
	const app = await newApp();
	const ticket = await ticketOf(app);
	const first = app.app_secret;
	const r1 = await srv.req('POST', `/v1/apps/${app.app_id}/secret:rotate`, { token: app.owner.token, body: { grace_seconds: 86400 } });
	assertStatus(r1, 200, 'rotate with 24 h grace');
	const second = r1.body.app_secret;
	// during the 24-hour grace both work, as documented
	assert.ok((await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: first, component_verify_ticket: ticket })).body.component_access_token);
	const r2 = await srv.req('POST', `/v1/apps/${app.app_id}/secret:rotate`, { token: app.owner.token, body: { grace_seconds: 0 } });
	assertStatus(r2, 200, 'emergency rotation');
	const third = r2.body.app_secret;
	for (const [name, secret] of [['first (leaked)', first], ['second', second]]) {
		const c = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: secret, component_verify_ticket: ticket });
		assert.equal(c.body.errcode, 40125, `${name} secret at api_component_token: ${JSON.stringify(c.body)}`);
		const o = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: ticket }, basic(app.app_id, secret));
		assert.equal(o.status, 401, `${name} secret at /oauth/token: ${o.text}`);
		assert.equal(o.body.error, 'invalid_client');
	}
	const ok = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: third, component_verify_ticket: ticket });
	assert.ok(ok.body.component_access_token, JSON.stringify(ok.body));
	const cc = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: ticket }, basic(app.app_id, third));
	assertStatus(cc, 200, 'newest secret at /oauth/token');
	assert.ok(cc.body.access_token);
	// a rotation with grace leaves only the previous secret in grace
	const r3 = await srv.req('POST', `/v1/apps/${app.app_id}/secret:rotate`, { token: app.owner.token, body: { grace_seconds: 3600 } });
	const r4 = await srv.req('POST', `/v1/apps/${app.app_id}/secret:rotate`, { token: app.owner.token, body: { grace_seconds: 3600 } });
	assertStatus(r4, 200);
	const gone = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: third, component_verify_ticket: ticket });
	assert.equal(gone.body.errcode, 40125, 'two rotations back is no longer in grace');
	const prev = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: r3.body.app_secret, component_verify_ticket: ticket });
	assert.ok(prev.body.component_access_token, 'the previous secret keeps its grace');
});

test('issue 9 defect 4: deleting a host account revokes its grants and tells each app (AUTH-2, DATA-3)', async () => {
	const host = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const oauthApp = await newApp({}, host);
	const compApp = await newApp({}, host);
	const oauthTokens = await oauthAuthorize(oauthApp, host);
	const ctoken = await componentToken(compApp, await ticketOf(compApp));
	const auth = await componentAuthorize(compApp, ctoken, host);
	assert.equal((await introspect(oauthApp, oauthTokens.access_token)).body.active, true);
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: auth.access }), 200);

	const del = await srv.req('DELETE', `/v1/host-accounts/${host.id}`, { token: hostKey });
	assert.equal(del.status, 204, del.text);

	assert.equal((await introspect(oauthApp, oauthTokens.access_token)).body.active, false, 'OAuth access token after the delete');
	assert.equal((await introspect(oauthApp, oauthTokens.refresh_token)).body.active, false, 'OAuth refresh token after the delete');
	const refreshed = await oauth('/oauth/token', { grant_type: 'refresh_token', refresh_token: oauthTokens.refresh_token }, basic(oauthApp.app_id, oauthApp.app_secret));
	assert.equal(refreshed.status, 400, refreshed.text);
	assert.equal(refreshed.body.error, 'invalid_grant');
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: auth.access })).status, 401, 'authorizer access token');
	const ar = await cgi('api_authorizer_token', { component_appid: compApp.app_id, authorizer_appid: host.external_id, authorizer_refresh_token: auth.refresh }, ctoken);
	assert.ok(!ar.body.authorizer_access_token && ar.body.errcode, `authorizer refresh: ${JSON.stringify(ar.body)}`);
	// every authorization is revoked in the database, not just hidden
	const live = srv.sql(`SELECT COUNT(*) AS n FROM authorizations WHERE host_account = ${host.id} AND state = 'active'`)[0].n;
	assert.equal(live, 0);
	// both apps hear it, with the id they know the account by
	for (const app of [oauthApp, compApp]) {
		const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS, filter: (x) => pushOf(app, x).fields.InfoType === 'unauthorized' });
		assert.equal(pushOf(app, ev[0]).fields.AuthorizerAppid, host.external_id, app.app_id);
	}
});

test('issue 9 defect 5: suspending an app ends its tokens and codes, refuses it everywhere, holds its pushes; lifting restores it (AUTH-5)', async () => {
	const hostA = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const hostB = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const app = await newApp({}, [hostA, hostB]);
	const ticket = await ticketOf(app);
	const ctoken = await componentToken(app, ticket);
	const auth = await componentAuthorize(app, ctoken, hostA);
	const oauthTokens = await oauthAuthorize(app, hostB);
	const cc = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: ticket }, basic(app.app_id, app.app_secret));
	assertStatus(cc, 200, 'client_credentials before');
	const pre = (await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.pre_auth_code;
	assert.ok(pre);

	// only an operator admin may suspend
	const reviewerOp = await operator(srv, 'reviewer');
	const body = { reason: 'Data leak under investigation', rule: 'GOV-7' };
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: reviewerOp.token, body }), 403, 'admin_required');
	const provNo = await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: app.owner.token, body });
	assert.equal(provNo.status, 403, provNo.text);
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: admin, body: { reason: 'x' } }), 400, 'missing_field');
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: admin, body: { reason: 'x', rule: 'whatever' } }), 400, 'invalid_rule');
	assert.equal(srv.sql(`SELECT state FROM apps WHERE app_id = '${app.app_id}'`)[0].state, 'developing', 'refusals change nothing');

	const s = await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: admin, body });
	assertStatus(s, 200, 'suspend');
	assert.equal(s.body.state, 'suspended');
	assert.equal(s.body.suspended_from, 'developing');
	assert.equal(s.body.rule, 'GOV-7');
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: admin, body }), 409, 'already_suspended');

	// existing tokens are dead
	assert.equal((await introspect(app, oauthTokens.access_token)).body.active, false, 'OAuth access token introspects inactive');
	assert.equal((await introspect(app, cc.body.access_token)).body.active, false, 'client_credentials token introspects inactive');
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: auth.access })).status, 401, 'authorizer token at the gateway');
	// no new ones on either front door, for any grant
	const rf = await oauth('/oauth/token', { grant_type: 'refresh_token', refresh_token: oauthTokens.refresh_token }, basic(app.app_id, app.app_secret));
	assert.equal(rf.status, 400, rf.text);
	assert.equal(rf.body.error, 'unauthorized_client');
	assert.match(rf.body.error_description, /AUTH-5/);
	const cc2 = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: ticket }, basic(app.app_id, app.app_secret));
	assert.equal(cc2.status, 400, cc2.text);
	assert.equal(cc2.body.error, 'unauthorized_client');
	const ct = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	assert.equal(ct.body.errcode, 48001, JSON.stringify(ct.body));
	assert.match(ct.body.errmsg, /suspended/);
	assert.equal((await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.errcode, 48001);
	const ar = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: hostA.external_id, authorizer_refresh_token: auth.refresh }, ctoken);
	assert.equal(ar.body.errcode, 48001);
	// the consent page refuses, naming AUTH-5
	const page = await srv.req('GET', `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(COMPONENT_REDIRECT)}`, { cookie: cookie(), headers: { Referer: REFERER } });
	assert.ok(page.status >= 400, `consent page ${page.status}`);
	assert.match(page.text, /AUTH-5/);
	// every token and unused code is revoked in the database
	const db = srv.sql(`SELECT (SELECT COUNT(*) FROM tokens t JOIN apps a ON a.id = t.app WHERE a.app_id = '${app.app_id}' AND t.revoked_at IS NULL) AS tokens,
		(SELECT COUNT(*) FROM codes c JOIN apps a ON a.id = c.app WHERE a.app_id = '${app.app_id}' AND c.used_at IS NULL) AS codes,
		(SELECT COUNT(*) FROM authorizations z JOIN apps a ON a.id = z.app WHERE a.app_id = '${app.app_id}' AND z.state = 'active') AS authz`)[0];
	assert.deepEqual(db, { tokens: 0, codes: 0, authz: 2 }, 'tokens and codes end; authorizations stay');

	// no push reaches a suspended app: an event raised now is held
	const before = pushes(app, 'unauthorized').length;
	assertStatus(await srv.req('DELETE', `/v1/host-accounts/${hostB.id}/authorizations/${app.app_id}`, { token: hostOwner.token }), 204);
	await new Promise((r) => setTimeout(r, 2500));
	assert.equal(pushes(app, 'unauthorized').length, before, 'no push while suspended');
	const held = srv.sql(`SELECT o.state, o.attempts FROM outbox o JOIN apps a ON a.id = o.app WHERE a.app_id = '${app.app_id}' AND o.kind = 'unauthorized'`);
	assert.deepEqual(held, [{ state: 'pending', attempts: 0 }], 'held, not lost');

	// the provider was told, in the inbox and by email
	const inbox = await srv.req('GET', '/v1/inbox', { token: app.owner.token });
	assert.ok(inbox.body.items.some((m) => /suspended/i.test(`${m.title} ${m.body}`) && (m.body ?? '').includes('GOV-7')), JSON.stringify(inbox.body.items.slice(0, 2)));
	assert.match(await srv.readMail(app.owner.email, { match: /suspended the app/ }), /Data leak under investigation/);
	const audit = srv.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'app.suspend'`);
	assert.ok(audit[0].n >= 1);

	// lifting: back to developing, held event delivered, new tokens work
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/unsuspend`, { token: reviewerOp.token }), 403, 'admin_required');
	const seenTickets = pushes(app, 'component_verify_ticket').map((x) => pushOf(app, x).fields.ComponentVerifyTicket);
	const u = await srv.req('POST', `/v1/apps/${app.app_id}/unsuspend`, { token: admin, body: { reason: 'Investigation closed' } });
	assertStatus(u, 200, 'unsuspend');
	assert.equal(u.body.state, 'developing');
	assertError(await srv.req('POST', `/v1/apps/${app.app_id}/unsuspend`, { token: admin }), 409, 'not_suspended');
	const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), before + 1, { timeout: PUSH_WAIT_MS, filter: (x) => pushOf(app, x).fields.InfoType === 'unauthorized' });
	assert.equal(pushOf(app, ev[ev.length - 1]).fields.AuthorizerAppid, hostB.external_id);
	const fresh = await ticketOf(app, { exclude: seenTickets });
	const ctoken2 = await componentToken(app, fresh);
	assert.ok((await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken2)).body.pre_auth_code);
	const cc3 = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: fresh }, basic(app.app_id, app.app_secret));
	assertStatus(cc3, 200, 'client_credentials after lifting');
	// the authorization kept through the suspension still stands; the old tokens stay dead
	const list = await srv.req('GET', `/v1/host-accounts/${hostA.id}/authorizations`, { token: hostOwner.token });
	assert.equal(list.body.items.find((z) => z.app_id === app.app_id)?.state, 'active');
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: auth.access })).status, 401);
	// without the owner: a fresh code in an updateauthorized event gives new authorizer tokens
	const upd = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS, filter: (x) => pushOf(app, x).fields.InfoType === 'updateauthorized' });
	const f = pushOf(app, upd[upd.length - 1]).fields;
	assert.equal(f.AuthorizerAppid, hostA.external_id);
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: f.AuthorizationCode }, ctoken2);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: q.body.authorization_info.authorizer_access_token }), 200, 'new authorizer token');
	assert.equal(pushes(app, 'updateauthorized').length, 1, 'only the kept authorization (hostB revoked meanwhile) gets a code');
});

test('issue 9 defect 5: a ban with suspend_apps suspends all of the provider\'s apps in the same step (GOV-7, AUTH-5)', async () => {
	const o2 = await registerUser(srv, { tag: 'banprov' });
	const p2 = await appProvider(srv, o2);
	const a1 = await developingApp(srv, o2, p2.id, rx);
	const a2 = await developingApp(srv, o2, p2.id, rx);
	const t1 = await ticketOf(a1);
	await componentToken(a1, t1);
	const r = await srv.req('POST', `/v1/providers/${p2.id}/ban`, { token: admin, body: { reason: 'Fraudulent apps', suspend_apps: true } });
	assertStatus(r, 200, 'ban');
	assert.equal(r.body.state, 'banned');
	for (const a of [a1, a2]) {
		const row = srv.sql(`SELECT state, suspended_from, suspension_rule FROM apps WHERE app_id = '${a.app_id}'`)[0];
		assert.deepEqual(row, { state: 'suspended', suspended_from: 'developing', suspension_rule: 'GOV-7' }, a.app_id);
	}
	const ct = await cgi('api_component_token', { component_appid: a1.app_id, component_appsecret: a1.app_secret, component_verify_ticket: t1 });
	assert.equal(ct.body.errcode, 48001);
	const tokens = srv.sql(`SELECT COUNT(*) AS n FROM tokens t JOIN apps a ON a.id = t.app WHERE a.app_id = '${a1.app_id}' AND t.revoked_at IS NULL`)[0].n;
	assert.equal(tokens, 0);
	// reverification takes no such field
	assertError(await srv.req('POST', `/v1/providers/${prov.id}/reverification`, { token: admin, body: { reason: 'x', suspend_apps: true } }), 400, 'unknown_field');
});

test('issue 9 defect 6: /oauth/token applies the IP allowlist to every grant, with the component door\'s error (APP-4)', async () => {
	const host = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const app = await newApp({ dev: { ip_allowlist: ['10.0.0.0/8'] } }, host);
	const ticket = await ticketOf(app);
	const comp = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	assert.equal(comp.body.errcode, 61004);
	assert.match(comp.body.errmsg, /access clientip is not registered/);
	const grants = [
		{ grant_type: 'client_credentials', component_verify_ticket: ticket },
		{ grant_type: 'authorization_code', code: 'kfoc_' + 'A'.repeat(43), redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) },
		{ grant_type: 'refresh_token', refresh_token: 'kfor_' + 'A'.repeat(43) },
	];
	for (const g of grants) {
		const r = await oauth('/oauth/token', g, basic(app.app_id, app.app_secret));
		assert.equal(r.status, 400, `${g.grant_type}: ${r.text}`);
		assert.equal(r.body.error, 'unauthorized_client', g.grant_type);
		assert.match(r.body.error_description, /access clientip is not registered/, g.grant_type);
		assert.match(r.body.error_description, /APP-4/, g.grant_type);
	}
	// a wrong secret from outside the allowlist learns nothing about the secret either
	const wrong = await oauth('/oauth/token', grants[0], basic(app.app_id, 'wrong'));
	assert.equal(wrong.body.error, 'unauthorized_client');
});

test('issue 9 defect 6: client_credentials needs the current verify ticket, like api_component_token', async () => {
	const app = await newApp();
	const ticket = await ticketOf(app);
	const none = await oauth('/oauth/token', { grant_type: 'client_credentials' }, basic(app.app_id, app.app_secret));
	assert.equal(none.status, 400, none.text);
	assert.equal(none.body.error, 'invalid_request');
	assert.match(none.body.error_description, /component_verify_ticket/);
	const made = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: 'ticket@@@' + 'x'.repeat(86) }, basic(app.app_id, app.app_secret));
	assert.equal(made.status, 400, made.text);
	assert.equal(made.body.error, 'invalid_grant');
	// a ticket two newer ones replaced is refused on both doors alike
	await srv.req('POST', '/cgi-bin/component/api_start_push_ticket', { raw: JSON.stringify({ component_appid: app.app_id, component_secret: app.app_secret }) });
	const t2 = await ticketOf(app, { exclude: [ticket] });
	await srv.req('POST', '/cgi-bin/component/api_start_push_ticket', { raw: JSON.stringify({ component_appid: app.app_id, component_secret: app.app_secret }) });
	const t3 = await ticketOf(app, { exclude: [ticket, t2] });
	const compOld = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	assert.equal(compOld.body.errcode, 61006);
	const old = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: ticket }, basic(app.app_id, app.app_secret));
	assert.equal(old.status, 400, old.text);
	assert.equal(old.body.error, 'invalid_grant');
	assert.match(old.body.error_description, /component ticket is invalid/);
	const ok = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: t3 }, basic(app.app_id, app.app_secret));
	assertStatus(ok, 200, 'a current ticket');
	assert.ok(ok.body.access_token);
	// a ticket older than 12 h is stale on both doors
	await srv.advance(43201);
	const compStale = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: t3 });
	assert.equal(compStale.body.errcode, 61005);
	const stale = await oauth('/oauth/token', { grant_type: 'client_credentials', component_verify_ticket: t3 }, basic(app.app_id, app.app_secret));
	assert.equal(stale.status, 400, stale.text);
	assert.equal(stale.body.error, 'invalid_grant');
	assert.match(stale.body.error_description, /component ticket is expired/);
});
