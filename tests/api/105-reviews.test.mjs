// Review kinds and the review queue of the release pipeline: the providers'
// authenticity certification (APP-9) with its validity and expiry, the
// queue ordered by deadline with its cursor, assignment and overdue gauges
// (REV-1), the search and display listing applications of released apps
// (REV-2, REV-3, REV-5), and the public directory (APP-6).
//
// Nothing writes listings or releases apps through the API yet, so released
// apps are set up with SQL on the server's database (srv.sql). The clock is
// the server's test clock; callers use personal API tokens, which do not
// expire when the clock moves past the session lifetime. Every refusal is
// also checked for leaving the database unchanged.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, createProvider, apply, assertError, assertStatus, expectUnchanged, decide, operator,
	uploadPdf, pdf, adminToken, certifiedProvider, FAILURE_TABLES,
} from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, metrics } from './helpers/apps.mjs';

const DAY = 86400;
const ENV = { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_MAX_APPS: '100' };

/** A personal API token of a signed-in person (no expiry). */
async function apiToken(srv, sessionToken) {
	const r = await srv.req('POST', '/v1/me/api-tokens', { token: sessionToken, body: { name: 'reviews test' } });
	assertStatus(r, 201, 'api token');
	return r.body.token;
}

/** The user id behind a token. */
async function userId(srv, token) {
	const r = await srv.req('GET', '/v1/me', { token });
	assertStatus(r, 200, 'GET /v1/me');
	return r.body.user.id;
}

/** An operator of that role with a long-lived token and its user id. */
async function staff(srv, role) {
	const o = await operator(srv, role);
	const token = await apiToken(srv, o.token);
	return { ...o, token, id: await userId(srv, token) };
}

/** A person who registered, verified and consented, with a long-lived token. */
async function person(srv, tag) {
	const u = await registerUser(srv, { tag });
	return { ...u, session: u.token, token: await apiToken(srv, u.token) };
}

/**
 * expectUnchanged, ignoring what changes on its own meanwhile: a personal
 * API token's first use, and the push worker's tickets and deliveries.
 */
const unchanged = (srv, fn) =>
	expectUnchanged(srv, fn, { ignore: [...FAILURE_TABLES, 'api_tokens', 'outbox', 'deliveries', 'verify_tickets'] });

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
/** A write with SQL while the server runs (waits for its write lock). */
function sqlWrite(srv, stmt) {
	srv.sql(`PRAGMA busy_timeout = 5000; ${stmt}`);
}

/** Give an app a live listing and mark it released (what the release pipeline will do). */
function release(srv, appId, listing, { at, version = '1.0.0', state = 'released', search = 0, display = 0 } = {}) {
	sqlWrite(srv, `INSERT INTO listings (app, body, created_at) SELECT id, ${q(JSON.stringify(listing))}, ${at} FROM apps WHERE app_id = ${q(appId)};
		UPDATE apps SET state = ${q(state)}, live_listing_id = (SELECT MAX(id) FROM listings l WHERE l.app = apps.id),
		released_version = ${q(version)}, released_at = ${at}, search_listed = ${search}, display_listed = ${display}
		WHERE app_id = ${q(appId)};`);
}

/** The newest inbox message of a person whose title matches. */
async function inboxMessage(srv, token, title) {
	const r = await srv.req('GET', '/v1/inbox?limit=200', { token });
	assertStatus(r, 200, 'inbox');
	return r.body.items.find((m) => title.test(m.title));
}

