// Issue 9, defects 7 and 8: the audit chain is keyed and anchored outside
// the database, so an attacker with the database cannot truncate, rewrite,
// cut or reorder it unnoticed; and writes authenticated by the session
// cookie refuse cross-site requests.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, sqlJson, cli, runDaemon, freePort, copyDatabase, databaseFile, dropTrigger } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, login, createProvider, hostApiKey, provisionHost } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from './helpers/apps.mjs';

const EVIL = 'https://evil.example';

describe('issue 9 defect 8: cookie-authenticated writes refuse cross-site requests', () => {
	let srv;
	let u;
	before(async () => {
		srv = await startServer();
		u = await registerUser(srv, { tag: 'csrf' });
	});
	after(async () => {
		await srv?.stop();
	});

	const tokens = () => srv.sql(`SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ${u.id}`)[0].n;
	const write = (headers, { cookie = `kf_session=${u.token}`, token, name = 'csrf' } = {}) =>
		srv.req('POST', '/v1/me/api-tokens', { cookie: token ? undefined : cookie, token, raw: JSON.stringify({ name }), headers });

	test('issue 9 defect 8: the attack (session cookie, text/plain, Origin https://evil.example) is refused and stores nothing', async () => {
		const before = tokens();
		const r = await write({ 'Content-Type': 'text/plain', Origin: EVIL });
		assertError(r, 403, 'cross_site_request');
		assert.match(r.body.error.message, /origin|cross-site/i);
		assert.equal(tokens(), before, 'the cross-site write created a token');
	});

	test('issue 9 defect 8: cookie + application/json from another origin is refused', async () => {
		const before = tokens();
		assertError(await write({ 'Content-Type': 'application/json', Origin: EVIL }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', Origin: 'null' }), 403, 'cross_site_request');
		// the same host on another port or scheme is another origin
		assertError(await write({ 'Content-Type': 'application/json', Origin: srv.url.replace(/:\d+$/, ':1') }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', Origin: srv.url.replace('http:', 'https:') }), 403, 'cross_site_request');
		// a browser that says the request is cross-site or same-site
		assertError(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' }), 403, 'cross_site_request');
		assertError(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' }), 403, 'cross_site_request');
		// neither Origin nor Sec-Fetch-Site: nothing shows where it came from
		assertError(await write({ 'Content-Type': 'application/json' }), 403, 'cross_site_request');
		// DELETE by cookie from another origin: the session stays
		const t = await login(srv, u.email, u.password);
		assertError(await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${t}`, headers: { Origin: EVIL } }), 403, 'cross_site_request');
		assertStatus(await srv.req('GET', '/v1/me', { token: t }), 200, 'the session survived');
		assert.equal(tokens(), before);
	});

	test('issue 9 defect 8: same origin but not JSON (a form or text/plain body) is refused', async () => {
		const before = tokens();
		for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp'])
			assertError(await write({ 'Content-Type': ct, Origin: srv.url }), 403, 'cross_site_request');
		assert.equal(tokens(), before);
	});

	test('issue 9 defect 8: cookie + application/json from the same origin works', async () => {
		const before = tokens();
		assertStatus(await write({ 'Content-Type': 'application/json', Origin: srv.url }), 201, 'same Origin');
		assertStatus(await write({ 'Content-Type': 'application/json; charset=utf-8', Origin: srv.url }), 201, 'same Origin, charset');
		assertStatus(await write({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' }), 201, 'Sec-Fetch-Site: same-origin');
		assert.equal(tokens(), before + 3);
		// signing out by cookie from the console's own origin
		const t = await login(srv, u.email, u.password);
		assert.equal((await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${t}`, headers: { Origin: srv.url } })).status, 204);
		assertError(await srv.req('GET', '/v1/me', { token: t }), 401, 'unauthenticated');
	});

	test('issue 9 defect 8: bearer-token writes are unaffected by Origin', async () => {
		const before = tokens();
		assertStatus(await write({ 'Content-Type': 'application/json', Origin: EVIL }, { token: u.token }), 201, 'bearer, evil Origin');
		assertStatus(await write({ 'Content-Type': 'application/json' }, { token: u.token }), 201, 'bearer, no Origin');
		assert.equal(tokens(), before + 2);
	});

	test('issue 9 defect 8: reads by cookie and an expired cookie are not affected', async () => {
		assertStatus(await srv.req('GET', '/v1/me', { cookie: `kf_session=${u.token}`, headers: { Origin: EVIL } }), 200);
		// a cookie that authenticates nobody is anonymous: 401 as before
		assertError(await write({ 'Content-Type': 'text/plain', Origin: EVIL }, { cookie: 'kf_session=kfs_' + '0'.repeat(64) }), 401, 'unauthenticated');
	});

	test('without public-url the session cookie has no Secure flag (plain http)', async () => {
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertStatus(r, 201);
		assert.doesNotMatch(r.headers.get('set-cookie'), /;\s*Secure/i);
	});
});

describe('issue 9 defect 8: with an https public-url', () => {
	const PUBLIC = 'https://open.example.com';
	let srv;
	let u;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_PUBLIC_URL: PUBLIC } });
		u = await registerUser(srv, { tag: 'csrfs' });
	});
	after(async () => {
		await srv?.stop();
	});

	test('issue 9 defect 8: the session cookie gets Secure when public-url is https', async () => {
		const r = await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } });
		assertStatus(r, 201);
		const c = r.headers.get('set-cookie');
		assert.match(c, /^kf_session=kfs_/);
		assert.match(c, /;\s*Secure/i, `no Secure flag in ${c}`);
		assert.match(c, /;\s*HttpOnly/i);
		const out = await srv.req('DELETE', '/v1/sessions/current', { cookie: `kf_session=${r.body.token}`, headers: { Origin: PUBLIC } });
		assert.equal(out.status, 204, out.text);
		assert.match(out.headers.get('set-cookie'), /;\s*Secure/i);
	});

	test('issue 9 defect 8: the expected origin is the public URL, not the listen address', async () => {
		const cookie = `kf_session=${u.token}`;
		const body = JSON.stringify({ name: 'public' });
		const post = (origin) => srv.req('POST', '/v1/me/api-tokens', { cookie, raw: body, headers: { 'Content-Type': 'application/json', Origin: origin } });
		assertStatus(await post(PUBLIC), 201, 'the public origin');
		assertStatus(await post('https://OPEN.example.com:443'), 201, 'the public origin, spelt with case and default port');
		assertError(await post(srv.url), 403, 'cross_site_request');
		assertError(await post('http://open.example.com'), 403, 'cross_site_request');
		assertError(await post('https://open.example.com.evil.example'), 403, 'cross_site_request');
	});
});

