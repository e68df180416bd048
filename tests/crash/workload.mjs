// The crash suite's workload: concurrent clients that make writes through
// the public API and keep a record of every write the server acknowledged
// (answered with its success status before it died), and the checks that
// every acknowledged write is still there after a restart.
//
// Writes (each client loops until told to stop):
//   signup            POST /v1/users (201)             checked by signing in
//   component_token   api_component_token (a token)    checked by using it
//   authorizer_token  api_authorizer_token (refresh)   checked by GET /v1/authorizer
//   edit              PATCH /v1/apps/{id} (200)        checked in the app's config versions
//   authorize         the consent page confirmed (302) its "authorized" event must
//                     reach the app (the event carries the pre-auth code)
//   revoke            DELETE …/authorizations/{app}    its "unauthorized" event must
//                     (204)                            reach the app, and the authorizer
//                                                      token the app took after the
//                                                      authorization stays refused
//   provider          POST /v1/providers with an       exactly one provider of that name;
//                     Idempotency-Key (201)            a request cut off by the kill is
//                                                      repeated with the same key after the
//                                                      restart (as a client does after a
//                                                      timeout), which must not make a second
// Events are checked at the app's receiver: every acknowledged one arrives
// at least once, and every copy of one event carries the same
// X-Kaifang-Event-Id.
//
// Only the public API is used, never the database, so the suite runs the
// same against any engine and any number of processes.
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { person, registerUser, hostApiKey, provisionHost, assertStatus } from '../api/helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, developingApp, pathOf, wecom, xmlFields, waitFor, PUSH_WAIT_MS } from '../api/helpers/apps.mjs';

const REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

/** A request that got no complete answer: the write is not acknowledged. */
class Unacked extends Error {}

/** One request to a live process of the cluster. */
async function call(cl, method, p, opts = {}) {
	const s = cl.pick();
	if (!s) throw new Unacked('no live server');
	try {
		return await s.req(method, p, opts);
	} catch (e) {
		throw new Unacked(e.message);
	}
}

