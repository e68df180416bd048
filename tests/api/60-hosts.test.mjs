// Host accounts: the host product provisions them with an operator API key
// (kaifang apikey create --scope host); owners without an account are
// invited by mail and activate with POST /v1/invitations:accept. The tests
// of the first part tell one story on one server, in order.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, login, adminToken, person, assertError, assertStatus, expectUnchanged, publishAgreement,
	hostApiKey, revokeApiKey, hostFields, provisionHost, invitationToken,
} from './helpers/flows.mjs';

const DAY = 86400;
const HOST_KEYS = ['id', 'external_id', 'kind', 'name', 'owner_email', 'owner_status', 'created_at', 'updated_at'];

describe('host accounts and invitations', () => {
	let srv;
	let admin;
	let host; // {key, id, name}: the host product's API key
	let ann; // has an account when her host account is provisioned
	let ben; // takes over ann's host account
	let cleo; // invited: has no account when her host account is provisioned
	let annHost;
	let cleoHost;
	let cleoToken; // kfi_ token of her invitation mail

	before(async () => {
		srv = await startServer();
		[admin, ann, ben] = await Promise.all([adminToken(srv), registerUser(srv, { tag: 'ann' }), registerUser(srv, { tag: 'ben' })]);
		cleo = person('cleo');
	});
	after(async () => {
		await srv?.stop();
	});

	function hostReq(method, p, opts = {}) {
		return srv.req(method, p, { token: host.key, ...opts });
	}
	async function mine(token) {
		const r = await srv.req('GET', '/v1/me/host-accounts', { token });
		assertStatus(r, 200, 'GET /v1/me/host-accounts');
		assert.deepEqual(Object.keys(r.body), ['items']);
		return r.body.items;
	}
	function accept(body) {
		return srv.req('POST', '/v1/invitations:accept', { body });
	}

	test('the CLI creates an API key of scope host, printed once on stdout; apikey list never shows a secret', async () => {
		const before = JSON.parse(srv.cli(['apikey', 'list']).stdout);
		assert.deepEqual(before, []);
		host = hostApiKey(srv, 'host product');
		const r = srv.cli(['apikey', 'list']);
		assert.equal(r.status, 0, r.stderr);
		const keys = JSON.parse(r.stdout);
		assert.equal(keys.length, 1);
		assert.deepEqual(Object.keys(keys[0]).sort(), ['created_at', 'id', 'name', 'revoked_at', 'scope']);
		assert.equal(keys[0].id, host.id);
		assert.equal(keys[0].name, 'host product');
		assert.equal(keys[0].scope, 'host');
		assert.equal(keys[0].revoked_at, null);
		const hash = crypto.createHash('sha256').update(host.key).digest('hex');
		assert.ok(!r.stdout.includes(host.key) && !r.stdout.includes(hash), 'apikey list shows the key or its hash');
		// the database keeps only the SHA-256 of the key
		assert.deepEqual(srv.sql('SELECT key_hash FROM operator_api_keys'), [{ key_hash: hash }]);
		// a scope other than host is a usage error and creates nothing
		for (const args of [['apikey', 'create'], ['apikey', 'create', '--scope', 'admin', '--name', 'x']]) {
			const bad = srv.cli(args);
			assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.status} ${bad.stderr}`);
			assert.match(bad.stderr, /--scope host/);
			assert.equal(bad.stdout, '');
		}
		assert.equal(JSON.parse(srv.cli(['apikey', 'list']).stdout).length, 1);
		// the creation is audited, by the CLI
		assert.equal(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE actor = 'cli' AND action = 'apikey.create'")[0].n, 1);
	});

	test('provisioning for an existing account: 201, owner active, no invitation, the owner sees it', async () => {
		const f = hostFields({ owner_email: ann.email.toUpperCase(), kind: 'mini_program', name: 'Ann 小程序' });
		const r = await hostReq('POST', '/v1/host-accounts', { body: f });
		assertStatus(r, 201, 'provision');
		annHost = r.body;
		assert.deepEqual(Object.keys(annHost).sort(), [...HOST_KEYS].sort());
		assert.equal(annHost.external_id, f.external_id);
		assert.equal(annHost.kind, 'mini_program');
		assert.equal(annHost.name, 'Ann 小程序');
		assert.equal(annHost.owner_email, ann.email, 'owner_email is lower-cased');
		assert.equal(annHost.owner_status, 'active');
		assert.equal(annHost.created_at, annHost.updated_at);
		const g = await hostReq('GET', `/v1/host-accounts/${annHost.id}`);
		assertStatus(g, 200);
		assert.deepEqual(g.body, annHost);
		// the owner sees it; nobody else does
		assert.deepEqual(await mine(ann.token), [annHost]);
		assert.deepEqual(await mine(ben.token), []);
		const me = await srv.req('GET', '/v1/me', { token: ann.token });
		const m = me.body.memberships.find((x) => x.kind === 'host');
		assert.ok(m, `no host membership in ${me.text}`);
		assert.equal(m.name, 'Ann 小程序');
		assert.equal(m.role, 'owner');
		assert.equal(m.state, 'active');
		// an existing account gets no invitation
		assert.equal(srv.mails(ann.email).filter((x) => /kfi_/.test(x.body)).length, 0);
		assert.equal(srv.sql('SELECT COUNT(*) AS n FROM invitations')[0].n, 0);
		const audit = srv.sql(`SELECT actor, subject FROM audit_log WHERE action = 'host.create'`);
		assert.deepEqual(audit, [{ actor: `apikey:${host.id}`, subject: `host:${annHost.id}` }]);
	});

	test('provisioning for a new email creates an invited owner and mails a kfi_ token', async () => {
		const r = await hostReq('POST', '/v1/host-accounts', { body: hostFields({ owner_email: cleo.email.replace('cleo', 'Cleo'), kind: 'shop', name: 'Cleo Shop' }) });
		assertStatus(r, 201, 'provision for a new email');
		cleoHost = r.body;
		assert.equal(cleoHost.owner_email, cleo.email);
		assert.equal(cleoHost.owner_status, 'invited');
		const mail = await srv.waitMail(cleo.email, { match: /kfi_/ });
		// provisioned by a host key, no person behind it: both languages
		assert.equal(mail.subject, '开放平台邀请 / Your Kaifang invitation');
		assert.match(mail.body, /Cleo Shop/);
		assert.match(mail.body, /\/console\/invitations\/accept\?token=kfi_/);
		cleoToken = await invitationToken(srv, cleo.email);
		assert.match(cleoToken, /^kfi_[0-9a-f]{64}$/);
		const [u] = srv.sql(`SELECT status, mobile, email_verified_at FROM users WHERE email = '${cleo.email}'`);
		assert.deepEqual(u, { status: 'invited', mobile: null, email_verified_at: null });
		// the invitation stores only the token's hash
		const hash = crypto.createHash('sha256').update(cleoToken).digest('hex');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM invitations WHERE token_hash = '${hash}' AND used_at IS NULL`)[0].n, 1);
	});

	test('an invited owner cannot sign in, and cannot register the address again', async () => {
		await expectUnchanged(srv, async () => {
			// (two tries: failed sign-ins from this address count towards its lock)
			for (const password of ['!', cleo.password])
				assertError(await srv.req('POST', '/v1/sessions', { body: { login: cleo.email, password } }), 401, 'invalid_credentials');
			const r = await srv.req('POST', '/v1/users', { body: { email: cleo.email, mobile: cleo.mobile, password: cleo.password, name: cleo.name } });
			assertError(r, 409, 'email_taken', { rule: 'ONB-8', field: 'email' });
		});
	});

	test('ONB-8 accepting with a weak password: 400 weak_password, nothing changes, the invitation stays usable', async () => {
		await expectUnchanged(srv, async () => {
			for (const password of ['short', '123456789', cleo.email, cleo.mobile]) {
				const r = await accept({ token: cleoToken, password, mobile: cleo.mobile });
				assertError(r, 400, 'weak_password', { rule: 'ONB-8', field: 'password' });
			}
		});
	});

	test('ONB-8 accepting with a bad or taken mobile number, or an unknown token, changes nothing', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await accept({ token: cleoToken, password: cleo.password, mobile: ann.mobile }), 409, 'mobile_taken', { rule: 'ONB-8', field: 'mobile' });
			assertError(await accept({ token: cleoToken, password: cleo.password, mobile: 'not a number' }), 400, 'invalid_mobile', { rule: 'ONB-8', field: 'mobile' });
			for (const token of ['kfi_' + '0'.repeat(64), cleoToken.toUpperCase(), cleoToken.slice(0, -1), 'x'])
				assertError(await accept({ token, password: cleo.password, mobile: cleo.mobile }), 404, 'invitation_not_found', { field: 'token' });
		});
	});

	test('accepting correctly activates the account: 200, the token is spent, the owner signs in and sees the host account', async () => {
		const r = await accept({ token: cleoToken, password: cleo.password, mobile: cleo.mobile, name: 'Cleo Chen' });
		assertStatus(r, 200, 'accept');
		assert.equal(typeof r.body.id, 'number');
		assert.deepEqual(r.body, { id: r.body.id, email: cleo.email, status: 'active' });
		cleo.id = r.body.id;
		// once only
		await expectUnchanged(srv, async () => {
			assertError(await accept({ token: cleoToken, password: cleo.password, mobile: cleo.mobile }), 404, 'invitation_not_found');
		});
		cleo.token = await login(srv, cleo.email, cleo.password);
		const me = await srv.req('GET', '/v1/me', { token: cleo.token });
		assertStatus(me, 200);
		assert.equal(me.body.user.status, 'active');
		assert.equal(me.body.user.email_verified, true, 'the invitation mail proved the address');
		assert.equal(me.body.user.name, 'Cleo Chen');
		assert.equal(me.body.user.mobile, `+86${cleo.mobile}`);
		// signing in with the mobile number works too
		await login(srv, cleo.mobile, cleo.password);
		const items = await mine(cleo.token);
		assert.deepEqual(items.map((h) => h.id), [cleoHost.id]);
		assert.equal(items[0].owner_status, 'active');
		const g = await hostReq('GET', `/v1/host-accounts/${cleoHost.id}`);
		assert.equal(g.body.owner_status, 'active');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.activate' AND subject = 'user:${cleo.id}'`)[0].n, 1);
	});

	test('accepting with an empty name keeps a usable name (as registration refuses an empty one)', async () => {
		const p = person('dana');
		await provisionHost(srv, host.key, { owner_email: p.email });
		const token = await invitationToken(srv, p.email);
		const r = await accept({ token, password: p.password, mobile: p.mobile, name: '' });
		if (r.status === 200) {
			const [u] = srv.sql(`SELECT name FROM users WHERE email = '${p.email}'`);
			assert.notEqual(u.name.trim(), '', `POST /v1/invitations:accept with name "" set the user's name to ${JSON.stringify(u.name)}`);
		} else {
			assertError(r, 400, r.body?.error?.code === 'missing_field' ? 'missing_field' : 'invalid_value', { field: 'name' });
		}
	});

	test('a duplicate external_id: 409 external_id_taken, and no invited account nor mail for a new owner', async () => {
		const stranger = person('stranger');
		await expectUnchanged(srv, async () => {
			const r = await hostReq('POST', '/v1/host-accounts', { body: hostFields({ external_id: annHost.external_id, owner_email: stranger.email }) });
			assertError(r, 409, 'external_id_taken', { field: 'external_id' });
		});
		assert.deepEqual(srv.mails(stranger.email), []);
	});

	test('a kind outside host-kinds: 400 invalid_value field kind, naming the allowed kinds; other bad values likewise', async () => {
		await expectUnchanged(srv, async () => {
			for (const kind of ['app', 'Shop', 'mini_program,shop', ' shop']) {
				const e = assertError(await hostReq('POST', '/v1/host-accounts', { body: hostFields({ kind, owner_email: ann.email }) }), 400, 'invalid_value', { field: 'kind' });
				assert.match(e.message, /mini_program,enterprise,shop/);
			}
			for (const external_id of ['has space', 'slash/id', 'hash#1', 'ü'])
				assertError(await hostReq('POST', '/v1/host-accounts', { body: hostFields({ external_id, owner_email: ann.email }) }), 400, 'invalid_value', { field: 'external_id' });
			for (const owner_email of ['not-an-email', 'a@', '@example.com'])
				assertError(await hostReq('POST', '/v1/host-accounts', { body: hostFields({ owner_email }) }), 400, 'invalid_email', { field: 'owner_email' });
		});
		// every allowed character of external_id is accepted
		await provisionHost(srv, host.key, { external_id: `A-z_0.9:${process.pid}`, owner_email: ann.email, kind: 'enterprise' });
	});

	test('GET /v1/host-accounts lists by ascending id, filters by ?external_id= and pages; HEAD answers without a body', async () => {
		const all = await hostReq('GET', '/v1/host-accounts');
		assertStatus(all, 200);
		const ids = all.body.items.map((h) => h.id);
		assert.ok(ids.includes(annHost.id) && ids.includes(cleoHost.id));
		assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
		assert.equal(all.body.next_after, null);
		const one = await hostReq('GET', `/v1/host-accounts?external_id=${encodeURIComponent(cleoHost.external_id)}`);
		assertStatus(one, 200);
		assert.deepEqual(one.body.items.map((h) => h.id), [cleoHost.id]);
		assert.deepEqual((await hostReq('GET', '/v1/host-accounts?external_id=nobody-has-this')).body, { items: [], next_after: null });
		const p1 = await hostReq('GET', '/v1/host-accounts?limit=1');
		assert.deepEqual(p1.body.items.map((h) => h.id), [ids[0]]);
		assert.equal(p1.body.next_after, ids[0]);
		const p2 = await hostReq('GET', `/v1/host-accounts?limit=1&after=${p1.body.next_after}`);
		assert.deepEqual(p2.body.items.map((h) => h.id), [ids[1]]);
		const h = await hostReq('HEAD', '/v1/host-accounts');
		assert.equal(h.status, 200);
		assert.equal(h.text, '');
		const h401 = await srv.req('HEAD', '/v1/host-accounts');
		assert.equal(h401.status, 401);
		assert.equal(h401.text, '');
	});

	test('PATCH changes name, kind and owner; the owner membership follows the owner', async () => {
		const r = await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { owner_email: ben.email, name: 'Renamed Shop', kind: 'shop' } });
		assertStatus(r, 200, 'PATCH owner');
		assert.equal(r.body.owner_email, ben.email);
		assert.equal(r.body.owner_status, 'active');
		assert.equal(r.body.name, 'Renamed Shop');
		assert.equal(r.body.kind, 'shop');
		assert.equal(r.body.external_id, annHost.external_id);
		assert.equal(r.body.created_at, annHost.created_at);
		assert.ok(r.body.updated_at >= annHost.updated_at);
		// the new owner sees it, the old one does not
		assert.deepEqual((await mine(ben.token)).map((h) => h.id), [annHost.id]);
		assert.ok(!(await mine(ann.token)).some((h) => h.id === annHost.id), 'the old owner still sees the host account');
		const annMe = await srv.req('GET', '/v1/me', { token: ann.token });
		assert.ok(!annMe.body.memberships.some((m) => m.kind === 'host' && m.name === 'Renamed Shop'), `old owner keeps the membership: ${annMe.text}`);
		const benMe = await srv.req('GET', '/v1/me', { token: ben.token });
		const m = benMe.body.memberships.find((x) => x.kind === 'host' && x.name === 'Renamed Shop');
		assert.equal(m?.role, 'owner', benMe.text);
		// fields left out stay as they are
		const same = await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { name: null } });
		assertStatus(same, 200);
		assert.equal(same.body.name, 'Renamed Shop');
		assert.equal(same.body.owner_email, ben.email);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'host.update' AND subject = 'host:${annHost.id}'`)[0].n, 2);
		annHost = same.body;
	});

	test('PATCH to an owner without an account invites them', async () => {
		const p = person('flo');
		const r = await hostReq('PATCH', `/v1/host-accounts/${cleoHost.id}`, { body: { owner_email: p.email } });
		assertStatus(r, 200);
		assert.equal(r.body.owner_status, 'invited');
		const token = await invitationToken(srv, p.email);
		assertStatus(await accept({ token, password: p.password, mobile: p.mobile }), 200, 'accept');
		const items = await mine(await login(srv, p.email, p.password));
		assert.deepEqual(items.map((h) => h.id), [cleoHost.id]);
		assert.deepEqual(await mine(cleo.token), []);
		// back to cleo for the rest of the story
		assertStatus(await hostReq('PATCH', `/v1/host-accounts/${cleoHost.id}`, { body: { owner_email: cleo.email } }), 200);
	});

	test('bad PATCH values and unknown ids change nothing', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { kind: 'app' } }), 400, 'invalid_value', { field: 'kind' });
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { kind: '' } }), 400, 'invalid_value', { field: 'kind' });
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { name: '' } }), 400, 'invalid_value', { field: 'name' });
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { owner_email: 'nope' } }), 400, 'invalid_email', { field: 'owner_email' });
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { external_id: 'renamed' } }), 400, 'unknown_field', { field: 'external_id' });
			assertError(await hostReq('PATCH', '/v1/host-accounts/999999', { body: { name: 'x' } }), 404, 'host_account_not_found', { field: 'id' });
		});
	});

	test('DELETE: 204, then 404 everywhere, and the external_id can be provisioned again', async () => {
		const d = await hostReq('DELETE', `/v1/host-accounts/${annHost.id}`);
		assert.equal(d.status, 204, d.text);
		assert.equal(d.text, '');
		await expectUnchanged(srv, async () => {
			assertError(await hostReq('GET', `/v1/host-accounts/${annHost.id}`), 404, 'host_account_not_found', { field: 'id' });
			assertError(await hostReq('PATCH', `/v1/host-accounts/${annHost.id}`, { body: { name: 'Back' } }), 404, 'host_account_not_found');
			assertError(await hostReq('DELETE', `/v1/host-accounts/${annHost.id}`), 404, 'host_account_not_found');
		});
		const list = await hostReq('GET', '/v1/host-accounts');
		assert.ok(!list.body.items.some((h) => h.id === annHost.id));
		assert.deepEqual((await hostReq('GET', `/v1/host-accounts?external_id=${annHost.external_id}`)).body.items, []);
		assert.deepEqual(await mine(ben.token), []);
		// the organisation is marked deleted; the former owner's membership shows it
		const me = await srv.req('GET', '/v1/me', { token: ben.token });
		const m = me.body.memberships.find((x) => x.kind === 'host' && x.name === 'Renamed Shop');
		if (m) assert.equal(m.state, 'deleted');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'host.delete' AND subject = 'host:${annHost.id}'`)[0].n, 1);
		const again = await hostReq('POST', '/v1/host-accounts', { body: hostFields({ external_id: annHost.external_id, owner_email: ann.email }) });
		assertStatus(again, 201, 'the same external_id after DELETE');
		assert.notEqual(again.body.id, annHost.id);
		assert.deepEqual((await mine(ann.token)).map((h) => h.external_id).filter((x) => x === annHost.external_id), [annHost.external_id]);
	});

	test('Idempotency-Key: a repeat gets the first answer, another body 422, a repeat while it runs 409 with Retry-After: 1', async () => {
		const body = hostFields({ owner_email: ann.email });
		const first = await hostReq('POST', '/v1/host-accounts', { body, headers: { 'Idempotency-Key': 'prov-1' } });
		assertStatus(first, 201);
		const again = await expectUnchanged(srv, () => hostReq('POST', '/v1/host-accounts', { body, headers: { 'Idempotency-Key': 'prov-1' } }));
		assertStatus(again, 201);
		assert.deepEqual(again.body, first.body);
		assert.equal(again.headers.get('idempotent-replayed'), 'true');
		await expectUnchanged(srv, async () => {
			const other = await hostReq('POST', '/v1/host-accounts', { body: { ...body, name: 'Other' }, headers: { 'Idempotency-Key': 'prov-1' } });
			assertError(other, 422, 'idempotency_key_reused', { field: 'Idempotency-Key' });
		});
		// a claim of a request still running (as the dispatcher writes it before running)
		const running = hostFields({ owner_email: ann.email });
		const hash = crypto.createHash('sha256').update(JSON.stringify(running)).digest('hex');
		const now = await srv.now();
		srv.sql(`INSERT INTO idempotency_keys (user_id, key, method, path, status, body, request_hash, created_at) VALUES (${-host.id}, 'prov-2', 'POST', '/v1/host-accounts', 0, '', '${hash}', ${now})`);
		const busy = await expectUnchanged(srv, () => hostReq('POST', '/v1/host-accounts', { body: running, headers: { 'Idempotency-Key': 'prov-2' } }));
		assertError(busy, 409, 'idempotency_in_progress', { field: 'Idempotency-Key' });
		assert.equal(busy.headers.get('retry-after'), '1');
		// a claim older than 60 s belongs to a crashed request and is taken over
		await srv.advance(61);
		const late = await hostReq('POST', '/v1/host-accounts', { body: running, headers: { 'Idempotency-Key': 'prov-2' } });
		assertStatus(late, 201);
		assert.equal(late.headers.get('idempotent-replayed'), null);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM host_accounts WHERE external_id = '${running.external_id}'`)[0].n, 1);
		// keys are per caller: the same key from a person is another key
		const own = await srv.req('POST', '/v1/me/api-tokens', { token: ann.token, body: { name: 'same key' }, headers: { 'Idempotency-Key': 'prov-1' } });
		assertStatus(own, 201);
	});

	test('a revoked key answers 401 api_key_required at once; other keys keep working', async () => {
		const second = hostApiKey(srv, 'second system');
		assertStatus(await srv.req('GET', '/v1/host-accounts', { token: second.key }), 200);
		const r = revokeApiKey(srv, second.id);
		assert.match(r.stdout, new RegExp(`API key ${second.id} revoked`));
		await expectUnchanged(srv, async () => {
			const g = await srv.req('GET', '/v1/host-accounts', { token: second.key });
			assertError(g, 401, 'api_key_required');
			assert.equal(g.headers.get('www-authenticate'), 'Bearer');
			assertError(await srv.req('POST', '/v1/host-accounts', { token: second.key, body: hostFields({ owner_email: ann.email }) }), 401, 'api_key_required');
			assertError(await srv.req('DELETE', `/v1/host-accounts/${cleoHost.id}`, { token: second.key }), 401, 'api_key_required');
		});
		const listed = JSON.parse(srv.cli(['apikey', 'list']).stdout).find((k) => k.id === second.id);
		assert.equal(typeof listed.revoked_at, 'number');
		// revoking twice, or a key that does not exist, fails with status 1
		for (const id of [String(second.id), '999999', 'abc']) {
			const again = srv.cli(['apikey', 'revoke', id]);
			assert.equal(again.status, 1, `apikey revoke ${id}: ${again.status}`);
			assert.match(again.stderr, /no such live key/);
		}
		assertStatus(await hostReq('GET', '/v1/host-accounts'), 200, 'the first key still works');
	});

	test("people's credentials on host routes: 401 api_key_required", async () => {
		const tk = await srv.req('POST', '/v1/me/api-tokens', { token: ann.token, body: { name: 'script' } });
		assertStatus(tk, 201);
		// a token's first use records last_used_at (then at most once a minute)
		assertStatus(await srv.req('GET', '/v1/me', { token: tk.body.token }), 200);
		const routes = [
			['GET', '/v1/host-accounts'], ['POST', '/v1/host-accounts', hostFields({ owner_email: ann.email })],
			['GET', `/v1/host-accounts/${cleoHost.id}`], ['PATCH', `/v1/host-accounts/${cleoHost.id}`, { name: 'Stolen' }],
			['DELETE', `/v1/host-accounts/${cleoHost.id}`],
		];
		await expectUnchanged(srv, async () => {
			for (const [method, p, body] of routes) {
				for (const auth of [{ token: ann.token }, { token: tk.body.token }, { token: admin }, { cookie: `kf_session=${cleo.token}` }, { token: 'kfk_' + '0'.repeat(64) }]) {
					const r = await srv.req(method, p, { ...auth, body });
					assertError(r, 401, 'api_key_required');
					assert.equal(r.headers.get('www-authenticate'), 'Bearer');
				}
			}
		});
	});

	test("the API key on people's routes: 401 unauthenticated (it is not a user)", async () => {
		const routes = [
			['GET', '/v1/me'], ['GET', '/v1/me/host-accounts'], ['GET', '/v1/providers'], ['POST', '/v1/providers', { name: 'Key Apps' }],
			['POST', '/v1/me/api-tokens', { name: 'x' }], ['GET', '/v1/reviews'], ['GET', '/v1/inbox'],
			['POST', '/v1/agreements', { key: 'k', version: 1, title: 't', body: 'b', effective_at: 1, notice_days: 0 }],
		];
		await expectUnchanged(srv, async () => {
			for (const [method, p, body] of routes) {
				const r = await hostReq(method, p, { body });
				assertError(r, 401, 'unauthenticated');
				assert.equal(r.headers.get('www-authenticate'), 'Bearer');
			}
		});
	});

	test('an invitation expires after 7 days: 404 invitation_not_found, the owner stays invited', async () => {
		const p = person('gus');
		await provisionHost(srv, host.key, { owner_email: p.email });
		const token = await invitationToken(srv, p.email);
		await srv.advance(7 * DAY + 1);
		await expectUnchanged(srv, async () => {
			assertError(await accept({ token, password: p.password, mobile: p.mobile }), 404, 'invitation_not_found', { field: 'token' });
		});
		assert.equal(srv.sql(`SELECT status FROM users WHERE email = '${p.email}'`)[0].status, 'invited');
		// sessions of 7 days have ended as well
		ann.token = await login(srv, ann.email, ann.password);
		admin = await adminToken(srv, { fresh: true });
	});

	test('an owner whose invitation lapsed gets a new one when the host product provisions for them again', async () => {
		const p = person('hal');
		await provisionHost(srv, host.key, { owner_email: p.email });
		const first = await srv.waitMail(p.email, { match: /kfi_/ });
		await srv.advance(7 * DAY + 1);
		// without a live invitation the owner could never activate: the
		// address is taken (no registration) and no password works
		await provisionHost(srv, host.key, { owner_email: p.email });
		let renewed;
		try {
			renewed = await srv.waitMail(p.email, { match: /kfi_/, exclude: [first.file], timeout: 3000 });
		} catch {
			assert.fail(`POST /v1/host-accounts for ${p.email}, still invited after the 7-day invitation expired: no new invitation mail, so the owner cannot ever activate`);
		}
		const token = /kfi_[0-9a-f]+/.exec(renewed.body)[0];
		assertStatus(await accept({ token, password: p.password, mobile: p.mobile }), 200, 'accept the new invitation');
	});

	test('ONB-12 the platform agreements do not gate the host product: consent is asked of people', async () => {
		admin = await adminToken(srv, { fresh: true });
		ann.token = await login(srv, ann.email, ann.password);
		await publishAgreement(srv, { key: 'terms' });
		assertStatus(await hostReq('GET', '/v1/host-accounts'), 200);
		const r = await hostReq('POST', '/v1/host-accounts', { body: hostFields({ owner_email: ann.email }) });
		assert.equal(r.status, 201, `POST /v1/host-accounts with the host API key after publishing a required agreement: expected 201, got ${r.status} ${r.text}`);
		const p = await hostReq('PATCH', `/v1/host-accounts/${r.body.id}`, { body: { name: 'After terms' } });
		assert.equal(p.status, 200, `PATCH: ${p.status} ${p.text}`);
		const d = await hostReq('DELETE', `/v1/host-accounts/${r.body.id}`);
		assert.equal(d.status, 204, `DELETE: ${d.status} ${d.text}`);
		// people still consent first
		assertError(await srv.req('POST', '/v1/me/api-tokens', { token: ann.token, body: { name: 'x' } }), 403, 'consent_required');
	});
});

describe('the host-kinds option', () => {
	let srv;
	let key;
	before(async () => {
		srv = await startServer({ env: { KAIFANG_HOST_KINDS: 'shop, kiosk' } });
		key = hostApiKey(srv).key;
	});
	after(async () => {
		await srv?.stop();
	});

	test('kind is limited to the configured list', async () => {
		const owner = person('kinds').email;
		for (const kind of ['shop', 'kiosk']) assert.equal((await provisionHost(srv, key, { kind, owner_email: owner })).kind, kind);
		await expectUnchanged(srv, async () => {
			for (const kind of ['mini_program', 'enterprise', 'shop, kiosk', 'kiosk ']) {
				const e = assertError(await srv.req('POST', '/v1/host-accounts', { token: key, body: hostFields({ kind, owner_email: owner }) }), 400, 'invalid_value', { field: 'kind' });
				assert.match(e.message, /shop, kiosk/);
			}
		});
	});
});