describe('APP-9 authenticity certification: submit, review, validity and expiry', () => {
	let srv;
	let owner;
	let member;
	let stranger;
	let prov;
	let rv;

	before(async () => {
		srv = await startServer({ env: ENV });
		[owner, member, stranger] = await Promise.all([person(srv, 'authowner'), person(srv, 'authmember'), person(srv, 'authstranger')]);
		prov = await certifiedProvider(srv, { token: owner.session }, { name: 'Authentic Apps' });
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201);
		rv = await staff(srv, 'reviewer');
	});
	after(async () => {
		await srv?.stop();
	});

	const path = () => `/v1/providers/${prov.id}/authenticity`;
	const body = async (token) => ({ documents: [(await uploadPdf(srv, token, pdf('authenticity'))).id], statement: 'We are the company we say we are.' });
	const submit = async (token, b) => srv.req('POST', path(), { token, body: b ?? (await body(token)) });

	test('APP-9 before any submission: 404 authenticity_not_found, and only the owner of a certified provider submits', async () => {
		assertError(await srv.req('GET', path(), { token: owner.token }), 404, 'authenticity_not_found', { rule: 'APP-9' });
		const mdoc = await uploadPdf(srv, member.token, pdf('member'));
		const sdoc = await uploadPdf(srv, stranger.token, pdf('stranger'));
		const odoc = await uploadPdf(srv, owner.token, pdf('owner'));
		const draft = await createProvider(srv, owner.token, 'Not Yet Certified');
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', path(), { token: member.token, body: { documents: [mdoc.id], statement: 'x' } }), 403, 'owner_required', { rule: 'APP-9' });
			assertError(await srv.req('POST', path(), { token: stranger.token, body: { documents: [sdoc.id], statement: 'x' } }), 404, 'provider_not_found');
			// ONB-7: a provider that is not certified has nothing to release
			assertError(await srv.req('POST', `/v1/providers/${draft.id}/authenticity`, { token: owner.token, body: { documents: [odoc.id], statement: 'x' } }), 403, 'not_certified', { rule: 'ONB-7' });
			// documents are the caller's own uploads, at least one
			assertError(await srv.req('POST', path(), { token: owner.token, body: { documents: [sdoc.id], statement: 'x' } }), 400, 'file_not_found', { rule: 'APP-9', field: 'documents' });
			assertError(await srv.req('POST', path(), { token: owner.token, body: { documents: [], statement: 'x' } }), 400, 'missing_field', { rule: 'APP-9', field: 'documents' });
			assertError(await srv.req('POST', path(), { token: owner.token, body: { documents: [odoc.id] } }), 400, 'missing_field', { field: 'statement' });
			assertError(await srv.req('POST', path(), { token: owner.token, body: { documents: [odoc.id], statement: 'x', extra: 1 } }), 400, 'unknown_field', { field: 'extra' });
		});
	});

	test('APP-9 a submission opens a review of kind authenticity due in working days; a second one is 409 while it is pending', async () => {
		const s = await submit(owner.token);
		assertStatus(s, 201, 'submit');
		assert.equal(s.body.state, 'pending');
		assert.equal(s.body.valid, false);
		assert.equal(s.body.valid_until, null);
		assert.equal(s.body.certified_until, null);
		assert.equal(s.body.provider_id, prov.id);
		assert.equal(s.body.statement, 'We are the company we say we are.');
		assert.equal(s.body.documents.length, 1);
		const again = await body(owner.token);
		await unchanged(srv, async () => {
			assertError(await submit(owner.token, again), 409, 'authenticity_pending', { rule: 'APP-9' });
		});
		// REV-1: in the queue with what was submitted
		const queue = await srv.req('GET', '/v1/reviews?kind=authenticity&state=pending', { token: rv.token });
		assertStatus(queue, 200);
		const item = queue.body.items.find((x) => x.id === s.body.review_id);
		assert.ok(item, 'the authenticity review is in the queue');
		assert.equal(item.provider_id, prov.id);
		assert.equal(item.subject_type, 'authenticity');
		assert.ok(item.due_at > item.submitted_at + 4 * DAY, `due_at ${item.due_at} is not working days after ${item.submitted_at}`);
		assert.equal(item.overdue, false);
		assert.equal(item.assignee_id, null);
		assert.equal(item.detail.authenticity_id, s.body.id);
		assert.deepEqual(item.detail.evidence.documents, s.body.documents);
		// members and operators read it; others do not
		assertStatus(await srv.req('GET', path(), { token: member.token }), 200);
		assertStatus(await srv.req('GET', path(), { token: rv.token }), 200);
		assertError(await srv.req('GET', path(), { token: stranger.token }), 404, 'provider_not_found');
	});

	test('APP-9 approval makes it valid for 365 days and tells the provider (inbox and email); it lapses at valid_until', async () => {
		const cur = (await srv.req('GET', path(), { token: owner.token })).body;
		const d = await decide(srv, rv.token, cur.review_id, 'approve');
		assertStatus(d, 200, 'approve');
		assert.equal(d.body.kind, 'authenticity');
		assert.equal(d.body.state, 'approved');
		const g = await srv.req('GET', path(), { token: owner.token });
		assertStatus(g, 200);
		assert.equal(g.body.state, 'approved');
		assert.equal(g.body.valid, true);
		assert.equal(g.body.valid_until, g.body.decided_at + 365 * DAY);
		assert.equal(g.body.certified_until, g.body.valid_until);
		const msg = await inboxMessage(srv, owner.token, /Authenticity certified/);
		assert.ok(msg, 'an inbox message tells the owner');
		assert.match(msg.body, /APP-9/);
		assert.match(await srv.readMail(owner.email, { match: /authenticity certification .* was approved/ }), /valid until \d{4}-\d\d-\d\d/);
		assert.ok(await inboxMessage(srv, member.token, /Authenticity certified/), 'members are told too');
		// a decided review cannot be decided again
		assertError(await decide(srv, rv.token, cur.review_id, 'approve'), 409, 'already_decided');

		// still valid one minute before the end, not at the end
		const now = await srv.now();
		await srv.advance(g.body.valid_until - now - 60);
		assert.equal((await srv.req('GET', path(), { token: owner.token })).body.valid, true);
		await srv.advance(60);
		const late = await srv.req('GET', path(), { token: owner.token });
		assert.equal(late.body.valid, false, 'expired at valid_until');
		assert.equal(late.body.state, 'approved');
		assert.equal(late.body.certified_until, g.body.valid_until);
	});

	test('APP-9 a renewal under review does not end a valid certification; a rejection names its reasons (REV-5)', async () => {
		const first = await submit(owner.token);
		assertStatus(first, 201);
		await decide(srv, rv.token, first.body.review_id, 'approve');
		const approved = (await srv.req('GET', path(), { token: owner.token })).body;
		assert.equal(approved.valid, true);
		const renewal = await submit(owner.token);
		assertStatus(renewal, 201, 'renewal');
		assert.equal(renewal.body.state, 'pending');
		assert.equal(renewal.body.valid, true, 'the earlier approval still counts');
		assert.equal(renewal.body.certified_until, approved.valid_until);
		// a rejection needs reasons
		await unchanged(srv, async () => {
			assertError(await decide(srv, rv.token, renewal.body.review_id, 'reject'), 400, 'reasons_required', { rule: 'REV-5' });
		});
		const rej = await decide(srv, rv.token, renewal.body.review_id, 'reject', [{ rule: 'APP-9', field: 'documents', message: 'The licence copy is unreadable.' }]);
		assertStatus(rej, 200);
		const g = (await srv.req('GET', path(), { token: owner.token })).body;
		assert.equal(g.state, 'rejected');
		assert.equal(g.valid_until, null);
		assert.equal(g.valid, true, 'the earlier certification stays valid');
		const msg = await inboxMessage(srv, owner.token, /Authenticity certification rejected/);
		assert.ok(msg);
		assert.match(msg.body, /\[APP-9\] documents: The licence copy is unreadable\./);
		// a rejected one may be submitted again
		assertStatus(await submit(owner.token), 201);
	});
});