describe('issue 9 defect 8: the consent page form keeps its own CSRF token and refuses other origins', () => {
	let srv;
	let rx;
	let app;
	let host;
	let hostOwner;
	let componentToken;
	const REDIRECT = 'https://auth.example.com/done';
	const REFERER = 'https://auth.example.com/connect';
	before(async () => {
		srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
		rx = await startReceiver();
		const owner = await registerUser(srv, { tag: 'csrf-provider' });
		const prov = await appProvider(srv, owner);
		hostOwner = await registerUser(srv, { tag: 'csrf-hostowner' });
		host = await provisionHost(srv, hostApiKey(srv).key, { owner_email: hostOwner.email });
		app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id] } });
		const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
		const { fields } = openPush(recs[0], { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
		const t = await srv.req('POST', '/cgi-bin/component/api_component_token', {
			raw: JSON.stringify({ component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: fields.ComponentVerifyTicket }),
		});
		componentToken = t.body.component_access_token;
		assert.ok(componentToken, t.text);
	});
	after(async () => {
		await srv?.stop();
		await rx?.close();
	});

	const hidden = (html, name) => {
		const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
		return m && m[1].replace(/&amp;/g, '&');
	};
	/** Open the consent page for a new pre-auth code and fill its form. */
	async function consentForm() {
		const pre = await srv.req('POST', `/cgi-bin/component/api_create_preauthcode?component_access_token=${componentToken}`, { raw: JSON.stringify({ component_appid: app.app_id }) });
		const code = pre.body.pre_auth_code;
		assert.ok(code, pre.text);
		const flow = { component_appid: app.app_id, pre_auth_code: code, redirect_uri: REDIRECT };
		const page = await srv.req('GET', `/cgi-bin/componentloginpage?${new URLSearchParams(flow)}`, { cookie: `kf_session=${hostOwner.token}`, headers: { Referer: REFERER } });
		assert.equal(page.status, 200, page.text.slice(0, 300));
		const form = new URLSearchParams({ ...flow, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all', decision: 'confirm' });
		for (const m of page.text.matchAll(/name="set" value="(\d+)"/g)) form.append('set', m[1]);
		return form.toString();
	}
	const post = (form, headers = {}) => srv.req('POST', '/cgi-bin/componentloginpage', {
		cookie: `kf_session=${hostOwner.token}`, raw: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
	});
	const grants = () => srv.sql(`SELECT COUNT(*) AS n FROM codes WHERE kind = 'auth'`)[0].n;

	test('issue 9 defect 8: the consent form posted from another origin is refused, its own token notwithstanding', async () => {
		const before = grants();
		assertError(await post(await consentForm(), { Origin: EVIL }), 403, 'cross_site_request');
		assertError(await post(await consentForm(), { 'Sec-Fetch-Site': 'cross-site' }), 403, 'cross_site_request');
		assert.equal(grants(), before, 'a code was issued');
	});

	test('issue 9 defect 8: the consent form from the platform\'s own page (same Origin, or none) still confirms', async () => {
		for (const headers of [{ Origin: srv.url }, { 'Sec-Fetch-Site': 'same-origin', Origin: srv.url }, {}]) {
			const r = await post(await consentForm(), headers);
			assert.equal(r.status, 302, `${JSON.stringify(headers)}: ${r.text.replace(/<style[^]*<\/style>/, "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(0, 600)}`);
			assert.match(r.headers.get('location'), /auth_code=/);
		}
		// without Origin the form's own token is what protects it
		const forged = (await consentForm()).replace(/csrf_token=[^&]*/, 'csrf_token=1.forged');
		assert.equal((await post(forged)).status, 400);
	});
});

