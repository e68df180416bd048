// Issue 12, "Operating the platform": the staff find providers (by name,
// entity name, licence number, member email) and apps (by name, app_id,
// provider), read one provider's or app's whole record, ban a provider
// and lift the ban (GOV-6, GOV-7: lifting restores the state and the apps
// the ban took), and every action is refused to staff who are not
// administrators and written to the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, operator, assertStatus, assertError, adminToken } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, reviewer } from './helpers/apps.mjs';
import { PageSession, mainText } from './helpers/pages.mjs';

let srv, rx, admin, owner, member, prov, app1, app2, reviewerOp, auditorOp, legalName;
const LICENCE = '91440300MA5DIR0001';

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	rx = await startReceiver();
	admin = await adminToken(srv);
	owner = await registerUser(srv, { tag: 'dirowner' });
	member = await registerUser(srv, { tag: 'dirmember' });
	legalName = `深圳目录查找科技有限公司${process.pid}`;
	prov = await appProvider(srv, owner, { name: `Lantern Works ${process.pid}`, legalName });
	// the licence number the helper applies with is fixed; give this one its own
	srv.sql(`UPDATE entities SET licence_no = '${LICENCE}' WHERE id = (SELECT entity_id FROM orgs WHERE id = ${prov.id})`);
	assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201, 'add member');
	app1 = await developingApp(srv, owner, prov.id, rx, { name: `Harbour Ledger ${process.pid}` });
	app2 = await developingApp(srv, owner, prov.id, rx);
	reviewerOp = await operator(srv, 'reviewer');
	auditorOp = await operator(srv, 'auditor');
	// a second provider that must not match the searches below
	await appProvider(srv, await registerUser(srv, { tag: 'dirother' }), { name: `Other Works ${process.pid}` });
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

const search = (token, q, extra = '') => srv.req('GET', `/v1/providers?q=${encodeURIComponent(q)}${extra}`, { token });

test('staff find a provider by its name, entity name, licence number and a member\'s email', async () => {
	const cases = [
		['name', `lantern works ${process.pid}`],
		['entity name', legalName.slice(2, 10)],
		['licence number', LICENCE.toLowerCase()],
		['member email', member.email.toUpperCase()],
		['part of a member email', member.email.split('@')[0]],
	];
	for (const [what, q] of cases) {
		for (const token of [admin, reviewerOp.token, auditorOp.token]) {
			const r = await search(token, q);
			assertStatus(r, 200, what);
			assert.deepEqual(r.body.items.map((p) => p.id), [prov.id], `${what}: ${q}`);
		}
	}
	const hit = (await search(admin, LICENCE)).body.items[0];
	assert.equal(hit.licence_no, LICENCE);
	assert.equal(hit.entity_name, legalName);
	// LIKE's own characters are text, not wildcards
	assert.deepEqual((await search(admin, '%')).body.items, []);
	assert.deepEqual((await search(admin, '_')).body.items, []);
	assert.deepEqual((await search(admin, 'no such provider anywhere')).body.items, []);
});

test('the search pages with a cursor; without q the list is as before', async () => {
	const q = 'works';
	const first = await search(admin, q, '&limit=1');
	assertStatus(first, 200);
	assert.equal(first.body.items.length, 1);
	assert.ok(first.body.next_after, 'a next page');
	const second = await search(admin, q, `&limit=1&after=${first.body.next_after}`);
	assert.equal(second.body.items.length, 1);
	assert.notEqual(second.body.items[0].id, first.body.items[0].id);
	const all = await srv.req('GET', '/v1/providers', { token: admin });
	assert.ok(all.body.items.length >= 2);
	// a provider's member searches only their own providers
	const mine = await search(member.token, 'works');
	assert.deepEqual(mine.body.items.map((p) => p.id), [prov.id]);
	assertError(await search(admin, 'x'.repeat(201)), 400, 'too_long', { field: 'q' });
});

