// Issue 10, several kaifangd on one database: three processes share one
// data directory (one SQLite file), as processes behind a load balancer
// share one database. The cluster delivers each event once; the scheduled
// passes run in the process holding their lease (verify tickets once per
// interval, not once per process; each mail sent once), and a SIGKILLed
// holder's lease is taken over once it runs out; a revocation made on one
// process stops the token on the others within a second (AUTH-2); sessions,
// the consent page's CSRF key and the sign-in limit work whichever process
// a request reaches; and the processes may start at the same moment.
//
// Each process has its own test clock; cluster.advance moves all of them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, startServer, sqlJson, databaseFile, ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, assertError, login, person } from './helpers/flows.mjs';
import { smtpServer } from './helpers/smtp.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';

const ENV = { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' };
const INTERVAL = 600; // the default ticket interval
const COMPONENT_REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

function pushOf(app, rec) {
	return openPush(rec, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
}

/** Verify-ticket pushes the receiver got for the app. */
function ticketPushes(rx, app) {
	return rx.on(pathOf(app.sent.dev.auth_receive_url)).filter((x) => pushOf(app, x).fields.InfoType === 'component_verify_ticket');
}

/** Wait until the app has received n ticket pushes; returns them. */
function waitTickets(rx, app, n) {
	return rx.waitFor(pathOf(app.sent.dev.auth_receive_url), n, {
		timeout: PUSH_WAIT_MS,
		filter: (x) => pushOf(app, x).fields.InfoType === 'component_verify_ticket',
	});
}

/** The stored lease `name`: {holder, until}, or undefined before its first claim. */
function leaseRow(c, name) {
	return c.sql(`SELECT holder, until FROM leases WHERE name = '${name}'`)[0];
}

/** The live process holding the lease `name` at its own clock (waits for one). */
async function holderNode(c, name) {
	return waitFor(
		async () => {
			const l = leaseRow(c, name);
			const node = l && c.live().find((s) => c.holderOf(s) === l.holder);
			return node && l.until > (await node.now()) ? node : null;
		},
		{ what: `a live holder of the ${name} lease` },
	);
}

/** Lines a process logged about lease `name` ("taken" / "lost"). */
function leaseLog(node, name) {
	return node.stderr
		.split('\n')
		.filter((l) => l.includes('"source":"worker"') && l.includes(`"lease":"${name}"`))
		.map((l) => JSON.parse(l));
}

/**
 * Advance every clock by seconds, the ticket lease's holder first and the
 * others only once it renewed the lease at its new time: a jump of the
 * others past the lease's end would rightly let one of them take it over,
 * as after a long pause of the holder.
 */
async function advanceHolderFirst(c, seconds) {
	const holder = await holderNode(c, 'tickets');
	const now = (await holder.advance(seconds)).now;
	await waitFor(() => leaseRow(c, 'tickets').until > now, { what: 'the holder renewing its lease after the jump' });
	await c.advance(seconds, c.live().filter((s) => s !== holder));
}

describe('issue 10: three kaifangd on one database deliver each event once and issue tickets once per interval', () => {
	let c, rx, owner, prov;
	before(async () => {
		c = await startCluster(3, { env: ENV });
		rx = await startReceiver();
		owner = await registerUser(c.nodes[0], { tag: 'cluster' });
		prov = await appProvider(c.nodes[1], owner);
	});
	after(async () => {
		await c?.stop();
		await rx?.close();
	});

	test('issue 10: verify tickets are issued once per interval across three processes, not once per process, and each push is delivered exactly once', async () => {
		// apps registered through different processes
		const apps = [];
		for (let i = 0; i < 4; i++) apps.push(await developingApp(c.nodes[i % 3], owner, prov.id, rx));
		for (const app of apps) await waitTickets(rx, app, 1);
		const rounds = 3;
		for (let k = 1; k <= rounds; k++) {
			await advanceHolderFirst(c, INTERVAL);
			// each round's ticket reaches every app before the next (else an
			// undelivered one would rightly end superseded)
			for (const app of apps) await waitTickets(rx, app, 1 + k);
		}
		// a second sender would post within the same moment: let any stray
		// duplicate arrive before counting
		await sleep(1500);
		for (const app of apps) {
			const got = ticketPushes(rx, app);
			assert.equal(got.length, 1 + rounds, `${app.app_id}: ${got.length} ticket pushes for ${rounds} intervals and the first`);
			const ids = got.map((x) => x.headers['x-kaifang-event-id']);
			assert.equal(new Set(ids).size, ids.length, `an event sent twice: ${ids.join(' ')}`);
			const tickets = got.map((x) => pushOf(app, x).fields.ComponentVerifyTicket);
			assert.equal(new Set(tickets).size, tickets.length, 'a ticket issued twice');
		}
		// the database agrees: each ticket event was attempted once, and
		// delivered, whichever process sent it
		const rows = c.sql("SELECT o.event_id, o.state, o.attempts, (SELECT COUNT(*) FROM deliveries d WHERE d.outbox_id = o.id) AS tries FROM outbox o WHERE o.kind = 'component_verify_ticket'");
		assert.equal(rows.length, apps.length * (1 + rounds), JSON.stringify(rows));
		for (const r of rows) assert.deepEqual([r.state, r.attempts, r.tries], ['delivered', 1, 1], JSON.stringify(r));
		// the ticket pass ran in one process: one of the three took the
		// lease once and nobody else ever held it
		const taken = c.nodes.flatMap((s) => leaseLog(s, 'tickets').filter((l) => l.msg === 'lease taken').map((l) => l.holder));
		assert.equal(taken.length, 1, `tickets lease taken ${taken.length} times: ${taken.join(' ')}`);
		assert.equal(leaseRow(c, 'tickets').holder, taken[0]);
		assert.ok(c.nodes.some((s) => c.holderOf(s) === taken[0]), 'the holder is one of the processes, by the id it logged at start');
	});
});

test('issue 10: a SIGKILLed holder of the ticket lease keeps it until it runs out; then another process takes it over and tickets go on once per interval', async () => {
	const c = await startCluster(3, { env: ENV });
	const rx = await startReceiver();
	try {
		const owner = await registerUser(c.nodes[0], { tag: 'takeover' });
		const prov = await appProvider(c.nodes[0], owner);
		const app = await developingApp(c.nodes[1], owner, prov.id, rx);
		await waitTickets(rx, app, 1);

		const dead = await holderNode(c, 'tickets');
		const deadId = c.holderOf(dead);
		const { until } = leaseRow(c, 'tickets');
		await dead.kill();
		const survivors = c.live();
		assert.equal(survivors.length, 2);

		// while it runs the lease is nobody else's: two worker passes later
		// it still names the killed process
		await sleep(2500);
		assert.equal(leaseRow(c, 'tickets').holder, deadId, 'the lease changed hands before it ran out');
		assert.equal((await survivors[0].now()) < until, true, 'the lease already ran out: the test would prove nothing');

		// move the survivors' clocks past its end: one of them takes it over
		await c.advance(until - (await survivors[0].now()) + 1);
		const next = await waitFor(() => {
			const l = leaseRow(c, 'tickets');
			return l.holder !== deadId && l;
		}, { what: 'a survivor taking over the tickets lease' });
		const heir = survivors.find((s) => c.holderOf(s) === next.holder);
		assert.ok(heir, `the new holder ${next.holder} is not a live process`);
		await waitFor(() => leaseLog(heir, 'tickets').some((l) => l.msg === 'lease taken' && l.holder === next.holder), { what: 'the heir logging that it took the lease' });

		// the passes go on in the heir: the next interval's ticket, once
		await advanceHolderFirst(c, INTERVAL);
		await waitTickets(rx, app, 2);
		await sleep(1500);
		const got = ticketPushes(rx, app);
		assert.equal(got.length, 2, `${got.length} ticket pushes: the first and one for the interval`);
		const rows = c.sql(`SELECT COUNT(*) AS n FROM verify_tickets t JOIN apps a ON a.id = t.app WHERE a.app_id = '${app.app_id}'`);
		assert.equal(rows[0].n, 2);
	} finally {
		await c.stop();
		await rx.close();
	}
});

test('issue 10: the mail outbox is sent once by three processes, not once per process', async () => {
	const smtp = await smtpServer();
	const c = await startCluster(3, { env: { KAIFANG_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KAIFANG_SMTP_FROM: 'noreply@kaifang.test' } });
	// a slow server: a pass sending several mails lasts longer than the
	// worker interval, so a second process running the pass would find
	// the same mails still pending and send them again
	smtp.state.delayMs = 400;
	try {
		// each sign-up queues a verification mail, through any process
		const people = [];
		for (let i = 0; i < 6; i++) {
			const p = person('mailonce');
			assertStatus(await c.nodes[i % 3].req('POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } }), 201, 'register');
			people.push(p);
		}
		const sentTo = (p) => smtp.mails.filter((m) => m.to.includes(p.email));
		await waitFor(() => people.every((p) => sentTo(p).length > 0), { timeout: 30000, what: 'a verification mail to everyone' });
		await waitFor(() => c.sql("SELECT COUNT(*) AS n FROM emails WHERE state = 'pending'")[0].n === 0, { what: 'the mail outbox to drain' });
		// a second sender would hand its copy over within the same pass
		await sleep(1500);
		for (const p of people) assert.equal(sentTo(p).length, 1, `${sentTo(p).length} mails to ${p.email}`);
		const taken = c.nodes.flatMap((s) => leaseLog(s, 'mail').filter((l) => l.msg === 'lease taken'));
		assert.equal(taken.length, 1, JSON.stringify(taken));
	} finally {
		await c.stop();
		smtp.close();
	}
});

describe('issue 10: sessions, CSRF keys, sign-in limits and revocations work whichever process a request reaches', () => {
	let c, rx;
	before(async () => {
		c = await startCluster(3, { env: ENV });
		rx = await startReceiver();
	});
	after(async () => {
		await c?.stop();
		await rx?.close();
	});

	test('issue 10: a session made on process 1 works on process 2; signing out on process 2 ends it on process 1 and 3', async () => {
		const [p1, p2, p3] = c.nodes;
		const u = await registerUser(p1, { tag: 'roam' });
		const token = await login(p1, u.email, u.password);
		const me = await p2.req('GET', '/v1/me', { token });
		assertStatus(me, 200, 'GET /v1/me on process 2 with a session of process 1');
		assert.equal(me.body.user.email, u.email);
		assertStatus(await p3.req('GET', '/v1/me', { token }), 200, 'on process 3');
		assertStatus(await p2.req('DELETE', '/v1/sessions/current', { token }), 204, 'sign out on process 2');
		for (const p of [p1, p3]) assertError(await p.req('GET', '/v1/me', { token }), 401, 'unauthenticated');
	});

	test('issue 10: failed sign-ins on process 1 count on process 2: five failures across them lock the account everywhere', async () => {
		const [p1, p2, p3] = c.nodes;
		const u = await registerUser(p1, { tag: 'guess', verify: false, consent: false });
		const wrong = (p, i) => p.req('POST', '/v1/sessions', { body: { login: u.email, password: `wrong-password-${i}` } });
		for (let i = 0; i < 3; i++) assertError(await wrong(p1, i), 401, 'invalid_credentials');
		for (let i = 3; i < 5; i++) assertError(await wrong(p2, i), 401, 'invalid_credentials');
		// the fifth (login-max-failures) locked the account, though process 2
		// saw only two: even the right password is refused on every process
		for (const p of [p2, p1, p3]) {
			const r = await p.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
			assertError(r, 429, 'too_many_attempts');
		}
	});

	test('issue 10: the consent page of process 1 is accepted by process 2 (one CSRF key), and a token revoked on process 1 is refused by process 2 within one second (AUTH-2)', async () => {
		const [p1, p2, p3] = c.nodes;
		const owner = await registerUser(p1, { tag: 'revprov' });
		const prov = await appProvider(p1, owner);
		const hostOwner = await registerUser(p2, { tag: 'revhost' });
		const host = await provisionHost(p3, hostApiKey(p1).key, { owner_email: hostOwner.email });
		const app = await developingApp(p1, owner, prov.id, rx, { dev: { test_allowlist: [host.id] } });
		const ticket = pushOf(app, (await waitTickets(rx, app, 1))[0]).fields.ComponentVerifyTicket;
		const cgi = (p, name, body, token) =>
			p.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });
		const ct = await cgi(p2, 'api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
		const ctoken = ct.body.component_access_token;
		assert.ok(ctoken, JSON.stringify(ct.body));
		const pre = (await cgi(p3, 'api_create_preauthcode', { component_appid: app.app_id }, ctoken)).body.pre_auth_code;
		assert.ok(pre);

		// the page from process 1, the form posted to process 2
		const cookie = `kf_session=${hostOwner.token}`;
		const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${encodeURIComponent(COMPONENT_REDIRECT)}`;
		const page = await p1.req('GET', url, { cookie, headers: { Referer: REFERER } });
		assert.equal(page.status, 200, page.text.slice(0, 300));
		const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.text)?.[1] ?? /value="([^"]*)" name="csrf_token"/.exec(page.text)?.[1];
		assert.ok(csrf, 'no csrf_token on the consent page');
		const form = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: pre, redirect_uri: COMPONENT_REDIRECT, step: 'consent', csrf_token: csrf.replace(/&amp;/g, '&'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
		form.append('set', '1');
		form.append('set', '3');
		const post = (p, f) => p.req('POST', '/cgi-bin/componentloginpage', { cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: f.toString() });
		// a forged token is refused by process 2, so the next success is the key's doing
		const forged = new URLSearchParams(form);
		forged.set('csrf_token', 'x' + csrf.slice(1));
		assert.notEqual((await post(p2, forged)).status, 302, 'a forged CSRF token was accepted');
		const r = await post(p2, form);
		assert.equal(r.status, 302, r.text.slice(0, 300));
		const code = new URL(r.headers.get('location')).searchParams.get('auth_code');
		const q = await cgi(p3, 'api_query_auth', { component_appid: app.app_id, authorization_code: code }, ctoken);
		const access = q.body.authorization_info?.authorizer_access_token;
		assert.ok(access, JSON.stringify(q.body));

		// every process accepts the token, and keeps its check in its cache
		for (const p of [p1, p2, p3]) assertStatus(await p.req('GET', '/v1/authorizer', { token: access }), 200, `before the revocation on ${p.url}`);
		assertStatus(await p2.req('GET', '/v1/authorizer', { token: access }), 200, 'cached on process 2');

		const rev = await p1.req('DELETE', `/v1/host-accounts/${host.id}/authorizations/${app.app_id}`, { token: hostOwner.token });
		assert.equal(rev.status, 204, rev.text);
		assertError(await p1.req('GET', '/v1/authorizer', { token: access }), 401, 'invalid_token', { rule: 'AUTH-2' });
		// one second after the revocation was answered, no process accepts it
		await sleep(1000);
		for (const [name, p] of [['process 2', p2], ['process 3', p3]])
			assertError(await p.req('GET', '/v1/authorizer', { token: access }), 401, 'invalid_token', { rule: 'AUTH-2' });
	});
});

test('issue 10: three kaifangd started at the same moment on an empty data directory all come up: the schema is migrated once and there is one first operator', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-api-'));
	const started = await Promise.allSettled([0, 1, 2].map(() => startServer({ dataDir: dir })));
	const nodes = started.filter((r) => r.status === 'fulfilled').map((r) => r.value);
	try {
		assert.deepEqual(started.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled'], started.map((r) => r.reason?.message?.slice(0, 500)).join('\n'));
		const applied = nodes.map((s) => Number(/"migrations_applied":(\d+)/.exec(s.stderr)[1]));
		const versions = sqlJson(databaseFile(dir), 'SELECT version FROM schema_version ORDER BY version').map((r) => r.version);
		assert.equal(applied.reduce((a, b) => a + b, 0), versions.length, `migrations applied per process: ${applied.join(', ')}`);
		assert.deepEqual(versions, versions.map((_, i) => i + 1));
		assert.equal(sqlJson(databaseFile(dir), `SELECT COUNT(*) AS n FROM users WHERE email = '${ADMIN_EMAIL}'`)[0].n, 1);
		for (const s of nodes) assertStatus(await s.req('POST', '/v1/sessions', { body: { login: ADMIN_EMAIL, password: ADMIN_PASSWORD } }), 201, `admin signs in on ${s.url}`);
	} finally {
		for (const s of nodes) await s.stop({ keepDir: true });
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
