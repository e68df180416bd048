// Provider onboarding walked as a person would (ONB-1 … ONB-11, REV-1,
// REV-5): register, verify, consent, create a provider, upload the licence,
// apply, get rejected, re-apply, get approved, certify; members, entity
// reuse, re-verification, ban, cancellation and purge; the audit chain.
// The walk tells one story on one server, in order.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, dropTrigger } from './helpers/server.mjs';
import {
	registerUser, consentAll, login, operator, adminToken, publishAgreement, assertError, assertStatus,
	expectUnchanged, uploadPdf, pdf, createProvider, apply, pendingReview, decide,
} from './helpers/flows.mjs';

const DAY = 86400;
const OFFSET = 8 * 3600; // operator calendar UTC+08:00

// REV-1: the end (23:59:59 local) of the n-th working day after the local
// day of t; weekends off unless a make-up working day; holidays off.
function dueAt(t, { n = 5, holidays = new Set(), workdays = new Set() } = {}) {
	const iso = (d) => new Date(d * DAY * 1000).toISOString().slice(0, 10);
	const weekday = (d) => ((((d + 3) % 7) + 7) % 7) + 1; // 1 = Monday
	const isWork = (d) => !holidays.has(iso(d)) && (workdays.has(iso(d)) || weekday(d) <= 5);
	let day = Math.floor((t + OFFSET) / DAY);
	while (n > 0) {
		day++;
		if (isWork(day)) n--;
	}
	return (day + 1) * DAY - 1 - OFFSET;
}

async function inbox(srv, token) {
	const r = await srv.req('GET', '/v1/inbox', { token });
	assertStatus(r, 200, 'inbox');
	return r.body.items;
}

