// SSRF protection of callback URLs (APP-4): without KAIFANG_CALLBACK_ALLOW
// a loopback callback is refused when it is saved, with a clear error:
// plain http is refused as https_required (http only for IP literals inside
// the allow list), https to a loopback address as callback_address_refused.
// The allow list is read from the environment or from the INI file
// ([push] allow_networks), and invalid push options stop the start.
//
// Only loopback addresses are used, and no connection is expected to reach
// the receiver.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, runDaemon } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, expectUnchanged } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp } from './helpers/apps.mjs';

describe('loopback callbacks while KAIFANG_CALLBACK_ALLOW is unset', () => {
	let srv;
	let rx;
	let owner;
	let prov;

	before(async () => {
		srv = await startServer();
		rx = await startReceiver();
		owner = await registerUser(srv, { tag: 'ssrf' });
		prov = await appProvider(srv, owner);
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	const create = (over) => srv.req('POST', `/v1/providers/${prov.id}/apps`, { token: owner.token, body: appBody(rx, over) });

	test('http to a loopback address is refused as https_required (APP-4)', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await create({}), 400, 'https_required', { rule: 'APP-4', field: 'dev.auth_receive_url' });
			assertError(await create({ dev: { auth_receive_url: null } }), 400, 'https_required', { rule: 'APP-4', field: 'dev.message_url' });
			assertError(await create({ dev: { server_domains: ['localhost'], auth_receive_url: `http://localhost:${rx.port}/a`, message_url: null } }), 400, 'https_required', { field: 'dev.auth_receive_url' });
		});
	});

	test('https to a loopback address is refused as callback_address_refused, naming the address class and the option', async () => {
		const cases = [
			['127.0.0.1', `127.0.0.1:${rx.port}`],
			['127.8.9.10', '127.8.9.10'],
			['::1', `[::1]:${rx.port}`],
			['::ffff:127.0.0.1', `[::ffff:127.0.0.1]:${rx.port}`],
			['localhost', `localhost:${rx.port}`],
		];
		await expectUnchanged(srv, async () => {
			for (const [domain, hostport] of cases) {
				const e = assertError(await create({ dev: { server_domains: [domain], auth_receive_url: `https://${hostport}/auth`, message_url: null } }), 400, 'callback_address_refused', { rule: 'APP-4', field: 'dev.auth_receive_url' });
				assert.match(e.message, /loopback/, e.message);
				assert.match(e.message, /KAIFANG_CALLBACK_ALLOW|allow_networks/, e.message);
				assertError(await create({ dev: { server_domains: [domain], auth_receive_url: null, message_url: `https://${hostport}/m/$APPID$` } }), 400, 'callback_address_refused', { field: 'dev.message_url' });
			}
			const e = assertError(await create({ dev: { server_domains: ['0.0.0.0'], auth_receive_url: 'https://0.0.0.0/auth', message_url: null } }), 400, 'callback_address_refused', { field: 'dev.auth_receive_url' });
			assert.match(e.message, /unspecified/);
		});
		// an edit is checked the same way; a draft without URLs is fine
		const app = await createApp(srv, owner.token, prov.id, appBody(rx, { dev: { auth_receive_url: null, message_url: null } }));
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { dev: { auth_receive_url: `https://127.0.0.1:${rx.port}/later` } } }), 400, 'callback_address_refused');
			assertError(await srv.req('POST', `/v1/apps/${app.app_id}/endpoints:verify`, { token: owner.token, body: { endpoint: 'auth_receive_url' } }), 409, 'endpoint_not_configured');
		});
		assert.equal(rx.requests.length, 0, 'a request reached the loopback receiver');
	});
});

describe('the allow list from the INI file ([push] allow_networks), and invalid push options', () => {
	let srv;
	let dir;
	before(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-ini-'));
		fs.writeFileSync(path.join(dir, 'kaifang.ini'), '[push]\nallow_networks = 127.0.0.0/8, ::1\nticket_interval = 1h\n');
		srv = await startServer({ args: ['--config', path.join(dir, 'kaifang.ini')] });
	});
	after(async () => {
		await srv?.stop();
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	test('[push] allow_networks in the INI file allows http and https callbacks on loopback', async () => {
		const owner = await registerUser(srv, { tag: 'ini' });
		const prov = await appProvider(srv, owner);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/apps`, { token: owner.token, body: appBody(null) }), 201);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/apps`, { token: owner.token, body: appBody(null, { dev: { server_domains: ['::1'], auth_receive_url: 'https://[::1]:9/a', message_url: 'http://[::1]:9/m' } }) }), 201);
	});

	test('invalid values of the push options stop kaifangd before it starts (exit 2)', () => {
		for (const [k, v, pat] of [
			['KAIFANG_CALLBACK_ALLOW', '127.0.0.0/33', /callback-allow|allow_networks/],
			['KAIFANG_CALLBACK_ALLOW', 'localhost', /callback-allow|allow_networks/],
			['KAIFANG_TICKET_INTERVAL', '5s', /ticket-interval/],
			['KAIFANG_PUSH_TIMEOUT', '0s', /push-timeout/],
			['KAIFANG_PUSH_MAX_AGE', '30s', /push-max-age/],
			['KAIFANG_PUSH_CONCURRENCY', '0', /push-concurrency/],
			['KAIFANG_MAX_APPS', '0', /max-apps/],
			['KAIFANG_MAX_TEST_ACCOUNTS', '101', /max-test-accounts/],
		]) {
			const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-bad-'));
			try {
				const r = runDaemon(['--listen', '127.0.0.1:1', '--data-dir', d], { env: { [k]: v } });
				assert.equal(r.status, 2, `${k}=${v}: exit ${r.status} ${r.stderr}`);
				assert.match(r.stderr, pat, `${k}=${v}: ${r.stderr}`);
			} finally {
				fs.rmSync(d, { recursive: true, force: true });
			}
		}
	});
});