describe('APP-9 authenticity-valid-days sets the validity', () => {
	let srv;
	before(async () => {
		srv = await startServer({ env: { ...ENV, KAIFANG_AUTHENTICITY_VALID_DAYS: '30' } });
	});
	after(async () => {
		await srv?.stop();
	});

	test('APP-9 with authenticity-valid-days=30 an approval is valid for 30 days', async () => {
		const owner = await person(srv, 'days');
		const prov = await certifiedProvider(srv, { token: owner.session });
		const doc = await uploadPdf(srv, owner.token);
		const s = await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: owner.token, body: { documents: [doc.id], statement: 'Thirty days.' } });
		assertStatus(s, 201);
		assertStatus(await decide(srv, await adminToken(srv), s.body.review_id, 'approve'), 200);
		const g = (await srv.req('GET', `/v1/providers/${prov.id}/authenticity`, { token: owner.token })).body;
		assert.equal(g.valid_until, g.decided_at + 30 * DAY);
		await srv.advance(31 * DAY);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}/authenticity`, { token: owner.token })).body.valid, false);
	});
});

describe('REV-1 the review queue: deadline order, cursor, filters, assignment and overdue gauges', () => {
	let srv;
	let admin;
	let rv1;
	let rv2;
	let ops;
	let provider;
	let reviews; // four pending qualification reviews, by creation order

	before(async () => {
		srv = await startServer({ env: ENV });
		admin = await apiToken(srv, await adminToken(srv));
		[rv1, rv2, ops] = await Promise.all([staff(srv, 'reviewer'), staff(srv, 'reviewer'), staff(srv, 'ops')]);
		provider = await person(srv, 'queueowner');
		reviews = [];
		for (let i = 0; i < 4; i++) {
			const p = await createProvider(srv, provider.token, `Queue Apps ${i}`);
			await apply(srv, provider.token, p.id, { legalName: `队列科技有限公司${i}` });
			const list = await srv.req('GET', '/v1/reviews?kind=qualification&state=pending&limit=200', { token: rv1.token });
			reviews.push(list.body.items.find((x) => x.provider_id === p.id));
		}
		// deadlines out of creation order, two of them equal: the queue
		// must sort by due_at, then id
		const base = Math.max(...reviews.map((r) => r.due_at));
		const due = [base + 3 * DAY, base + DAY, base + DAY, base + 2 * DAY];
		for (let i = 0; i < 4; i++) sqlWrite(srv, `UPDATE reviews SET due_at = ${due[i]} WHERE id = ${reviews[i].id}`);
	});
	after(async () => {
		await srv?.stop();
	});

	/** Every page of a queue query, with limit per page. */
	async function pages(query, limit, token = rv1.token) {
		const all = [];
		let after = null;
		for (let n = 0; n < 100; n++) {
			const r = await srv.req('GET', `/v1/reviews?${query}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token });
			assertStatus(r, 200, 'queue page');
			assert.ok(r.body.items.length <= limit);
			all.push(...r.body.items);
			if (r.body.next_after === null) return all;
			assert.equal(r.body.items.length, limit, 'next_after only after a full page');
			assert.equal(typeof r.body.next_after, 'string');
			after = r.body.next_after;
		}
		throw new Error('the cursor never ended');
	}

	test('REV-1 the queue is ordered by due date (due_at, then id), and the cursor walks it without gaps or repeats', async () => {
		const mine = reviews.map((r) => r.id);
		for (const limit of [1, 2, 3, 200]) {
			const items = await pages('kind=qualification&state=pending', limit);
			const ids = items.map((x) => x.id);
			assert.equal(new Set(ids).size, ids.length, 'no review twice');
			for (let i = 1; i < items.length; i++) {
				const a = items[i - 1];
				const b = items[i];
				assert.ok(a.due_at < b.due_at || (a.due_at === b.due_at && a.id < b.id), `order at ${i}: ${a.id}/${a.due_at} before ${b.id}/${b.due_at}`);
			}
			// ours: the two equal deadlines first (by id), then +2 days, then +3 days
			assert.deepEqual(ids.filter((id) => mine.includes(id)), [mine[1], mine[2], mine[3], mine[0]]);
		}
		// the cursor carries both keys: a page boundary between the equal deadlines works
		const afterTie = await srv.req('GET', `/v1/reviews?kind=qualification&state=pending&limit=200`, { token: rv1.token });
		const tieDue = afterTie.body.items.find((x) => x.id === mine[1]).due_at;
		const next = await srv.req('GET', `/v1/reviews?kind=qualification&state=pending&limit=1&after=${tieDue}.${mine[1]}`, { token: rv1.token });
		assert.equal(next.body.items[0].id, mine[2]);
		// each item carries its assignee, detail and overdue flag
		for (const it of afterTie.body.items) {
			assert.ok('assignee_id' in it && 'detail' in it && typeof it.overdue === 'boolean', JSON.stringify(it));
		}
		await unchanged(srv, async () => {
			for (const a of ['x', '-1', '1', '1.', '.1', '1.2.3', '1.x', '%20', '1,2'])
				assertError(await srv.req('GET', `/v1/reviews?after=${a}`, { token: rv1.token }), 400, 'invalid_value', { field: 'after' });
			for (const a of ['x', '0', '-3', 'ME', '1.5'])
				assertError(await srv.req('GET', `/v1/reviews?assignee=${a}`, { token: rv1.token }), 400, 'invalid_value', { rule: 'REV-1', field: 'assignee' });
			assertError(await srv.req('GET', '/v1/reviews?overdue=yes', { token: rv1.token }), 400, 'invalid_value', { rule: 'REV-1', field: 'overdue' });
			assertError(await srv.req('GET', '/v1/reviews?kind=authenticityx', { token: rv1.token }), 400, 'invalid_value', { field: 'kind' });
		});
		// the new kind is a filter value
		assertStatus(await srv.req('GET', '/v1/reviews?kind=authenticity', { token: rv1.token }), 200);
	});

	test('REV-1 reviewers assign reviews to themselves; admins assign any reviewer; every assignment is audit-logged', async () => {
		const [a, b] = reviews;
		const assign = (token, id, assignee_id) => srv.req('POST', `/v1/reviews/${id}/assignee`, { token, body: { assignee_id } });
		const audits = () => srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'review.assign'")[0].n;
		const n0 = audits();
		const r = await assign(rv1.token, a.id, rv1.id);
		assertStatus(r, 200, 'self-assign');
		assert.equal(r.body.assignee_id, rv1.id);
		assert.equal(r.body.id, a.id);
		assert.equal(audits(), n0 + 1);
		// ?assignee=me and by id
		const me = await srv.req('GET', '/v1/reviews?assignee=me', { token: rv1.token });
		assert.deepEqual(me.body.items.map((x) => x.id), [a.id]);
		assert.deepEqual((await srv.req('GET', `/v1/reviews?assignee=${rv1.id}`, { token: rv2.token })).body.items.map((x) => x.id), [a.id]);
		assert.deepEqual((await srv.req('GET', '/v1/reviews?assignee=me', { token: rv2.token })).body.items, []);
		const none = await pages('assignee=none&state=pending', 200);
		assert.ok(!none.some((x) => x.id === a.id) && none.some((x) => x.id === b.id));
		await unchanged(srv, async () => {
			// another reviewer may not take it, nor assign someone else
			assertError(await assign(rv2.token, a.id, rv2.id), 409, 'already_assigned', { rule: 'REV-1' });
			assertError(await assign(rv2.token, a.id, null), 409, 'already_assigned', { rule: 'REV-1' });
			assertError(await assign(rv2.token, b.id, rv1.id), 403, 'assign_self_only', { rule: 'REV-1' });
			// ops staff do not assign; only reviewers and admins are assignees
			assertError(await assign(ops.token, b.id, ops.id), 403, 'reviewer_required');
			assertError(await assign(admin, b.id, ops.id), 400, 'invalid_assignee', { rule: 'REV-1', field: 'assignee_id' });
			assertError(await assign(admin, b.id, provider.id), 400, 'invalid_assignee', { rule: 'REV-1', field: 'assignee_id' });
			assertError(await assign(admin, b.id, 999999), 400, 'invalid_assignee', { rule: 'REV-1', field: 'assignee_id' });
			assertError(await srv.req('POST', `/v1/reviews/${b.id}/assignee`, { token: admin, body: {} }), 400, 'missing_field', { field: 'assignee_id' });
			assertError(await assign(admin, b.id, 0), 400, 'invalid_assignee', { field: 'assignee_id' });
			assertError(await assign(admin, 999999, rv1.id), 404, 'review_not_found');
			assertError(await assign(provider.token, b.id, rv1.id), 403, 'operator_required');
		});
		// an admin reassigns and clears
		assertStatus(await assign(admin, a.id, rv2.id), 200);
		assert.deepEqual((await srv.req('GET', '/v1/reviews?assignee=me', { token: rv2.token })).body.items.map((x) => x.id), [a.id]);
		const cleared = await assign(admin, a.id, null);
		assertStatus(cleared, 200);
		assert.equal(cleared.body.assignee_id, null);
		// a reviewer gives back their own
		assertStatus(await assign(rv2.token, b.id, rv2.id), 200);
		assertStatus(await assign(rv2.token, b.id, null), 200);
		assertStatus(await assign(admin, a.id, await userId(srv, admin)), 200, 'an admin may take one');
		assert.equal(audits(), n0 + 6);
		// a decided review keeps its assignee
		const c = reviews[2];
		assertStatus(await decide(srv, rv1.token, c.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: 'unreadable' }]), 200);
		await unchanged(srv, async () => {
			assertError(await assign(admin, c.id, rv1.id), 409, 'already_decided', { rule: 'REV-1' });
		});
	});

	test('REV-1 overdue: the flag, ?overdue=true and the kaifang_reviews_pending / _overdue gauges follow the clock', async () => {
		const m0 = await metrics(srv);
		const pending0 = m0['kaifang_reviews_pending{kind="qualification"}'];
		assert.ok(pending0 >= 3, `pending gauge ${pending0}`);
		assert.equal(m0['kaifang_reviews_overdue{kind="qualification"}'], 0);
		// every known kind has a sample, 0 when none
		for (const k of ['authenticity', 'creation', 'release', 'change', 'search_listing', 'display_listing']) {
			assert.equal(m0[`kaifang_reviews_pending{kind="${k}"}`], 0, k);
			assert.equal(m0[`kaifang_reviews_overdue{kind="${k}"}`], 0, k);
		}
		assertStatus(await srv.req('GET', '/v1/reviews?overdue=true', { token: rv1.token }), 200);
		assert.deepEqual((await srv.req('GET', '/v1/reviews?overdue=true', { token: rv1.token })).body.items, []);
		// past the earliest of our deadlines only (the two equal ones)
		const tie = reviews[1];
		const dueNow = (await srv.req('GET', `/v1/reviews/${tie.id}`, { token: rv1.token })).body.due_at;
		await srv.advance(dueNow - (await srv.now()) + 1);
		const m1 = await metrics(srv);
		const overdue1 = (await pages('overdue=true', 200)).map((x) => x.id);
		assert.ok(overdue1.includes(reviews[1].id), 'the review past its deadline is overdue');
		assert.ok(!overdue1.includes(reviews[3].id) && !overdue1.includes(reviews[0].id), 'later deadlines are not');
		assert.ok(!overdue1.includes(reviews[2].id), 'a decided review is never overdue');
		assert.equal(m1['kaifang_reviews_overdue{kind="qualification"}'], overdue1.length);
		assert.equal(m1['kaifang_reviews_pending{kind="qualification"}'], pending0);
		const item = (await srv.req('GET', '/v1/reviews?kind=qualification&state=pending&limit=200', { token: rv1.token })).body.items.find((x) => x.id === reviews[1].id);
		assert.equal(item.overdue, true);
		// far past every deadline: every pending review is overdue
		await srv.advance(30 * DAY);
		const m2 = await metrics(srv);
		assert.equal(m2['kaifang_reviews_overdue{kind="qualification"}'], m2['kaifang_reviews_pending{kind="qualification"}']);
		const all = await pages('state=pending', 200);
		assert.ok(all.length > 0 && all.every((x) => x.overdue));
		// deciding one lowers both gauges
		assertStatus(await decide(srv, rv1.token, reviews[0].id, 'approve'), 200);
		const m3 = await metrics(srv);
		assert.equal(m3['kaifang_reviews_pending{kind="qualification"}'], m2['kaifang_reviews_pending{kind="qualification"}'] - 1);
		assert.equal(m3['kaifang_reviews_overdue{kind="qualification"}'], m2['kaifang_reviews_overdue{kind="qualification"}'] - 1);
	});
});