describe('onboarding walk', () => {
	let srv;
	let admin;
	let reviewer;
	let ops;
	let owner; // the person who onboards "ABC科技有限公司"
	let member; // added to owner's provider
	let second; // another person whose provider reuses the entity (ONB-4)
	let prov; // owner's provider
	let docIds = []; // its uploaded documents, purged with it
	let prov2; // second's provider
	let licence; // uploaded file
	let licenceBytes;
	let review; // the pending qualification review
	const LEGAL = 'ABC科技有限公司';
	const LEGAL_FULLWIDTH = 'ＡＢＣ科技有限公司';

	before(async () => {
		srv = await startServer();
		admin = await adminToken(srv);
		await publishAgreement(srv, { key: 'terms', title: 'Provider agreement' });
		[reviewer, ops, member, second] = await Promise.all([
			operator(srv, 'reviewer'),
			operator(srv, 'ops'),
			registerUser(srv, { tag: 'member' }),
			registerUser(srv, { tag: 'second' }),
		]);
	});
	after(async () => {
		await srv?.stop();
	});

	test('ONB-8 ONB-12 a person registers, verifies the email and consents to the agreement', async () => {
		owner = await registerUser(srv, { tag: 'owner', consent: false });
		const me = await srv.req('GET', '/v1/me', { token: owner.token });
		assert.equal(me.body.user.email_verified, true);
		assert.deepEqual(me.body.agreements_pending, [{ key: 'terms', version: 1 }]);
		assertError(await srv.req('POST', '/v1/providers', { token: owner.token, body: { name: 'ABC Apps' } }), 403, 'consent_required', { rule: 'ONB-12' });
		await consentAll(srv, owner.token);
		const me2 = await srv.req('GET', '/v1/me', { token: owner.token });
		assert.deepEqual(me2.body.agreements_pending, []);
	});

	test('ONB-3 the person creates a provider account and is its owner', async () => {
		const r = await srv.req('POST', '/v1/providers', {
			token: owner.token,
			body: { name: 'ABC Apps', contact_name: 'Zhang San', contact_email: 'contact@abc.example.com', contact_phone: '13912345678', address: '上海市浦东新区' },
		});
		assertStatus(r, 201);
		prov = r.body;
		assert.equal(prov.kind, 'provider');
		assert.equal(prov.name, 'ABC Apps');
		assert.equal(prov.state, 'draft');
		assert.equal(prov.role, 'owner');
		assert.equal(prov.contact_phone, '+8613912345678');
		assert.equal(prov.may_create_apps, false);
		const me = await srv.req('GET', '/v1/me', { token: owner.token });
		assert.deepEqual(me.body.memberships.map((m) => [m.org_id, m.role]), [[prov.id, 'owner']]);
		const list = await srv.req('GET', '/v1/providers', { token: owner.token });
		assert.deepEqual(list.body.items.map((p) => p.id), [prov.id]);
	});

	test('ONB-9 the provider profile is checked and kept current by the owner', async () => {
		assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: owner.token, body: { contact_email: 'not-an-email' } }), 400, 'invalid_email', { rule: 'ONB-9', field: 'contact_email' });
		assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: owner.token, body: { contact_phone: '12' } }), 400, 'invalid_mobile', { rule: 'ONB-9', field: 'contact_phone' });
		assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: owner.token, body: { name: 'A' } }), 400, 'invalid_value', { field: 'name' });
		const r = await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: owner.token, body: { contact_name: 'Li Si' } });
		assertStatus(r, 200);
		assert.equal(r.body.contact_name, 'Li Si');
		assert.equal(r.body.contact_email, 'contact@abc.example.com', 'fields not sent are kept');
	});

	test('files: the licence PDF is uploaded as a raw body and stored by its SHA-256', async () => {
		licenceBytes = pdf('business licence');
		const r = await srv.req('POST', '/v1/files?name=licence.pdf', { token: owner.token, raw: licenceBytes, headers: { 'Content-Type': 'application/pdf' } });
		assertStatus(r, 201);
		licence = r.body;
		const sha = crypto.createHash('sha256').update(licenceBytes).digest('hex');
		assert.equal(licence.sha256, sha);
		assert.equal(licence.size, licenceBytes.length);
		assert.equal(licence.content_type, 'application/pdf');
		assert.equal(licence.name, 'licence.pdf');
		const blob = path.join(srv.dataDir, 'files', sha.slice(0, 2), sha);
		assert.deepEqual(fs.readFileSync(blob), licenceBytes);
		const meta = await srv.req('GET', `/v1/files/${licence.id}`, { token: owner.token });
		assert.deepEqual(meta.body, licence);
		const content = await fetch(`${srv.url}/v1/files/${licence.id}/content`, { headers: { Authorization: `Bearer ${owner.token}` } });
		assert.equal(content.status, 200);
		assert.equal(content.headers.get('content-type'), 'application/pdf');
		assert.deepEqual(Buffer.from(await content.arrayBuffer()), licenceBytes);
		// the same content again: a new row, one blob
		const again = await uploadPdf(srv, owner.token, licenceBytes, 'copy.pdf');
		assert.notEqual(again.id, licence.id);
		assert.equal(again.sha256, sha);
		assert.deepEqual(fs.readdirSync(path.dirname(blob)).filter((n) => n.startsWith(sha.slice(0, 8))), [sha]);
	});

	test('files: type and content are checked; others cannot read the file; reviewers can', async () => {
		await expectUnchanged(srv, async () => {
			const bad = await srv.req('POST', '/v1/files', { token: owner.token, raw: Buffer.from('hello, not a pdf'), headers: { 'Content-Type': 'application/pdf' } });
			assertError(bad, 400, 'content_mismatch');
			const txt = await srv.req('POST', '/v1/files', { token: owner.token, raw: Buffer.from('plain text'), headers: { 'Content-Type': 'text/plain' } });
			assertError(txt, 415, 'unsupported_type');
			const none = await srv.req('POST', '/v1/files', { token: owner.token, raw: Buffer.alloc(0), headers: { 'Content-Type': 'application/pdf' } });
			assertError(none, 400, 'empty_file');
			const png = await srv.req('POST', '/v1/files', { token: owner.token, raw: licenceBytes, headers: { 'Content-Type': 'image/png' } });
			assertError(png, 400, 'content_mismatch');
			const slash = await srv.req('POST', '/v1/files?name=..%2Fetc%2Fpasswd', { token: owner.token, raw: licenceBytes, headers: { 'Content-Type': 'application/pdf' } });
			assertError(slash, 400, 'invalid_value', { field: 'name' });
		});
		assertError(await srv.req('GET', `/v1/files/${licence.id}`, { token: member.token }), 404, 'file_not_found');
		assertError(await srv.req('GET', `/v1/files/${licence.id}/content`, { token: member.token }), 404, 'file_not_found');
		assertStatus(await srv.req('GET', `/v1/files/${licence.id}`, { token: reviewer.token }), 200);
	});

	test('files: uploads may exceed the 1 MiB JSON limit up to max-upload (10 MiB), not beyond', async () => {
		const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(2 * 1024 * 1024)]);
		const r = await srv.req('POST', '/v1/files?name=scan.pdf', { token: owner.token, raw: big, headers: { 'Content-Type': 'application/pdf' } });
		assertStatus(r, 201);
		assert.equal(r.body.size, big.length);
		const huge = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
		const res = await srv.rawRequest('POST', '/v1/files?name=huge.pdf', { token: owner.token, body: huge, headers: { 'Content-Type': 'application/pdf' } });
		assertError(res, 413, 'body_too_large');
	});

	test('ONB-3 applying needs the licence: missing, foreign or unknown documents are refused', async () => {
		const base = { entity_kind: 'company', legal_name: LEGAL, licence_no: '91310000MA1ABC0001' };
		const foreign = await uploadPdf(srv, member.token);
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: base }), 400, 'missing_field', { rule: 'ONB-3', field: 'documents' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, documents: [] } }), 400, 'missing_field', { rule: 'ONB-3', field: 'documents' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, documents: [foreign.id] } }), 400, 'file_not_found', { field: 'documents' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, documents: [999999] } }), 400, 'file_not_found', { field: 'documents' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, documents: ['1'] } }), 400, 'invalid_type', { field: 'documents' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, documents: [licence.id], legal_name: '   ' } }), 400, 'invalid_value', { rule: 'ONB-3', field: 'legal_name' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/application`, { token: owner.token, body: { ...base, entity_kind: 'government', documents: [licence.id] } }), 400, 'invalid_entity_kind', { rule: 'ONB-2', field: 'entity_kind' });
		});
	});

	test('ONB-3 REV-1 the owner applies: a qualification review starts, due in 5 working days', async () => {
		const r = await srv.req('POST', `/v1/providers/${prov.id}/application`, {
			token: owner.token,
			body: { entity_kind: 'company', legal_name: LEGAL, licence_no: '91310000MA1ABC0001', documents: [licence.id] },
		});
		assertStatus(r, 201);
		const a = r.body;
		assert.equal(a.provider_id, prov.id);
		assert.equal(a.state, 'pending');
		assert.equal(a.legal_name, LEGAL);
		assert.equal(a.entity_reused, false);
		assert.deepEqual(a.documents, [licence.id]);
		assert.equal(a.review_state, 'pending');
		assert.equal(a.due_at, dueAt(a.submitted_at), 'due_at is the end of the 5th working day (UTC+8)');
		const p = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(p.body.state, 'qualification_review');
		const msgs = await inbox(srv, owner.token);
		assert.equal(msgs[0].kind, 'provider.application_submitted');
		assert.equal(msgs[0].provider_id, prov.id);
		const mail = await srv.waitMail(owner.email, { match: /application submitted/i });
		assert.match(mail.body, /ABC科技有限公司/);
		const g = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: owner.token });
		assert.deepEqual(g.body, a);
	});

	test('ONB-3 applying again while the review is open is refused: 409 invalid_state', async () => {
		const r = await expectUnchanged(srv, () => srv.req('POST', `/v1/providers/${prov.id}/application`, {
			token: owner.token,
			body: { entity_kind: 'company', legal_name: LEGAL, licence_no: '91310000MA1ABC0001', documents: [licence.id] },
		}));
		assertError(r, 409, 'invalid_state');
	});

	test('ONB-10 cancellation with an open review is refused: 409 cancellation_blocked listing open_reviews', async () => {
		const r = await expectUnchanged(srv, () => srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: owner.token }));
		const e = assertError(r, 409, 'cancellation_blocked', { rule: 'ONB-10' });
		assert.deepEqual(e.unmet, ['open_reviews']);
	});

	test('REV-1 the reviewer finds the application in the pending qualification queue with its due date', async () => {
		const r = await srv.req('GET', '/v1/reviews?kind=qualification&state=pending', { token: reviewer.token });
		assertStatus(r, 200);
		review = r.body.items.find((x) => x.provider_id === prov.id);
		assert.ok(review, 'review not in the queue');
		assert.equal(review.kind, 'qualification');
		assert.equal(review.state, 'pending');
		assert.equal(review.due_at, dueAt(review.submitted_at));
		assert.equal(review.overdue, false);
		assert.equal(review.provider_name, 'ABC Apps');
		const one = await srv.req('GET', `/v1/reviews/${review.id}`, { token: reviewer.token });
		assertStatus(one, 200);
		assert.equal(one.body.id, review.id);
		// the reviewer reads the application and its documents
		const app = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: reviewer.token });
		assertStatus(app, 200);
		assert.equal(app.body.review_id, review.id);
		const doc = await fetch(`${srv.url}/v1/files/${app.body.documents[0]}/content`, { headers: { Authorization: `Bearer ${reviewer.token}` } });
		assert.equal(doc.status, 200);
		assert.deepEqual(Buffer.from(await doc.arrayBuffer()), licenceBytes);
		// other filters do not show it
		const rej = await srv.req('GET', '/v1/reviews?kind=qualification&state=rejected', { token: reviewer.token });
		assert.ok(!rej.body.items.some((x) => x.id === review.id));
		const rel = await srv.req('GET', '/v1/reviews?kind=release', { token: reviewer.token });
		assert.ok(!rel.body.items.some((x) => x.id === review.id));
		// people who are not operators see no queue
		assertError(await srv.req('GET', '/v1/reviews', { token: owner.token }), 403, 'operator_required');
		assertError(await srv.req('GET', `/v1/reviews/${review.id}`, { token: owner.token }), 403, 'operator_required');
	});

	test('REV-5 a rejection without reasons is refused: 400 reasons_required', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await decide(srv, reviewer.token, review.id, 'reject'), 400, 'reasons_required', { rule: 'REV-5', field: 'reasons' });
			assertError(await decide(srv, reviewer.token, review.id, 'reject', []), 400, 'reasons_required', { rule: 'REV-5' });
		});
	});

	test('REV-5 each reason must name a rule, a field and a message; the decision is approve or reject', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await decide(srv, reviewer.token, review.id, 'reject', [{ rule: 'ONB-3', message: 'x' }]), 400, 'invalid_reason', { rule: 'REV-5' });
			assertError(await decide(srv, reviewer.token, review.id, 'reject', [{ rule: '', field: 'x', message: 'x' }]), 400, 'invalid_reason');
			assertError(await decide(srv, reviewer.token, review.id, 'reject', ['blurry scan']), 400, 'invalid_reason');
			assertError(await decide(srv, reviewer.token, review.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: 'x', extra: 1 }]), 400, 'invalid_reason');
			assertError(await decide(srv, reviewer.token, review.id, 'maybe'), 400, 'invalid_value', { field: 'decision' });
			assertError(await srv.req('POST', `/v1/reviews/${review.id}/decision`, { token: reviewer.token, body: {} }), 400, 'missing_field', { field: 'decision' });
			assertError(await decide(srv, ops.token, review.id, 'approve'), 403, 'reviewer_required');
			assertError(await decide(srv, owner.token, review.id, 'approve'), 403, 'operator_required');
			assertError(await decide(srv, reviewer.token, 999999, 'approve'), 404, 'review_not_found');
		});
	});

	test('REV-5 a rejection with reasons: provider rejected, reasons shown, inbox message and email', async () => {
		const reasons = [{ rule: 'ONB-3', field: 'documents', message: 'The licence scan is unreadable' }];
		const r = await decide(srv, reviewer.token, review.id, 'reject', reasons);
		assertStatus(r, 200);
		assert.equal(r.body.state, 'rejected');
		assert.deepEqual(r.body.reasons, reasons);
		assert.equal(r.body.reviewer_id, srv.sql(`SELECT id FROM users WHERE email = '${reviewer.email}'`)[0].id);
		const p = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(p.body.state, 'rejected');
		const a = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: owner.token });
		assert.equal(a.body.state, 'rejected');
		assert.deepEqual(a.body.reasons, reasons);
		const msg = (await inbox(srv, owner.token))[0];
		assert.equal(msg.kind, 'provider.rejected');
		assert.match(msg.body, /unreadable/);
		assert.match(msg.body, /ONB-3/);
		const mail = await srv.waitMail(owner.email, { match: /Qualification rejected/ });
		assert.match(mail.body, /The licence scan is unreadable/);
	});

	test('REV-5 a decided review cannot be decided again: 409 already_decided', async () => {
		const r = await expectUnchanged(srv, () => decide(srv, reviewer.token, review.id, 'approve'));
		assertError(r, 409, 'already_decided');
	});

	test('inbox: messages are listed newest first and can be marked read, only by their addressee', async () => {
		const items = await inbox(srv, owner.token);
		assert.ok(items.length >= 2);
		for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].id > items[i].id);
		assert.equal(items[0].read_at, null);
		assertError(await srv.req('POST', `/v1/inbox/${items[0].id}/read`, { token: member.token }), 404, 'not_found');
		assert.equal((await srv.req('POST', `/v1/inbox/${items[0].id}/read`, { token: owner.token })).status, 204);
		const again = await inbox(srv, owner.token);
		assert.equal(typeof again[0].read_at, 'number');
		const page = await srv.req('GET', '/v1/inbox?limit=1', { token: owner.token });
		assert.equal(page.body.items.length, 1);
		assert.equal(page.body.next_after, page.body.items[0].id);
		const next = await srv.req('GET', `/v1/inbox?limit=1&after=${page.body.next_after}`, { token: owner.token });
		assert.ok(next.body.items[0].id < page.body.items[0].id);
	});

	test('REV-1 the operator calendar moves deadlines: holidays skipped, make-up working days counted', async () => {
		const now = await srv.now();
		const today = Math.floor((now + OFFSET) / DAY);
		const iso = (d) => new Date(d * DAY * 1000).toISOString().slice(0, 10);
		const weekday = (d) => ((((d + 3) % 7) + 7) % 7) + 1;
		const holidays = new Set();
		const workdays = new Set();
		// the next three weekdays are a holiday week; the next Saturday is a make-up day
		for (let d = today + 1; holidays.size < 3; d++) if (weekday(d) <= 5) holidays.add(iso(d));
		for (let d = today + 1; workdays.size < 1; d++) if (weekday(d) === 6) workdays.add(iso(d));
		const file = path.join(srv.dataDir, 'calendar.txt');
		fs.writeFileSync(file, ['# test calendar', ...[...holidays].map((d) => `${d} holiday  test holiday`), ...[...workdays].map((d) => `${d}\tworkday # make-up`)].join('\n') + '\n');
		const c = srv.cli(['calendar', 'load', file]);
		assert.equal(c.status, 0, c.stderr);
		// REV-1 resubmission after a rejection starts a new review
		const a = await apply(srv, owner.token, prov.id, { legalName: LEGAL, licenceNo: '91310000MA1ABC0001', documents: [licence.id] });
		assert.equal(a.state, 'pending');
		assert.notEqual(a.review_id, review.id);
		assert.equal(a.due_at, dueAt(a.submitted_at, { holidays, workdays }));
		assert.notEqual(a.due_at, dueAt(a.submitted_at), 'the calendar made no difference');
		const p = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(p.body.state, 'qualification_review');
		review = await pendingReview(srv, reviewer.token, prov.id);
		assert.equal(review.id, a.review_id);
	});

	test('ONB-5 approval binds the account to the entity for 180 days and opens certification', async () => {
		const now = await srv.now();
		const r = await decide(srv, reviewer.token, review.id, 'approve');
		assertStatus(r, 200);
		assert.equal(r.body.state, 'approved');
		const p = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(p.body.state, 'certification');
		assert.ok(Math.abs(p.body.bound_until - (now + 180 * DAY)) <= 5, `bound_until ${p.body.bound_until} is not now + 180 days`);
		assert.equal(p.body.entity_name, LEGAL);
		assert.equal(p.body.entity_certified_at, null);
		assert.equal(p.body.may_create_apps, false, 'ONB-7 not certified yet');
		const msg = (await inbox(srv, owner.token))[0];
		assert.equal(msg.kind, 'provider.qualified');
		assert.match(msg.body, /certification/);
		await srv.waitMail(owner.email, { match: /Qualification approved/ });
	});

	test('ONB-1 ONB-11 the owner adds a member; the owner role cannot be given away', async () => {
		const r = await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email.toUpperCase() } });
		assertStatus(r, 201);
		assert.equal(r.body.user_id, member.id);
		assert.equal(r.body.role, 'member');
		const list = await srv.req('GET', `/v1/providers/${prov.id}/members`, { token: member.token });
		assertStatus(list, 200);
		assert.deepEqual(list.body.items.map((m) => [m.user_id, m.role]).sort(), [[owner.id, 'owner'], [member.id, 'member']].sort());
		const mp = await srv.req('GET', `/v1/providers/${prov.id}`, { token: member.token });
		assert.equal(mp.body.role, 'member');
		assert.equal((await inbox(srv, member.token))[0].kind, 'member.added');
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: second.email, role: 'owner' } }), 400, 'owner_not_transferable', { rule: 'ONB-11', field: 'role' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: second.email, role: 'admin' } }), 400, 'invalid_value', { field: 'role' });
			assertError(await srv.req('DELETE', `/v1/providers/${prov.id}/members/${owner.id}`, { token: owner.token }), 409, 'owner_not_removable', { rule: 'ONB-11' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 409, 'already_member');
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: 'nobody@example.com' } }), 404, 'user_not_found');
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: member.token, body: { email: second.email } }), 403, 'owner_required');
			assertError(await srv.req('DELETE', `/v1/providers/${prov.id}/members/${member.id}`, { token: member.token }), 403, 'owner_required');
		});
	});

	test('ONB-1 the owner removes a member, who then no longer sees the provider', async () => {
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: second.email } }), 201);
		assertStatus(await srv.req('GET', `/v1/providers/${prov.id}`, { token: second.token }), 200);
		assert.equal((await srv.req('DELETE', `/v1/providers/${prov.id}/members/${second.id}`, { token: owner.token })).status, 204);
		assertError(await srv.req('GET', `/v1/providers/${prov.id}`, { token: second.token }), 404, 'provider_not_found');
		assertError(await srv.req('DELETE', `/v1/providers/${prov.id}/members/${second.id}`, { token: owner.token }), 404, 'not_found');
		const list = await srv.req('GET', '/v1/providers', { token: second.token });
		assert.ok(!list.body.items.some((p) => p.id === prov.id));
	});

	test('ONB-1 a member may not apply, certify, edit or cancel: 403 owner_required', async () => {
		await expectUnchanged(srv, async () => {
			const doc = await uploadPdf(srv, member.token);
			const r = await srv.req('POST', `/v1/providers/${prov.id}/application`, {
				token: member.token,
				body: { entity_kind: 'company', legal_name: 'Member Co', licence_no: 'X1', documents: [doc.id] },
			});
			assertError(r, 403, 'owner_required', { rule: 'ONB-1' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: member.token, body: { legal_name: LEGAL } }), 403, 'owner_required');
			assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: member.token, body: { name: 'Hijacked' } }), 403, 'owner_required');
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: member.token }), 403, 'owner_required', { rule: 'ONB-10' });
		}, { ignore: ['login_failures', 'email_codes', 'files', 'audit_log'] });
	});

	test('ONB-6 certification with a different legal name is refused: 400 legal_name_mismatch', async () => {
		for (const name of ['ABC科技有限公司（上海）', 'ABD科技有限公司', 'abc科技有限公司']) {
			const r = await expectUnchanged(srv, () => srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: name } }));
			assertError(r, 400, 'legal_name_mismatch', { rule: 'ONB-6', field: 'legal_name' });
		}
	});

	test('ONB-6 ONB-7 certification with the full-width spelling matches after NFKC: certified, may create apps', async () => {
		const r = await srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: `  ${LEGAL_FULLWIDTH}　` } });
		assertStatus(r, 200);
		assert.equal(r.body.state, 'certified');
		assert.equal(r.body.may_create_apps, true);
		const g = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(g.body.state, 'certified');
		assert.equal(g.body.may_create_apps, true);
		assert.equal(typeof g.body.entity_certified_at, 'number');
		const msg = (await inbox(srv, owner.token))[0];
		assert.equal(msg.kind, 'provider.certified');
		await srv.waitMail(owner.email, { match: /Provider certified/ });
		// members are told too (every transition notifies the provider's people)
		assert.equal((await inbox(srv, member.token))[0].kind, 'provider.certified');
	});

	test('ONB-6 certifying again is refused: 409 invalid_state', async () => {
		const r = await expectUnchanged(srv, () => srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: LEGAL } }));
		assertError(r, 409, 'invalid_state', { rule: 'ONB-6' });
	});

	test('ONB-5 a certified provider cannot apply with another entity while bound', async () => {
		const doc = await uploadPdf(srv, owner.token);
		const r = await srv.req('POST', `/v1/providers/${prov.id}/application`, {
			token: owner.token,
			body: { entity_kind: 'company', legal_name: 'Other Entity Ltd', licence_no: 'Z9', documents: [doc.id] },
		});
		assert.ok(r.status === 409 || r.status === 403, `expected a refusal, got ${r.status} ${r.text}`);
		const g = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(g.body.entity_name, LEGAL);
		assert.equal(g.body.state, 'certified');
	});

	test('ONB-4 ONB-6 a second provider naming the verified entity reuses it: no documents, certification skipped', async () => {
		prov2 = await createProvider(srv, second.token, 'ABC Second Line');
		// the name alone is public: reuse needs the entity's licence number, and a wrong one reveals nothing
		const wrong = await expectUnchanged(srv, () =>
			srv.req('POST', `/v1/providers/${prov2.id}/application`, {
				token: second.token,
				body: { entity_kind: 'company', legal_name: LEGAL_FULLWIDTH, licence_no: 'GUESSED' },
			}),
		);
		assertError(wrong, 400, 'licence_mismatch', { rule: 'ONB-4', field: 'licence_no' });
		assert.ok(!JSON.stringify(wrong.body).includes('91310000MA1ABC0001'));
		const r = await srv.req('POST', `/v1/providers/${prov2.id}/application`, {
			token: second.token,
			body: { entity_kind: 'company', legal_name: LEGAL_FULLWIDTH, licence_no: '91310000ma1abc0001' },
		});
		assertStatus(r, 201);
		assert.equal(r.body.entity_reused, true);
		assert.equal(r.body.legal_name, LEGAL);
		assert.deepEqual(r.body.documents, []);
		assert.equal(r.body.state, 'pending');
		const p = await srv.req('GET', `/v1/providers/${prov2.id}`, { token: second.token });
		assert.equal(p.body.state, 'qualification_review');
		const rv = await pendingReview(srv, reviewer.token, prov2.id);
		assertStatus(await decide(srv, reviewer.token, rv.id, 'approve'), 200);
		const g = await srv.req('GET', `/v1/providers/${prov2.id}`, { token: second.token });
		assert.equal(g.body.state, 'certified', 'ONB-6: certification is skipped when the entity is already certified');
		assert.equal(g.body.may_create_apps, true);
		assert.equal(g.body.entity_name, LEGAL);
		assert.match((await inbox(srv, second.token))[0].body, /already certified/);
		// each person lists only their own providers; operators list all
		const mine = await srv.req('GET', '/v1/providers', { token: second.token });
		assert.deepEqual(mine.body.items.map((p) => p.id), [prov2.id]);
		const all = await srv.req('GET', '/v1/providers?limit=200', { token: admin });
		for (const id of [prov.id, prov2.id]) assert.ok(all.body.items.some((p) => p.id === id));
		assert.ok(all.body.items.every((p) => p.kind === 'provider'), 'the operator organisation is not a provider');
	});

	test("ONB-7 an operator demands re-verification: new submissions blocked until the owner certifies again", async () => {
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/reverification`, { token: owner.token, body: { reason: 'x' } }), 403, 'operator_required');
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/reverification`, { token: ops.token, body: {} }), 400, 'missing_field', { field: 'reason' });
		});
		const r = await srv.req('POST', `/v1/providers/${prov.id}/reverification`, { token: ops.token, body: { reason: 'Licence renewal due' } });
		assertStatus(r, 200);
		assert.equal(r.body.state, 'reverify_required');
		assert.equal(r.body.may_create_apps, false);
		const msg = (await inbox(srv, owner.token))[0];
		assert.equal(msg.kind, 'provider.reverify_required');
		assert.match(msg.body, /Licence renewal due/);
		await srv.waitMail(owner.email, { match: /Licence renewal due/ });
		assertError(await srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: 'Wrong Name' } }), 400, 'legal_name_mismatch');
		const c = await srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: LEGAL } });
		assertStatus(c, 200);
		assert.equal(c.body.state, 'certified');
	});

	test('GOV-7 only an admin bans; a banned provider cannot be cancelled (ONB-10)', async () => {
		assertError(await srv.req('POST', `/v1/providers/${prov2.id}/ban`, { token: reviewer.token, body: { reason: 'x' } }), 403, 'admin_required');
		const r = await srv.req('POST', `/v1/providers/${prov2.id}/ban`, { token: admin, body: { reason: 'Fraudulent apps' } });
		assertStatus(r, 200);
		assert.equal(r.body.state, 'banned');
		assert.equal(r.body.may_create_apps, false);
		assert.match((await inbox(srv, second.token))[0].body, /Fraudulent apps/);
		assertError(await srv.req('POST', `/v1/providers/${prov2.id}/reverification`, { token: admin, body: { reason: 'x' } }), 409, 'invalid_state', { rule: 'ONB-7' });
		const c = await expectUnchanged(srv, () => srv.req('POST', `/v1/providers/${prov2.id}/cancellation`, { token: second.token }));
		const e = assertError(c, 409, 'cancellation_blocked', { rule: 'ONB-10' });
		assert.ok(e.unmet.includes('banned'));
		assertError(await srv.req('POST', `/v1/providers/${prov2.id}/ban`, { token: admin, body: { reason: 'again' } }), 409, 'invalid_state');
	});

	test('REV-5 a review whose provider is banned meanwhile can still end (no review stays open forever)', async () => {
		const p = await createProvider(srv, member.token, 'Banned While Reviewed');
		await apply(srv, member.token, p.id, { legalName: 'Banned While Reviewed Co' });
		const rv = await pendingReview(srv, reviewer.token, p.id);
		assertStatus(await srv.req('POST', `/v1/providers/${p.id}/ban`, { token: admin, body: { reason: 'Fraud' } }), 200);
		const still = srv.sql(`SELECT state FROM reviews WHERE id = ${rv.id}`)[0].state;
		if (still === 'pending') {
			const r = await decide(srv, reviewer.token, rv.id, 'reject', [{ rule: 'GOV-7', field: 'provider', message: 'The provider was banned' }]);
			assertStatus(r, 200, 'rejecting the open review of a banned provider');
		}
		const q = await srv.req('GET', '/v1/reviews?kind=qualification&state=pending&limit=200', { token: reviewer.token });
		assert.ok(!q.body.items.some((x) => x.id === rv.id), 'the review of the banned provider stays in the pending queue');
	});

	let prov3; // a clean draft provider, cancelled below
	let pendingProv; // a provider whose review stays open past its deadline

	test('ONB-10 a clean provider is cancelled: state cancelled, data anonymised at once', async () => {
		prov3 = await createProvider(srv, owner.token, 'Short Lived Apps');
		assertStatus(await srv.req('PATCH', `/v1/providers/${prov3.id}`, { token: owner.token, body: { contact_name: 'Wang Wu', contact_email: 'ww@example.com', address: 'Hangzhou' } }), 200);
		const now = await srv.now();
		const r = await srv.req('POST', `/v1/providers/${prov3.id}/cancellation`, { token: owner.token });
		assertStatus(r, 200);
		assert.equal(r.body.state, 'cancelled');
		assert.ok(Math.abs(r.body.purge_at - (now + 30 * DAY)) <= 5, 'purge after the 30-day retention window');
		const g = await srv.req('GET', `/v1/providers/${prov3.id}`, { token: owner.token });
		assert.equal(g.body.state, 'cancelled');
		assert.notEqual(g.body.name, 'Short Lived Apps');
		assert.ok(!g.body.name.includes('Short Lived'), 'name not anonymised');
		assert.equal(g.body.contact_name, null);
		assert.equal(g.body.contact_email, null);
		assert.equal(g.body.address, null);
		assert.equal((await inbox(srv, owner.token))[0].kind, 'provider.cancelled');
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', `/v1/providers/${prov3.id}/cancellation`, { token: owner.token }), 409, 'provider_cancelled', { rule: 'ONB-10' });
			assertError(await srv.req('PATCH', `/v1/providers/${prov3.id}`, { token: owner.token, body: { name: 'Back Again' } }), 409, 'provider_cancelled');
			assertError(await srv.req('POST', `/v1/providers/${prov3.id}/members`, { token: owner.token, body: { email: member.email } }), 409, 'provider_cancelled');
		});
	});

	test('ONB-10 cancelling a certified provider anonymises its contact data at once and keeps the legal record for the retention window', async () => {
		const r = await srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: owner.token });
		assertStatus(r, 200);
		const g = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(g.body.state, 'cancelled');
		assert.equal(g.body.may_create_apps, false);
		assert.equal(g.body.contact_phone, null);
		assert.equal(g.body.contact_name, null);
		assert.match(g.body.name, /^cancelled provider/);
		// the application (the entity's legal record) stays for operators until the purge
		const a = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: admin });
		assertStatus(a, 200);
		assert.ok(a.body.documents.length >= 1);
		docIds = a.body.documents;
	});

	test('REV-1 a review left open past its deadline shows as overdue', async () => {
		pendingProv = await createProvider(srv, member.token, 'Slow Review Apps');
		const a = await apply(srv, member.token, pendingProv.id, { legalName: 'Slow Review Co' });
		await srv.advance(a.due_at - (await srv.now()) + 60);
		const rv = await srv.req('GET', '/v1/reviews?kind=qualification&state=pending', { token: await login(srv, reviewer.email, reviewer.password) });
		const it = rv.body.items.find((x) => x.provider_id === pendingProv.id);
		assert.equal(it.overdue, true);
	});

	test('ONB-10 after the retention window the worker purges the cancelled account', async () => {
		await srv.advance(31 * DAY);
		admin = await adminToken(srv, { fresh: true });
		owner.token = await login(srv, owner.email, owner.password);
		let state;
		for (let i = 0; i < 60; i++) {
			const g = await srv.req('GET', `/v1/providers/${prov3.id}`, { token: admin });
			state = g.body?.state;
			if (state === 'purged') break;
			await sleep(100);
		}
		assert.equal(state, 'purged', 'the worker did not purge the account within 6 s');
		const g = await srv.req('GET', `/v1/providers/${prov3.id}`, { token: admin });
		assert.equal(g.body.entity_name, null);
		// the former owner no longer sees it; its people and messages are gone
		assertError(await srv.req('GET', `/v1/providers/${prov3.id}`, { token: owner.token }), 404, 'provider_not_found');
		assert.deepEqual(srv.sql(`SELECT * FROM memberships WHERE org_id = ${prov3.id}`), []);
		assert.deepEqual(srv.sql(`SELECT * FROM notifications WHERE org_id = ${prov3.id}`), []);
		assert.deepEqual(srv.sql(`SELECT * FROM provider_applications WHERE org_id = ${prov.id}`), []);
		// its uploaded licence went with it: no row, and no file on disk unless another upload shares it
		const left = srv.sql(`SELECT f.sha256 FROM files f WHERE f.id IN (${docIds.join(',')})`);
		assert.deepEqual(left, [], 'the documents of the purged applications are still stored');
		// a provider not cancelled is untouched
		const p2 = await srv.req('GET', `/v1/providers/${pendingProv.id}`, { token: admin });
		assert.equal(p2.body.state, 'qualification_review');
	});

	test('ONB-10 the purge is a state change and is recorded in the audit log', async () => {
		// the row names the account it purged, like every other audit row
		const purges = srv.sql("SELECT actor, action, subject FROM audit_log WHERE action LIKE '%purge%' ORDER BY id");
		assert.ok(purges.length > 0, 'no audit row for the purge at all');
		assert.ok(purges.some((r) => r.subject === `provider:${prov3.id}`),
			`the purge audit row does not name provider:${prov3.id} as its subject: ${JSON.stringify(purges)}`);
	});

	test('the audit log records the walk and `kaifang audit verify` finds the chain intact', async () => {
		const actions = srv.sql('SELECT action FROM audit_log ORDER BY id').map((r) => r.action);
		for (const a of ['user.register', 'user.verify_email', 'session.create', 'agreement.consent', 'provider.create', 'file.upload', 'provider.apply', 'review.reject', 'review.approve', 'provider.certify', 'provider.member_add', 'provider.cancel'])
			assert.ok(actions.includes(a), `no audit row for ${a}`);
		const rows = srv.sql('SELECT id, prev_hash, hash FROM audit_log ORDER BY id');
		for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash, `row ${rows[i].id} does not chain to ${rows[i - 1].id}`);
		const r = srv.cli(['audit', 'verify']);
		assert.equal(r.status, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /intact/);
	});

	test('`kaifang audit verify` names the first tampered row and exits non-zero', async () => {
		// the table refuses edits (issue 9 defect 7); someone with the database drops the guard first
		assert.throws(() => srv.sql("UPDATE audit_log SET actor = 'x' WHERE id = 3"), /append-only/);
		dropTrigger(srv.dbPath, 'audit_log', 'audit_log_no_update');
		srv.sql("UPDATE audit_log SET actor = 'x' WHERE id = 3");
		const r = srv.cli(['audit', 'verify']);
		assert.notEqual(r.status, 0, 'tampering went unnoticed');
		assert.match(r.stdout + r.stderr, /row 3\b/);
	});
});

