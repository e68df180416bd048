// Event push (PROTOCOL.md §6–§7): verify tickets pushed to an app's
// authorization receive URL, signed and encrypted so that two independent
// npm implementations (@wecom/crypto, wechat-crypto) verify and decrypt
// them; retries with growing gaps (5 s, 15 s, 45 s … ±20 %) when the app
// fails, times out or answers wrongly; dead events after push-max-age,
// listed and replayed; URL verification (the echo handshake) with each kind
// of failure; and the /metrics counters.
//
// The receiving app is a node:http server on 127.0.0.1; the server under
// test allows 127.0.0.0/8 (KAIFANG_CALLBACK_ALLOW). Time is moved with the
// test clock: advancing it wakes the delivery thread.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, expectUnchanged, operator, decide, login } from './helpers/flows.mjs';
import {
	startReceiver, closedPort, appBody, appProvider, createApp, approveCreation, developingApp, openPush, pathOf,
	delivery, deliveries, metrics, waitFor, sha1Sorted, aesKey, reviewer,
} from './helpers/apps.mjs';

const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
const TICKET = /^ticket@@@[A-Za-z0-9_-]{86}$/;

/**
 * Move the test clock to the event's next attempt each time one is
 * recorded, until done(ev) or `max` attempts. Returns the final event.
 */
async function driveRetries(srv, token, appId, eventId, { done, max = 10, timeout = 15000 } = {}) {
	let ev = await delivery(srv, token, appId, eventId);
	for (;;) {
		if (done(ev) || ev.attempts >= max) return ev;
		if (ev.state === 'pending' && ev.attempts > 0) {
			const now = await srv.now();
			if (ev.next_attempt_at > now) await srv.advance(ev.next_attempt_at - now);
		}
		const n = ev.attempts;
		ev = await waitFor(async () => {
			const e = await delivery(srv, token, appId, eventId);
			return e.attempts > n || done(e) ? e : null;
		}, { timeout, what: `attempt ${n + 1} of ${eventId}` });
	}
}

/** The first event of an app (waits for the ticket to be issued). */
async function firstEvent(srv, token, appId) {
	const items = await waitFor(async () => {
		const it = await deliveries(srv, token, appId);
		return it.length ? it : null;
	}, { what: `the first event of ${appId}` });
	return items[items.length - 1];
}