describe('REV-2, REV-3 search and display listing applications of released apps', () => {
	let srv;
	let rx;
	let owner;
	let member;
	let stranger;
	let prov;
	let rv;
	let app; // released
	let dev; // still developing

	before(async () => {
		srv = await startServer({ env: ENV });
		rx = await startReceiver();
		[owner, member, stranger] = await Promise.all([person(srv, 'listowner'), person(srv, 'listmember'), person(srv, 'liststranger')]);
		prov = await appProvider(srv, { token: owner.session });
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201);
		rv = await staff(srv, 'reviewer');
		app = await developingApp(srv, { token: owner.token }, prov.id, rx);
		dev = await developingApp(srv, { token: owner.token }, prov.id, rx);
		release(srv, app.app_id, { name: '天气助手', category: 'tools', intro: '每小时天气预报', keywords: ['天气'], version: '1.0.0' }, { at: await srv.now() });
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	const p = (a, what) => `/v1/apps/${a.app_id}/${what}`;
	const attest = async (over = {}, token = owner.token) => {
		const ev = await uploadPdf(srv, token, pdf('evidence'));
		return { established_in_field: true, team_size: 25, evidence: [ev.id], statement: 'Ten years in weather data.', ...over };
	};
	const applications = async (a = app, token = owner.token) => {
		const r = await srv.req('GET', p(a, 'listing-applications'), { token });
		assertStatus(r, 200, 'listing applications');
		return r.body;
	};

	test('REV-2 only a released app applies: 409 app_not_released for one in development', async () => {
		const att = await attest();
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(dev, 'search-listing'), { token: owner.token }), 409, 'app_not_released', { rule: 'REV-2' });
			assertError(await srv.req('POST', p(dev, 'display-listing'), { token: owner.token, body: { attestations: att } }), 409, 'app_not_released', { rule: 'REV-2' });
		});
		assert.deepEqual((await applications(dev)).items, []);
	});

	test('REV-3 a display listing without both attestations is refused, naming the field', async () => {
		const ev = (await uploadPdf(srv, owner.token, pdf('ev'))).id;
		const sev = (await uploadPdf(srv, stranger.token, pdf('sev'))).id;
		const cases = [
			[{}, 'missing_field', 'attestations'],
			[{ attestations: {} }, 'attestation_required', 'attestations.established_in_field'],
			[{ attestations: { team_size: 20, evidence: [ev] } }, 'attestation_required', 'attestations.established_in_field'],
			[{ attestations: { established_in_field: false, team_size: 20, evidence: [ev] } }, 'attestation_required', 'attestations.established_in_field'],
			[{ attestations: { established_in_field: true, evidence: [ev] } }, 'attestation_required', 'attestations.team_size'],
			[{ attestations: { established_in_field: true, team_size: 10, evidence: [ev] } }, 'team_too_small', 'attestations.team_size'],
			[{ attestations: { established_in_field: true, team_size: 20 } }, 'missing_field', 'attestations.evidence'],
			[{ attestations: { established_in_field: true, team_size: 20, evidence: [] } }, 'missing_field', 'attestations.evidence'],
			[{ attestations: { established_in_field: 'yes', team_size: 20, evidence: [ev] } }, 'invalid_type', 'attestations.established_in_field'],
			[{ attestations: { established_in_field: true, team_size: '20', evidence: [ev] } }, 'invalid_type', 'attestations.team_size'],
			[{ attestations: { established_in_field: true, team_size: 20, evidence: [ev], size: 3 } }, 'unknown_field', 'attestations.size'],
			// evidence is uploaded by a member of the provider
			[{ attestations: { established_in_field: true, team_size: 20, evidence: [sev] } }, 'file_not_found', 'attestations.evidence'],
		];
		await unchanged(srv, async () => {
			for (const [body, code, field] of cases) {
				const e = assertError(await srv.req('POST', p(app, 'display-listing'), { token: owner.token, body }), 400, code, { field });
				if (code !== 'unknown_field') assert.equal(e.rule, 'REV-3', JSON.stringify(body));
			}
		});
	});

	test('REV-2 search listing: apply once, the review decides it, approval sets search_listed and tells the provider', async () => {
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(app, 'search-listing'), { token: stranger.token }), 404, 'app_not_found');
			assertError(await srv.req('POST', p(app, 'search-listing'), { token: rv.token }), 403, 'provider_member_required');
			assertError(await srv.req('POST', p(app, 'search-listing'), { token: owner.token, body: { reason: 'x' } }), 400, 'unknown_field', { field: 'reason' });
		});
		const s = await srv.req('POST', p(app, 'search-listing'), { token: member.token, body: {} });
		assertStatus(s, 201, 'apply for search listing');
		assert.equal(s.body.kind, 'search_listing');
		assert.equal(s.body.state, 'pending');
		assert.ok(s.body.due_at > s.body.submitted_at);
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(app, 'search-listing'), { token: owner.token }), 409, 'application_pending', { rule: 'REV-2' });
		});
		const review = (await srv.req('GET', `/v1/reviews/${s.body.review_id}`, { token: rv.token })).body;
		assert.equal(review.kind, 'search_listing');
		assert.equal(review.subject_type, 'app');
		assert.equal(review.detail.application_id, s.body.id);
		assert.equal(review.detail.app_id, app.app_id);
		await unchanged(srv, async () => {
			// REV-3: only display listings record an evidence finding
			assertError(await srv.req('POST', `/v1/reviews/${review.id}/decision`, { token: rv.token, body: { decision: 'approve', evidence_holds: true } }), 400, 'invalid_field', { rule: 'REV-3', field: 'evidence_holds' });
			assertError(await srv.req('POST', `/v1/reviews/${review.id}/decision`, { token: rv.token, body: { decision: 'approve', evidence_holds: 'yes' } }), 400, 'invalid_type', { field: 'evidence_holds' });
		});
		assertStatus(await decide(srv, rv.token, review.id, 'approve'), 200);
		const list = await applications();
		assert.equal(list.search_listed, true);
		assert.equal(list.display_listed, false);
		assert.equal(list.items[0].state, 'approved');
		assert.equal(list.items[0].evidence_holds, null);
		assert.ok(await inboxMessage(srv, owner.token, /Search listing approved/));
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(app, 'search-listing'), { token: owner.token }), 409, 'already_listed', { rule: 'REV-2' });
		});
	});

	test('REV-3 display listing: the decision must record evidence_holds, approval needs it true; a rejection names reasons (REV-5)', async () => {
		const att = await attest();
		const s = await srv.req('POST', p(app, 'display-listing'), { token: owner.token, body: { attestations: att } });
		assertStatus(s, 201, 'apply for display listing');
		assert.equal(s.body.kind, 'display_listing');
		assert.deepEqual(s.body.attestations, att);
		const rid = s.body.review_id;
		const detail = (await srv.req('GET', `/v1/reviews/${rid}`, { token: rv.token })).body.detail;
		assert.deepEqual(detail.attestations, att);
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(app, 'display-listing'), { token: owner.token, body: { attestations: att } }), 409, 'application_pending', { rule: 'REV-2' });
			assertError(await decide(srv, rv.token, rid, 'approve'), 400, 'evidence_holds_required', { rule: 'REV-3', field: 'evidence_holds' });
			assertError(await decide(srv, rv.token, rid, 'reject', [{ rule: 'REV-3', field: 'attestations.evidence', message: 'no payroll' }]), 400, 'evidence_holds_required', { rule: 'REV-3' });
			assertError(await srv.req('POST', `/v1/reviews/${rid}/decision`, { token: rv.token, body: { decision: 'approve', evidence_holds: false } }), 400, 'evidence_not_held', { rule: 'REV-3', field: 'evidence_holds' });
		});
		const rej = await srv.req('POST', `/v1/reviews/${rid}/decision`, {
			token: rv.token,
			body: { decision: 'reject', evidence_holds: false, reasons: [{ rule: 'REV-3', field: 'attestations.team_size', message: 'The payroll shows 6 people.' }] },
		});
		assertStatus(rej, 200);
		assert.equal(rej.body.detail.evidence_holds, false);
		let list = await applications();
		assert.equal(list.display_listed, false);
		assert.equal(list.items[0].state, 'rejected');
		assert.equal(list.items[0].evidence_holds, false);
		assert.deepEqual(list.items[0].reasons, [{ rule: 'REV-3', field: 'attestations.team_size', message: 'The payroll shows 6 people.' }]);
		const msg = await inboxMessage(srv, owner.token, /Display listing rejected/);
		assert.match(msg.body, /\[REV-3\] attestations\.team_size: The payroll shows 6 people\./);
		assert.match(msg.body, /does not hold/);
		assert.match(await srv.readMail(owner.email, { match: /display listing application .* was rejected/ }), /payroll/);

		// applied again, approved with the evidence holding
		const again = await srv.req('POST', p(app, 'display-listing'), { token: owner.token, body: { attestations: await attest({ team_size: 30 }) } });
		assertStatus(again, 201);
		const ok = await srv.req('POST', `/v1/reviews/${again.body.review_id}/decision`, { token: rv.token, body: { decision: 'approve', evidence_holds: true } });
		assertStatus(ok, 200);
		list = await applications();
		assert.equal(list.display_listed, true);
		assert.equal(list.items[0].evidence_holds, true);
		assert.equal(list.items.length, 3);
		assert.ok(await inboxMessage(srv, member.token, /Display listing approved/));
		await unchanged(srv, async () => {
			assertError(await srv.req('POST', p(app, 'display-listing'), { token: owner.token, body: { attestations: att } }), 409, 'already_listed', { rule: 'REV-2' });
		});
		// a stranger does not see the applications; operators do
		assertError(await srv.req('GET', p(app, 'listing-applications'), { token: stranger.token }), 404, 'app_not_found');
		assertStatus(await srv.req('GET', p(app, 'listing-applications'), { token: rv.token }), 200);
	});

	test('REV-2 an app that stopped being released cannot have its listing approved; the application can still be rejected', async () => {
		const other = await developingApp(srv, { token: owner.token }, prov.id, rx);
		release(srv, other.app_id, { name: '日历同步', category: 'office', intro: '同步会议' }, { at: await srv.now() });
		const s = await srv.req('POST', p(other, 'search-listing'), { token: owner.token });
		assertStatus(s, 201);
		sqlWrite(srv, `UPDATE apps SET state = 'suspended' WHERE app_id = ${q(other.app_id)}`);
		await unchanged(srv, async () => {
			assertError(await decide(srv, rv.token, s.body.review_id, 'approve'), 409, 'app_not_released', { rule: 'REV-2' });
		});
		assertStatus(await decide(srv, rv.token, s.body.review_id, 'reject', [{ rule: 'REV-2', field: 'state', message: 'The app is suspended.' }]), 200);
		const list = await applications(other);
		assert.equal(list.search_listed, false);
		assert.equal(list.items[0].state, 'rejected');
	});

	test('DATA-3 deleting a released app withdraws its pending listing application with its review', async () => {
		const gone = await developingApp(srv, { token: owner.token }, prov.id, rx);
		release(srv, gone.app_id, { name: '雨量助手', category: 'tools', intro: '降雨提醒', keywords: ['雨'], version: '1.0.0' }, { at: await srv.now() });
		const s = await srv.req('POST', p(gone, 'search-listing'), { token: owner.token });
		assertStatus(s, 201, 'search-listing');
		assertStatus(await srv.req('DELETE', `/v1/apps/${gone.app_id}`, { token: owner.token }), 204, 'delete app');
		const rows = srv.sql(`SELECT la.state AS application, r.state AS review FROM listing_applications la
			JOIN reviews r ON r.id = la.review_id JOIN apps a ON a.id = la.app WHERE a.app_id = '${gone.app_id}'`);
		assert.deepEqual(rows, [{ application: 'withdrawn', review: 'withdrawn' }]);
	});
});