describe('issue 9 defect 7: the audit chain cannot be truncated or rewritten unnoticed', () => {
	let srv;
	const copies = [];
	before(async () => {
		srv = await startServer();
		// many actions, by kaifangd (some at once) and by the CLI
		const [a, b] = await Promise.all([registerUser(srv, { tag: 'audit-a' }), registerUser(srv, { tag: 'audit-b' })]);
		await createProvider(srv, a.token, 'Audit A');
		await createProvider(srv, b.token, 'Audit B');
		hostApiKey(srv, 'audit host');
		await Promise.all(Array.from({ length: 12 }, (_, i) =>
			srv.req('POST', '/v1/me/api-tokens', { token: i % 2 ? a.token : b.token, body: { name: `t${i}` } })));
		assert.equal(srv.cli(['apikey', 'create', '--scope', 'host', '--name', 'second']).status, 0);
		await login(srv, a.email, a.password);
	});
	after(async () => {
		await srv?.stop();
		for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
	});

	const auditRows = (dbPath) => sqlJson(dbPath, 'SELECT * FROM audit_log ORDER BY id');
	const readAnchor = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'audit.anchor'), 'utf8'));

	test('issue 9 defect 7: after many actions the chain is keyed, verifies, and the anchor holds its head', async () => {
		const rows = auditRows(srv.dbPath);
		assert.ok(rows.length >= 20, `only ${rows.length} audit rows`);
		assert.ok(rows.every((r) => r.mac_version === 1), 'a row was written unkeyed');
		for (let i = 0; i < rows.length; i++) assert.equal(rows[i].id, i + 1, 'row ids are consecutive');
		// the stored hash is no plain SHA-256 anyone could recompute
		const r0 = rows[0];
		const plain = crypto.createHash('sha256').update(`${r0.prev_hash}|${r0.at}|${r0.actor}|${r0.action}|${r0.subject}|${r0.digest}`).digest('hex');
		assert.notEqual(r0.hash, plain);
		const head = rows[rows.length - 1];
		assert.deepEqual(readAnchor(srv.dataDir), { id: head.id, mac: head.hash }, 'the anchor is not the head after the last commit');
		const key = fs.statSync(path.join(srv.dataDir, 'audit.key'));
		assert.equal(key.mode & 0o777, 0o600);
		assert.equal(key.size, 32);
		const v = srv.cli(['audit', 'verify']);
		assert.equal(v.status, 0, v.stdout + v.stderr);
		assert.match(v.stdout, new RegExp(`intact: ${rows.length} rows, head row ${head.id}, anchored at row ${head.id}`));
		// the head is printed in the log (at start, then by the worker when it moves)
		const deadline = Date.now() + 5000;
		let logged;
		for (;;) {
			logged = [...srv.stderr.matchAll(/"msg":"audit head","audit_id":(\d+),"audit_mac":"([0-9a-f]{64})"/g)].map((m) => ({ id: Number(m[1]), mac: m[2] }));
			if (logged.some((l) => l.id === head.id) || Date.now() > deadline) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		assert.ok(logged.length >= 1, 'no audit head line in the log');
		assert.deepEqual(logged.find((l) => l.id === head.id), { id: head.id, mac: head.hash });
	});

	test('issue 9 defect 7: the database refuses UPDATE and DELETE on audit_log', () => {
		const before = auditRows(srv.dbPath);
		assert.throws(() => srv.sql("UPDATE audit_log SET actor = 'user:999' WHERE id = 2"), /append-only/);
		assert.throws(() => srv.sql('DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)'), /append-only/);
		assert.throws(() => srv.sql('DELETE FROM audit_log'), /append-only/);
		assert.deepEqual(auditRows(srv.dbPath), before);
	});

	/** A copy of the server's data directory (SQLite's online backup of the
	 * database, the key and the anchor), attacked with sql after dropping
	 * the guards (as anyone holding the database can). */
	function attacked(script) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-tamper-'));
		copies.push(dir);
		copyDatabase(srv.dbPath, dir);
		const db = databaseFile(dir);
		for (const f of ['audit.key', 'audit.anchor'])
			if (fs.existsSync(path.join(srv.dataDir, f))) fs.copyFileSync(path.join(srv.dataDir, f), path.join(dir, f));
		if (fs.existsSync(path.join(dir, 'audit.key'))) fs.chmodSync(path.join(dir, 'audit.key'), 0o600);
		assert.equal(cli(dir, ['audit', 'verify']).status, 0, 'the copy does not verify before the attack');
		for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_log_no_truncate']) dropTrigger(db, 'audit_log', t);
		if (typeof script === 'function') script(db, dir);
		else sqlJson(db, script);
		return dir;
	}
	function refused(dir, pattern) {
		const r = cli(dir, ['audit', 'verify']);
		assert.notEqual(r.status, 0, `the tampering went unnoticed: ${r.stdout}${r.stderr}`);
		assert.match(r.stdout + r.stderr, /audit log broken/);
		assert.match(r.stdout + r.stderr, pattern);
		return r;
	}
	/** Recompute the unkeyed SHA-256 chain from row `from` on, as the old
	 * code did: all an attacker without the key can do. */
	function recompute(db, from) {
		const rows = sqlJson(db, 'SELECT * FROM audit_log ORDER BY id');
		let prev = '0'.repeat(64);
		const sql = [];
		for (const r of rows) {
			if (r.id >= from) {
				const h = crypto.createHash('sha256').update(`${prev}|${r.at}|${r.actor}|${r.action}|${r.subject}|${r.digest}`).digest('hex');
				sql.push(`UPDATE audit_log SET prev_hash = '${prev}', hash = '${h}' WHERE id = ${r.id};`);
				prev = h;
			} else {
				prev = r.hash;
			}
		}
		sqlJson(db, sql.join('\n'));
	}

	const headId = () => srv.sql('SELECT MAX(id) AS n FROM audit_log')[0].n;

	test('issue 9 defect 7: deleting the last rows (truncation) is detected against the anchor', () => {
		const head = headId();
		const dir = attacked(`DELETE FROM audit_log WHERE id > ${head - 3}`);
		refused(dir, new RegExp(`ends at row ${head - 3} but the anchor records row ${head}: rows were removed from the end`));
		// every row
		refused(attacked('DELETE FROM audit_log'), /removed from the end/);
		// and with the anchor file removed as well
		const gone = attacked(`DELETE FROM audit_log WHERE id > ${head - 3}`);
		fs.rmSync(path.join(gone, 'audit.anchor'));
		refused(gone, /anchor .*audit\.anchor is missing/);
	});

	test('issue 9 defect 7: a row rewritten and the chain recomputed without the key is detected', () => {
		const dir = attacked((db) => {
			sqlJson(db, "UPDATE audit_log SET actor = 'user:999' WHERE id = 5");
			recompute(db, 5);
		});
		refused(dir, /row 5 was changed: its MAC/);
		// the whole log recomputed as the old unkeyed chain: the anchor names the real head
		const all = attacked((db) => {
			sqlJson(db, "UPDATE audit_log SET actor = 'user:999' WHERE id = 5; UPDATE audit_log SET mac_version = 0");
			recompute(db, 1);
		});
		refused(all, /is not the row the anchor records: the log was rewritten/);
	});

	test('issue 9 defect 7: deleting a row in the middle is detected', () => {
		refused(attacked('DELETE FROM audit_log WHERE id = 7'), /row 8 follows row 6/);
		// even with the following rows renumbered to close the gap
		refused(attacked('DELETE FROM audit_log WHERE id = 7; UPDATE audit_log SET id = id - 1 WHERE id > 7'), /broken at row 7\b/);
	});

	test('issue 9 defect 7: reordering rows (ids swapped) is detected', () => {
		refused(attacked('UPDATE audit_log SET id = -1 WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = -1'),
			/broken at row 4\b.*reordered/);
	});

	test('issue 9 defect 7: after checking a restored log the operator re-anchors it', () => {
		const head = headId();
		const dir = attacked(`DELETE FROM audit_log WHERE id > ${head - 2}`);
		refused(dir, /removed from the end/);
		const a = cli(dir, ['audit', 'anchor']);
		assert.equal(a.status, 0, a.stdout + a.stderr);
		assert.equal(readAnchor(dir).id, head - 2);
		assert.equal(cli(dir, ['audit', 'verify']).status, 0);
		// but not a broken chain
		const broken = attacked('DELETE FROM audit_log WHERE id = 3');
		assert.notEqual(cli(broken, ['audit', 'anchor']).status, 0);
		assert.equal(readAnchor(broken).id, head);
	});

	test('issue 9 defect 7: a key file others can read stops kaifangd and the CLI with a clear message', async () => {
		const dir = attacked(() => {});
		fs.chmodSync(path.join(dir, 'audit.key'), 0o644);
		const d = runDaemon(['--listen', `127.0.0.1:${await freePort()}`, '--data-dir', dir]);
		assert.notEqual(d.status, 0);
		assert.match(d.stderr, /audit\.key must be a file only its owner can read \(mode 0600, it is 0644\): run chmod 600/);
		const c = cli(dir, ['apikey', 'list']);
		assert.notEqual(c.status, 0);
		assert.match(c.stderr, /chmod 600/);
		// a missing key is not silently replaced while keyed rows exist
		fs.rmSync(path.join(dir, 'audit.key'));
		const m = runDaemon(['--listen', `127.0.0.1:${await freePort()}`, '--data-dir', dir]);
		assert.notEqual(m.status, 0);
		assert.match(m.stderr, /audit\.key is missing but the audit log has keyed rows/);
		assert.equal(fs.existsSync(path.join(dir, 'audit.key')), false);
	});

	test('issue 9 defect 7: a log of the old unkeyed chain is continued by a keyed segment', async () => {
		// the data directory as the previous version left it: unkeyed rows, no key, no anchor
		const dir = attacked((db, d) => {
			sqlJson(db, 'UPDATE audit_log SET mac_version = 0');
			recompute(db, 1);
			fs.rmSync(path.join(d, 'audit.key'));
			fs.rmSync(path.join(d, 'audit.anchor'));
			// nor leases: those of the copy name the server still running,
			// whose mail lease the new process would wait out
			sqlJson(db, 'DELETE FROM leases');
		});
		const old = auditRows(databaseFile(dir));
		const s2 = await startServer({ dataDir: dir });
		try {
			await registerUser(s2, { tag: 'audit-after' });
		} finally {
			await s2.stop({ keepDir: true });
		}
		const rows = auditRows(databaseFile(dir));
		const first = rows[old.length];
		assert.equal(first.mac_version, 1);
		assert.equal(first.prev_hash, old[old.length - 1].hash, 'the keyed segment does not commit to the old head');
		assert.deepEqual(rows.slice(0, old.length), old, 'the old rows were changed');
		const v = cli(dir, ['audit', 'verify']);
		assert.equal(v.status, 0, v.stdout + v.stderr);
		// the old rows are still covered: change one and the keyed row after them no longer links
		const db = databaseFile(dir);
		dropTrigger(db, 'audit_log', 'audit_log_no_update');
		sqlJson(db, `UPDATE audit_log SET actor = 'user:999' WHERE id = 3`);
		recompute(db, 3);
		const sqlOld = sqlJson(db, `SELECT id FROM audit_log WHERE mac_version = 0`).length;
		assert.equal(sqlOld, old.length);
		refused(dir, /audit log broken at row (\d+)/);
	});
});

