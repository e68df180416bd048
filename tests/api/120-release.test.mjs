// The release pipeline (APP-6 … APP-9, REV-1 … REV-5, LST-*, APP-7) end to
// end: a developed app served by a test app that speaks the protocol for
// real (helpers/testapp.mjs) is submitted; the stages run in the order of
// APP-9 (authenticity, capability checks, listing checks) and stop at the
// first one that fails with all its findings; only then does a release
// review reach the queue; approval releases the app into the directory.
// Also: the submission limit (REV-4) and a change to a released app that
// keeps the live version serving until it is approved (APP-7).
//
// The server runs with short check timeouts (text reply 1 s, API round
// trip 3 s) so the failing cases stay fast.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, decide, uploadPdf } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer, waitFor } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';
import { listingPictures, cleanListing } from './helpers/images.mjs';

const DAY = 86400;

describe('release pipeline', () => {
	let srv, rx, owner, prov, rev, files, base;
	const testApps = [];

	/** Authenticity certification of a provider (APP-9), approved by a reviewer. */
	async function certifyAuthenticity(p, token) {
		const doc = (await uploadPdf(srv, token)).id;
		const s = await srv.req('POST', `/v1/providers/${p.id}/authenticity`, {
			token, body: { documents: [doc], statement: 'We build and run this app ourselves.' },
		});
		assertStatus(s, 201, 'submit authenticity');
		const [{ review_id: reviewId }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${p.id} ORDER BY id DESC LIMIT 1`);
		assertStatus(await decide(srv, rev.token, reviewId, 'approve'), 200, 'approve authenticity');
	}

	/** A developing app served by a test app in the given mode, with a clean listing saved. */
	async function candidate(opts = {}, listing = {}, p = prov, who = owner, pictures = files) {
		const ta = await startTestApp(srv, opts);
		testApps.push(ta);
		const app = await createApp(srv, who.token, p.id, appBody(ta, { permission_sets: [1, 3] }));
		ta.configure(app);
		await approveCreation(srv, who.token, app.app_id);
		const l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, {
			token: who.token, body: cleanListing(pictures, base, p.legalName, listing),
		});
		assertStatus(l, 200, 'save listing');
		return { ta, app };
	}

	const submit = (app, token = owner.token) => srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token });
	const state = async (app) => (await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body.state;
	const releaseReviews = (app) => srv.sql(`SELECT r.id, r.state FROM reviews r JOIN apps a ON a.id = r.subject_id
		WHERE r.subject_type = 'app' AND r.kind = 'release' AND a.app_id = '${app.app_id}'`);

	before(async () => {
		srv = await startServer({
			env: {
				KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s',
				KAIFANG_URL_CHECK_TIMEOUT: '3s', KAIFANG_MAX_APPS: '50',
			},
		});
		rx = await startReceiver(); // the listing's website, privacy and terms pages: 200
		base = `http://listing.localhost:${rx.port}`;
		rev = await reviewer(srv);
		owner = await registerUser(srv, { tag: 'releaser' });
		prov = await appProvider(srv, owner);
		files = await listingPictures(srv, owner.token);
	});
	after(async () => {
		for (const ta of testApps) await ta.close();
		await rx?.close();
		await srv?.stop();
	});

	test('APP-9 stage 1: without an authenticity certification the submission stops first, and counts', async () => {
		const { app } = await candidate();
		const r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'APP-9' });
		assert.equal(r.body.stage, 'authenticity');
		assert.deepEqual(r.body.findings.map((f) => [f.rule, f.field, f.severity]), [['APP-9', 'authenticity', 'reject']]);
		assert.equal(await state(app), 'developing');
		assert.deepEqual(releaseReviews(app), []);
		const h = await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token });
		assertStatus(h, 200, 'submissions');
		assert.deepEqual(h.body.items.map((s) => [s.kind, s.outcome, s.stage]), [['release', 'failed', 'authenticity']]);
		assert.equal(h.body.items[0].findings[0].rule, 'APP-9');
	});

	test('APP-6, APP-9: a good app passes every automated stage, waits for a person, and approval releases it', async () => {
		await certifyAuthenticity(prov, owner.token);
		const { app } = await candidate();
		const key = { 'Idempotency-Key': `release-${app.app_id}` };
		const r = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token, headers: key });
		assertStatus(r, 202, 'release-review');
		// a retry with the same key gets the same answer, not a second submission
		const again = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token, headers: key });
		assert.equal(again.status, 202, again.text);
		assert.equal(again.headers.get('idempotent-replayed'), 'true');
		assert.equal(again.body.submission_id, r.body.submission_id);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM submissions s JOIN apps a ON a.id = s.app WHERE a.app_id = '${app.app_id}'`)[0].n, 1);
		assert.deepEqual(r.body.checks.map((c) => [c.check, c.status]), [
			['ticket', 'passed'], ['authorization', 'passed'], ['text_reply', 'passed'], ['api_reply', 'passed'], ['event_reply', 'passed'],
		]);
		for (const c of r.body.checks) assert.equal(typeof c.ms, 'number');
		assert.equal(r.body.review.kind, 'release');
		assert.equal(r.body.review.state, 'pending');
		assert.ok(r.body.review.due_at > (await srv.now()), 'REV-1: a deadline in the future');
		assert.equal(await state(app), 'release_review');

		// the reviewer sees what the machine found
		const q = await srv.req('GET', `/v1/reviews/${r.body.review.id}`, { token: rev.token });
		assertStatus(q, 200, 'read review');
		assert.equal(q.body.detail.checks.length, 5);
		assert.equal(typeof q.body.detail.listing_id, 'number');
		// LST-14, LST-16: the URL results (status, final URL, time) are shown with the review
		assert.deepEqual(q.body.detail.url_checks.map((u) => [u.field, u.state, u.status]), [
			['privacy_url', 'ok', 200], ['terms_url', 'ok', 200], ['website', 'ok', 200],
		]);
		for (const u of q.body.detail.url_checks) assert.equal(typeof u.ms, 'number');

		// not in the directory before approval
		let dir = await srv.req('GET', '/v1/directory');
		assert.ok(!dir.body.items.some((i) => i.app_id === app.app_id));

		const d = await decide(srv, rev.token, r.body.review.id, 'approve');
		assertStatus(d, 200, 'approve release');
		assert.equal(await state(app), 'released');
		dir = await srv.req('GET', '/v1/directory');
		const item = dir.body.items.find((i) => i.app_id === app.app_id);
		assert.ok(item, 'APP-6: released apps are in the directory');
		assert.equal(item.name, '天气助手');
		assert.equal(item.version, '1.0.0');
		const [row] = srv.sql(`SELECT released_version, live_listing_id, draft_listing_id FROM apps WHERE app_id = '${app.app_id}'`);
		assert.equal(row.released_version, '1.0.0');
		assert.equal(row.draft_listing_id, null);
		assert.ok(row.live_listing_id > 0);
		const n = srv.sql(`SELECT kind FROM notifications WHERE org_id = ${prov.id} AND kind LIKE 'app.release%'`).map((x) => x.kind);
		assert.ok(n.includes('app.release_submitted') && n.includes('app.release_approved'), n.join());
	});

	test('APP-9 stage 2: an app that answers the text check wrongly stops at the capability stage with the exact reason', async () => {
		const { app } = await candidate({ mode: 'wrong' });
		const r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'APP-9' });
		assert.equal(r.body.stage, 'capability');
		const f = r.body.findings.find((x) => x.field === 'checks.text_reply');
		assert.ok(f, JSON.stringify(r.body.findings));
		assert.match(f.message, /expected 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'/);
		assert.equal(r.body.checks.find((c) => c.check === 'text_reply').status, 'failed');
		assert.equal(await state(app), 'developing');
		assert.deepEqual(releaseReviews(app), [], 'no review reaches the queue');
	});

	test('APP-9 stage 2: an app that replies too late fails the capability stage', async () => {
		const { app } = await candidate({ mode: 'late', lateMs: 2000 });
		const r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'APP-9' });
		assert.equal(r.body.stage, 'capability');
		const c = r.body.checks.find((x) => x.check === 'text_reply');
		assert.equal(c.status, 'failed');
		assert.match(c.reason, /no reply within 1000 ms/);
		assert.deepEqual(releaseReviews(app), []);
	});

	test('APP-9 stage 2: an app that never calls the API back fails api_reply', async () => {
		const { app } = await candidate({ sendApi: false });
		const r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'APP-9' });
		const c = r.body.checks.find((x) => x.check === 'api_reply');
		assert.equal(c.status, 'failed');
		assert.match(c.reason, /custom\/send/);
	});

	test('LST-*: a listing with a reject finding stops at the listing stage, after the checks passed', async () => {
		const { app } = await candidate({}, { name: '赌 博助手', support_phone: '12345', offers_accounts: true });
		const r = await submit(app);
		assertError(r, 422, 'submission_failed');
		assert.equal(r.body.stage, 'listing');
		const rules = r.body.findings.map((f) => f.rule);
		assert.ok(rules.includes('LST-19') && rules.includes('LST-17'), rules.join());
		// APP-12: an app with its own accounts declares how users delete them
		assert.ok(r.body.findings.some((f) => f.rule === 'APP-12' && f.field === 'account_deletion'), JSON.stringify(r.body.findings));
		for (const f of r.body.findings) assert.equal(f.severity, 'reject');
		assert.deepEqual(releaseReviews(app), []);
		assert.equal(await state(app), 'developing');
	});

	test('LST-14: a privacy URL that does not open stops the listing stage', async () => {
		rx.mode('/gone', { status: 404, body: 'no' });
		const { app } = await candidate({}, { privacy_url: `${base}/gone` });
		const r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'LST-14' });
		assert.ok(r.body.findings.some((f) => f.rule === 'LST-14' && f.field === 'privacy_url'), JSON.stringify(r.body.findings));
	});

	test('LST-20: the privacy policy is its own page, and one that does not name the provider is flagged for the reviewer', async () => {
		// the terms page given as the privacy policy: a reject on save and at submission
		const { app: same } = await candidate({}, { privacy_url: `${base}/terms#privacy` });
		const l = await srv.req('GET', `/v1/apps/${same.app_id}/listing`, { token: owner.token });
		assert.ok(l.body.findings.some((f) => f.rule === 'LST-20' && f.field === 'privacy_url' && f.severity === 'reject'), JSON.stringify(l.body.findings));
		assertError(await submit(same), 422, 'submission_failed', { rule: 'LST-20' });

		// a page that names the provider's entity (in its footer; the same
		// name inside a script does not count)
		rx.mode('/privacy-named', {
			headers: { 'Content-Type': 'text/html; charset=utf-8' },
			body: `<html><body><h1>隐私政策</h1><p>本政策适用于天气助手。</p><footer>运营主体： ${prov.legalName}</footer></body></html>`,
		});
		const { app: named } = await candidate({}, { privacy_url: `${base}/privacy-named` });
		let r = await submit(named);
		assertStatus(r, 202, 'release-review');
		assert.ok(!r.body.findings.some((f) => f.rule === 'LST-20'), JSON.stringify(r.body.findings));

		// one that names somebody else: the submission still passes (a page may
		// show its operator only in a picture), with a warning the reviewer sees
		rx.mode('/privacy-other', {
			headers: { 'Content-Type': 'text/html' },
			body: `<html><body><h1>隐私政策</h1><script>var owner = "${prov.legalName}";</script><footer>运营主体：另一家网络有限公司</footer></body></html>`,
		});
		const { app: other } = await candidate({}, { privacy_url: `${base}/privacy-other` });
		r = await submit(other);
		assertStatus(r, 202, 'release-review');
		const w = r.body.findings.find((f) => f.rule === 'LST-20');
		assert.ok(w, JSON.stringify(r.body.findings));
		assert.equal(w.severity, 'warn');
		assert.equal(w.field, 'privacy_url');
		assert.ok(w.message.includes(prov.legalName), w.message);
		const q = await srv.req('GET', `/v1/reviews/${r.body.review.id}`, { token: rev.token });
		assert.ok(q.body.detail.findings.some((f) => f.rule === 'LST-20' && f.severity === 'warn'), JSON.stringify(q.body.detail.findings));
		assert.equal(q.body.detail.url_checks.find((c) => c.field === 'privacy_url').names_entity, false);

		// the provider sees it on the listing too, without submitting
		const privacyOf = async (app) => (await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: owner.token })).body.url_checks.find((c) => c.field === 'privacy_url');
		assert.equal((await privacyOf(named)).names_entity, true);
		assert.equal((await privacyOf(other)).names_entity, false);
		// the receiver's /terms is a text/plain "success": readable, without the name
		assert.equal((await privacyOf(same)).names_entity, false);
		// a page that is not text cannot be judged by the machine
		rx.mode('/privacy-pdf', { headers: { 'Content-Type': 'application/pdf' }, body: '%PDF-1.4 ' + prov.legalName });
		const { app: pdf } = await candidate({}, { privacy_url: `${base}/privacy-pdf` });
		const u = await waitFor(async () => {
			const c = await privacyOf(pdf);
			return c.state === 'ok' ? c : null;
		});
		assert.ok('names_entity' in u && u.names_entity === null, JSON.stringify(u));
	});

	test('REV-6: a finance app is blocked until its qualification document is accepted', async () => {
		const { app } = await candidate({}, { category: 'finance' });
		let r = await submit(app);
		assertError(r, 422, 'submission_failed', { rule: 'REV-6' });
		assert.ok(r.body.findings.some((f) => f.rule === 'REV-6' && /financial_licence/.test(f.message)));
		const doc = (await uploadPdf(srv, owner.token)).id;
		assertStatus(await srv.req('PUT', `/v1/apps/${app.app_id}/qualifications/financial_licence`, { token: owner.token, body: { file_id: doc } }), 200, 'upload qualification');
		r = await submit(app); // uploaded, not accepted: still blocked
		assertError(r, 422, 'submission_failed', { rule: 'REV-6' });
		assertStatus(await srv.req('POST', `/v1/apps/${app.app_id}/qualifications/financial_licence/decision`, { token: rev.token, body: { decision: 'accept' } }), 200, 'accept qualification');
		r = await submit(app);
		assertStatus(r, 202, 'release-review after acceptance');
	});

	test('REV-4: a sixth submission within a day is refused with the next allowed time; a day later it is allowed', async () => {
		const other = await registerUser(srv, { tag: 'hasty' });
		const p2 = await appProvider(srv, other);
		const { app } = await candidate({}, {}, p2, other, await listingPictures(srv, other.token)); // no authenticity: each submission stops at stage 1
		const first = await srv.now();
		for (let i = 0; i < 5; i++) {
			const r = await submit(app, other.token);
			assertError(r, 422, 'submission_failed', { rule: 'APP-9' });
			await srv.advance(60);
		}
		const before = await srv.now();
		const r = await submit(app, other.token);
		const after = await srv.now();
		assertError(r, 429, 'too_many_submissions', { rule: 'REV-4' });
		assert.equal(r.body.retry_at, first + DAY);
		// the clock runs on between the reads; Retry-After is the wait as the server saw it
		const wait = Number(r.headers.get('retry-after'));
		assert.ok(wait <= first + DAY - before && wait >= first + DAY - after, `Retry-After ${wait} outside [${first + DAY - after}, ${first + DAY - before}]`);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM submissions s JOIN apps a ON a.id = s.app WHERE a.app_id = '${app.app_id}'`)[0].n, 5);
		await srv.advance(first + DAY - (await srv.now()));
		const again = await submit(app, other.token);
		assertError(again, 422, 'submission_failed', { rule: 'APP-9' });
	});

	test('REV-5: a rejected release goes back to development with every reason in the inbox and by email', async () => {
		const { app } = await candidate();
		const r = await submit(app);
		assertStatus(r, 202, 'release-review');
		const d = await decide(srv, rev.token, r.body.review.id, 'reject', [
			{ rule: 'LST-21', field: 'logo_file', message: 'the icon carries a HOT badge' },
		]);
		assertStatus(d, 200, 'reject release');
		assert.equal(await state(app), 'developing');
		const [note] = srv.sql(`SELECT body FROM notifications WHERE org_id = ${prov.id} AND kind = 'app.release_rejected' ORDER BY id DESC LIMIT 1`);
		assert.match(note.body, /LST-21/);
		assert.match(note.body, /HOT badge/);
		const mail = await srv.readMail(owner.email, { match: /LST-21/ });
		assert.match(mail, /logo_file/);
	});

	test('APP-7: a change to a released app keeps the live version serving until it is approved', async () => {
		const { app } = await candidate();
		let r = await submit(app);
		assertStatus(r, 202, 'release-review');
		assertStatus(await decide(srv, rev.token, r.body.review.id, 'approve'), 200, 'approve');
		const before = (await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body;

		// nothing to review yet
		assertError(await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token }), 409, 'nothing_to_review', { rule: 'APP-7' });

		// a new listing whose version is not greater than the released one is refused at the listing stage
		let l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, { name: '天气预报员', version: '1.0.0' }) });
		assertStatus(l, 200, 'save listing');
		assert.ok(l.body.findings.some((f) => f.rule === 'LST-12'), JSON.stringify(l.body.findings));
		r = await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token });
		assertError(r, 422, 'submission_failed', { rule: 'LST-12' });

		// a proper new version plus a configuration change
		l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, { name: '天气预报员', version: '1.1.0' }) });
		assertStatus(l, 200, 'save listing 1.1.0');
		const p = await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { intro: 'Forecasts, now with storm warnings.' } });
		assertStatus(p, 200, 'edit config');
		r = await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token });
		assertStatus(r, 202, 'change-review');
		assert.equal(r.body.review.kind, 'change');
		assert.deepEqual(r.body.checks.map((c) => c.status), ['passed', 'passed', 'passed', 'passed', 'passed']);
		assertError(await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token }), 409, 'change_pending', { rule: 'APP-7' });

		// under review: the live version still serves
		let g = (await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body;
		assert.equal(g.state, 'released');
		assert.deepEqual(g.live_config, before.live_config);
		let item = (await srv.req('GET', '/v1/directory')).body.items.find((i) => i.app_id === app.app_id);
		assert.equal(item.name, '天气助手');
		assert.equal(item.version, '1.0.0');

		assertStatus(await decide(srv, rev.token, r.body.review.id, 'approve'), 200, 'approve change');
		g = (await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body;
		assert.equal(g.live_config.intro, 'Forecasts, now with storm warnings.');
		assert.equal(g.draft_config, null);
		item = (await srv.req('GET', '/v1/directory')).body.items.find((i) => i.app_id === app.app_id);
		assert.equal(item.name, '天气预报员');
		assert.equal(item.version, '1.1.0');
	});

	test('only members of the provider submit; an app not in development cannot be submitted for release', async () => {
		const stranger = await registerUser(srv, { tag: 'outsider' });
		const { app } = await candidate();
		const r = await submit(app, stranger.token);
		assert.ok([403, 404].includes(r.status), r.text);
		const draft = await createApp(srv, owner.token, prov.id, appBody(rx));
		assertError(await submit(draft), 409, 'invalid_state', { rule: 'APP-6' });
	});
});
