// Publishing a new agreement version from the console (ONB-12, NOTE-1,
// issue 12): the notice the kind of change needs is refused at its field,
// publication reaches every account once by inbox, mail and an
// announcement, and once the version is in force a provider's next write
// is refused with consent_required until the provider accepts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, login, operator, adminToken, assertError, assertStatus, publishAgreement, certifiedProvider,
} from './helpers/flows.mjs';
import { PageSession, mainText, fieldError } from './helpers/pages.mjs';

const DAY = 86400;
let srv, admin, alice, bob, reviewer;

before(async () => {
	srv = await startServer();
	admin = await adminToken(srv);
	await publishAgreement(srv, { key: 'terms', version: 1 });
	[alice, bob, reviewer] = await Promise.all([
		registerUser(srv, { tag: 'alice' }),
		registerUser(srv, { tag: 'bob' }),
		operator(srv, 'reviewer'),
	]);
});
after(async () => {
	await srv?.stop();
});

function v2(now, over = {}) {
	return {
		key: 'terms', version: 2, title: 'Provider terms 2027', body: 'New rules for providers.',
		effective_at: now + 15 * DAY + 3600, notice_days: 15, change_kind: 'rules', required_for: ['all'], ...over,
	};
}

test('ONB-12: a notice shorter than the kind of change needs is refused at notice_days; an effective date before the notice ends at effective_at', async () => {
	const now = await srv.now();
	const cases = [
		[v2(now, { notice_days: 14, effective_at: now + 14 * DAY + 3600 }), 'notice_days'],
		[v2(now, { change_kind: 'service_end', notice_days: 30, effective_at: now + 31 * DAY }), 'notice_days'],
		[v2(now, { change_kind: 'fees', notice_days: 7, effective_at: now + 3 * DAY }), 'effective_at'],
	];
	for (const [body, field] of cases) {
		const r = await srv.req('POST', '/v1/agreements', { token: admin, body });
		assertError(r, 400, 'notice_too_short', { rule: 'ONB-12', field });
	}
	const kind = await srv.req('POST', '/v1/agreements', { token: admin, body: v2(now, { change_kind: 'mood' }) });
	assertError(kind, 400, 'invalid_change_kind', { field: 'change_kind' });
	const shown = (await srv.req('GET', '/v1/announcements')).body.items;
	assert.deepEqual(shown.map((a) => [a.agreement.key, a.agreement.version]), [['terms', 1]], 'a refused version announces nothing');
});

test('the publish page shows the API\'s refusal at the field it names, in the page\'s language', async () => {
	const s = new PageSession(srv, { lang: 'zh' });
	await s.signIn('admin@kaifang.test', 'admin-password-0001');
	const form = await s.get('/console/ops/agreements/new?key=terms');
	assert.equal(form.status, 200);
	assert.match(form.text, /name="version"[^>]*value="2"/);
	const r = await s.post('/console/ops/agreements/new', {
		key: 'terms', version: '2', title: 'Provider terms 2027', body: 'x', change_kind: 'service_end', notice_days: '15',
		effective_at: '2099-01-01', required_for: 'all',
	});
	assert.equal(r.status, 400);
	assert.ok(fieldError(r.text, 'notice_days'), 'error under the notice period');
	assert.match(r.text, /ONB-12/);
	const noDate = await s.post('/console/ops/agreements/new', {
		key: 'terms', version: '2', title: 'T', body: 'x', change_kind: 'rules', notice_days: '15', effective_at: '', required_for: 'all',
	});
	assert.equal(noDate.status, 400);
	assert.ok(fieldError(noDate.text, 'effective_at'));
	// a day that is not in the calendar is refused, not rolled into March
	const notADay = await s.post('/console/ops/agreements/new', {
		key: 'terms', version: '2', title: 'T', body: 'x', change_kind: 'rules', notice_days: '15', effective_at: '2099-02-30', required_for: 'all',
	});
	assert.equal(notADay.status, 400);
	assert.ok(fieldError(notADay.text, 'effective_at'));
});

