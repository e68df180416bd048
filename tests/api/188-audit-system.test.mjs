// Issue 12, operating the platform → Audit log and System: staff read the
// audit log with filters (actor, subject, action, time) and a cursor, and
// verify its keyed chain from the API (a row changed behind the server's
// back is reported by id); GET /v1/system answers the very figures
// /metrics exports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { dropTrigger, startServer } from './helpers/server.mjs';
import { adminToken, apply, assertError, assertStatus, createProvider, operator, registerUser } from './helpers/flows.mjs';

describe('audit log', () => {
	let srv, admin, adminId, auditor, user;
	before(async () => {
		srv = await startServer();
		admin = await adminToken(srv);
		adminId = assertStatus(await srv.req('GET', '/v1/me', { token: admin }), 200).user.id;
		auditor = await operator(srv, 'auditor');
		user = await registerUser(srv);
	});
	after(() => srv?.stop());

	const audit = (token, q = '') => srv.req('GET', `/v1/audit${q}`, { token });

	test('staff read the log newest first; a person who is not staff is refused', async () => {
		const all = assertStatus(await audit(admin), 200);
		assert.ok(all.items.length > 3);
		const ids = all.items.map((e) => e.id);
		assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
		const e = all.items[0];
		for (const k of ['id', 'at', 'actor', 'action', 'subject', 'digest']) assert.ok(k in e, `entry has ${k}`);
		assertStatus(await audit(auditor.token), 200);
		assertError(await audit(user.token), 403, 'operator_required');
		assertError(await srv.req('GET', '/v1/audit'), 401, 'unauthenticated');
	});

	test('filters: actor (as stored or by email), action (exact or its group), subject, time', async () => {
		// the admin makes two operators an hour apart on the test clock
		const a = assertStatus(await srv.req('POST', '/v1/operators', { token: admin, body: { email: 'filter.a@example.com', name: 'Filter A', role: 'reviewer', password: 'pw-filter-a-secret-1' } }), 201);
		const before1 = (await audit(admin, '?limit=1')).body.items[0].at;
		await srv.advance(3600);
		const b = assertStatus(await srv.req('POST', '/v1/operators', { token: admin, body: { email: 'filter.b@example.com', name: 'Filter B', role: 'auditor', password: 'pw-filter-b-secret-1' } }), 201);

		const byActor = assertStatus(await audit(admin, `?actor=user:${adminId}&action=operator.create`), 200).items;
		assert.deepEqual(byActor.slice(0, 2).map((e) => e.subject), [`user:${b.id}`, `user:${a.id}`]);
		assert.ok(byActor.every((e) => e.actor === `user:${adminId}` && e.action === 'operator.create'));
		assert.equal(byActor[0].actor_email, 'admin@kaifang.test');
		assert.equal(byActor[0].subject_email, 'filter.b@example.com');
		// the actor by email finds the same entries
		const byEmail = assertStatus(await audit(admin, `?actor=${encodeURIComponent('ADMIN@kaifang.test')}&action=operator.create`), 200).items;
		assert.deepEqual(byEmail.map((e) => e.id), byActor.map((e) => e.id));
		// an email nobody has finds nothing (not everything)
		assert.deepEqual(assertStatus(await audit(admin, '?actor=nobody%40example.com'), 200).items, []);
		// the action's group: "operator" finds operator.create and nothing else here
		const group = assertStatus(await audit(admin, '?action=operator'), 200).items;
		assert.ok(group.length >= 2 && group.every((e) => e.action.startsWith('operator.')));
		assert.ok(!assertStatus(await audit(admin, '?action=operat'), 200).items.length, 'no match on a partial word');
		// the subject
		const subj = assertStatus(await audit(admin, `?subject=user:${a.id}`), 200).items;
		assert.ok(subj.length >= 1 && subj.every((e) => e.subject === `user:${a.id}`));
		// time: only B was created after the hour passed
		const later = assertStatus(await audit(admin, `?action=operator.create&from=${before1 + 1800}`), 200).items;
		assert.deepEqual(later.map((e) => e.subject), [`user:${b.id}`]);
		const earlier = assertStatus(await audit(admin, `?action=operator.create&to=${before1 + 1800}`), 200).items;
		assert.ok(earlier.some((e) => e.subject === `user:${a.id}`) && !earlier.some((e) => e.subject === `user:${b.id}`));
		assertError(await audit(admin, '?from=yesterday'), 400, 'invalid_value', { field: 'from' });
		assertError(await audit(admin, '?limit=0'), 400, 'invalid_value', { field: 'limit' });
	});

	test('the cursor walks every entry once, in order', async () => {
		const all = assertStatus(await audit(admin, '?limit=200'), 200).items.map((e) => e.id);
		const seen = [];
		let cursor = null;
		for (let i = 0; i < 100; i++) {
			const page = assertStatus(await audit(admin, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`), 200);
			seen.push(...page.items.map((e) => e.id));
			cursor = page.next_cursor;
			if (!cursor) break;
		}
		assert.deepEqual(seen.slice(0, all.length), all);
		assert.equal(seen.length, new Set(seen).size, 'no entry twice');
	});

	test('verify: the chain is intact; after an entry is changed in the database, the broken entry is named', async () => {
		for (const token of [admin, auditor.token]) {
			const v = assertStatus(await srv.req('GET', '/v1/audit/verify', { token }), 200);
			assert.equal(v.ok, true, v.message);
			assert.equal(v.broken_id, null);
			assert.ok(v.rows > 3);
		}
		assertError(await srv.req('GET', '/v1/audit/verify', { token: user.token }), 403, 'operator_required');
		// tamper as someone holding the database would: drop the guard, rewrite a row
		const target = srv.sql("SELECT MIN(id) AS id FROM audit_log WHERE action = 'operator.create'")[0].id;
		dropTrigger(srv.dbPath, 'audit_log', 'audit_log_no_update');
		srv.sql(`UPDATE audit_log SET actor = 'user:999' WHERE id = ${target}`);
		const v = assertStatus(await srv.req('GET', '/v1/audit/verify', { token: admin }), 200);
		assert.equal(v.ok, false);
		assert.equal(v.broken_id, target);
		assert.equal(v.rows, target - 1, 'the entries before it are intact');
		assert.match(v.message, new RegExp(`row ${target} was changed`));
	});
});

/** The value of one /metrics series (labels as written). */
function metric(text, series) {
	const line = text.split('\n').find((l) => l.startsWith(series + ' '));
	assert.ok(line, `no ${series} in /metrics`);
	return Number(line.slice(series.length + 1));
}

describe('system figures', () => {
	let srv, admin;
	before(async () => {
		// the data made with the worker running; the figures read on a
		// process without it, so nothing moves between two reads
		const first = await startServer();
		const owner = await registerUser(first);
		const prov = await createProvider(first, owner.token);
		await apply(first, owner.token, prov.id, { legalName: '系统状态测试科技有限公司' });
		await first.stop({ keepDir: true });
		srv = await startServer({ dataDir: first.dataDir, args: ['--role', 'api'] });
		admin = await adminToken(srv);
	});
	after(() => srv?.stop());

	async function both() {
		const s = assertStatus(await srv.req('GET', '/v1/system', { token: admin }), 200);
		const m = await fetch(`${srv.url}/metrics`);
		assert.equal(m.status, 200);
		return { s, m: await m.text() };
	}
	function same(s, m) {
		assert.equal(s.reviews.pending, metric(m, 'kaifang_reviews_pending{kind="qualification"}') + metric(m, 'kaifang_reviews_pending{kind="creation"}') + metric(m, 'kaifang_reviews_pending{kind="release"}') + metric(m, 'kaifang_reviews_pending{kind="change"}') + metric(m, 'kaifang_reviews_pending{kind="search_listing"}') + metric(m, 'kaifang_reviews_pending{kind="display_listing"}'));
		for (const k of s.reviews.by_kind) {
			assert.equal(k.pending, metric(m, `kaifang_reviews_pending{kind="${k.kind}"}`), `${k.kind} pending`);
			assert.equal(k.overdue, metric(m, `kaifang_reviews_overdue{kind="${k.kind}"}`), `${k.kind} overdue`);
		}
		assert.equal(s.outbox.pending, metric(m, 'kaifang_push_outbox_pending'));
		assert.equal(s.outbox.dead, metric(m, 'kaifang_push_outbox_dead'));
		assert.equal(s.outbox.oldest_pending_seconds, metric(m, 'kaifang_push_oldest_pending_seconds'));
		assert.equal(s.url_checks.pending, metric(m, 'kaifang_url_checks_pending'));
		assert.equal(s.url_checks.oldest_pending_seconds, metric(m, 'kaifang_url_checks_oldest_pending_seconds'));
		assert.equal(s.mail.pending, metric(m, 'kaifang_mail_pending'));
		assert.equal(s.mail.dead, metric(m, 'kaifang_mail_dead'));
		assert.equal(s.mail.oldest_pending_seconds, metric(m, 'kaifang_mail_oldest_pending_seconds'));
		assert.equal(s.schema_version, metric(m, 'kaifang_schema_version'));
		assert.equal(metric(m, `kaifang_build_info{version="${s.version}"}`), 1);
	}

	test('GET /v1/system answers the figures of /metrics, also as they change', async () => {
		let { s, m } = await both();
		assert.equal(s.reviews.pending, 1, 'the qualification review waits');
		assert.equal(s.reviews.overdue, 0);
		assert.deepEqual(s.reviews.by_kind.map((k) => k.kind), ['qualification']);
		same(s, m);
		// a sign-up's mail waits (no worker here), and the review goes overdue
		await registerUser(srv, { verify: false });
		await srv.advance(30 * 86400);
		admin = await adminToken(srv, { fresh: true }); // the session ended meanwhile
		({ s, m } = await both());
		assert.equal(s.reviews.overdue, 1, 'overdue after 30 days (REV-1)');
		assert.ok(s.mail.pending >= 1, 'the sign-up mail waits');
		assert.ok(s.mail.oldest_pending_seconds >= 30 * 86400);
		same(s, m);
	});

	test('version and the applied migrations; staff only', async () => {
		const s = assertStatus(await srv.req('GET', '/v1/system', { token: admin }), 200);
		assert.equal(typeof s.version, 'string');
		assert.ok(s.migrations.length >= 16);
		assert.deepEqual(s.migrations.map((x) => x.version), [...s.migrations.map((x) => x.version)].sort((a, b) => a - b));
		assert.equal(s.schema_version, s.migrations.at(-1).version);
		assert.equal(s.migrations[0].name.length > 0, true);
		const auditor = await operator(srv, 'auditor');
		assertStatus(await srv.req('GET', '/v1/system', { token: auditor.token }), 200);
		const user = await registerUser(srv, { verify: false });
		assertError(await srv.req('GET', '/v1/system', { token: user.token }), 403, 'operator_required');
	});
});