test('the staff record of a provider holds its entity, members, apps, reviews and notices', async () => {
	for (const token of [admin, reviewerOp.token, auditorOp.token]) {
		const r = await srv.req('GET', `/v1/staff/providers/${prov.id}`, { token });
		assertStatus(r, 200, 'staff provider');
		const p = r.body;
		assert.equal(p.state, 'certified');
		assert.equal(p.entity.legal_name, legalName);
		assert.equal(p.entity.licence_no, LICENCE);
		assert.equal(p.entity.certified, true);
		assert.equal(p.application.state, 'approved');
		assert.deepEqual(p.members.map((m) => m.email).sort(), [owner.email, member.email].sort());
		assert.deepEqual(p.apps.map((a) => a.app_id).sort(), [app1.app_id, app2.app_id].sort());
		assert.ok(p.reviews.some((v) => v.kind === 'qualification' && v.state === 'approved'), JSON.stringify(p.reviews));
		assert.equal(p.reviews.filter((v) => v.kind === 'creation').length, 2);
		const certified = p.notices.find((n) => n.kind === 'provider.certified');
		assert.ok(certified, JSON.stringify(p.notices.map((n) => n.kind)));
		assert.equal(certified.recipients, 1, 'one row per notice, counting its recipients');
		assert.equal(p.ban, null);
	}
	// a provider's own member is not staff
	assertError(await srv.req('GET', `/v1/staff/providers/${prov.id}`, { token: owner.token }), 403, 'operator_required');
	assertError(await srv.req('GET', '/v1/staff/providers/999999', { token: admin }), 404, 'provider_not_found');
});

test('ban then lift: the provider and the apps the ban suspended come back, an app suspended on its own stays (GOV-6, GOV-7)', async () => {
	const o = await registerUser(srv, { tag: 'banlift' });
	const p = await appProvider(srv, o);
	const a = await developingApp(srv, o, p.id, rx);
	const b = await developingApp(srv, o, p.id, rx);
	// b is stopped on its own before the ban
	assertStatus(await srv.req('POST', `/v1/apps/${b.app_id}/suspend`, { token: admin, body: { reason: 'Spam pushes', rule: 'GOV-3' } }), 200);
	const ban = await srv.req('POST', `/v1/providers/${p.id}/ban`, { token: admin, body: { reason: 'Fraud ring', suspend_apps: true } });
	assertStatus(ban, 200, 'ban');
	let rec = (await srv.req('GET', `/v1/staff/providers/${p.id}`, { token: auditorOp.token })).body;
	assert.equal(rec.state, 'banned');
	assert.equal(rec.ban.from, 'certified');
	assert.ok(rec.ban.at > 0);
	assert.equal((await srv.req('GET', `/v1/staff/apps/${a.app_id}`, { token: admin })).body.state, 'suspended');

	// refusals: reason required, staff other than admins, the provider itself
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: admin, body: {} }), 400, 'missing_field', { field: 'reason' });
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: admin, body: { reason: '  ' } }), 400, 'missing_field', { field: 'reason', rule: 'GOV-6' });
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: reviewerOp.token, body: { reason: 'x' } }), 403, 'admin_required');
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: auditorOp.token, body: { reason: 'x' } }), 403, 'admin_required');
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: o.token, body: { reason: 'x' } }), 403, 'admin_required');
	assert.equal((await srv.req('GET', `/v1/staff/providers/${p.id}`, { token: admin })).body.state, 'banned', 'refusals changed nothing');

	const lift = await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: admin, body: { reason: 'Cleared after investigation' } });
	assertStatus(lift, 200, 'unban');
	assert.equal(lift.body.state, 'certified');
	assert.deepEqual(lift.body.unsuspended_apps, [a.app_id]);
	rec = (await srv.req('GET', `/v1/staff/providers/${p.id}`, { token: admin })).body;
	assert.equal(rec.state, 'certified');
	assert.equal(rec.ban, null);
	assert.ok(rec.notices.some((n) => n.kind === 'provider.unbanned' && /Cleared after investigation/.test(n.body)), 'the provider is told why (GOV-6)');
	const ga = (await srv.req('GET', `/v1/staff/apps/${a.app_id}`, { token: admin })).body;
	assert.equal(ga.state, 'developing', 'the app the ban suspended works again');
	assert.equal(ga.suspension, null);
	const gb = (await srv.req('GET', `/v1/staff/apps/${b.app_id}`, { token: admin })).body;
	assert.equal(gb.state, 'suspended', 'its own suspension is not the ban\'s to lift');
	assert.equal(gb.suspension.rule, 'GOV-3');
	// the provider may work again
	assertStatus(await srv.req('PATCH', `/v1/providers/${p.id}`, { token: o.token, body: { contact_name: 'Back again' } }), 200);
	// lifting twice is refused
	assertError(await srv.req('POST', `/v1/providers/${p.id}/unban`, { token: admin, body: { reason: 'again' } }), 409, 'not_banned', { rule: 'GOV-7' });

	const audit = srv.sql(`SELECT action, subject FROM audit_log WHERE subject IN ('provider:${p.id}', 'app:${a.app_id}') ORDER BY id`).map((x) => x.action);
	for (const action of ['provider.ban', 'app.suspend', 'provider.unban', 'app.unsuspend']) assert.ok(audit.includes(action), `${action} in ${audit}`);
	assert.ok(audit.indexOf('provider.unban') > audit.indexOf('provider.ban'));
});

