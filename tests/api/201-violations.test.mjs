// Issue 13, governance: violations and the measures they cause, driven
// through the API and the test clock. GOV-3's levels (not recommended until
// rectified after 15 or 30 days; delisted), GOV-4's escalation, GOV-5's
// plug-in ladder run by the worker (warning, delisting 15 days later for 3
// months with the provider absent from search, a repeat 6 months, a third
// time for good), what a delisted app's tokens and pushes do (GOV-1,
// AUTH-5), the restoration, and the provider told in writing (GOV-6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, assertError, operator, adminToken } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

const DAY = 86400;
const COMPONENT_REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

let srv, rx, hostOwner, hostKey, ops, auditor;

before(async () => {
	srv = await startServer({
		env: {
			KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '300s',
			// the clock runs months ahead: sessions must outlive it
			KAIFANG_SESSION_TTL: '366d', KAIFANG_OPERATOR_IDLE_TIMEOUT: '366d',
		},
	});
	rx = await startReceiver();
	hostOwner = await registerUser(srv, { tag: 'govhost' });
	hostKey = hostApiKey(srv).key;
	ops = await operator(srv, 'ops');
	auditor = await operator(srv, 'auditor');
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
const pushes = (app, infoType) => rx.on(pathOf(app.sent.dev.auth_receive_url)).filter((x) => pushOf(app, x).fields.InfoType === infoType);

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

async function consentPage(app, ctoken) {
	const pre = (await cgi('api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.pre_auth_code;
	assert.ok(pre);
	const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(COMPONENT_REDIRECT)}`;
	return { pre, page: await srv.req('GET', url, { cookie: cookie(), headers: { Referer: REFERER } }) };
}

/** Authorize the app for host through the component flow; returns the authorizer tokens. */
async function componentAuthorize(app, ctoken, host) {
	const { pre, page } = await consentPage(app, ctoken);
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const form = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: pre, redirect_uri: COMPONENT_REDIRECT, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie: cookie(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 302, r.text.replace(/<style>[^]*?<\/style>/, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 600));
	const code = new URL(r.headers.get('location')).searchParams.get('auth_code');
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctoken);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
	return { access: q.body.authorization_info.authorizer_access_token, refresh: q.body.authorization_info.authorizer_refresh_token };
}

/** A provider (owner .owner) for the apps of one test. */
async function provider(tag) {
	const owner = await registerUser(srv, { tag });
	return { owner, prov: await appProvider(srv, owner) };
}

/** A released app of provider p (what the release pipeline leaves: state released). */
async function releasedApp(p) {
	const app = await developingApp(srv, p.owner, p.prov.id, rx, {});
	srv.sql(`UPDATE apps SET state = 'released' WHERE app_id = '${app.app_id}'`);
	return { ...app, owner: p.owner };
}

const stateOf = (app) => srv.sql(`SELECT state FROM apps WHERE app_id = '${app.app_id}'`)[0].state;
const columns = (app) => srv.sql(`SELECT not_recommended, search_banned, state FROM apps WHERE app_id = '${app.app_id}'`)[0];
const record = (app, body, token = ops.token) => srv.req('POST', `/v1/apps/${app.app_id}/violations`, { token, body });

test('GOV-3 level 3: not recommended for at least 15 days and until rectified; confirming earlier is refused with the rule and the date; the provider is told (GOV-6)', async () => {
	const p = await provider('gov3');
	const app = await releasedApp(p);
	const stranger = await registerUser(srv, { tag: 'govstranger' });
	const body = { level: 3, rule: 'GOV-3', evidence: 'The app fails at every sign-in (technical failure)' };
	// who may record: operator staff who write; not the auditor, not the provider
	assertError(await record(app, body, auditor.token), 403, 'auditor_read_only');
	assert.equal((await record(app, body, p.owner.token)).status, 403);
	assertError(await record(app, { ...body, level: 4 }), 400, 'invalid_level', { rule: 'GOV-3', field: 'level' });
	assertError(await record(app, { ...body, rule: 'nope' }), 400, 'invalid_rule');
	assertError(await record(app, { ...body, evidence_files: [987654] }), 400, 'file_not_found', { rule: 'GOV-3', field: 'evidence_files' });
	assert.equal(srv.sql('SELECT COUNT(*) AS n FROM violations')[0].n, 0, 'refusals record nothing');

	const now = await srv.now();
	const r = await record(app, body);
	assertStatus(r, 201, 'record');
	assert.equal(r.body.violation.level, 3);
	assert.equal(r.body.violation.requested_level, 3);
	assert.equal(r.body.violation.escalated, false);
	assert.equal(r.body.measures.length, 1);
	const m = r.body.measures[0];
	assert.equal(m.kind, 'not_recommended');
	assert.equal(m.needs_rectification, true);
	assert.equal(m.in_force, true);
	assert.equal(m.ends_at, null, 'until rectified: no fixed end');
	assert.ok(m.min_until >= now + 15 * DAY && m.min_until <= now + 15 * DAY + 60, `min_until ${m.min_until}`);
	// GOV-1: still installable by link (state released), out of the lists
	assert.deepEqual(columns(app), { not_recommended: 1, search_banned: 0, state: 'released' });

	// the provider's members read it; others do not
	const v = await srv.req('GET', `/v1/apps/${app.app_id}/violations`, { token: p.owner.token });
	assertStatus(v, 200, 'violations');
	assert.equal(v.body.items[0].evidence, body.evidence);
	const ms = await srv.req('GET', `/v1/apps/${app.app_id}/measures`, { token: p.owner.token });
	assert.equal(ms.body.items[0].id, m.id);
	assertStatus(await srv.req('GET', `/v1/measures/${m.id}`, { token: p.owner.token }), 200, 'own measure');
	assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}/violations`, { token: stranger.token })).status, 404);
	assert.equal((await srv.req('GET', `/v1/measures/${m.id}`, { token: stranger.token })).status, 404);

	// GOV-6: inbox and email with the rule and the earliest date
	const inbox = await srv.req('GET', '/v1/inbox', { token: p.owner.token });
	const notice = inbox.body.items.find((x) => /GOV-3/.test(x.body ?? ''));
	assert.ok(notice, JSON.stringify(inbox.body.items.slice(0, 3)));
	const minDate = new Date(m.min_until * 1000).toISOString().slice(0, 10);
	assert.ok(notice.body.includes(minDate), notice.body);
	assert.match(notice.body, /不推荐/, 'the notice speaks Chinese as well as English');
	assert.match(await srv.readMail(p.owner.email, { match: /GOV-3/ }), /not recommended/);

	// rectification before min_until: refused with the rule and the date
	const early = await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'rectified' } });
	assertError(early, 409, 'rectification_too_early', { rule: 'GOV-3', field: 'reason' });
	assert.ok(early.body.error.message.includes(minDate), early.body.error.message);
	assertError(await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'because' } }), 400, 'invalid_reason');
	// time alone never ends an "until rectified" measure
	await srv.advance(16 * DAY);
	await new Promise((res) => setTimeout(res, 1500));
	assert.equal(columns(app).not_recommended, 1, 'still not recommended after the minimum period');
	const ok = await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'rectified', note: 'fixed in 1.0.1' } });
	assertStatus(ok, 200, 'rectified');
	assert.equal(ok.body.end_reason, 'rectified');
	assert.ok(ok.body.rectified_at);
	assert.equal(ok.body.in_force, false);
	assert.equal(columns(app).not_recommended, 0, 'listed again');
	assertError(await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'lifted' } }), 409, 'measure_ended');
	const inbox2 = await srv.req('GET', '/v1/inbox', { token: p.owner.token });
	assert.ok(inbox2.body.items.some((x) => /ended/i.test(`${x.title} ${x.body}`) && /GOV-3/.test(x.body ?? '')), 'the restoration is told');
	assert.ok(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('violation.record', 'measure.end')")[0].n >= 2);
});

