// Every command runs in one transaction: a failure injected in the middle
// of a command (a trigger that aborts one of its statements) must leave
// nothing half-written, answer 500 storage_error, and the same command must
// succeed once the fault is gone.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createFault, dropTrigger } from './helpers/server.mjs';
import {
	registerUser, person, adminToken, publishAgreement, createProvider, uploadPdf, pendingReview,
	assertError, assertStatus, expectUnchanged,
} from './helpers/flows.mjs';

const TRIGGER = 'kf_test_fault';
let faultTable = null; // the table of the trigger in place (PostgreSQL drops a trigger by table)

describe('a failure in the middle of a command changes nothing', () => {
	let srv;
	let admin;
	let u;
	let v;
	before(async () => {
		srv = await startServer();
		admin = await adminToken(srv);
		await publishAgreement(srv, { key: 'terms' });
		[u, v] = await Promise.all([registerUser(srv, { tag: 'txn' }), registerUser(srv, { tag: 'txn2', consent: false })]);
	});
	after(async () => {
		if (srv && faultTable) heal();
		await srv?.stop();
	});

	/** Make the given statement kind ("BEFORE INSERT ON t") fail inside the server's transaction. */
	function fault(when) {
		faultTable = when.split(' ').at(-1);
		createFault(srv.dbPath, TRIGGER, when);
	}
	function heal() {
		dropTrigger(srv.dbPath, faultTable, TRIGGER);
		faultTable = null;
	}

	/** Run send() with the fault in place: 500 storage_error and nothing
	 * changed (the outbox table included, so no mail goes out); then
	 * without the fault: success. */
	async function faulty(when, send, okStatus) {
		fault(when);
		try {
			const r = await expectUnchanged(srv, send);
			assertError(r, 500, 'storage_error');
		} finally {
			heal();
		}
		const ok = await send();
		assertStatus(ok, okStatus, 'the same command once the fault is gone');
		return ok;
	}

	test('registration fails at its audit row: no user, no code, no mail; then it succeeds', async () => {
		const p = person('atomic');
		const body = { email: p.email, mobile: p.mobile, password: p.password, name: p.name };
		await faulty('BEFORE INSERT ON audit_log', () => srv.req('POST', '/v1/users', { body }), 201);
	});

	test('creating a provider fails after the organisation row: no organisation, no membership', async () => {
		await faulty('BEFORE INSERT ON memberships', () => srv.req('POST', '/v1/providers', { token: u.token, body: { name: 'Atomic Apps' } }), 201);
	});

	test('applying fails at the notification: no application, no review, no state change', async () => {
		const prov = await createProvider(srv, u.token, 'Atomic Apply');
		const doc = await uploadPdf(srv, u.token);
		const body = { entity_kind: 'company', legal_name: 'Atomic Apply Co', licence_no: 'AT-1', documents: [doc.id] };
		await faulty('BEFORE INSERT ON notifications', () => srv.req('POST', `/v1/providers/${prov.id}/application`, { token: u.token, body }), 201);
	});

	test('a review decision fails at the provider state change: the review stays pending', async () => {
		const prov = await createProvider(srv, u.token, 'Atomic Decide');
		const doc = await uploadPdf(srv, u.token);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: u.token, body: { entity_kind: 'company', legal_name: 'Atomic Decide Co', licence_no: 'AT-2', documents: [doc.id] } }), 201);
		const rv = await pendingReview(srv, admin, prov.id);
		await faulty("BEFORE UPDATE OF state ON orgs", () => srv.req('POST', `/v1/reviews/${rv.id}/decision`, { token: admin, body: { decision: 'approve' } }), 200);
		const g = await srv.req('GET', `/v1/providers/${prov.id}`, { token: u.token });
		assert.equal(g.body.state, 'certification');
	});

	test('a cancellation fails at its audit row: the provider keeps its name and state', async () => {
		const prov = await createProvider(srv, u.token, 'Atomic Cancel');
		await faulty('BEFORE INSERT ON audit_log', () => srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: u.token }), 200);
	});

	test('a consent and a token fail at their audit rows and leave nothing', async () => {
		await faulty('BEFORE INSERT ON audit_log', () => srv.req('POST', '/v1/agreements/terms/consents', { token: v.token, body: { version: 1 } }), 201);
		await faulty('BEFORE INSERT ON audit_log', () => srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'atomic' } }), 201);
	});

	test('an upload fails at its row: no file row (the blob may stay, content-addressed)', async () => {
		await faulty('BEFORE INSERT ON files', () => srv.req('POST', '/v1/files?name=a.pdf', { token: u.token, raw: Buffer.from('%PDF-1.4\natomic\n'), headers: { 'Content-Type': 'application/pdf' } }), 201);
	});
});
