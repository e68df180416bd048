// Agreements and consent (ONB-12): publishing versions, the notice period,
// the consent gate on write actions and re-consent after a new version.
// The tests of this file tell one story on one server, in order.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, mailCode } from './helpers/server.mjs';
import {
	registerUser, login, operator, adminToken, assertError, assertStatus, expectUnchanged, uploadPdf,
} from './helpers/flows.mjs';

const DAY = 86400;

describe('agreements (ONB-12)', () => {
	let srv;
	let admin;
	let reviewer;
	let alice; // consents when asked
	let bob; // never consents in the first part
	let early; // consents to an upcoming version before it applies
	let prov; // alice's provider

	before(async () => {
		srv = await startServer();
		[admin, reviewer, alice, bob, early] = await Promise.all([
			adminToken(srv),
			operator(srv, 'reviewer'),
			registerUser(srv, { tag: 'alice', consent: false }),
			registerUser(srv, { tag: 'bob', consent: false }),
			registerUser(srv, { tag: 'early', consent: false }),
		]);
	});
	after(async () => {
		await srv?.stop();
	});

	async function relogin() {
		admin = await adminToken(srv, { fresh: true });
		for (const u of [alice, bob, early]) u.token = await login(srv, u.email, u.password);
	}

	function publish(token, fields) {
		return srv.req('POST', '/v1/agreements', { token, body: fields });
	}

	async function terms(version, effective_at, notice_days, extra = {}) {
		return { key: 'terms', version, title: `Terms v${version}`, body: `Terms of service, version ${version}.`, effective_at, notice_days, required_for: ['all'], ...extra };
	}

	test('ONB-12 only an operator admin publishes: anonymous 401, user 403, reviewer 403', async () => {
		const now = await srv.now();
		const body = await terms(1, now, 0);
		await expectUnchanged(srv, async () => {
			assertError(await publish(undefined, body), 401, 'unauthenticated');
			assertError(await publish(alice.token, body), 403, 'admin_required');
			assertError(await publish(reviewer.token, body), 403, 'admin_required');
		});
	});

	test('ONB-12 the admin publishes version 1 (201) and everyone can read it', async () => {
		const now = await srv.now();
		const r = await publish(admin, await terms(1, now - 60, 0));
		assertStatus(r, 201);
		assert.equal(r.body.key, 'terms');
		assert.equal(r.body.version, 1);
		assert.equal(r.body.effective_at, now - 60);
		assert.equal(r.body.notice_days, 0);
		assert.deepEqual(r.body.required_for, ['all']);
		assert.equal(r.body.body, 'Terms of service, version 1.');
		const list = await srv.req('GET', '/v1/agreements');
		assertStatus(list, 200);
		const v1 = list.body.items.find((a) => a.key === 'terms' && a.version === 1);
		assert.ok(v1);
		assert.equal(v1.current, true);
		assert.equal(v1.upcoming, false);
		const one = await srv.req('GET', '/v1/agreements?key=terms');
		assert.equal(one.body.items[0].body, 'Terms of service, version 1.');
	});

	test('ONB-12 a version that is not the next number is refused: 409 version_not_next', async () => {
		const now = await srv.now();
		await expectUnchanged(srv, async () => {
			assertError(await publish(admin, await terms(1, now + 30 * DAY, 15)), 409, 'version_not_next', { rule: 'ONB-12', field: 'version' });
			assertError(await publish(admin, await terms(3, now + 30 * DAY, 15)), 409, 'version_not_next', { rule: 'ONB-12', field: 'version' });
			assertError(await publish(admin, await terms(0, now + 30 * DAY, 15)), 409, 'version_not_next', { rule: 'ONB-12', field: 'version' });
		});
	});

	test('ONB-12 a new version must not take effect before its notice period: 400 notice_too_short', async () => {
		const now = await srv.now();
		await expectUnchanged(srv, async () => {
			assertError(await publish(admin, await terms(2, now + 14 * DAY, 15)), 400, 'notice_too_short', { rule: 'ONB-12', field: 'effective_at' });
			assertError(await publish(admin, await terms(2, now, 7)), 400, 'notice_too_short', { rule: 'ONB-12', field: 'effective_at' });
			assertError(await publish(admin, await terms(2, now - DAY, 60)), 400, 'notice_too_short', { rule: 'ONB-12', field: 'effective_at' });
		});
	});

	test('ONB-12 publishing input is checked (key, notice_days, required_for, fields)', async () => {
		const now = await srv.now();
		await expectUnchanged(srv, async () => {
			assertError(await publish(admin, await terms(1, now, 0, { key: 'Terms Of Use' })), 400, 'invalid_agreement_key', { field: 'key' });
			assertError(await publish(admin, await terms(2, now + 30 * DAY, -1)), 400, 'invalid_notice_days', { field: 'notice_days' });
			assertError(await publish(admin, await terms(2, now + 400 * DAY, 366)), 400, 'invalid_notice_days', { field: 'notice_days' });
			assertError(await publish(admin, await terms(2, now + 30 * DAY, 15, { required_for: ['everyone'] })), 400, 'invalid_value', { field: 'required_for' });
			assertError(await publish(admin, await terms(2, now + 30 * DAY, 15, { required_for: [] })), 400, 'invalid_value', { field: 'required_for' });
			assertError(await publish(admin, await terms(2, now + 30 * DAY, 15, { required_for: 'all' })), 400, 'invalid_type', { field: 'required_for' });
			assertError(await publish(admin, await terms(2, String(now + 30 * DAY), 15)), 400, 'invalid_type', { field: 'effective_at' });
			assertError(await publish(admin, await terms(2, now + 30 * DAY, 15, { summary: 'x' })), 400, 'unknown_field', { field: 'summary' });
			const { title, ...noTitle } = await terms(2, now + 30 * DAY, 15);
			assert.ok(title);
			assertError(await publish(admin, noTitle), 400, 'missing_field', { field: 'title' });
		});
	});

	test('ONB-12 without consent a write is refused with 403 consent_required listing what to accept', async () => {
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/providers', { token: bob.token, body: { name: 'Bob Apps' } }));
		const e = assertError(r, 403, 'consent_required', { rule: 'ONB-12' });
		assert.deepEqual(e.pending, [{ key: 'terms', version: 1 }]);
		// every kind of write is gated, whatever the route
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', '/v1/me/api-tokens', { token: bob.token, body: { name: 'x' } }), 403, 'consent_required');
			assertError(await srv.req('POST', '/v1/files', { token: bob.token, raw: Buffer.from('%PDF-1.4\n'), headers: { 'Content-Type': 'application/pdf' } }), 403, 'consent_required');
			assertError(await srv.req('PATCH', '/v1/providers/1', { token: bob.token, body: { name: 'x' } }), 403, 'consent_required');
			assertError(await srv.req('DELETE', '/v1/me/api-tokens/1', { token: bob.token }), 403, 'consent_required');
		});
	});

	test('ONB-12 without consent reading still works and /v1/me lists the pending agreements', async () => {
		const me = await srv.req('GET', '/v1/me', { token: bob.token });
		assertStatus(me, 200);
		assert.deepEqual(me.body.agreements_pending, [{ key: 'terms', version: 1 }]);
		assertStatus(await srv.req('GET', '/v1/providers', { token: bob.token }), 200);
		assertStatus(await srv.req('GET', '/v1/me/api-tokens', { token: bob.token }), 200);
		assertStatus(await srv.req('GET', '/v1/inbox', { token: bob.token }), 200);
	});

	test('ONB-12 without consent signing out and verifying the email stay possible', async () => {
		const u = await registerUser(srv, { tag: 'exempt', consent: false, verify: false });
		const code = mailCode(await srv.readMail(u.email));
		assertStatus(await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code } }), 200);
		const t = await login(srv, bob.email, bob.password);
		assert.equal((await srv.req('DELETE', '/v1/sessions/current', { token: t })).status, 204);
	});

	test('ONB-12 after consenting to the current version the write succeeds', async () => {
		const c = await srv.req('POST', '/v1/agreements/terms/consents', { token: alice.token, body: { version: 1 } });
		assertStatus(c, 201);
		assert.equal(c.body.key, 'terms');
		assert.equal(c.body.version, 1);
		assert.equal(typeof c.body.consented_at, 'number');
		const me = await srv.req('GET', '/v1/me', { token: alice.token });
		assert.deepEqual(me.body.agreements_pending, []);
		const p = await srv.req('POST', '/v1/providers', { token: alice.token, body: { name: 'Alice Apps' } });
		assertStatus(p, 201);
		prov = p.body;
		// consenting again is harmless and keeps one consent
		assertStatus(await srv.req('POST', '/v1/agreements/terms/consents', { token: alice.token, body: { version: 1 } }), 201);
		const rows = srv.sql(`SELECT * FROM consents WHERE user_id = ${alice.id} AND agreement_key = 'terms'`);
		assert.equal(rows.length, 1);
	});

	test('ONB-12 consenting to a version or key that does not exist gives 404 agreement_not_found', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', '/v1/agreements/terms/consents', { token: bob.token, body: { version: 9 } }), 404, 'agreement_not_found', { rule: 'ONB-12' });
			assertError(await srv.req('POST', '/v1/agreements/nosuch/consents', { token: bob.token, body: { version: 1 } }), 404, 'agreement_not_found');
			assertError(await srv.req('POST', '/v1/agreements/terms/consents', { token: bob.token, body: { version: '1' } }), 400, 'invalid_type', { field: 'version' });
			assertError(await srv.req('POST', '/v1/agreements/terms/consents', { token: bob.token, body: {} }), 400, 'missing_field', { field: 'version' });
			assertError(await srv.req('POST', '/v1/agreements/terms/consents', { body: { version: 1 } }), 401, 'unauthenticated');
		});
	});

	test('ONB-12 an agreement required only for host accounts does not gate provider writes', async () => {
		const now = await srv.now();
		assertStatus(await publish(admin, { key: 'host-terms', version: 1, title: 'Host terms', body: 'For host accounts.', effective_at: now - 10, notice_days: 0, required_for: ['host'] }), 201);
		const me = await srv.req('GET', '/v1/me', { token: alice.token });
		assert.deepEqual(me.body.agreements_pending, []);
		assertStatus(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { contact_name: 'Alice' } }), 200);
	});

	test('ONB-12 a new version announced with notice does not block anyone before it takes effect', async () => {
		const now = await srv.now();
		const r = await publish(admin, await terms(2, now + 15 * DAY, 15));
		assertStatus(r, 201);
		assert.equal(r.body.notice_days, 15, 'the notice period is recorded with the version');
		const list = await srv.req('GET', '/v1/agreements?key=terms');
		const v2 = list.body.items.find((a) => a.version === 2);
		const v1 = list.body.items.find((a) => a.version === 1);
		assert.equal(v2.upcoming, true);
		assert.equal(v2.current, false);
		assert.equal(v1.current, true);
		assertStatus(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { address: 'Shanghai' } }), 200);
		// a person may accept the upcoming version at once
		assertStatus(await srv.req('POST', '/v1/agreements/terms/consents', { token: early.token, body: { version: 1 } }), 201);
		assertStatus(await srv.req('POST', '/v1/agreements/terms/consents', { token: early.token, body: { version: 2 } }), 201);
	});

	test('ONB-12 once the new version takes effect every write is blocked again until re-consent', async () => {
		await srv.advance(15 * DAY + 120);
		await relogin(); // sessions last 7 days
		const list = await srv.req('GET', '/v1/agreements?key=terms');
		assert.equal(list.body.items.find((a) => a.version === 2).current, true);
		assert.equal(list.body.items.find((a) => a.version === 1).current, false);
		const r = await expectUnchanged(srv, () => srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { address: 'Beijing' } }));
		const e = assertError(r, 403, 'consent_required', { rule: 'ONB-12' });
		assert.deepEqual(e.pending, [{ key: 'terms', version: 2 }]);
		assertStatus(await srv.req('GET', `/v1/providers/${prov.id}`, { token: alice.token }), 200);
		const me = await srv.req('GET', '/v1/me', { token: alice.token });
		assert.deepEqual(me.body.agreements_pending, [{ key: 'terms', version: 2 }]);
	});

	test('ONB-12 consent to a superseded version is refused: 409 version_superseded', async () => {
		const r = await expectUnchanged(srv, () => srv.req('POST', '/v1/agreements/terms/consents', { token: bob.token, body: { version: 1 } }));
		assertError(r, 409, 'version_superseded', { rule: 'ONB-12', field: 'version' });
	});

	test('ONB-12 re-consenting to the new version unblocks writes', async () => {
		assertStatus(await srv.req('POST', '/v1/agreements/terms/consents', { token: alice.token, body: { version: 2 } }), 201);
		const r = await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { address: 'Beijing' } });
		assertStatus(r, 200);
		assert.equal(r.body.address, 'Beijing');
	});

	test('ONB-12 a consent given early to the upcoming version counts when it takes effect', async () => {
		const me = await srv.req('GET', '/v1/me', { token: early.token });
		assert.deepEqual(me.body.agreements_pending, []);
		assertStatus(await srv.req('POST', '/v1/me/api-tokens', { token: early.token, body: { name: 'fine' } }), 201);
	});

	test('ONB-12 several required agreements are all listed, and each must be accepted', async () => {
		const now = await srv.now();
		assertStatus(await publish(admin, { key: 'privacy', version: 1, title: 'Privacy', body: 'Privacy policy.', effective_at: now - 10, notice_days: 0, required_for: ['provider'] }), 201);
		const r = await srv.req('POST', '/v1/providers', { token: bob.token, body: { name: 'Bob Again' } });
		const e = assertError(r, 403, 'consent_required');
		assert.deepEqual([...e.pending].sort((a, b) => a.key.localeCompare(b.key)), [{ key: 'privacy', version: 1 }, { key: 'terms', version: 2 }]);
		assertStatus(await srv.req('POST', '/v1/agreements/terms/consents', { token: bob.token, body: { version: 2 } }), 201);
		const r2 = await srv.req('POST', '/v1/providers', { token: bob.token, body: { name: 'Bob Again' } });
		assert.deepEqual(assertError(r2, 403, 'consent_required').pending, [{ key: 'privacy', version: 1 }]);
		assertStatus(await srv.req('POST', '/v1/agreements/privacy/consents', { token: bob.token, body: { version: 1 } }), 201);
		assertStatus(await srv.req('POST', '/v1/providers', { token: bob.token, body: { name: 'Bob Again' } }), 201);
	});

	test('ONB-12 operators work under their employment terms: no consent gate for them', async () => {
		const rv = await login(srv, reviewer.email, reviewer.password);
		const up = await uploadPdf(srv, rv);
		assert.ok(up.id);
	});

	test('ONB-12 every publication and consent is in the audit log', async () => {
		const rows = srv.sql("SELECT action, subject FROM audit_log WHERE action LIKE 'agreement.%' ORDER BY id");
		assert.ok(rows.some((r) => r.action === 'agreement.publish' && r.subject === 'agreement:terms:2'));
		assert.ok(rows.some((r) => r.action === 'agreement.consent' && r.subject === 'agreement:terms:2'));
		assert.equal(srv.cli(['audit', 'verify']).status, 0);
	});
});
