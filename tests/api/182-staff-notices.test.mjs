// Notices to staff (issue 12, REV-1): a new review, a review due tomorrow
// (one working day left) and an overdue review reach the assignee, or every
// reviewer and admin while nobody has it, in the inbox, each once (also
// across a restart); and by mail as one daily digest per person, which an
// operator admin switches off per person.
//
// The worker runs every second (KAIFANG_WORKER_INTERVAL of the helpers);
// the test clock moves the days. Callers use personal API tokens.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_EMAIL } from './helpers/server.mjs';
import { registerUser, createProvider, apply, assertError, assertStatus, operator, adminToken } from './helpers/flows.mjs';
import { waitFor } from './helpers/apps.mjs';

const DAY = 86400;

async function apiToken(srv, sessionToken) {
	const r = await srv.req('POST', '/v1/me/api-tokens', { token: sessionToken, body: { name: 'notices test' } });
	assertStatus(r, 201, 'api token');
	return r.body.token;
}

async function staff(srv, role) {
	const o = await operator(srv, role);
	const token = await apiToken(srv, o.token);
	const me = await srv.req('GET', '/v1/me', { token });
	return { ...o, token, id: me.body.user.id };
}

/** The review notices in a person's inbox: [{kind, title}] oldest first. */
async function notices(srv, token) {
	const r = await srv.req('GET', '/v1/inbox?limit=100', { token });
	assertStatus(r, 200, 'inbox');
	return r.body.items.filter((x) => x.kind.startsWith('review.')).reverse();
}

const digests = (srv, to) => srv.mails(to).filter((m) => /review digest|审核摘要/.test(m.subject));
/** A few worker passes (the worker runs every second). */
const passes = () => new Promise((r) => setTimeout(r, 2500));