test('GOV-4: a second violation at the same level by the same provider is raised one level (3 -> 2 for 30 days, 2 -> 1 delisted)', async () => {
	const p = await provider('gov4');
	const a1 = await releasedApp(p);
	const a2 = await releasedApp(p);
	const first = await record(a1, { level: 3, rule: 'GOV-3', evidence: 'Repeated user complaints' });
	assertStatus(first, 201);
	assert.equal(first.body.violation.escalated, false);
	// another app of the same provider, the same level: raised
	const now = await srv.now();
	const second = await record(a2, { level: 3, rule: 'GOV-3', evidence: 'Crashes again' });
	assertStatus(second, 201);
	assert.equal(second.body.violation.requested_level, 3);
	assert.equal(second.body.violation.level, 2);
	assert.equal(second.body.violation.escalated, true);
	const m = second.body.measures[0];
	assert.equal(m.kind, 'not_recommended');
	assert.ok(m.min_until >= now + 30 * DAY && m.min_until <= now + 30 * DAY + 60, 'level 2: at least 30 days');
	const stored = srv.sql(`SELECT level, requested_level, escalated FROM violations WHERE id = ${second.body.violation.id}`)[0];
	assert.deepEqual(stored, { level: 2, requested_level: 3, escalated: 1 });
	// a level-2 violation after the escalated one: raised to level 1, delisted
	const third = await record(a1, { level: 2, rule: 'GOV-3', evidence: 'Moves users to a clone app' });
	assertStatus(third, 201);
	assert.equal(third.body.violation.level, 1);
	assert.equal(third.body.violation.escalated, true);
	assert.equal(third.body.measures[0].kind, 'delisted');
	assert.equal(stateOf(a1), 'delisted');
	// another provider's first level-3 violation is not raised
	const q = await provider('gov4other');
	const b = await releasedApp(q);
	const own = await record(b, { level: 3, rule: 'GOV-3', evidence: 'Technical failure' });
	assert.equal(own.body.violation.escalated, false);
});