test('NOTE-1: publication tells every account once (inbox, mail, announcement); staff are not asked', async () => {
	const now = await srv.now();
	const told = async (u) => (await srv.req('GET', '/v1/inbox', { token: u.token })).body.items.filter((m) => m.kind === 'agreement.published').length;
	assert.equal(await told(alice), 0);
	const r = await srv.req('POST', '/v1/agreements', { token: admin, body: v2(now) });
	assertStatus(r, 201, 'publish v2');
	for (const u of [alice, bob]) {
		const inbox = await srv.req('GET', '/v1/inbox', { token: u.token });
		const msgs = inbox.body.items.filter((m) => m.kind === 'agreement.published');
		assert.equal(msgs.length, 1, `${u.email}: one inbox message`);
		assert.match(msgs[0].title, /Version 2 of “Provider terms 2027”/);
		const mail = await srv.readMail(u.email, { match: /Version 2 of/ });
		assert.match(mail, /takes effect on/);
		assert.equal(srv.mails(u.email).filter((m) => /Version 2 of/.test(m.subject + m.body)).length, 1, 'one mail');
	}
	const rev = await srv.req('GET', '/v1/inbox', { token: reviewer.token });
	assert.equal(rev.body.items.filter((m) => m.kind === 'agreement.published').length, 0, 'staff are not told to consent');
	const ann = (await srv.req('GET', '/v1/announcements')).body.items;
	assert.equal(ann.length, 2, 'version 2 above version 1');
	assert.deepEqual(ann[0].agreement, { key: 'terms', version: 2, effective_at: now + 15 * DAY + 3600 });
	assert.equal(ann[0].kind, 'agreement');
	assert.match(ann[0].title_zh, /第 2 版已发布/);
	// the same version again is refused and tells nobody twice
	assertError(await srv.req('POST', '/v1/agreements', { token: admin, body: v2(now) }), 409, 'version_not_next');
	assert.deepEqual([await told(alice), await told(bob)], [1, 1], 'alice and bob, once each');
	assert.equal((await srv.req('GET', '/v1/announcements')).body.items.length, 2);
	// the staff page lists it as announced next to the one in force
	const s = new PageSession(srv, { lang: 'en' });
	await s.signIn(reviewer.email, reviewer.password);
	const page = mainText((await s.get('/console/ops/agreements')).text);
	assert.match(page, /Provider terms 2027 Announced/);
	assert.match(page, /Provider terms In force/);
});

test('ONB-12: after the effective date a provider\'s write is refused with consent_required until it consents on the console', async () => {
	const prov = await certifiedProvider(srv, alice);
	// before the date alice still writes
	assertStatus(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { contact_name: 'Alice A' } }), 200, 'write before the date');
	await srv.advance(16 * DAY);
	alice.token = await login(srv, alice.email, alice.password);
	const refused = await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { contact_name: 'Alice B' } });
	assertError(refused, 403, 'consent_required', { rule: 'ONB-12' });
	assert.deepEqual(refused.body.error.pending, [{ key: 'terms', version: 2 }]);
	const s = new PageSession(srv, { lang: 'en' });
	await s.signIn(alice.email, alice.password);
	const page = await s.get('/console/account/agreements');
	assert.match(mainText(page.text), /Provider terms 2027/);
	const ok = await s.post('/console/account/agreements', { key: 'terms', version: '2' });
	assert.equal(ok.status, 200);
	assertStatus(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: alice.token, body: { contact_name: 'Alice C' } }), 200, 'write after consent');
	// the staff page now marks version 1 superseded
	const st = new PageSession(srv, { lang: 'zh' });
	await st.signIn(reviewer.email, reviewer.password);
	const zh = mainText((await st.get('/console/ops/agreements')).text);
	assert.match(zh, /Provider terms 2027 现行/);
	assert.match(zh, /Provider terms 已被取代/);
});