describe('notices to staff (REV-1)', () => {
	let srv, admin, rv1, rv2, ops, owner, adminId;
	before(async () => {
		srv = await startServer();
		admin = await apiToken(srv, await adminToken(srv));
		adminId = (await srv.req('GET', '/v1/me', { token: admin })).body.user.id;
		rv1 = await staff(srv, 'reviewer');
		rv2 = await staff(srv, 'reviewer');
		ops = await staff(srv, 'ops');
		const u = await registerUser(srv, { tag: 'notices-owner' });
		owner = { ...u, token: await apiToken(srv, u.token) };
	});
	after(() => srv?.stop());

	let review;
	test('REV-1 a new unassigned review reaches every reviewer and admin once, in the inbox and one digest mail', async () => {
		const p = await createProvider(srv, owner.token, 'Notice Provider One');
		await apply(srv, owner.token, p.id, { legalName: '通知测试一有限公司' });
		review = (await srv.req('GET', `/v1/reviews?provider=${p.id}`, { token: admin })).body.items[0].id;
		for (const t of [rv1.token, rv2.token, admin]) {
			await waitFor(async () => (await notices(srv, t)).length === 1, { what: 'new review notice' });
			const [n] = await notices(srv, t);
			assert.equal(n.kind, 'review.new');
			assert.match(n.title, /Notice Provider One/);
		}
		// ops staff do not review: nothing for them
		assert.deepEqual(await notices(srv, ops.token), []);
		// one digest mail each, linking to the review
		const m = await srv.waitMail(rv1.email, { match: /review digest|审核摘要/ });
		assert.match(m.body, new RegExp(`/console/reviews/${review}\\b`));
		assert.match(m.body, /Notice Provider One/);
		await srv.waitMail(ADMIN_EMAIL, { match: /review digest|审核摘要/ });
		// nothing twice, however many passes
		await passes();
		for (const t of [rv1.token, rv2.token, admin]) assert.equal((await notices(srv, t)).length, 1);
		assert.equal(digests(srv, rv1.email).length, 1);
	});

	test('REV-1 a second review the same day: in the inbox now, in the mail with the next day\'s digest', async () => {
		const p = await createProvider(srv, owner.token, 'Notice Provider Two');
		await apply(srv, owner.token, p.id, { legalName: '通知测试二有限公司' });
		await waitFor(async () => (await notices(srv, rv1.token)).length === 2, { what: 'second notice' });
		await passes();
		assert.equal(digests(srv, rv1.email).length, 1, 'one digest a day');
		await srv.advance(DAY);
		await waitFor(async () => digests(srv, rv1.email).length === 2, { what: 'next day digest' });
		assert.match(digests(srv, rv1.email)[1].body, /Notice Provider Two/);
		assert.doesNotMatch(digests(srv, rv1.email)[1].body, /Notice Provider One/);
	});

	test('REV-1 an admin switches a digest off: the inbox notices go on, the mail stops', async () => {
		// only admins switch, only for staff
		assertError(await srv.req('PUT', `/v1/staff/${rv2.id}/notices`, { token: rv1.token, body: { digest: false } }), 403, 'admin_required');
		const ownerId = (await srv.req('GET', '/v1/me', { token: owner.token })).body.user.id;
		assertError(await srv.req('PUT', `/v1/staff/${ownerId}/notices`, { token: admin, body: { digest: false } }), 404, 'staff_not_found');
		assertError(await srv.req('PUT', `/v1/staff/${rv2.id}/notices`, { token: admin, body: { digest: 'no' } }), 400, 'invalid_type', { field: 'digest' });
		const r = await srv.req('PUT', `/v1/staff/${rv2.id}/notices`, { token: admin, body: { digest: false } });
		assertStatus(r, 200, 'digest off');
		assert.deepEqual(r.body, { user_id: rv2.id, digest: false });
		const l = await srv.req('GET', '/v1/staff/notices', { token: admin });
		assert.equal(l.body.items.find((x) => x.user_id === rv2.id).digest, false);
		assert.equal(l.body.items.find((x) => x.user_id === rv1.id).digest, true);
		const before2 = digests(srv, rv2.email).length;
		await srv.advance(DAY);
		const p = await createProvider(srv, owner.token, 'Notice Provider Three');
		await apply(srv, owner.token, p.id, { legalName: '通知测试三有限公司' });
		await waitFor(async () => (await notices(srv, rv2.token)).length === 3, { what: 'third notice for rv2' });
		await waitFor(async () => digests(srv, rv1.email).some((m) => /Notice Provider Three/.test(m.body)), { what: 'rv1 digest' });
		await passes();
		assert.equal(digests(srv, rv2.email).length, before2, 'no digest when switched off');
		assert.equal(srv.sql(`SELECT action FROM audit_log WHERE action = 'staff.digest_off'`).length, 1);
	});

	test('REV-1 claimed: due tomorrow and overdue reach the assignee only, once each, also after a restart', async () => {
		assertStatus(await srv.req('POST', `/v1/reviews/${review}/claim`, { token: rv1.token }), 200, 'claim');
		const rv = (await srv.req('GET', `/v1/reviews/${review}`, { token: rv1.token })).body;
		// move to the day before the deadline (one working day left)
		for (let guard = 0; guard < 10; guard++) {
			const left = (await srv.req('GET', `/v1/reviews/${review}`, { token: rv1.token })).body.working_days_left;
			if (left <= 1) break;
			await srv.advance(DAY);
		}
		const kinds = async (t) => (await notices(srv, t)).filter((n) => n.title.includes('Notice Provider One')).map((n) => n.kind);
		await waitFor(async () => (await kinds(rv1.token)).includes('review.due_soon'), { what: 'due soon' });
		assert.deepEqual(await kinds(rv2.token), ['review.new']);
		// past the deadline
		const now = await srv.now();
		await srv.advance(rv.due_at - now + 60);
		await waitFor(async () => (await kinds(rv1.token)).includes('review.overdue'), { what: 'overdue' });
		assert.deepEqual(await kinds(rv1.token), ['review.new', 'review.due_soon', 'review.overdue']);
		assert.deepEqual(await kinds(rv2.token), ['review.new']);
		// a restart sends nothing again
		await srv.stop({ keepDir: true });
		srv = await startServer({ dataDir: srv.dataDir });
		await passes();
		assert.deepEqual(await kinds(rv1.token), ['review.new', 'review.due_soon', 'review.overdue']);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM review_notices WHERE review_id = ${review}`)[0].n, 3);
	});
});