describe('issue 9 defect 7: a cut in a running server\'s log', () => {
	let live;
	before(async () => {
		live = await startServer();
		await registerUser(live, { tag: 'audit-live' });
	});
	after(async () => {
		await live?.stop();
	});
	const readAnchor = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'audit.anchor'), 'utf8'));

	test('issue 9 defect 7: rows cut off the end of a running server\'s log stay missing when new rows outgrow the cut', async () => {
		const head = live.sql('SELECT MAX(id) AS n FROM audit_log')[0].n;
		dropTrigger(live.dbPath, 'audit_log', 'audit_log_no_delete');
		live.sql(`DELETE FROM audit_log WHERE id > ${head - 2}`);
		// the server goes on appending (properly keyed) rows, past the old head
		const u = await registerUser(live, { tag: 'audit-after-cut' });
		for (let i = 0; i < 3; i++) assertStatus(await live.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: `after${i}` } }), 201);
		assert.ok(live.sql('SELECT MAX(id) AS n FROM audit_log')[0].n > head + 2);
		assert.equal(readAnchor(live.dataDir).id, head, 'the anchor followed the new rows past the cut');
		const v = live.cli(['audit', 'verify']);
		assert.notEqual(v.status, 0, v.stdout);
		assert.match(v.stdout, new RegExp(`row ${head} is not the row the anchor records: the log was rewritten`));
		assert.match(live.stderr, /the audit log no longer holds the anchored row/);
	});
});
