// Check-then-act races: the same state change sent several times at once
// must take effect once. Each case fires concurrent requests (the server
// runs several HTTP threads) for a few rounds and counts what happened.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, person, adminToken, createProvider, uploadPdf, apply, pendingReview, decide, assertStatus,
} from './helpers/flows.mjs';

const ROUNDS = 4;
const WIDTH = 8;

function fire(n, fn) {
	return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
}
function statuses(rs) {
	return rs.map((r) => `${r.status}${r.body?.error ? ' ' + r.body.error.code : ''}`).join(', ');
}

describe('concurrent requests', () => {
	let srv;
	let admin;
	let u;
	let other;
	before(async () => {
		srv = await startServer();
		[admin, u, other] = await Promise.all([adminToken(srv), registerUser(srv, { tag: 'racer' }), registerUser(srv, { tag: 'racer2' })]);
	});
	after(async () => {
		await srv?.stop();
	});

	test('ONB-8 the same email or mobile registered at once: one account, the rest 409', async () => {
		const p = person('samemail');
		const rs = await fire(WIDTH, (i) => srv.req('POST', '/v1/users', { body: { email: p.email, mobile: `13500000${String(i).padStart(3, '0')}`, password: p.password, name: 'x' } }));
		assert.equal(rs.filter((r) => r.status === 201).length, 1, statuses(rs));
		assert.ok(rs.every((r) => r.status === 201 || r.body?.error?.code === 'email_taken'), statuses(rs));
		const q = person('samemobile');
		const rm = await fire(WIDTH, (i) => srv.req('POST', '/v1/users', { body: { email: `m${i}.${q.email}`, mobile: q.mobile, password: q.password, name: 'x' } }));
		assert.equal(rm.filter((r) => r.status === 201).length, 1, statuses(rm));
		assert.ok(rm.every((r) => r.status === 201 || r.body?.error?.code === 'mobile_taken'), statuses(rm));
	});

	test('ONB-3 the same application sent at once starts exactly one qualification review', async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const prov = await createProvider(srv, u.token, `Apply Race ${round}`);
			const doc = await uploadPdf(srv, u.token);
			const rs = await fire(WIDTH, () => srv.req('POST', `/v1/providers/${prov.id}/application`, {
				token: u.token,
				body: { entity_kind: 'company', legal_name: `Apply Race Co ${round}`, licence_no: 'L1', documents: [doc.id] },
			}));
			const reviews = srv.sql(`SELECT id FROM reviews WHERE org_id = ${prov.id} AND state = 'pending'`);
			assert.equal(rs.filter((r) => r.status === 201).length, 1, `round ${round}: ${statuses(rs)}`);
			assert.equal(reviews.length, 1, `round ${round}: ${reviews.length} pending reviews for one provider`);
		}
	});

	test('REV-5 the same review decided at once: one decision, the rest 409 already_decided', async () => {
		const prov = await createProvider(srv, u.token, 'Decide Race');
		await apply(srv, u.token, prov.id, { legalName: 'Decide Race Co' });
		const rv = await pendingReview(srv, admin, prov.id);
		const rs = await fire(WIDTH, (i) => (i % 2 ? decide(srv, admin, rv.id, 'approve') : decide(srv, admin, rv.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: 'no' }])));
		assert.equal(rs.filter((r) => r.status === 200).length, 1, statuses(rs));
		assert.ok(rs.every((r) => r.status === 200 || r.body?.error?.code === 'already_decided'), statuses(rs));
	});

	test('ONB-6 the same certification sent at once certifies once', async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const legal = `Certify Race Co ${round}`;
			const prov = await createProvider(srv, u.token, `Certify Race ${round}`);
			await apply(srv, u.token, prov.id, { legalName: legal });
			const rv = await pendingReview(srv, admin, prov.id);
			assertStatus(await decide(srv, admin, rv.id, 'approve'), 200);
			const rs = await fire(WIDTH, () => srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: u.token, body: { legal_name: legal } }));
			const notes = srv.sql(`SELECT id FROM notifications WHERE org_id = ${prov.id} AND kind = 'provider.certified'`);
			assert.equal(rs.filter((r) => r.status === 200).length, 1, `round ${round}: ${statuses(rs)}`);
			assert.equal(notes.length, 1, `round ${round}: ${notes.length} "certified" notices`);
		}
	});

	test('ONB-10 the same cancellation sent at once cancels once', async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const prov = await createProvider(srv, u.token, `Cancel Race ${round}`);
			const rs = await fire(WIDTH, () => srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: u.token }));
			const notes = srv.sql(`SELECT id FROM notifications WHERE org_id = ${prov.id} AND kind = 'provider.cancelled'`);
			const audits = srv.sql(`SELECT id FROM audit_log WHERE action = 'provider.cancel' AND subject = 'provider:${prov.id}'`);
			assert.equal(rs.filter((r) => r.status === 200).length, 1, `round ${round}: ${statuses(rs)}`);
			assert.ok(rs.every((r) => r.status === 200 || r.body?.error?.code === 'provider_cancelled'), statuses(rs));
			assert.equal(notes.length, 1, `round ${round}: ${notes.length} cancellation notices`);
			assert.equal(audits.length, 1, `round ${round}: ${audits.length} cancellation audit rows`);
		}
	});

	test('ONB-11 the same member added at once: one membership, the rest 409 already_member', async () => {
		const prov = await createProvider(srv, u.token, 'Member Race');
		const rs = await fire(WIDTH, () => srv.req('POST', `/v1/providers/${prov.id}/members`, { token: u.token, body: { email: other.email } }));
		assert.equal(rs.filter((r) => r.status === 201).length, 1, statuses(rs));
		assert.ok(rs.every((r) => r.status === 201 || r.body?.error?.code === 'already_member'), statuses(rs));
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM memberships WHERE org_id = ${prov.id}`)[0].n, 2);
	});

	test('Idempotency-Key: the same key sent at once creates one resource and answers alike', async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const key = `race-key-${round}`;
			const before = srv.sql(`SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ${u.id}`)[0].n;
			const rs = await fire(WIDTH, () => srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: `race ${round}` }, headers: { 'Idempotency-Key': key } }));
			const created = srv.sql(`SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ${u.id}`)[0].n - before;
			const ids = new Set(rs.filter((r) => r.status === 201).map((r) => r.body.id));
			assert.equal(created, 1, `round ${round}: ${created} tokens created for one Idempotency-Key (${statuses(rs)})`);
			assert.ok(ids.size <= 1, `round ${round}: different answers for one key: ${[...ids].join(', ')}`);
		}
	});
});