const cgi = (cl, name, body, token) =>
	call(cl, 'POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/**
 * Set up what the clients need, on the first process: a provider with a
 * developing app whose receiver is rx, a host owner with host accounts
 * (one for the token client, one per event client) allowed to authorize
 * it, draft apps to edit, the verify ticket and a component token.
 */
export async function setup(cl, { eventClients, editApps }) {
	const srv = cl.servers[0];
	const rx = await startReceiver();
	const owner = await registerUser(srv, { tag: 'crashowner' });
	const prov = await appProvider(srv, owner);
	const hostOwner = await registerUser(srv, { tag: 'crashhost' });
	const key = hostApiKey(srv).key;
	const tokHost = await provisionHost(srv, key, { owner_email: hostOwner.email });
	const evHosts = [];
	for (let i = 0; i < eventClients; i++) evHosts.push(await provisionHost(srv, key, { owner_email: hostOwner.email }));
	const body = appBody(rx, { dev: { test_allowlist: [tokHost.id, ...evHosts.map((h) => h.id)] } });
	const app = await developingApp(srv, owner, prov.id, rx, body);
	const edits = [];
	for (let i = 0; i < editApps; i++) edits.push(await createApp(srv, owner.token, prov.id, appBody(rx)));
	const ctx = {
		cl,
		rx,
		owner,
		hostOwner,
		tokHost,
		evHosts,
		app,
		authPath: pathOf(body.dev.auth_receive_url),
		editApps: edits,
		ticket: null,
		componentToken: null,
		refreshToken: null,
		acks: [], // {kind, round, ...}: every acknowledged write
		cutOff: null, // the idempotent request the kill cut off, to repeat
		unexpected: [], // answers that were neither success nor a dropped connection
		opened: new Map(), // receiver request -> decrypted fields (cache)
	};
	await waitFor(() => refreshTicket(ctx), { timeout: PUSH_WAIT_MS, what: 'the first verify ticket' });
	const t = await cgi(cl, 'api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ctx.ticket });
	if (!t.body?.component_access_token) throw new Error(`component token: ${t.text}`);
	ctx.componentToken = t.body.component_access_token;
	const a = await authorize(ctx, tokHost);
	if (!a.ok) throw new Error(`authorizing the token host: ${a.status} ${a.text}`);
	const q = await cgi(cl, 'api_query_auth', { component_appid: app.app_id, authorization_code: a.authCode }, ctx.componentToken);
	ctx.refreshToken = q.body?.authorization_info?.authorizer_refresh_token;
	if (!ctx.refreshToken) throw new Error(`api_query_auth: ${q.text}`);
	return ctx;
}

/** The decrypted fields of a push to the app's auth receive URL. */
function opened(ctx, rec) {
	let f = ctx.opened.get(rec);
	if (!f) {
		try {
			f = xmlFields(wecom.decrypt(ctx.app.sent.dev.aes_key, xmlFields(rec.body).Encrypt).message);
		} catch {
			f = {};
		}
		f.eventId = rec.headers['x-kaifang-event-id'];
		ctx.opened.set(rec, f);
	}
	return f;
}

/** The newest verify ticket the app has received (true if there is one). */
function refreshTicket(ctx) {
	const recs = ctx.rx.on(ctx.authPath).map((r) => opened(ctx, r)).filter((f) => f.InfoType === 'component_verify_ticket');
	if (recs.length) ctx.ticket = recs[recs.length - 1].ComponentVerifyTicket;
	return !!ctx.ticket;
}

/** Confirm the consent page for host: {ok, preAuthCode, authCode} or the failed answer. */
async function authorize(ctx, host) {
	const { cl, app, hostOwner } = ctx;
	const pc = await cgi(cl, 'api_create_preauthcode', { component_appid: app.app_id }, ctx.componentToken);
	const code = pc.body?.pre_auth_code;
	if (!code) return { ok: false, status: pc.status, text: pc.text };
	const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(REDIRECT)}`;
	const cookie = `kf_session=${hostOwner.token}`;
	const page = await call(cl, 'GET', url, { cookie, headers: { Referer: REFERER } });
	const csrf = page.status === 200 && hidden(page.text, 'csrf_token');
	if (!csrf) return { ok: false, status: page.status, text: page.text.slice(0, 300) };
	const form = new URLSearchParams({
		component_appid: app.app_id,
		pre_auth_code: code,
		redirect_uri: REDIRECT,
		step: 'consent',
		csrf_token: csrf,
		data_scope: 'all',
		decision: 'confirm',
		account: String(host.id),
	});
	for (const s of app.sent.permission_sets) form.append('set', String(s));
	const r = await call(cl, 'POST', '/cgi-bin/componentloginpage', {
		cookie,
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		raw: form.toString(),
	});
	if (r.status !== 302) return { ok: false, status: r.status, text: r.text.slice(0, 300) };
	return { ok: true, preAuthCode: code, authCode: new URL(r.headers.get('location')).searchParams.get('auth_code') };
}

/* ---- the clients ---------------------------------------------------- */

/** Run one client's step until state.stop; a step returns an ack or
 * nothing, or throws Unacked when its request got no answer. */
async function loop(ctx, state, what, step) {
	while (!state.stop) {
		try {
			const ack = await step();
			if (ack) ctx.acks.push({ ...ack, round: state.round });
		} catch (e) {
			if (!(e instanceof Unacked)) throw e;
			// the process died under this request: its write is not
			// acknowledged. Wait for a live one (or the end of the round).
			state.dropped += 1;
			await sleep(20);
		}
	}
}

function unexpected(ctx, what, r) {
	ctx.unexpected.push({ what, status: r.status, text: String(r.text).slice(0, 200) });
	return null;
}

function signupClient(ctx, state) {
	return loop(ctx, state, 'signup', async () => {
		const p = person('crash');
		const r = await call(ctx.cl, 'POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } });
		if (r.status !== 201) return unexpected(ctx, 'signup', r);
		return { kind: 'signup', email: p.email, password: p.password, id: r.body.id };
	});
}

function tokenClient(ctx, state) {
	let n = 0;
	return loop(ctx, state, 'token', async () => {
		const { cl, app } = ctx;
		if (n++ % 2 === 0) {
			const r = await cgi(cl, 'api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ctx.ticket });
			if ([61005, 61006].includes(r.body?.errcode)) {
				refreshTicket(ctx); // a newer ticket was pushed
				return null;
			}
			if (!r.body?.component_access_token) return unexpected(ctx, 'component_token', r);
			// the clients use the newest (tokens live 2 h of a clock that
			// moves by minutes a round)
			ctx.componentToken = r.body.component_access_token;
			return { kind: 'component_token', token: r.body.component_access_token };
		}
		const r = await cgi(cl, 'api_authorizer_token', { component_appid: app.app_id, authorizer_appid: ctx.tokHost.external_id, authorizer_refresh_token: ctx.refreshToken }, ctx.componentToken);
		if (!r.body?.authorizer_access_token) return unexpected(ctx, 'authorizer_token', r);
		return { kind: 'authorizer_token', token: r.body.authorizer_access_token };
	});
}

let editSeq = 0;
function editClient(ctx, state, app) {
	return loop(ctx, state, 'edit', async () => {
		editSeq += 1;
		const intro = `Forecasts for the places your members work in (edit ${process.pid}-${editSeq}).`;
		const r = await call(ctx.cl, 'PATCH', `/v1/apps/${app.app_id}`, { token: ctx.owner.token, body: { intro } });
		if (r.status !== 200) return unexpected(ctx, 'edit', r);
		return { kind: 'edit', app: app.app_id, intro };
	});
}

/** Authorize, revoke, authorize, … one host account. After a dropped
 * request the state is read back first. */
function eventClient(ctx, state, host) {
	return loop(ctx, state, 'event', async () => {
		const { cl, app, hostOwner } = ctx;
		if (host.active === undefined) {
			const l = await call(cl, 'GET', `/v1/host-accounts/${host.id}/authorizations`, { token: hostOwner.token });
			if (l.status !== 200) return unexpected(ctx, 'authorizations', l);
			host.active = l.body.items.some((z) => z.app_id === app.app_id && z.state === 'active');
		}
		const was = host.active;
		if (was && host.code) {
			// the app takes its tokens, so the revocation has one to stop
			const code = host.code;
			host.code = null; // single use, answered or not
			const q = await cgi(cl, 'api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctx.componentToken);
			host.token = q.body?.authorization_info?.authorizer_access_token;
			if (!host.token) return unexpected(ctx, 'query_auth', q);
			return null;
		}
		host.active = undefined; // unknown until this step is answered
		if (!was) {
			host.token = null;
			host.code = null;
			const a = await authorize(ctx, host);
			if (!a.ok) return unexpected(ctx, 'authorize', a);
			host.active = true;
			host.code = a.authCode;
			return { kind: 'authorize', host: host.external_id, preAuthCode: a.preAuthCode };
		}
		const token = host.token;
		host.token = null;
		const r = await call(cl, 'DELETE', `/v1/host-accounts/${host.id}/authorizations/${app.app_id}`, { token: hostOwner.token });
		if (r.status !== 204) return unexpected(ctx, 'revoke', r);
		host.active = false;
		return { kind: 'revoke', host: host.external_id, token };
	});
}

/** POST /v1/providers with an Idempotency-Key: 201 (an ack), or null
 * when it must be repeated later; throws Unacked when cut off. */
async function createProvider(ctx, req) {
	const r = await call(ctx.cl, 'POST', '/v1/providers', { token: ctx.owner.token, headers: { 'Idempotency-Key': req.key }, body: { name: req.name } });
	if (r.status === 201 && r.body.name === req.name) return { kind: 'provider', key: req.key, name: req.name, id: r.body.id, replayed: r.headers.get('idempotent-replayed') === 'true' };
	if (r.status === 409 && r.body?.error?.code === 'idempotency_in_progress') return null;
	return unexpected(ctx, 'provider', r);
}

let providerSeq = 0;
function providerClient(ctx, state) {
	return loop(ctx, state, 'provider', async () => {
		if (!ctx.cutOff) {
			providerSeq += 1;
			ctx.cutOff = { key: crypto.randomUUID(), name: `Crash Provider ${process.pid}-${providerSeq}` };
		}
		const ack = await createProvider(ctx, ctx.cutOff);
		if (ack) ctx.cutOff = null;
		else await sleep(100);
		return ack;
	});
}

/**
 * Repeat the idempotent request the kill cut off, as its client would,
 * until it is answered: a claim left by the killed process is honoured
 * for 60 s (src/api/dispatch.c), so the clocks are moved past it.
 */
export async function repeatCutOff(ctx, round) {
	for (let i = 0; ctx.cutOff && i < 5; i++) {
		const ack = await ask(ctx, () => createProvider(ctx, ctx.cutOff));
		if (ack) {
			ctx.acks.push({ ...ack, round });
			ctx.cutOff = null;
		} else {
			await ctx.cl.advanceAll(61);
		}
	}
}

/**
 * Start every client of the workload for one round. Returns the state
 * (set state.stop = true to end the round) and a promise of their ends.
 */
export function startClients(ctx, round, { signups = 2, edits = 2 } = {}) {
	const state = { stop: false, round, dropped: 0 };
	const runs = [];
	for (let i = 0; i < signups; i++) runs.push(signupClient(ctx, state));
	runs.push(tokenClient(ctx, state));
	for (let i = 0; i < edits; i++) runs.push(editClient(ctx, state, ctx.editApps[i % ctx.editApps.length]));
	for (const h of ctx.evHosts) runs.push(eventClient(ctx, state, h));
	runs.push(providerClient(ctx, state));
	return { state, done: Promise.all(runs) };
}

/* ---- the checks ----------------------------------------------------- */

/** Ask a live process; retries only a dropped connection (none is
 * expected: nothing is killed while checking). */
async function ask(ctx, fn) {
	for (let i = 0; ; i++) {
		try {
			return await fn();
		} catch (e) {
			if (!(e instanceof Unacked) || i >= 3) throw e;
			await sleep(200);
		}
	}
}

/**
 * Check every acknowledged write of `round` through the API. Returns
 * {checked, lost: [{kind, ...}], twice: [{kind, ...}]} (twice: writes
 * made twice although the client asked for them once).
 */
export async function checkWrites(ctx, round) {
	const { cl, app } = ctx;
	const acks = ctx.acks.filter((a) => a.round === round && (a.kind === 'revoke' ? a.token : a.kind !== 'authorize'));
	const lost = [];
	const twice = [];
	const configs = new Map();
	let providers = null;
	for (const a of acks) {
		if (a.kind === 'provider') {
			if (!providers) {
				providers = [];
				for (let after = 0; after !== null; ) {
					const r = await ask(ctx, () => call(cl, 'GET', `/v1/providers?limit=100&after=${after}`, { token: ctx.owner.token }));
					assertStatus(r, 200, 'providers');
					providers.push(...r.body.items);
					after = r.body.next_after;
				}
			}
			const same = providers.filter((p) => p.name === a.name);
			if (!same.length) lost.push(a);
			else if (same.length > 1) twice.push({ ...a, ids: same.map((p) => p.id) });
			continue;
		}
		let present;
		if (a.kind === 'signup') {
			const r = await ask(ctx, () => call(cl, 'POST', '/v1/sessions', { body: { login: a.email, password: a.password } }));
			present = r.status === 201;
			if (!present && r.status !== 401) throw new Error(`signing in ${a.email}: ${r.status} ${r.text}`);
		} else if (a.kind === 'component_token') {
			const r = await ask(ctx, () => cgi(cl, 'api_get_authorizer_list', { component_appid: app.app_id, offset: 0, count: 1 }, a.token));
			present = r.status === 200 && !r.body.errcode;
			if (!present && r.body?.errcode !== 40001) throw new Error(`component token check: ${r.text}`);
		} else if (a.kind === 'authorizer_token') {
			const r = await ask(ctx, () => call(cl, 'GET', '/v1/authorizer', { token: a.token }));
			present = r.status === 200;
			if (!present && r.status !== 401) throw new Error(`authorizer token check: ${r.status} ${r.text}`);
		} else if (a.kind === 'revoke') {
			// a revocation is a write too: the token it stopped stays stopped
			let r = await ask(ctx, () => call(cl, 'GET', '/v1/authorizer', { token: a.token }));
			if (r.status === 200 && cl.servers.length > 1) {
				// another process may have the token cached: a revocation
				// reaches every process within a second
				await sleep(1100);
				r = await ask(ctx, () => call(cl, 'GET', '/v1/authorizer', { token: a.token }));
			}
			present = r.status === 401;
			if (!present && r.status !== 200) throw new Error(`revoked token check: ${r.status} ${r.text}`);
		} else if (a.kind === 'edit') {
			if (!configs.has(a.app)) {
				const r = await ask(ctx, () => call(cl, 'GET', `/v1/apps/${a.app}/configs`, { token: ctx.owner.token }));
				assertStatus(r, 200, 'config versions');
				configs.set(a.app, new Set(r.body.items.map((c) => c.config?.intro)));
			}
			present = configs.get(a.app).has(a.intro);
		} else {
			throw new Error(`unknown write ${a.kind}`);
		}
		if (!present) lost.push(a);
	}
	return { checked: acks.length, lost, twice };
}

/** Where the acknowledged events stand at the receiver. */
export function eventState(ctx) {
	const byCode = new Map(); // pre-auth code -> Set of event ids
	const unauth = new Map(); // authorizer -> Set of event ids
	const copies = new Map(); // event id -> copies received
	for (const rec of ctx.rx.on(ctx.authPath)) {
		const f = opened(ctx, rec);
		if (f.InfoType === 'component_verify_ticket' || !f.eventId) continue;
		copies.set(f.eventId, (copies.get(f.eventId) || 0) + 1);
		if (f.PreAuthCode) {
			if (!byCode.has(f.PreAuthCode)) byCode.set(f.PreAuthCode, new Set());
			byCode.get(f.PreAuthCode).add(f.eventId);
		}
		if (f.InfoType === 'unauthorized') {
			if (!unauth.has(f.AuthorizerAppid)) unauth.set(f.AuthorizerAppid, new Set());
			unauth.get(f.AuthorizerAppid).add(f.eventId);
		}
	}
	const missing = [];
	const mismatched = [];
	const revokes = new Map();
	for (const a of ctx.acks) {
		if (a.kind === 'authorize') {
			const ids = byCode.get(a.preAuthCode);
			if (!ids) missing.push(a);
			else if (ids.size > 1) mismatched.push({ ...a, ids: [...ids] });
		} else if (a.kind === 'revoke') {
			revokes.set(a.host, (revokes.get(a.host) || 0) + 1);
		}
	}
	for (const [host, n] of revokes) {
		const got = unauth.get(host)?.size || 0;
		for (let i = got; i < n; i++) missing.push({ kind: 'revoke', host });
	}
	const acked = ctx.acks.filter((a) => a.kind === 'authorize' || a.kind === 'revoke').length;
	let dup = 0;
	for (const n of copies.values()) if (n > 1) dup += 1;
	return { acked, missing, mismatched, duplicated: dup };
}

/**
 * Wait until every acknowledged event (of every round so far) has reached
 * the receiver, moving the test clocks on so that retries come due; gives
 * up after `timeout` ms. Returns eventState's answer.
 */
export async function checkEvents(ctx, { timeout = PUSH_WAIT_MS } = {}) {
	const deadline = Date.now() + timeout;
	let last = Date.now();
	for (;;) {
		const st = eventState(ctx);
		if (!st.missing.length || Date.now() > deadline) return st;
		if (Date.now() - last > 3000) {
			await ctx.cl.advanceAll(20);
			last = Date.now();
		}
		await sleep(100);
	}
}
