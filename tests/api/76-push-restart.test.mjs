// At-least-once delivery across a crash: kaifangd is killed with SIGKILL
// while an event is in flight (the app holds the request open), restarted
// on the same data directory, and delivers the event with the same
// X-Kaifang-Event-Id once the lease of the dead process has run out.
//
// Then the allow list is taken away (a restart without
// KAIFANG_CALLBACK_ALLOW): the saved loopback URL is refused before every
// connection, so neither URL verification nor a delivery reaches the
// receiver.
//
// The test clock is kept in memory: it starts again from the real time at
// every restart.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, developingApp, openPush, pathOf, delivery, metrics, waitFor } from './helpers/apps.mjs';

const PUSH_TIMEOUT = 10; // seconds; the lease is push-timeout + 30 s
const ENV = { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '1h', KAIFANG_PUSH_TIMEOUT: `${PUSH_TIMEOUT}s` };

describe('a killed kaifangd delivers the event in flight after restart (at-least-once)', () => {
	let srv;
	let rx;
	let dataDir;
	const servers = [];
	let owner;
	let app;
	let body;
	let eventId;

	before(async () => {
		rx = await startReceiver();
		srv = await startServer({ env: ENV });
		servers.push(srv);
		dataDir = srv.dataDir;
		owner = await registerUser(srv, { tag: 'crash' });
	});
	after(async () => {
		await rx?.close();
		for (const s of servers) await s.kill();
		if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
	});

	test('kill -9 while the app holds the push open; after restart the same event id arrives once the lease has run out', async () => {
		const prov = await appProvider(srv, owner);
		body = appBody(rx);
		const authPath = pathOf(body.dev.auth_receive_url);
		rx.mode(authPath, 'hang');
		app = await developingApp(srv, owner, prov.id, rx, body);
		const [first] = await rx.waitFor(authPath, 1);
		eventId = first.headers['x-kaifang-event-id'];
		assert.match(eventId, /^[0-9a-f]{32}$/);
		assert.equal(first.headers['x-kaifang-attempt'], '1');

		const x = await srv.kill();
		assert.equal(x.signal, 'SIGKILL');
		// the event is still pending, leased, with no attempt recorded
		const [row] = srv.sql(`SELECT state, attempts, lease_until, next_attempt_at FROM outbox WHERE event_id = '${eventId}'`);
		assert.equal(row.state, 'pending');
		assert.equal(row.attempts, 0);
		assert.ok(row.lease_until >= row.next_attempt_at + PUSH_TIMEOUT + 30 - 2, `leased until ${row.lease_until}`);
		rx.releaseHanging();
		rx.mode(authPath, 'success');

		srv = await startServer({ env: ENV, dataDir });
		servers.push(srv);
		// the lease of the dead process is honoured: nothing is sent before it ends
		await sleep(2500);
		assert.equal(rx.on(authPath).length, 1, 'the event was sent again while the lease still held');
		await srv.advance(PUSH_TIMEOUT + 30 + 5);
		const hits = await rx.waitFor(authPath, 2);
		assert.equal(hits[1].headers['x-kaifang-event-id'], eventId, 'the same event id after the restart');
		const { fields } = openPush(hits[1], { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id });
		assert.equal(fields.InfoType, 'component_verify_ticket');
		const openedFirst = openPush(first, { token: body.dev.message_token, aesKey: body.dev.aes_key, appId: app.app_id }).fields;
		assert.equal(fields.ComponentVerifyTicket, openedFirst.ComponentVerifyTicket, 'the same ticket');
		const ev = await waitFor(async () => {
			const e = await delivery(srv, owner.token, app.app_id, eventId);
			return e.state === 'delivered' ? e : null;
		}, { what: 'the event delivered after the restart' });
		assert.equal(ev.attempt_log.length, 1, 'the attempt cut off by the kill is not in the log');
		assert.equal(ev.attempt_log[0].http_status, 200);
		// delivered once after the restart, not more
		await sleep(1200);
		assert.equal(rx.on(authPath).length, 2);
		// the counters are per process; the gauges come from the database
		const m = await metrics(srv);
		assert.equal(m['kaifang_push_deliveries_total{outcome="delivered"}'], 1);
		assert.equal(m.kaifang_push_outbox_pending, 0);
	});

	test('restarted without KAIFANG_CALLBACK_ALLOW: the saved loopback URL is refused before any connection, for verification and delivery', async () => {
		assert.ok(eventId, 'needs the previous test');
		await srv.stop({ keepDir: true });
		const env = { ...ENV };
		delete env.KAIFANG_CALLBACK_ALLOW;
		srv = await startServer({ env, dataDir });
		servers.push(srv);
		const authPath = pathOf(body.dev.auth_receive_url);
		const seen = rx.requests.length;

		const v = await srv.req('POST', `/v1/apps/${app.app_id}/endpoints:verify`, { token: owner.token, body: { endpoint: 'auth_receive_url' } });
		assertStatus(v, 200);
		assert.equal(v.body.ok, false);
		assert.equal(v.body.failure, 'refused_address', v.text);
		assert.equal(v.body.http_status, 0);
		assert.match(v.body.message, /127\.0\.0\.1 \(loopback\)/);

		// a replayed event is not sent either; the attempt log says why
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/deliveries/${eventId}:replay`, { token: owner.token })).status, 202);
		const ev = await waitFor(async () => {
			const e = await delivery(srv, owner.token, app.app_id, eventId);
			return e.attempt_log.length === 2 ? e : null;
		}, { what: 'the refused attempt recorded' });
		assert.equal(ev.attempt_log[1].http_status, null);
		assert.match(ev.attempt_log[1].error, /refused address 127\.0\.0\.1 \(loopback\)/);
		assert.equal(ev.state, 'pending', 'a refused address is retried later (the operator may fix the allow list)');
		assert.equal(rx.requests.length, seen, 'a connection reached the receiver');
		assert.equal(rx.on(authPath).length, 2);

		// and the URL can no longer be saved: http needs the allow list, https is refused as loopback
		assertError(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { intro: 'Still here.' } }), 400, 'https_required', { rule: 'APP-4', field: 'dev.auth_receive_url' });
	});
});
