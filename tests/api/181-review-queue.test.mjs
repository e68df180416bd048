// The review queue of the review desk (issue 12, REV-1): filters by kind,
// state, assignee, overdue, provider and app; ordered by deadline with a
// cursor; the time left in working days of the operator's calendar; the
// subject's and the assignee's names on each item; counts per kind for the
// navigation; claim and release next to assign, with their refusals.
//
// The clock is the server's test clock; callers use personal API tokens,
// which do not expire when the clock moves past a session's lifetime.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, createProvider, apply, assertError, assertStatus, operator, adminToken, expectUnchanged,
	FAILURE_TABLES,
} from './helpers/flows.mjs';
import { appProvider, createApp, appBody } from './helpers/apps.mjs';

const DAY = 86400;
const ENV = { KAIFANG_MAX_APPS: '100', KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' };

async function apiToken(srv, sessionToken) {
	const r = await srv.req('POST', '/v1/me/api-tokens', { token: sessionToken, body: { name: 'queue test' } });
	assertStatus(r, 201, 'api token');
	return r.body.token;
}

async function staff(srv, role) {
	const o = await operator(srv, role);
	const token = await apiToken(srv, o.token);
	const me = await srv.req('GET', '/v1/me', { token });
	return { ...o, token, id: me.body.user.id, name: me.body.user.name };
}

async function person(srv, tag) {
	const u = await registerUser(srv, { tag });
	return { ...u, token: await apiToken(srv, u.token) };
}

/** Working days after now's local day up to due's (UTC+8, weekends only):
 * an independent count of REV-1's working days (no calendar uploaded). */
function workdaysLeft(due, now) {
	const day = (t) => Math.floor((t + 8 * 3600) / DAY);
	const workday = (d) => {
		const wd = (d + 4) % 7; // 1970-01-01 was a Thursday: 0 = Sunday
		return wd !== 0 && wd !== 6;
	};
	const late = due < now;
	const [lo, hi] = late ? [day(due), day(now)] : [day(now), day(due)];
	let n = 0;
	for (let d = lo + 1; d <= hi; d++) n += workday(d) ? 1 : 0;
	return late ? -Math.max(n, 1) : n;
}

const unchanged = (srv, fn) => expectUnchanged(srv, fn, { ignore: [...FAILURE_TABLES, 'api_tokens'] });

describe('review queue (REV-1)', () => {
	let srv, admin, rv1, rv2, auditor, ops, owner, provA, provB, appProv, app, qA, qB, creation;
	const list = async (token, query) => {
		const r = await srv.req('GET', `/v1/reviews?${query}`, { token });
		assertStatus(r, 200, `GET /v1/reviews?${query}`);
		return r.body;
	};

	before(async () => {
		srv = await startServer({ env: ENV });
		admin = await apiToken(srv, await adminToken(srv));
		[rv1, rv2, auditor, ops] = [await staff(srv, 'reviewer'), await staff(srv, 'reviewer'), await staff(srv, 'auditor'), await staff(srv, 'ops')];
		owner = await person(srv, 'queue-owner');
		// an app's creation review of a certified provider (its qualification decided)
		appProv = await appProvider(srv, owner, { name: 'Queue App Provider' });
		app = await createApp(srv, owner.token, appProv.id, appBody(null, { name: 'Queue Weather' }));
		const s = await srv.req('POST', `/v1/apps/${app.app_id}/creation-review`, { token: owner.token });
		assertStatus(s, 201, 'creation review');
		creation = s.body.id;
		// one day later, two qualification applications
		await srv.advance(DAY);
		provA = await createProvider(srv, owner.token, 'Queue Provider A');
		await apply(srv, owner.token, provA.id, { legalName: '队列测试甲有限公司' });
		await srv.advance(DAY);
		provB = await createProvider(srv, owner.token, 'Queue Provider B');
		await apply(srv, owner.token, provB.id, { legalName: '队列测试乙有限公司' });
		const pend = await list(admin, 'kind=qualification&state=pending');
		qA = pend.items.find((x) => x.provider_id === provA.id).id;
		qB = pend.items.find((x) => x.provider_id === provB.id).id;
	});
	after(() => srv?.stop());

	test('REV-1 each item names its subject, provider, assignee and working days left', async () => {
		const now = await srv.now();
		const { items } = await list(rv1.token, 'kind=creation');
		assert.deepEqual(items.map((x) => x.id), [creation]);
		const it = items[0];
		assert.equal(it.subject_name, 'Queue Weather');
		assert.equal(it.provider_name, 'Queue App Provider');
		assert.equal(it.app_id, app.app_id);
		assert.equal(it.assignee_id, null);
		assert.equal(it.assignee_name, null);
		assert.equal(it.overdue, false);
		assert.equal(it.working_days_left, workdaysLeft(it.due_at, now));
		assert.ok(it.working_days_left >= 3 && it.working_days_left <= 5, `left ${it.working_days_left}`);
		// a qualification's subject is its provider
		const a = (await list(rv1.token, `provider=${provA.id}`)).items;
		assert.deepEqual(a.map((x) => x.id), [qA]);
		assert.equal(a[0].subject_name, 'Queue Provider A');
		// a decided review has no time left
		const dec = (await list(rv1.token, `provider=${appProv.id}&state=approved`)).items;
		assert.ok(dec.length >= 1);
		assert.equal(dec[0].working_days_left, null);
		// the single review says the same
		const one = await srv.req('GET', `/v1/reviews/${creation}`, { token: rv1.token });
		assert.equal(one.body.working_days_left, it.working_days_left);
		assert.equal(one.body.subject_name, 'Queue Weather');
	});

	test('REV-1 filters: kind, provider, app (app_id), state; oldest deadline first; cursor pages', async () => {
		assert.deepEqual((await list(rv1.token, `app=${app.app_id}`)).items.map((x) => x.id), [creation]);
		assert.deepEqual((await list(rv1.token, `app=${app.app_id}&kind=qualification`)).items, []);
		assert.deepEqual((await list(rv1.token, `provider=${provB.id}`)).items.map((x) => x.id), [qB]);
		const all = (await list(rv1.token, 'state=pending')).items;
		const ids = all.map((x) => x.id);
		assert.ok(ids.indexOf(creation) < ids.indexOf(qA) && ids.indexOf(qA) < ids.indexOf(qB), `order ${ids}`);
		for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].due_at <= all[i].due_at);
		// one a page: the same reviews in the same order, none twice
		const seen = [];
		let cursor = '';
		for (let guard = 0; guard < 20; guard++) {
			const p = await list(rv1.token, `state=pending&limit=1${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
			seen.push(...p.items.map((x) => x.id));
			if (!p.next_after) break;
			cursor = p.next_after;
		}
		assert.deepEqual(seen, ids);
	});

	test('REV-1 bad filters are refused with the field named', async () => {
		assertError(await srv.req('GET', '/v1/reviews?overdue=maybe', { token: rv1.token }), 400, 'invalid_value', { field: 'overdue' });
		assertError(await srv.req('GET', '/v1/reviews?provider=abc', { token: rv1.token }), 400, 'invalid_value', { field: 'provider' });
		assertError(await srv.req('GET', '/v1/reviews?kind=nope', { token: rv1.token }), 400, 'invalid_value', { field: 'kind' });
		assertError(await srv.req('GET', `/v1/reviews?app=${'x'.repeat(80)}`, { token: rv1.token }), 400, 'invalid_value', { field: 'app' });
		// an app nobody has: an empty queue, not an error
		assert.deepEqual((await list(rv1.token, 'app=kf0000000000000000')).items, []);
	});

	test('REV-1 counts per kind: open, overdue, unassigned, mine', async () => {
		const r = await srv.req('GET', '/v1/reviews/counts', { token: auditor.token });
		assertStatus(r, 200, 'counts');
		const q = r.body.kinds.find((k) => k.kind === 'qualification');
		const c = r.body.kinds.find((k) => k.kind === 'creation');
		assert.equal(q.open, 2);
		assert.equal(c.open, 1);
		assert.equal(r.body.open, 3);
		assert.equal(r.body.unassigned, 3);
		assert.equal(r.body.mine, 0);
		// a person who is not staff sees no queue
		assertError(await srv.req('GET', '/v1/reviews/counts', { token: owner.token }), 403, 'operator_required');
	});

	test('REV-1 claim and release: a reviewer takes an unassigned review and gives back only their own', async () => {
		const c = await srv.req('POST', `/v1/reviews/${qA}/claim`, { token: rv1.token });
		assertStatus(c, 200, 'claim');
		assert.equal(c.body.assignee_id, rv1.id);
		assert.equal(c.body.assignee_name, rv1.name);
		const mine = (await list(rv1.token, 'assignee=me')).items;
		assert.deepEqual(mine.map((x) => x.id), [qA]);
		assert.equal(mine[0].assignee_name, rv1.name);
		assert.ok(!(await list(rv1.token, 'assignee=none')).items.some((x) => x.id === qA));
		const counts = (await srv.req('GET', '/v1/reviews/counts', { token: rv1.token })).body;
		assert.equal(counts.mine, 1);
		assert.equal(counts.unassigned, 2);
		// another reviewer can neither take nor release it
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/reviews/${qA}/claim`, { token: rv2.token }), 409, 'already_assigned', { rule: 'REV-1' });
			assertError(await srv.req('POST', `/v1/reviews/${qA}/release`, { token: rv2.token }), 409, 'already_assigned', { rule: 'REV-1' });
			// auditors read the queue but take nothing; ops staff do not review
			assertError(await srv.req('POST', `/v1/reviews/${qB}/claim`, { token: auditor.token }), 403, 'auditor_read_only');
			assertError(await srv.req('POST', `/v1/reviews/${qB}/claim`, { token: ops.token }), 403, 'reviewer_required');
			assertError(await srv.req('POST', `/v1/reviews/${qB}/claim`, { token: owner.token }), 403, 'operator_required');
			assertError(await srv.req('POST', '/v1/reviews/999999/claim', { token: rv1.token }), 404, 'review_not_found');
		});
		assert.equal((await list(auditor.token, 'assignee=' + rv1.id)).items.length, 1);
		// the owner releases: back in the queue
		const rel = await srv.req('POST', `/v1/reviews/${qA}/release`, { token: rv1.token });
		assertStatus(rel, 200, 'release');
		assert.equal(rel.body.assignee_id, null);
		assert.deepEqual((await list(rv1.token, 'assignee=me')).items, []);
		// an admin takes anyone's claim
		assertStatus(await srv.req('POST', `/v1/reviews/${qA}/claim`, { token: rv2.token }), 200, 'claim by rv2');
		const take = await srv.req('POST', `/v1/reviews/${qA}/claim`, { token: admin });
		assertStatus(take, 200, 'admin takes');
		assert.notEqual(take.body.assignee_id, rv2.id);
		assertStatus(await srv.req('POST', `/v1/reviews/${qA}/release`, { token: admin }), 200, 'admin releases');
		// every claim and release is in the audit log
		const rows = srv.sql("SELECT action FROM audit_log WHERE action IN ('review.claim', 'review.release')");
		assert.equal(rows.filter((x) => x.action === 'review.claim').length, 3);
		assert.equal(rows.filter((x) => x.action === 'review.release').length, 2);
	});

	test('REV-1 overdue: past the deadline the queue says by how many working days, and overdue=1 lists them', async () => {
		assert.deepEqual((await list(rv1.token, 'overdue=1')).items, []);
		await srv.advance(9 * DAY);
		const now = await srv.now();
		const over = (await list(rv1.token, 'overdue=1')).items;
		assert.deepEqual(over.map((x) => x.id).sort(), [creation, qA, qB].sort());
		for (const it of over) {
			assert.equal(it.overdue, true);
			assert.ok(it.working_days_left < 0);
			assert.equal(it.working_days_left, workdaysLeft(it.due_at, now));
		}
		assert.deepEqual((await list(rv1.token, 'overdue=true&kind=creation')).items.map((x) => x.id), [creation]);
		const counts = (await srv.req('GET', '/v1/reviews/counts', { token: rv1.token })).body;
		assert.equal(counts.overdue, 3);
		assert.equal(counts.kinds.find((k) => k.kind === 'qualification').overdue, 2);
	});
});