describe('APP-6 the public directory: released apps only, filters, text search of search-listed apps, featured, pagination', () => {
	let srv;
	let prov;
	let apps; // name -> app_id
	const T0 = 1_900_000_000;

	before(async () => {
		srv = await startServer({ env: ENV });
		const owner = await person(srv, 'dirowner');
		prov = await certifiedProvider(srv, { token: owner.session }, { legalName: '目录科技有限公司' });
		apps = {};
		let n = 0;
		const add = (name, listing, opts) => {
			n += 1;
			const id = `kf${(0xd1000000 + n).toString(16).padStart(16, '0')}`;
			const audience = opts.audience ?? 'public';
			sqlWrite(srv, `INSERT INTO apps (app_id, provider_id, state, audience, created_at, updated_at) VALUES (${q(id)}, ${prov.id}, 'draft', ${q(audience)}, ${T0}, ${T0})`);
			if (listing) release(srv, id, listing, opts);
			else sqlWrite(srv, `UPDATE apps SET state = ${q(opts.state)}, released_at = ${opts.at} WHERE app_id = ${q(id)}`);
			apps[name] = id;
		};
		add('A1', { name: 'Weather Pro', category: 'tools', intro: 'Hourly forecasts', keywords: ['forecast', 'rain'], version: '1.2.0', company_name: 'Weather Co', website: 'https://www.example.com/', logo_file: 7 }, { at: T0 + 1, search: 1, display: 1 });
		add('A2', { name: 'Calendar Sync', category: 'tools', intro: 'Syncs meetings', keywords: [] }, { at: T0 + 2, search: 1, version: '2.0.0' });
		add('A3', { name: 'Weather Lite', category: 'office', intro: 'Forecasts' }, { at: T0 + 3 });
		add('A4', { name: '天气通', category: 'office', intro: '天气预报', keywords: ['天气'] }, { at: T0 + 3, search: 1, version: '3.1' });
		// not in the directory
		add('selfuse', { name: 'Weather Self', category: 'tools', intro: 'Own hosts only' }, { at: T0 + 4, search: 1, display: 1, audience: 'self_use' });
		for (const state of ['suspended', 'delisted', 'withdrawn', 'developing', 'release_review'])
			add(state, { name: `Weather ${state}`, category: 'tools', intro: 'Not listed' }, { at: T0 + 5, state, search: 1, display: 1 });
		add('nolisting', null, { state: 'released', at: T0 + 6 });
		add('deleted', { name: 'Weather Deleted', category: 'tools', intro: 'Gone' }, { at: T0 + 7, search: 1 });
		sqlWrite(srv, `UPDATE apps SET state = 'deleted', deleted_at = ${T0 + 8} WHERE app_id = ${q(apps.deleted)}`);
	});
	after(async () => {
		await srv?.stop();
	});

	const dir = async (query = '') => {
		const r = await srv.req('GET', `/v1/directory${query ? `?${query}` : ''}`);
		assertStatus(r, 200, `directory ${query}`);
		return r.body;
	};
	const ids = (items) => items.map((x) => x.app_id);

	test('APP-6 without credentials: released public apps with a live listing, newest release first, nothing else', async () => {
		const d = await dir();
		assert.deepEqual(ids(d.items), [apps.A4, apps.A3, apps.A2, apps.A1]);
		assert.equal(d.next_after, null);
		const a1 = d.items.find((x) => x.app_id === apps.A1);
		assert.deepEqual(a1, {
			app_id: apps.A1, name: 'Weather Pro', intro: 'Hourly forecasts', category: 'tools', logo_file: 7, version: '1.2.0',
			company_name: 'Weather Co', website: 'https://www.example.com/', released_at: T0 + 1, featured: true,
		});
		// without a version or company name in the listing: the released version and the provider's entity
		const a4 = d.items.find((x) => x.app_id === apps.A4);
		assert.equal(a4.version, '3.1');
		assert.equal(a4.company_name, '目录科技有限公司');
		assert.equal(a4.logo_file, null);
		assert.equal(a4.website, null);
		assert.equal(a4.featured, false);
		// the same with credentials
		const admin = await adminToken(srv);
		assert.deepEqual(ids((await srv.req('GET', '/v1/directory', { token: admin })).body.items), ids(d.items));
	});

	test('APP-6 pagination: limit and the cursor walk the directory without gaps or repeats', async () => {
		for (const limit of [1, 2, 3]) {
			const seen = [];
			let after = null;
			for (let i = 0; i < 10; i++) {
				const d = await dir(`limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
				seen.push(...ids(d.items));
				if (d.next_after === null) break;
				assert.equal(d.items.length, limit);
				after = d.next_after;
			}
			assert.deepEqual(seen, [apps.A4, apps.A3, apps.A2, apps.A1], `limit ${limit}`);
		}
		// with a filter, the cursor keeps the filter's order
		const p1 = await dir('category=office&limit=1');
		assert.deepEqual(ids(p1.items), [apps.A4]);
		const p2 = await dir(`category=office&limit=1&after=${encodeURIComponent(p1.next_after)}`);
		assert.deepEqual(ids(p2.items), [apps.A3]);
		await unchanged(srv, async () => {
			for (const [qs, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=x', 'limit'], ['after=x', 'after'], ['after=5', 'after'], ['after=-1.2', 'after'],
				['featured=yes', 'featured'], ['q=', 'q'], [`q=${'x'.repeat(101)}`, 'q'], ['category=', 'category'], [`category=${'c'.repeat(65)}`, 'category']])
				assertError(await srv.req('GET', `/v1/directory?${qs}`), 400, 'invalid_value', { field });
		});
		assertStatus(await srv.req('GET', '/v1/directory?limit=100'), 200);
	});

	test('APP-6 filters: category, featured=true for display-listed apps (REV-3)', async () => {
		assert.deepEqual(ids((await dir('category=tools')).items), [apps.A2, apps.A1]);
		assert.deepEqual(ids((await dir('category=office')).items), [apps.A4, apps.A3]);
		assert.deepEqual((await dir('category=finance')).items, []);
		assert.deepEqual(ids((await dir('featured=true')).items), [apps.A1]);
		assert.deepEqual(ids((await dir('featured=false')).items), [apps.A4, apps.A3, apps.A2, apps.A1]);
		assert.deepEqual((await dir('featured=true&category=office')).items, []);
	});

	test('REV-2 the text search finds only search-listed apps, in name, intro and keywords', async () => {
		const find = async (text) => ids((await dir(`q=${encodeURIComponent(text)}`)).items);
		// Weather Lite (A3) has no search listing; the other weather apps are not released
		assert.deepEqual(await find('weather'), [apps.A1]);
		assert.deepEqual(await find('WEATHER'), [apps.A1]);
		assert.deepEqual(await find('forecast'), [apps.A1], 'keyword and intro of A1; A3 is not search-listed');
		assert.deepEqual(await find('meetings'), [apps.A2]);
		assert.deepEqual(await find('rain'), [apps.A1]);
		assert.deepEqual(await find('天气'), [apps.A4]);
		assert.deepEqual(await find('Lite'), []);
		// no pattern characters
		for (const t of ['%', '_', '%weather%', '"', '[', '\\'])
			assert.deepEqual(await find(t), [], t);
		// combined with the other filters
		assert.deepEqual(ids((await dir('q=weather&featured=true')).items), [apps.A1]);
		assert.deepEqual((await dir('q=weather&category=office')).items, []);
	});
});