describe('ONB-2 excluded account kinds', () => {
	async function setup(env) {
		const srv = await startServer({ env });
		const u = await registerUser(srv, { tag: 'kind' });
		const prov = await createProvider(srv, u.token, 'Kind Test');
		const doc = await uploadPdf(srv, u.token);
		return { srv, u, prov, doc };
	}
	function applyAs(s, kind, extra = {}) {
		return s.srv.req('POST', `/v1/providers/${s.prov.id}/application`, {
			token: s.u.token,
			body: { entity_kind: kind, legal_name: kind === 'individual' ? '张三' : 'Kind Test Co', licence_no: '110101199001011234', documents: [s.doc.id], ...extra },
		});
	}
	let excluded;
	let noIndividuals;
	let defaults;
	before(async () => {
		[excluded, noIndividuals, defaults] = await Promise.all([
			setup({ KAIFANG_EXCLUDED_KINDS: 'individual' }),
			setup({ KAIFANG_INDIVIDUALS_ALLOWED: 'false' }),
			setup({}),
		]);
	});
	after(async () => {
		await Promise.all([excluded?.srv.stop(), noIndividuals?.srv.stop(), defaults?.srv.stop()]);
	});

	test('ONB-2 a kind on the operator exclusion list may not apply: 403 entity_kind_excluded', async () => {
		const r = await expectUnchanged(excluded.srv, () => applyAs(excluded, 'individual'));
		assertError(r, 403, 'entity_kind_excluded', { rule: 'ONB-2', field: 'entity_kind' });
		assertStatus(await applyAs(excluded, 'company'), 201);
	});

	test('ONB-2 with individuals not allowed an individual may not apply: 403 individual_not_allowed', async () => {
		const r = await expectUnchanged(noIndividuals.srv, () => applyAs(noIndividuals, 'individual'));
		assertError(r, 403, 'individual_not_allowed', { rule: 'ONB-2', field: 'entity_kind' });
	});

	test('ONB-2 an individual provider must be an adult with full capacity: 403 adult_required', async () => {
		const r = await expectUnchanged(defaults.srv, () => applyAs(defaults, 'individual', { adult_with_capacity: false }));
		assertError(r, 403, 'adult_required', { rule: 'ONB-2', field: 'adult_with_capacity' });
		assertError(await applyAs(defaults, 'individual', { adult_with_capacity: 'yes' }), 400, 'invalid_type', { field: 'adult_with_capacity' });
		const ok = await applyAs(defaults, 'individual', { adult_with_capacity: true });
		assertStatus(ok, 201);
		assert.equal(ok.body.entity_kind, 'individual');
	});
});