test('GOV-3 level 1, GOV-1, AUTH-5: a delisted app is not installable, its tokens end at once and it is told by push; lifting restores it with fresh codes', async () => {
	const p = await provider('gov1');
	const host = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const dev = await developingApp(srv, p.owner, p.prov.id, rx, { dev: { test_allowlist: [host.id] } });
	const app = { ...dev, owner: p.owner };
	const ticket = await ticketOf(app);
	const ctoken = await componentToken(app, ticket);
	const auth = await componentAuthorize(app, ctoken, host);
	srv.sql(`UPDATE apps SET state = 'released' WHERE app_id = '${app.app_id}'`);
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: auth.access }), 200, 'authorizer token before');

	const r = await record(app, { level: 1, rule: 'GOV-3', evidence: 'Unlawful content' });
	assertStatus(r, 201, 'level 1');
	const m = r.body.measures[0];
	assert.equal(m.kind, 'delisted');
	assert.equal(m.ends_at, null);
	assert.equal(stateOf(app), 'delisted');
	// existing installs stop working at once
	assert.equal((await srv.req('GET', '/v1/authorizer', { token: auth.access })).status, 401, 'authorizer token refused');
	const ct = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	assert.equal(ct.body.errcode, 48001, JSON.stringify(ct.body));
	const ar = await cgi('api_authorizer_token', { component_appid: app.app_id, authorizer_appid: host.external_id, authorizer_refresh_token: auth.refresh }, ctoken);
	assert.notEqual(ar.body.errcode ?? 0, 0, 'no refresh');
	const live = srv.sql(`SELECT COUNT(*) AS n FROM tokens t JOIN apps a ON a.id = t.app WHERE a.app_id = '${app.app_id}' AND t.revoked_at IS NULL`)[0].n;
	assert.equal(live, 0, 'every token revoked');
	// the app is told: an app_delisted event with the rule and the end
	const ev = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS, filter: (x) => pushOf(app, x).fields.InfoType === 'app_delisted' });
	const f = pushOf(app, ev[0]).fields;
	assert.equal(f.Rule, 'GOV-1');
	assert.equal(f.EndTime, '0');
	assert.equal(f.Permanent, '0');
	// a delisting is lifted, not "rectified"
	assertError(await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'rectified' } }), 409, 'not_rectifiable', { rule: 'GOV-3' });

	const seen = pushes(app, 'component_verify_ticket').map((x) => pushOf(app, x).fields.ComponentVerifyTicket);
	const lift = await srv.req('POST', `/v1/measures/${m.id}/end`, { token: ops.token, body: { reason: 'lifted', note: 'appeal accepted' } });
	assertStatus(lift, 200, 'lift');
	assert.equal(stateOf(app), 'released');
	// a fresh ticket and a fresh code for the kept authorization
	const fresh = await ticketOf(app, { exclude: seen });
	const ctoken2 = await componentToken(app, fresh);
	const upd = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS, filter: (x) => pushOf(app, x).fields.InfoType === 'updateauthorized' });
	const code = pushOf(app, upd[upd.length - 1]).fields.AuthorizationCode;
	const q = await cgi('api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctoken2);
	assert.ok(q.body.authorization_info, JSON.stringify(q.body));
	assertStatus(await srv.req('GET', '/v1/authorizer', { token: q.body.authorization_info.authorizer_access_token }), 200, 'new authorizer token');
});