describe('verify tickets (ticket-interval 10 s)', () => {
	let srv;
	let rx;
	let owner;
	let prov;

	before(async () => {
		srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
		rx = await startReceiver();
		owner = await registerUser(srv, { tag: 'tickets' });
		prov = await appProvider(srv, owner);
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	test('§6 a ticket reaches the auth receive URL of an app in development; it verifies and decrypts with both npm implementations', async () => {
		const body = appBody(rx);
		const app = await createApp(srv, owner.token, prov.id, body);
		const authPath = pathOf(body.dev.auth_receive_url);
		// a draft app gets no tickets, nor does one in its creation review
		const sub = await srv.req('POST', `/v1/apps/${app.app_id}/creation-review`, { token: owner.token });
		assertStatus(sub, 201);
		await sleep(1500);
		assert.equal(rx.on(authPath).length, 0, 'a ticket before the creation review passed');
		assert.deepEqual(await deliveries(srv, owner.token, app.app_id), []);
		const rv = await reviewer(srv);
		assertStatus(await decide(srv, rv.token, sub.body.id, 'approve'), 200);

		const [first] = await rx.waitFor(authPath, 1);
		const t0 = await srv.now();
		assert.equal(first.path, authPath, 'no $APPID$ substitution and no other path');
		assert.equal(first.headers['content-type'], 'text/xml; charset=utf-8');
		assert.match(first.headers['x-kaifang-event-id'], /^[0-9a-f]{32}$/);
		assert.equal(first.headers['x-kaifang-attempt'], '1');
		assert.deepEqual(Object.keys(first.query).sort(), ['encrypt_type', 'msg_signature', 'nonce', 'signature', 'timestamp']);
		assert.ok(Math.abs(Number(first.query.timestamp) - t0) <= 5, 'timestamp is the server time');
		const { fields } = openPush(first, { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id });
		assert.deepEqual(Object.keys(fields), ['AppId', 'CreateTime', 'InfoType', 'ComponentVerifyTicket']);
		assert.equal(fields.AppId, app.app_id);
		assert.equal(fields.InfoType, 'component_verify_ticket');
		assert.match(fields.ComponentVerifyTicket, TICKET);
		assert.ok(Math.abs(Number(fields.CreateTime) - t0) <= 5);

		// the outbox shows the delivered event and its one attempt
		const items = await deliveries(srv, owner.token, app.app_id);
		assert.equal(items.length, 1);
		const ev = await waitFor(async () => {
			const e = await delivery(srv, owner.token, app.app_id, first.headers['x-kaifang-event-id']);
			return e.state === 'delivered' ? e : null;
		}, { what: 'the delivered state' });
		assert.equal(ev.kind, 'component_verify_ticket');
		assert.equal(ev.target, 'auth_receive');
		assert.equal(ev.attempts, 1);
		assert.equal(ev.last_error, null);
		assert.equal(ev.attempt_log.length, 1);
		assert.equal(ev.attempt_log[0].http_status, 200);
		assert.equal(ev.attempt_log[0].error, null);
		assert.equal(ev.attempt_log[0].response_excerpt, 'success');
		assert.equal(typeof ev.attempt_log[0].latency_ms, 'number');
		// only the ticket's SHA-256 is kept, never the ticket
		const hashes = () => srv.sql(`SELECT t.ticket_hash FROM verify_tickets t JOIN apps a ON a.id = t.app WHERE a.app_id = '${app.app_id}' ORDER BY t.id`).map((x) => x.ticket_hash);
		assert.deepEqual(hashes(), [sha256(fields.ComponentVerifyTicket)]);

		// every ticket-interval a fresh ticket; the current and the previous one are kept
		const tickets = [fields.ComponentVerifyTicket];
		for (let i = 2; i <= 3; i++) {
			await srv.advance(10);
			const hits = await rx.waitFor(authPath, i);
			const f = openPush(hits[i - 1], { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id }).fields;
			assert.equal(f.InfoType, 'component_verify_ticket');
			assert.match(f.ComponentVerifyTicket, TICKET);
			assert.ok(!tickets.includes(f.ComponentVerifyTicket), 'a fresh ticket each time');
			assert.notEqual(hits[i - 1].headers['x-kaifang-event-id'], hits[i - 2].headers['x-kaifang-event-id']);
			tickets.push(f.ComponentVerifyTicket);
		}
		const kept = hashes();
		assert.equal(kept.length, 2, 'only the newest two tickets are kept');
		assert.deepEqual(kept, tickets.slice(-2).map(sha256));
		// the message URL gets none of them
		assert.equal(rx.on(pathOf(body.dev.message_url).replace(/\/APPID$/, '')).length, 0);
	});

	test('pushes use the live configuration: an edited draft changes nothing until activated; then the new URL, token and key are used', async () => {
		const body = appBody(rx);
		const app = await developingApp(srv, owner, prov.id, rx, body);
		const oldPath = pathOf(body.dev.auth_receive_url);
		await rx.waitFor(oldPath, 1);
		const next = { auth_receive_url: `${rx.base}/moved/${app.app_id}`, message_token: 'MovedToken9', aes_key: aesKey() };
		assertStatus(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { dev: next } }), 200);
		await srv.advance(10);
		const hits = await rx.waitFor(oldPath, 2);
		openPush(hits[1], { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id });
		assert.equal(rx.on('/moved/').length, 0, 'the draft URL was used before activation');
		assertStatus(await srv.req('POST', `/v1/apps/${app.app_id}/configs:activate`, { token: owner.token }), 200);
		const before = rx.on(oldPath).length;
		await srv.advance(10);
		const [moved] = await rx.waitFor(`/moved/${app.app_id}`, 1);
		const { fields } = openPush(moved, { token: next.message_token, aesKey: next.aes_key, appId: app.app_id });
		assert.equal(fields.InfoType, 'component_verify_ticket');
		assert.equal(rx.on(oldPath).length, before, 'the old URL still got pushes after activation');
	});

	test('a ticket still undelivered when the next one is issued ends superseded, and is not sent again', async () => {
		const body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'status500');
		const app = await developingApp(srv, owner, prov.id, rx, body);
		const e1 = await firstEvent(srv, owner.token, app.app_id);
		// attempt 1 fails; move to attempt 2, which fails too (next one 12–18 s later)
		let ev = await driveRetries(srv, owner.token, app.app_id, e1.event_id, { done: (e) => e.attempts >= 2 });
		assert.equal(ev.state, 'pending');
		const now = await srv.now();
		const due = e1.created_at + 10;
		assert.ok(due < ev.next_attempt_at, `the next ticket (${due}) is due before the retry (${ev.next_attempt_at})`);
		rx.mode(authPath, 'success');
		if (due > now) await srv.advance(due - now);
		const items = await waitFor(async () => {
			const it = await deliveries(srv, owner.token, app.app_id);
			return it.length >= 2 && it[0].state === 'delivered' ? it : null;
		}, { what: 'the second ticket delivered' });
		ev = await delivery(srv, owner.token, app.app_id, e1.event_id);
		assert.equal(ev.state, 'superseded');
		assert.equal(ev.attempts, 2);
		assert.match(ev.last_error, /superseded/);
		const sup = await deliveries(srv, owner.token, app.app_id, 'superseded');
		assert.deepEqual(sup.map((x) => x.event_id), [e1.event_id]);
		assert.ok(items[0].event_id !== e1.event_id);
		// the superseded one is never attempted again
		const n = rx.on(authPath, (r) => r.headers['x-kaifang-event-id'] === e1.event_id).length;
		await srv.advance(30);
		await sleep(1200);
		assert.equal(rx.on(authPath, (r) => r.headers['x-kaifang-event-id'] === e1.event_id).length, n);
	});
});

