// Issue 13, governance: the further measures of GOV-7 with their effects at
// the doors, their timers (the worker starts and ends them, GOV-6 notices),
// the operator's list, and the provider's withdrawal of an app (GOV-2):
// no new installs, existing installs, renewals and expansions go on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, assertError, operator } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, createApp, appBody, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

const COMPONENT_REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

let srv, rx, hostOwner, hostKey, ops;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '300s', KAIFANG_SESSION_TTL: '366d', KAIFANG_OPERATOR_IDLE_TIMEOUT: '366d' } });
	rx = await startReceiver();
	hostOwner = await registerUser(srv, { tag: 'measurehost' });
	hostKey = hostApiKey(srv).key;
	ops = await operator(srv, 'ops');
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

const cgi = (name, body, token) =>
	srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

const cookie = () => `kf_session=${hostOwner.token}`;
const pushOf = (app, rec) => openPush(rec, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
const text = (html) => html.replace(/<style>[^]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600);

const tickets = (app) => rx.on(pathOf(app.sent.dev.auth_receive_url)).map((x) => pushOf(app, x).fields).filter((f) => f.InfoType === 'component_verify_ticket').map((f) => f.ComponentVerifyTicket);

async function ticketOf(app, { exclude = [] } = {}) {
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, {
		timeout: 20000, filter: (x) => pushOf(app, x).fields.InfoType === 'component_verify_ticket' && !exclude.includes(pushOf(app, x).fields.ComponentVerifyTicket),
	});
	return pushOf(app, recs[recs.length - 1]).fields.ComponentVerifyTicket;
}

const componentTokenCall = (app, ticket) =>
	cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });

/** Confirm the consent page for host with the sets; returns the POST's answer. */
async function consent(app, ctoken, host, sets = ['1', '3']) {
	const pre = (await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.pre_auth_code;
	assert.ok(pre);
	const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(COMPONENT_REDIRECT)}`;
	const page = await srv.req('GET', url, { cookie: cookie(), headers: { Referer: REFERER } });
	assert.equal(page.status, 200, text(page.text));
	const form = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: pre, redirect_uri: COMPONENT_REDIRECT, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
	for (const s of sets) form.append('set', s);
	return srv.req('POST', '/cgi-bin/componentloginpage', { cookie: cookie(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
}

async function authorize(app, ctoken, host, sets) {
	const r = await consent(app, ctoken, host, sets);
	assert.equal(r.status, 302, text(r.text));
	const code = new URL(r.headers.get('location')).searchParams.get('auth_code');
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctoken);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
	return { access: q.body.authorization_info.authorizer_access_token, refresh: q.body.authorization_info.authorizer_refresh_token };
}

/** A released app of a new provider, authorized for one host account (hostA); hostB has not installed it. */
async function installedApp(tag) {
	const owner = await registerUser(srv, { tag });
	const prov = await appProvider(srv, owner);
	const hostA = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const hostB = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const app = { ...(await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [hostA.id, hostB.id] } })), owner };
	const ticket = await ticketOf(app);
	const ctoken = (await componentTokenCall(app, ticket)).body.component_access_token;
	assert.ok(ctoken);
	const auth = await authorize(app, ctoken, hostA, ['1', '3']);
	srv.sql(`UPDATE apps SET state = 'released' WHERE app_id = '${app.app_id}'`);
	return { app, owner, prov, hostA, hostB, ticket, ctoken, auth };
}

const refresh = (x) => cgi('api_authorizer_token', { component_appid: x.app.app_id, authorizer_appid: x.hostA.external_id, authorizer_refresh_token: x.auth.refresh }, x.ctoken);
const measure = (body, token = ops.token) => srv.req('POST', '/v1/measures', { token, body });
const col = (app, c) => srv.sql(`SELECT ${c} AS v FROM apps WHERE app_id = '${app.app_id}'`)[0].v;

test('GOV-2: a withdrawn app takes no new installs; existing installs, token renewals and permission expansions go on; putting it back', async () => {
	const x = await installedApp('withdraw');
	const stranger = await registerUser(srv, { tag: 'wstranger' });
	assertError(await srv.req('POST', `/v1/apps/${x.app.app_id}/withdrawal`, { token: stranger.token }), 403, 'provider_member_required', { rule: 'GOV-2' });
	const w = await srv.req('POST', `/v1/apps/${x.app.app_id}/withdrawal`, { token: x.owner.token });
	assertStatus(w, 200, 'withdraw');
	assert.equal(w.body.state, 'withdrawn');
	assert.ok(w.body.withdrawn_at);
	assertError(await srv.req('POST', `/v1/apps/${x.app.app_id}/withdrawal`, { token: x.owner.token }), 409, 'already_withdrawn', { rule: 'GOV-2' });
	// a new host account cannot install it
	const fresh = await consent(x.app, x.ctoken, x.hostB);
	assert.notEqual(fresh.status, 302, 'no new install');
	assert.match(fresh.text, /cannot be authorized/);
	const listB = await srv.req('GET', `/v1/host-accounts/${x.hostB.id}/authorizations`, { token: hostOwner.token });
	assert.ok(!listB.body.items.some((z) => z.app_id === x.app.app_id && z.state === 'active'), 'hostB has no authorization');
	// the existing install keeps working: its token, a renewal, an expansion
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: x.auth.access }), 200, 'authorizer token');
	const rf = await refresh(x);
	assert.ok(rf.body.authorizer_access_token, JSON.stringify(rf.body));
	assert.ok((await componentTokenCall(x.app, x.ticket)).body.component_access_token, 'component token');
	// the owner confirms the consent page again for the installed account (as for an expansion, APP-7)
	const more = await consent(x.app, x.ctoken, x.hostA);
	assert.equal(more.status, 302, `re-consent: ${text(more.text)}`);
	// back in the marketplace
	const back = await srv.req('DELETE', `/v1/apps/${x.app.app_id}/withdrawal`, { token: x.owner.token });
	assertStatus(back, 200, 'relist');
	assert.equal(back.body.state, 'released');
	assert.equal(back.body.withdrawn_at, null);
	assertError(await srv.req('DELETE', `/v1/apps/${x.app.app_id}/withdrawal`, { token: x.owner.token }), 409, 'not_withdrawn');
	assert.equal((await consent(x.app, x.ctoken, x.hostB)).status, 302, 'installable again');
});

test('GOV-7 validation: kinds, targets, weights and times are checked and name the rule and the field', async () => {
	const x = await installedApp('gov7valid');
	const base = { rule: 'GOV-7', reason: 'test' };
	assertError(await measure({ ...base, kind: 'delisted', app_id: x.app.app_id }), 400, 'invalid_kind', { rule: 'GOV-7', field: 'kind' });
	assertError(await measure({ ...base, kind: 'search_ban' }), 400, 'target_required', { rule: 'GOV-7' });
	assertError(await measure({ ...base, kind: 'ban_new_apps', app_id: x.app.app_id }), 400, 'invalid_target', { field: 'app_id' });
	assertError(await measure({ ...base, kind: 'refuse_access', provider_id: x.prov.id }), 400, 'invalid_target', { field: 'provider_id' });
	assertError(await measure({ ...base, kind: 'down_weight', app_id: x.app.app_id }), 400, 'invalid_weight', { field: 'weight' });
	assertError(await measure({ ...base, kind: 'down_weight', app_id: x.app.app_id, weight: 0 }), 400, 'invalid_weight');
	assertError(await measure({ ...base, kind: 'search_ban', app_id: x.app.app_id, weight: 5 }), 400, 'invalid_weight');
	const now = await srv.now();
	assertError(await measure({ ...base, kind: 'search_ban', app_id: x.app.app_id, starts_at: now - 3600 }), 400, 'invalid_start', { field: 'starts_at' });
	assertError(await measure({ ...base, kind: 'search_ban', app_id: x.app.app_id, ends_at: now }), 400, 'invalid_end', { field: 'ends_at' });
	assertError(await measure({ ...base, kind: 'search_ban', app_id: x.app.app_id, rule: 'x' }), 400, 'invalid_rule');
	assert.equal((await measure({ ...base, kind: 'search_ban', app_id: x.app.app_id }, x.owner.token)).status, 403, 'providers do not');
	assert.equal(srv.sql('SELECT COUNT(*) AS n FROM measures')[0].n, 0, 'nothing recorded');
});

test('GOV-7 ranking adjustment, down-weighting and search ban set the app\'s market columns; ending them restores', async () => {
	const x = await installedApp('gov7rank');
	const a = await measure({ kind: 'ranking_adjustment', app_id: x.app.app_id, rule: 'GOV-7', reason: 'fake reviews', weight: 30 });
	assertStatus(a, 201, 'ranking');
	const d = await measure({ kind: 'down_weight', app_id: x.app.app_id, rule: 'GOV-7', reason: 'spam', weight: 20 });
	assertStatus(d, 201, 'down weight');
	assert.equal(col(x.app, 'rank_penalty'), 50);
	const s = await measure({ kind: 'search_ban', app_id: x.app.app_id, rule: 'GOV-7', reason: 'keyword stuffing' });
	assertStatus(s, 201);
	assert.equal(col(x.app, 'search_banned'), 1);
	assertStatus(await srv.req('POST', `/v1/measures/${d.body.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 200);
	assert.equal(col(x.app, 'rank_penalty'), 30);
	assertStatus(await srv.req('POST', `/v1/measures/${s.body.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 200);
	assert.equal(col(x.app, 'search_banned'), 0);
	// the operator's list, filtered, with a cursor
	const all = await srv.req('GET', `/v1/measures?app_id=${x.app.app_id}&limit=2`, { token: ops.token });
	assertStatus(all, 200);
	assert.equal(all.body.items.length, 2);
	assert.ok(all.body.next_cursor);
	const rest = await srv.req('GET', `/v1/measures?app_id=${x.app.app_id}&limit=2&cursor=${all.body.next_cursor}`, { token: ops.token });
	assert.equal(rest.body.items.length, 1);
	assert.equal(rest.body.next_cursor, null);
	const inForce = await srv.req('GET', `/v1/measures?app_id=${x.app.app_id}&in_force=true`, { token: ops.token });
	assert.deepEqual(inForce.body.items.map((m) => m.id), [a.body.id]);
	const byKind = await srv.req('GET', `/v1/measures?kind=search_ban&app_id=${x.app.app_id}`, { token: ops.token });
	assert.deepEqual(byKind.body.items.map((m) => m.id), [s.body.id]);
	assertError(await srv.req('GET', '/v1/measures?kind=nope', { token: ops.token }), 400, 'invalid_value');
	assert.equal((await srv.req('GET', '/v1/measures', { token: x.owner.token })).status, 403, 'the list is the operators\'');
});

test('GOV-7 closing new authorizations keeps existing users; blocking existing users refuses their tokens until lifted', async () => {
	const x = await installedApp('gov7auth');
	const c = await measure({ kind: 'close_new_authorizations', app_id: x.app.app_id, rule: 'GOV-7', reason: 'capacity problems' });
	assertStatus(c, 201, 'close');
	const refused = await consent(x.app, x.ctoken, x.hostB);
	assert.equal(refused.status, 403, 'a new host account is refused');
	assert.match(refused.text, /GOV-7/, 'the refusal names the rule');
	x.auth = await authorize(x.app, x.ctoken, x.hostA); // the existing one may confirm again
	assertStatus(await srv.req('POST', `/v1/measures/${c.body.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 200);
	assert.equal((await consent(x.app, x.ctoken, x.hostB)).status, 302, 'open again');

	const access = (await refresh(x)).body.authorizer_access_token;
	assert.ok(access);
	const b = await measure({ kind: 'block_existing_users', app_id: x.app.app_id, rule: 'GOV-7', reason: 'data misuse' });
	assertStatus(b, 201, 'block');
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: access })).status, 401, 'existing tokens refused');
	const ct = (await componentTokenCall(x.app, x.ticket)).body.component_access_token;
	assert.ok(ct, 'the app itself still gets its component token');
	const seen = rx.on(pathOf(x.app.sent.dev.auth_receive_url)).filter((r) => pushOf(x.app, r).fields.InfoType === 'updateauthorized').length;
	const again = await cgi('api_authorizer_token', { component_appid: x.app.app_id, authorizer_appid: x.hostA.external_id, authorizer_refresh_token: x.auth.refresh }, ct);
	assert.equal(again.body.errcode, 48001, JSON.stringify(again.body));
	assert.match(again.body.errmsg, /GOV-7/);
	assertStatus(await srv.req('POST', `/v1/measures/${b.body.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 200);
	// the users come back: a fresh code per authorization, pushed
	const upd = await rx.waitFor(pathOf(x.app.sent.dev.auth_receive_url), seen + 1, { timeout: PUSH_WAIT_MS, filter: (r) => pushOf(x.app, r).fields.InfoType === 'updateauthorized' });
	const code = pushOf(x.app, upd[upd.length - 1]).fields.AuthorizationCode;
	const q = await cgi('api_query_auth', { component_appid: x.app.app_id, authorization_code: code }, ct);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
});

test('GOV-7 refusing access: the app gets no component token; a timed measure ends by itself and the provider is told (GOV-6)', async () => {
	const x = await installedApp('gov7access');
	const now = await srv.now();
	const m = await measure({ kind: 'refuse_access', app_id: x.app.app_id, rule: 'GOV-7', reason: 'abusive calls', ends_at: now + 3600 });
	assertStatus(m, 201, 'refuse access');
	assert.equal(m.body.ends_at, now + 3600);
	const ct = await componentTokenCall(x.app, x.ticket);
	assert.equal(ct.body.errcode, 48001, JSON.stringify(ct.body));
	assert.match(ct.body.errmsg, /GOV-7/);
	// the OAuth front door too
	const basic = { Authorization: `Basic ${Buffer.from(`${x.app.app_id}:${encodeURIComponent(x.app.app_secret)}`).toString('base64')}` };
	const cc = await srv.req('POST', '/oauth/token', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...basic }, raw: new URLSearchParams({ grant_type: 'client_credentials', component_verify_ticket: x.ticket }).toString() });
	assert.equal(cc.status, 400, cc.text);
	assert.equal(cc.body.error, 'unauthorized_client');
	assert.match(cc.body.error_description, /GOV-7/);
	const inbox = await srv.req('GET', '/v1/inbox', { token: x.owner.token });
	const endDate = new Date((now + 3600) * 1000).toISOString().slice(0, 10);
	assert.ok(inbox.body.items.some((i) => /GOV-7/.test(i.body ?? '') && (i.body ?? '').includes(endDate)), 'told with rule and end date');
	const seenTickets = tickets(x.app);
	await srv.advance(3601);
	await waitFor(async () => (await srv.req('GET', `/v1/measures/${m.body.id}`, { token: ops.token })).body.end_reason === 'expired', { what: 'the measure to expire', timeout: 15000 });
	assert.equal(col(x.app, 'access_refused'), 0);
	const ticket = await ticketOf(x.app, { exclude: seenTickets }); // a fresh ticket, as after a suspension
	assert.ok((await componentTokenCall(x.app, ticket)).body.component_access_token, 'access again');
	await waitFor(async () => (await srv.req('GET', '/v1/inbox', { token: x.owner.token })).body.items.some((i) => /ended/i.test(i.title ?? '')), { what: 'the restoration notice' });
});

test('GOV-7 a scheduled measure starts by itself; a ban on new apps stops the provider creating apps', async () => {
	const x = await installedApp('gov7ban');
	const now = await srv.now();
	const m = await measure({ kind: 'ban_new_apps', provider_id: x.prov.id, rule: 'GOV-7', reason: 'repeated fraud', starts_at: now + 600 });
	assertStatus(m, 201, 'ban');
	assert.equal(m.body.app_id, null);
	assert.equal(m.body.in_force, false);
	await createApp(srv, x.owner.token, x.prov.id, appBody(rx)); // before the start: still allowed
	await srv.advance(601);
	await waitFor(() => srv.sql(`SELECT new_apps_banned AS v FROM orgs WHERE id = ${x.prov.id}`)[0].v === 1, { what: 'the ban to start', timeout: 15000 });
	const r = await srv.req('POST', `/v1/providers/${x.prov.id}/apps`, { token: x.owner.token, body: appBody(rx) });
	assertError(r, 403, 'new_apps_banned', { rule: 'GOV-7' });
	assertStatus(await srv.req('POST', `/v1/measures/${m.body.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 200);
	assert.equal(srv.sql(`SELECT new_apps_banned AS v FROM orgs WHERE id = ${x.prov.id}`)[0].v, 0);
});