test('a ban found during a qualification review that ended meanwhile lifts to rejected (GOV-7)', async () => {
	const o = await registerUser(srv, { tag: 'banreview' });
	const c = await srv.req('POST', '/v1/providers', { token: o.token, body: { name: `Pending Co ${process.pid}` } });
	const up = await srv.req('POST', '/v1/files', { token: o.token, raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'Content-Type': 'application/pdf' } });
	assertStatus(up, 201, 'upload');
	assertStatus(await srv.req('POST', `/v1/providers/${c.body.id}/application`, { token: o.token, body: { entity_kind: 'company', legal_name: `待审科技有限公司${process.pid}`, licence_no: '91310000MA1FL0RV1X', documents: [up.body.id] } }), 201);
	assertStatus(await srv.req('POST', `/v1/providers/${c.body.id}/ban`, { token: admin, body: { reason: 'Forged licence' } }), 200);
	const rv = (await srv.req('GET', '/v1/reviews?kind=qualification&state=pending&limit=200', { token: admin })).body.items.find((x) => x.provider_id === c.body.id);
	assertStatus(await srv.req('POST', `/v1/reviews/${rv.id}/decision`, { token: admin, body: { decision: 'reject', reasons: [{ rule: 'ONB-3', field: 'documents', message: 'Forged licence' }] } }), 200);
	const lift = await srv.req('POST', `/v1/providers/${c.body.id}/unban`, { token: admin, body: { reason: 'Wrong account' } });
	assertStatus(lift, 200);
	assert.equal(lift.body.state, 'rejected', 'nothing is waiting for a reviewer any more');
});

test('staff find apps by name, app_id and provider; others are refused', async () => {
	const byName = await srv.req('GET', `/v1/staff/apps?q=${encodeURIComponent(`harbour ledger ${process.pid}`)}`, { token: auditorOp.token });
	assertStatus(byName, 200);
	assert.deepEqual(byName.body.items.map((a) => a.app_id), [app1.app_id]);
	assert.equal(byName.body.items[0].name, `Harbour Ledger ${process.pid}`);
	assert.equal(byName.body.items[0].provider_name, prov.name);
	const byId = await srv.req('GET', `/v1/staff/apps?q=${app2.app_id}`, { token: reviewerOp.token });
	assert.deepEqual(byId.body.items.map((a) => a.app_id), [app2.app_id]);
	const byProvider = await srv.req('GET', `/v1/staff/apps?q=${encodeURIComponent(prov.name)}`, { token: admin });
	assert.deepEqual(byProvider.body.items.map((a) => a.app_id).sort(), [app1.app_id, app2.app_id].sort());
	const byProviderId = await srv.req('GET', `/v1/staff/apps?provider=${prov.id}&state=developing`, { token: admin });
	assert.deepEqual(byProviderId.body.items.map((a) => a.app_id).sort(), [app1.app_id, app2.app_id].sort());
	// a word of the configuration that is not the name does not match
	const notName = await srv.req('GET', '/v1/staff/apps?q=Forecasts', { token: admin });
	assert.deepEqual(notName.body.items, []);
	// pages: newest first, next_after continues
	const p1 = await srv.req('GET', '/v1/staff/apps?limit=1', { token: admin });
	assert.equal(p1.body.items.length, 1);
	const p2 = await srv.req('GET', `/v1/staff/apps?limit=1&after=${p1.body.next_after}`, { token: admin });
	assert.notEqual(p2.body.items[0].app_id, p1.body.items[0].app_id);
	assertError(await srv.req('GET', '/v1/staff/apps', { token: owner.token }), 403, 'operator_required');
	assertError(await srv.req('GET', '/v1/staff/apps?state=nope', { token: admin }), 400, 'invalid_value', { field: 'state' });
});