describe('retries, dead events and replay (push-max-age 2 m, push-timeout 1 s)', () => {
	let srv;
	let rx;
	let owner;
	let member;
	let prov;

	before(async () => {
		srv = await startServer({
			env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '1h', KAIFANG_PUSH_MAX_AGE: '2m', KAIFANG_PUSH_TIMEOUT: '1s', KAIFANG_MAX_APPS: '100' },
		});
		rx = await startReceiver();
		[owner, member] = await Promise.all([registerUser(srv, { tag: 'retry' }), registerUser(srv, { tag: 'retrymember' })]);
		prov = await appProvider(srv, owner);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201);
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	test('an app that fails, times out and answers wrongly gets retries with growing gaps (first within a minute) until it answers success', async () => {
		const m0 = await metrics(srv);
		const body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, ['status500', 'hang', 'wrong', 'success']);
		const app = await developingApp(srv, owner, prov.id, rx, body);
		const e = await firstEvent(srv, owner.token, app.app_id);
		const ev = await driveRetries(srv, owner.token, app.app_id, e.event_id, { done: (x) => x.state !== 'pending' });
		assert.equal(ev.state, 'delivered');
		assert.equal(ev.attempts, 4);
		assert.equal(ev.last_error, null);
		assert.ok(ev.delivered_at >= ev.attempt_log[3].attempted_at);

		// what the app saw: the same event id every time, the attempt number counting up
		const seen = rx.on(authPath);
		assert.equal(seen.length, 4);
		assert.deepEqual(seen.map((r) => r.headers['x-kaifang-event-id']), Array(4).fill(e.event_id));
		assert.deepEqual(seen.map((r) => r.headers['x-kaifang-attempt']), ['1', '2', '3', '4']);
		// each attempt is encrypted afresh (new nonce and timestamp), and each decrypts
		assert.equal(new Set(seen.map((r) => r.query.nonce)).size, 4);
		const texts = seen.map((r) => openPush(r, { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id }).fields.ComponentVerifyTicket);
		assert.equal(new Set(texts).size, 1, 'the same ticket in every attempt');

		// the attempt log: time, status or network error, latency, first bytes of the answer
		const log = ev.attempt_log;
		assert.equal(log.length, 4);
		assert.equal(log[0].http_status, 500);
		assert.match(log[0].error, /HTTP status 500/);
		assert.equal(log[0].response_excerpt, 'internal error');
		assert.equal(log[1].http_status, null);
		assert.match(log[1].error, /no answer within 1000 ms/);
		assert.ok(log[1].latency_ms >= 900, `timeout latency ${log[1].latency_ms}`);
		assert.equal(log[2].http_status, 200);
		assert.match(log[2].error, /not "success"/);
		assert.equal(log[2].response_excerpt, 'fail');
		assert.equal(log[3].http_status, 200);
		assert.equal(log[3].error, null);
		assert.equal(log[3].response_excerpt, 'success');

		// the gaps: 5 s, 15 s, 45 s nominal, each ±20 % (plus up to 2 s for the timeout and the clock)
		const at = log.map((x) => x.attempted_at);
		const gaps = [at[1] - at[0], at[2] - at[1], at[3] - at[2]];
		for (const [i, nominal] of [[0, 5], [1, 15], [2, 45]].map(([i, n]) => [i, n])) {
			assert.ok(gaps[i] >= Math.floor(nominal * 0.8) && gaps[i] <= Math.ceil(nominal * 1.2) + 2, `gap ${i + 1} is ${gaps[i]} s, expected ${nominal} s ±20 %`);
		}
		assert.ok(gaps[0] < 60, 'the first retry within a minute');
		assert.ok(gaps[1] > gaps[0] && gaps[2] > gaps[1], `growing gaps: ${gaps}`);

		// metrics: three failed attempts and one delivery, all timed
		const m1 = await metrics(srv);
		const d = (k) => m1[k] - (m0[k] ?? 0);
		assert.equal(d('kaifang_push_deliveries_total{outcome="failed"}'), 3);
		assert.equal(d('kaifang_push_deliveries_total{outcome="delivered"}'), 1);
		assert.equal(d('kaifang_push_deliveries_total{outcome="dead"}'), 0);
		assert.equal(d('kaifang_push_delivery_seconds_count'), 4);
		assert.ok(d('kaifang_push_delivery_seconds_bucket{le="0.5"}') <= 3, 'the timed-out attempt took about a second');
		assert.equal(d('kaifang_push_delivery_seconds_bucket{le="+Inf"}'), 4);
		assert.ok(d('kaifang_push_delivery_seconds_sum') >= 0.9);
	});

	test('an app that never answers success: the event is dead after push-max-age, listed by state, and replayed on request', async () => {
		const m0 = await metrics(srv);
		const body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'status500');
		const app = await developingApp(srv, owner, prov.id, rx, body);
		const e = await firstEvent(srv, owner.token, app.app_id);
		let ev = await driveRetries(srv, owner.token, app.app_id, e.event_id, { done: (x) => x.state !== 'pending' });
		assert.equal(ev.state, 'dead');
		// 5 + 15 + 45 s of retries fit into 2 minutes, the fourth gap (135 s) does not
		assert.equal(ev.attempts, 4);
		assert.equal(ev.attempt_log.length, 4);
		const last = ev.attempt_log[3].attempted_at;
		assert.ok(last - ev.created_at <= 120, 'no attempt after push-max-age');
		assert.ok(last + 135 * 0.8 > ev.created_at + 120, 'dead only when the next attempt would pass push-max-age');
		assert.match(ev.last_error, /HTTP status 500/);

		const ids = async (state) => (await deliveries(srv, owner.token, app.app_id, state)).map((x) => x.event_id);
		assert.deepEqual(await ids('dead'), [e.event_id]);
		assert.deepEqual(await ids('pending'), []);
		assert.deepEqual(await ids('delivered'), []);
		let m1 = await metrics(srv);
		assert.equal(m1['kaifang_push_deliveries_total{outcome="dead"}'] - (m0['kaifang_push_deliveries_total{outcome="dead"}'] ?? 0), 1);
		assert.equal(m1['kaifang_push_deliveries_total{outcome="failed"}'] - (m0['kaifang_push_deliveries_total{outcome="failed"}'] ?? 0), 3);
		assert.ok(m1.kaifang_push_outbox_dead >= 1);
		// nothing more happens to a dead event (the next ticket is an hour away)
		await srv.advance(600);
		await sleep(1200);
		assert.equal(rx.on(authPath).length, 4);

		// replay: only members of the provider
		const stranger = await registerUser(srv, { tag: 'replaystranger' });
		const ops = await operator(srv, 'ops');
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${e.event_id}:replay`, { token: stranger.token }), 404, 'app_not_found');
			assertError(await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${e.event_id}:replay`, { token: ops.token }), 403, 'provider_member_required');
			assertError(await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${'f'.repeat(32)}:replay`, { token: member.token }), 404, 'event_not_found', { field: 'event' });
		});
		// operators may read the events
		assertStatus(await srv.req('GET', `/v1/apps/${app.app_id}/deliveries/${e.event_id}`, { token: ops.token }), 200);
		rx.mode(authPath, 'success');
		const r = await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${e.event_id}:replay`, { token: member.token });
		assert.equal(r.status, 202, r.text);
		assert.equal(r.body.event_id, e.event_id);
		const hits = await rx.waitFor(authPath, 5);
		assert.equal(hits[4].headers['x-kaifang-event-id'], e.event_id, 'the replay carries the same event id');
		assert.equal(hits[4].headers['x-kaifang-attempt'], '5');
		openPush(hits[4], { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id });
		ev = await waitFor(async () => {
			const x = await delivery(srv, owner.token, app.app_id, e.event_id);
			return x.state === 'delivered' ? x : null;
		}, { what: 'the replayed event delivered' });
		assert.equal(ev.attempt_log.length, 5);
		assert.equal(ev.attempt_log[4].http_status, 200);
		assert.deepEqual(await ids('dead'), []);
		assert.deepEqual(await ids('delivered'), [e.event_id]);
		m1 = await metrics(srv);
		assert.equal(m1.kaifang_push_outbox_dead, Number(srv.sql("SELECT COUNT(*) AS n FROM outbox WHERE state = 'dead'")[0].n));

		// a delivered event can be replayed too (the app drops the duplicate by its id)
		rx.mode(authPath, 'hang');
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${e.event_id}:replay`, { token: owner.token })).status, 202);
		await rx.waitFor(authPath, 6);
		assert.equal(rx.on(authPath)[5].headers['x-kaifang-event-id'], e.event_id);
		// while it is being delivered it cannot be replayed again
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${e.event_id}:replay`, { token: owner.token }), 409, 'still_pending', { field: 'event' });
		}, { ignore: ['outbox', 'deliveries', 'login_failures', 'email_codes'] });
		await waitFor(async () => (await delivery(srv, owner.token, app.app_id, e.event_id)).attempts === 6, { what: 'the timed-out replay recorded' });
		rx.mode(authPath, 'success');
	});

	test('endpoints:verify: the echo handshake (§7) succeeds, and each kind of failure is reported; nothing is stored', async () => {
		const body = appBody(rx);
		const app = await createApp(srv, owner.token, prov.id, body);
		const id = app.app_id;
		const authPath = pathOf(body.dev.auth_receive_url);
		const msgPath = pathOf(body.dev.message_url).replace(/APPID$/, id);
		const verify = (endpoint, token = owner.token) => srv.req('POST', `/v1/apps/${id}/endpoints:verify`, { token, body: { endpoint } });
		rx.token = body.dev.message_token;
		try {
			await expectUnchanged(srv, async () => {
				// success: a signed GET with echostr, which the app echoes
				const ok = await verify('auth_receive_url', member.token);
				assertStatus(ok, 200);
				assert.equal(ok.body.endpoint, 'auth_receive_url');
				assert.equal(ok.body.url, body.dev.auth_receive_url);
				assert.equal(ok.body.ok, true);
				assert.equal(ok.body.failure, null);
				assert.equal(ok.body.http_status, 200);
				assert.equal(typeof ok.body.latency_ms, 'number');
				assert.equal(typeof ok.body.message, 'string');
				const [g] = rx.on(authPath);
				assert.equal(g.method, 'GET');
				assert.deepEqual(Object.keys(g.query).sort(), ['echostr', 'nonce', 'signature', 'timestamp']);
				assert.equal(g.query.signature, sha1Sorted(body.dev.message_token, g.query.timestamp, g.query.nonce));
				assert.equal(ok.body.excerpt, g.query.echostr);
				// the message URL with $APPID$ replaced by the app id
				const okm = await verify('message_url');
				assertStatus(okm, 200);
				assert.equal(okm.body.ok, true);
				assert.equal(okm.body.url, body.dev.message_url.replace('$APPID$', id));
				assert.equal(rx.on(msgPath).length, 1);

				const fails = [
					['status500', 'http_status', 500, /500/],
					['wrong', 'body_mismatch', 200, /echostr/],
					['hang', 'timeout', 0, /1000 ms/],
					[() => ({ status: 200, body: 'x'.repeat(70 * 1024) }), 'response_too_large', 200, /bytes/],
					[() => ({ status: 200, body: '' }), 'body_mismatch', 200, /echostr/],
					// redirects are not followed (the target could be anywhere)
					[() => ({ status: 302, body: '', headers: { Location: `${rx.base}/redirected` } }), 'http_status', 302, /302/],
				];
				for (const [mode, failure, status, msg] of fails) {
					rx.mode(authPath, mode);
					const r = await verify('auth_receive_url');
					assertStatus(r, 200, `verify against ${failure}`);
					assert.equal(r.body.ok, false);
					assert.equal(r.body.failure, failure, r.text);
					assert.equal(r.body.http_status, status, r.text);
					assert.match(r.body.message, msg);
				}
				rx.mode(authPath, 'success');
				// a wrong token: the app refuses the signature
				rx.token = 'SomeOtherToken';
				const bad = await verify('auth_receive_url');
				assert.equal(bad.body.failure, 'http_status');
				assert.equal(bad.body.http_status, 403);
				assert.equal(bad.body.excerpt, 'bad signature');
				rx.token = body.dev.message_token;
				assertError(await verify('other_url'), 400, 'invalid_value', { field: 'endpoint', rule: 'APP-8' });
				assert.equal(rx.on('/redirected').length, 0, 'a redirect was followed');
			});
			// nothing listening: connect_failed; https to a plain http server: tls_error
			const port = await closedPort();
			assertStatus(await srv.req('PATCH', `/v1/apps/${id}`, { token: owner.token, body: { dev: { auth_receive_url: `http://127.0.0.1:${port}/gone`, message_url: `https://127.0.0.1:${rx.port}/tls/$APPID$` } } }), 200);
			const c = await verify('auth_receive_url');
			assert.equal(c.body.ok, false);
			assert.equal(c.body.failure, 'connect_failed', c.text);
			assert.equal(c.body.http_status, 0);
			const t = await verify('message_url');
			assert.equal(t.body.ok, false);
			assert.equal(t.body.failure, 'tls_error', t.text);
			// an app without the URL yet
			const bare = await createApp(srv, owner.token, prov.id, { name: `Bare ${id}` });
			await expectUnchanged(srv, async () => {
				assertError(await srv.req('POST', `/v1/apps/${bare.app_id}/endpoints:verify`, { token: owner.token, body: { endpoint: 'message_url' } }), 409, 'endpoint_not_configured', { rule: 'APP-8' });
			});
		} finally {
			rx.token = null;
			rx.mode(authPath, 'success');
		}
	});

	test('a deleted app gets no more pushes: the retries of its pending event stop (DATA-3)', async () => {
		const body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'status500');
		const app = await developingApp(srv, owner, prov.id, rx, body);
		await rx.waitFor(authPath, 1);
		await waitFor(async () => (await delivery(srv, owner.token, app.app_id, (await firstEvent(srv, owner.token, app.app_id)).event_id)).attempts === 1, { what: 'the first attempt recorded' });
		assert.equal((await srv.req('DELETE', `/v1/apps/${app.app_id}`, { token: owner.token })).status, 204);
		const n = rx.on(authPath).length;
		for (const s of [10, 20, 50]) {
			await srv.advance(s);
			await sleep(600);
		}
		rx.mode(authPath, 'success');
		assert.equal(rx.on(authPath).length, n, `the deleted app's event was pushed ${rx.on(authPath).length - n} more time(s)`);
	});

	test('deliveries: listing by state, newest first, paged; bad queries refused', async () => {
		const body = appBody(rx);
		const app = await developingApp(srv, owner, prov.id, rx, body);
		await rx.waitFor(pathOf(body.dev.auth_receive_url), 1);
		await waitFor(async () => (await deliveries(srv, owner.token, app.app_id, 'delivered')).length === 1, { what: 'delivered' });
		// two more tickets (the interval is an hour)
		for (let i = 2; i <= 3; i++) {
			await srv.advance(3600);
			await rx.waitFor(pathOf(body.dev.auth_receive_url), i);
			await waitFor(async () => (await deliveries(srv, owner.token, app.app_id, 'delivered')).length === i, { what: `${i} delivered` });
		}
		const all = await deliveries(srv, owner.token, app.app_id);
		assert.equal(all.length, 3);
		assert.ok(all[0].id > all[1].id && all[1].id > all[2].id, 'newest first');
		for (const x of all) {
			for (const k of ['id', 'event_id', 'kind', 'target', 'state', 'attempts', 'next_attempt_at', 'created_at', 'delivered_at', 'last_error']) assert.ok(k in x, k);
			assert.equal('payload' in x, false, 'the payload (with the ticket) is not shown');
		}
		const p1 = await srv.req('GET', `/v1/apps/${app.app_id}/deliveries?limit=2`, { token: owner.token });
		assert.deepEqual(p1.body.items.map((x) => x.id), [all[0].id, all[1].id]);
		assert.equal(p1.body.next_after, all[1].id);
		const p2 = await srv.req('GET', `/v1/apps/${app.app_id}/deliveries?limit=2&after=${p1.body.next_after}`, { token: owner.token });
		assert.deepEqual(p2.body.items.map((x) => x.id), [all[2].id]);
		assert.equal(p2.body.next_after, null);
		const one = await delivery(srv, owner.token, app.app_id, all[0].event_id);
		assert.equal('payload' in one, false);
		await expectUnchanged(srv, async () => {
			for (const q of ['state=done', 'state=', 'state=DEAD', 'limit=0', 'limit=201', 'after=x'])
				assertError(await srv.req('GET', `/v1/apps/${app.app_id}/deliveries?${q}`, { token: owner.token }), 400, 'invalid_value', { field: q.split('=')[0] });
			assertError(await srv.req('GET', `/v1/apps/${app.app_id}/deliveries/nope`, { token: owner.token }), 404, 'event_not_found');
		});
	});

	test('/metrics (Prometheus text, no credentials): counters by outcome, latency histogram and the outbox backlog', async () => {
		const r = await srv.req('GET', '/metrics');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
		for (const name of ['kaifang_push_deliveries_total', 'kaifang_push_delivery_seconds', 'kaifang_push_outbox_pending', 'kaifang_push_outbox_dead', 'kaifang_push_oldest_pending_seconds'])
			assert.match(r.text, new RegExp(`^# TYPE ${name} (counter|histogram|gauge)$`, 'm'), name);
		await waitFor(() => Number(srv.sql(`SELECT COUNT(*) AS n FROM outbox o JOIN apps a ON a.id = o.app WHERE o.state = 'pending' AND a.deleted_at IS NULL`)[0].n) === 0, { what: 'an empty backlog' });
		const m = await metrics(srv);
		assert.equal(m.kaifang_push_outbox_pending, Number(srv.sql(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`)[0].n));
		// the histogram is cumulative and its count is the +Inf bucket
		const les = ['0.01', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
		const b = les.map((le) => m[`kaifang_push_delivery_seconds_bucket{le="${le}"}`]);
		for (let i = 1; i < b.length; i++) assert.ok(b[i] >= b[i - 1], `bucket ${les[i]}`);
		assert.equal(b[b.length - 1], m.kaifang_push_delivery_seconds_count);
		// every attempt made in this process was timed and counted by outcome (sampled while nothing is in flight)
		const attempts = Number(srv.sql('SELECT COUNT(*) AS n FROM deliveries')[0].n);
		const outcomes = ['delivered', 'failed', 'dead'].reduce((s, o) => s + m[`kaifang_push_deliveries_total{outcome="${o}"}`], 0);
		assert.equal(outcomes, attempts);
		assert.equal(m.kaifang_push_delivery_seconds_count, attempts);
		// the backlog: a pending event and its age
		const body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'status500');
		const app = await developingApp(srv, owner, prov.id, rx, body);
		const e = await firstEvent(srv, owner.token, app.app_id);
		await waitFor(async () => (await delivery(srv, owner.token, app.app_id, e.event_id)).attempts === 1, { what: 'the first attempt' });
		await srv.advance(3);
		const m2 = await metrics(srv);
		const pending = Number(srv.sql("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")[0].n);
		assert.ok(pending >= 1);
		assert.equal(m2.kaifang_push_outbox_pending, pending);
		const oldest = Number(srv.sql("SELECT MIN(created_at) AS t FROM outbox WHERE state = 'pending'")[0].t);
		const age = (await srv.now()) - oldest;
		assert.ok(Math.abs(m2.kaifang_push_oldest_pending_seconds - age) <= 2, `oldest pending ${m2.kaifang_push_oldest_pending_seconds} s, expected about ${age} s`);
		rx.mode(authPath, 'success');
		await driveRetries(srv, owner.token, app.app_id, e.event_id, { done: (x) => x.state === 'delivered' });
		const m3 = await metrics(srv);
		assert.equal(m3.kaifang_push_outbox_pending, Number(srv.sql("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")[0].n));
	});

	test('retention: delivered and superseded events and their attempt logs are deleted after 7 days; dead events are kept', async () => {
		const rows = srv.sql("SELECT o.event_id, o.state, a.app_id FROM outbox o JOIN apps a ON a.id = o.app ORDER BY o.id");
		const delivered = rows.find((x) => x.state === 'delivered');
		const dead = rows.find((x) => x.state === 'dead');
		assert.ok(delivered && dead, `needs a delivered and a dead event: ${JSON.stringify(rows)}`);
		await srv.advance(6 * 86400);
		await sleep(1500);
		assertStatus(await srv.req('GET', `/v1/apps/${delivered.app_id}/deliveries/${delivered.event_id}`, { token: owner.token }), 200, 'kept for 7 days');
		await srv.advance(86400 + 3600);
		const token = await login(srv, owner.email, owner.password); // the session has expired meanwhile
		await waitFor(async () => (await srv.req('GET', `/v1/apps/${delivered.app_id}/deliveries/${delivered.event_id}`, { token })).status === 404, { what: 'the delivered event expired' });
		const d = await delivery(srv, token, dead.app_id, dead.event_id);
		assert.equal(d.state, 'dead');
		assert.ok(d.attempt_log.length > 0, 'the dead event keeps its attempt log');
		const old = Number(srv.sql(`SELECT COUNT(*) AS n FROM outbox WHERE state IN ('delivered', 'superseded') AND created_at < ${(await srv.now()) - 7 * 86400}`)[0].n);
		assert.equal(old, 0);
		assert.equal(Number(srv.sql('SELECT COUNT(*) AS n FROM deliveries WHERE outbox_id NOT IN (SELECT id FROM outbox)')[0].n), 0, 'attempt logs of deleted events are left behind');
	});
});

// endpoints:verify waits for the app (up to push-timeout). Meanwhile the
// server must keep answering: with one HTTP thread any request shows it.
describe('a slow URL verification holds up no other request (threads 1)', () => {
	let srv;
	let rx;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_PUSH_TIMEOUT: '2s', KAIFANG_THREADS: '1' } });
		rx = await startReceiver();
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	test('requests on other connections are answered while a verification waits for a hanging app', async () => {
		const owner = await registerUser(srv, { tag: 'slowverify' });
		const prov = await appProvider(srv, owner);
		const body = appBody(rx);
		const app = await createApp(srv, owner.token, prov.id, body);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'hang');
		const slow = srv.req('POST', `/v1/apps/${app.app_id}/endpoints:verify`, { token: owner.token, body: { endpoint: 'auth_receive_url' } });
		await rx.waitFor(authPath, 1);
		const t0 = Date.now();
		const r = await srv.rawRequest('GET', '/healthz');
		const took = Date.now() - t0;
		assert.equal(r.status, 200);
		assert.equal((await slow).body.failure, 'timeout');
		assert.ok(took < 1000, `GET /healthz waited ${took} ms for a verification (push-timeout 2000 ms)`);
	});
});