test('GOV-5: the plug-in ladder runs by itself: warning, delisted 15 days later for 3 months with the provider absent from search, restored; a repeat 6 months; a third time (severe: at once) for good, authorizations revoked (DATA-3)', async () => {
	const p = await provider('gov5');
	const host = await provisionHost(srv, hostKey, { owner_email: hostOwner.email });
	const dev = await developingApp(srv, p.owner, p.prov.id, rx, { dev: { test_allowlist: [host.id] } });
	const app = { ...dev, owner: p.owner };
	const ctoken = await componentToken(app, await ticketOf(app));
	await componentAuthorize(app, ctoken, host);
	srv.sql(`UPDATE apps SET state = 'released' WHERE app_id = '${app.app_id}'`);
	const sibling = await releasedApp(p);

	const now = await srv.now();
	const r = await record(app, { kind: 'plugin', rule: 'GOV-5', evidence: 'Uses an unauthorized automation plug-in' });
	assertStatus(r, 201, 'plugin');
	assert.equal(r.body.violation.kind, 'plugin');
	assert.equal(r.body.violation.step, 1);
	const kinds = r.body.measures.map((x) => x.kind);
	assert.deepEqual(kinds, ['warning', 'delisted', 'search_ban']);
	const [warning, delisting, ban] = r.body.measures;
	assert.equal(warning.in_force, true);
	assert.equal(delisting.in_force, false);
	assert.ok(delisting.starts_at >= now + 15 * DAY && delisting.starts_at <= now + 15 * DAY + 60);
	assert.equal(delisting.ends_at - delisting.starts_at, 90 * DAY, '3 months');
	assert.equal(ban.app_id, null, 'the search ban is on the whole provider');
	assert.equal(ban.starts_at, delisting.starts_at);
	assert.equal(ban.ends_at, delisting.ends_at);
	assert.equal(stateOf(app), 'released', 'only a warning for now');
	assert.equal(columns(sibling).search_banned, 0);

	// 15 days later the worker delists it, and none of the provider's apps is found by search
	await srv.advance(15 * DAY + 10);
	await waitFor(() => stateOf(app) === 'delisted', { what: 'the delisting to start', timeout: 15000 });
	await waitFor(() => columns(sibling).search_banned === 1, { what: 'the sibling out of search', timeout: 15000 });
	assert.equal(columns(app).search_banned, 1);
	const started = (await srv.req('GET', `/v1/measures/${delisting.id}`, { token: ops.token })).body;
	assert.ok(started.applied_at);
	assert.equal(started.in_force, true);
	const inbox = await srv.req('GET', '/v1/inbox', { token: p.owner.token });
	assert.ok(inbox.body.items.some((x) => /in force/i.test(x.title ?? '') && /GOV-5/.test(x.body ?? '')), JSON.stringify(inbox.body.items.slice(0, 3)));

	// 3 months on: restored, searchable again
	await srv.advance(90 * DAY);
	await waitFor(() => stateOf(app) === 'released', { what: 'the delisting to end', timeout: 15000 });
	await waitFor(() => columns(sibling).search_banned === 0, { what: 'the search ban to end', timeout: 15000 });
	const ended = (await srv.req('GET', `/v1/measures/${delisting.id}`, { token: ops.token })).body;
	assert.equal(ended.end_reason, 'expired');

	// a repeat: 6 months
	const second = await record(app, { kind: 'plugin', rule: 'GOV-5', evidence: 'The plug-in is back' });
	assertStatus(second, 201);
	assert.equal(second.body.violation.step, 2);
	const d2 = second.body.measures.find((x) => x.kind === 'delisted');
	assert.equal(d2.ends_at - d2.starts_at, 180 * DAY, '6 months');
	assert.equal(stateOf(app), 'released');

	// a third time, severe: delisted at once and for good; authorizations revoked
	const third = await record(app, { kind: 'plugin', rule: 'GOV-5', evidence: 'A severe case', severe: true });
	assertStatus(third, 201);
	assert.equal(third.body.violation.step, 3);
	assert.equal(third.body.violation.severe, true);
	assert.ok(!third.body.measures.some((x) => x.kind === 'warning'), 'severe: no warning first');
	const d3 = third.body.measures.find((x) => x.kind === 'delisted');
	assert.equal(d3.ends_at, null);
	assert.equal(d3.permanent, true);
	assert.equal(d3.in_force, true);
	assert.equal(stateOf(app), 'delisted');
	const authz = srv.sql(`SELECT COUNT(*) AS n FROM authorizations z JOIN apps a ON a.id = z.app WHERE a.app_id = '${app.app_id}' AND z.state = 'active'`)[0].n;
	assert.equal(authz, 0, 'DATA-3: authorizations revoked');
	const inbox3 = await srv.req('GET', '/v1/inbox', { token: p.owner.token });
	assert.ok(inbox3.body.items.some((x) => /permanent/i.test(x.body ?? '')), 'the provider is told it is permanent');
});

test('GOV-1, AUTH-5: a delisting recorded while the app is suspended holds when the suspension is lifted', async () => {
	const p = await provider('govsusp');
	const app = await releasedApp(p);
	const admin = await adminToken(srv);
	assertStatus(await srv.req('POST', `/v1/apps/${app.app_id}/suspend`, { token: admin, body: { reason: 'Data leak under investigation', rule: 'GOV-7' } }), 200, 'suspend');
	assertStatus(await record(app, { level: 1, rule: 'GOV-3', evidence: 'The leak broke the law' }), 201, 'level 1 while suspended');
	assert.equal(stateOf(app), 'suspended', 'the suspension still holds');
	const u = await srv.req('POST', `/v1/apps/${app.app_id}/unsuspend`, { token: admin, body: { reason: 'Investigation closed' } });
	assertStatus(u, 200, 'unsuspend');
	assert.equal(u.body.state, 'delisted', 'lifting the suspension leaves the delisting in force');
	assert.equal(stateOf(app), 'delisted');
	const inbox = await srv.req('GET', '/v1/inbox', { token: p.owner.token });
	assert.ok(inbox.body.items.some((x) => /suspension .* was lifted; it is delisted/.test(x.body ?? '')), 'the provider is told where the app stands');
});