test('the staff record of an app: configuration, history, authorizations, deliveries health', async () => {
	const r = await srv.req('GET', `/v1/staff/apps/${app1.app_id}`, { token: auditorOp.token });
	assertStatus(r, 200);
	const a = r.body;
	assert.equal(a.state, 'developing');
	assert.equal(a.provider_id, prov.id);
	assert.equal(a.name, `Harbour Ledger ${process.pid}`);
	assert.equal(a.live_config.dev.auth_receive_url, app1.sent.dev.auth_receive_url);
	const actions = a.history.map((h) => h.action);
	assert.ok(actions.includes('app.create'), actions.join());
	const approved = a.history.find((h) => h.action === 'review.approve');
	assert.ok(approved, `the creation review's decision is in the history: ${actions}`);
	assert.equal(approved.review_kind, 'creation');
	assert.equal(approved.actor_email, (await reviewer(srv)).email);
	assert.equal(a.history.find((h) => h.action === 'app.create').actor_email, owner.email);
	assert.deepEqual(a.authorizations, { active: 0, revoked: 0 });
	assert.ok(a.deliveries.since > 0);
	assert.equal(typeof a.deliveries.dead, 'number');
	const total = Object.values(a.deliveries.by_state).reduce((x, y) => x + y, 0);
	const rows = srv.sql(`SELECT COUNT(*) AS n FROM outbox o JOIN apps p ON p.id = o.app WHERE p.app_id = '${app1.app_id}'`)[0].n;
	assert.equal(total, rows, 'every event of the last day counted by state');
	assertError(await srv.req('GET', `/v1/staff/apps/${app1.app_id}`, { token: member.token }), 403, 'operator_required');
	assertError(await srv.req('GET', '/v1/staff/apps/kf0000000000000000', { token: admin }), 404, 'app_not_found');
});

test('pages: an admin sees the actions, an auditor the same record without them; action pages refuse non-admins', async () => {
	const adm = new PageSession(srv, { lang: 'en' });
	const { ADMIN_EMAIL, ADMIN_PASSWORD } = await import('./helpers/server.mjs');
	await adm.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const list = await adm.get(`/console/ops/providers?q=${encodeURIComponent(member.email)}`);
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(`href="/console/ops/providers/${prov.id}"`));
	const page = await adm.get(`/console/ops/providers/${prov.id}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`href="/console/ops/providers/${prov.id}/ban"`));
	assert.ok(page.text.includes(`href="/console/ops/apps/${app1.app_id}"`));
	assert.match(mainText(page.text), new RegExp(LICENCE));

	const aud = new PageSession(srv, { lang: 'zh' });
	await aud.signIn(auditorOp.email, auditorOp.password);
	const apage = await aud.get(`/console/ops/providers/${prov.id}`);
	assert.equal(apage.status, 200);
	assert.match(mainText(apage.text), /成员/);
	assert.ok(!apage.text.includes('/ban"'), 'no ban button for an auditor');
	const appPage = await aud.get(`/console/ops/apps/${app1.app_id}`);
	assert.equal(appPage.status, 200);
	assert.ok(!appPage.text.includes('/suspend"'));
	assert.match(mainText(appPage.text), /状态历史/);
	const refused = await aud.get(`/console/ops/providers/${prov.id}/ban`);
	assert.equal(refused.status, 403);

	// an admin's suspend and lift through the pages, each with a reason
	const conf = await adm.get(`/console/ops/apps/${app2.app_id}/suspend`);
	assert.equal(conf.status, 200);
	const noReason = await adm.post(`/console/ops/apps/${app2.app_id}/suspend`, { confirm: '1', reason: '', rule: 'AUTH-5' });
	assert.equal(noReason.status, 400);
	const done = await adm.post(`/console/ops/apps/${app2.app_id}/suspend`, { confirm: '1', reason: 'Leaking data', rule: 'AUTH-5' });
	assert.equal(done.status, 200);
	assert.match(mainText(done.text), /The app is suspended/);
	await adm.get(`/console/ops/apps/${app2.app_id}/unsuspend`);
	const back = await adm.post(`/console/ops/apps/${app2.app_id}/unsuspend`, { confirm: '1', reason: 'Fixed' });
	assert.match(mainText(back.text), /The suspension is lifted/);
	assert.equal((await srv.req('GET', `/v1/staff/apps/${app2.app_id}`, { token: admin })).body.state, 'developing');
});
