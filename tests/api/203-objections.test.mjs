// Objections (GOV-6): a provider's member objects to a measure in force
// with text and files; the staff who decide are told; an operator rejects
// (the measure stays) or upholds (the measure ends through the governance
// rules and its effects are undone); both outcomes reach the provider in
// writing; both sides read the history. Plus the pages built on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, operator, assertStatus, assertError, adminToken, uploadPdf } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp } from './helpers/apps.mjs';
import { PageSession, mainText } from './helpers/pages.mjs';

let srv, rx, admin, owner, outsider, prov, prov2, app, opsOp, auditorOp;
let made = 1; // apps of prov (APP-1 allows 5 a provider)

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	rx = await startReceiver();
	admin = await adminToken(srv);
	owner = await registerUser(srv, { tag: 'objowner' });
	outsider = await registerUser(srv, { tag: 'objoutsider' });
	prov = await appProvider(srv, owner, { name: `Objection Works ${process.pid}` });
	app = await developingApp(srv, owner, prov.id, rx, { name: `Weather Helper ${process.pid}` });
	prov2 = await appProvider(srv, owner, { name: `Objection Works Two ${process.pid}` });
	await appProvider(srv, outsider, { name: `Outsider Works ${process.pid}` });
	opsOp = await operator(srv, 'ops');
	auditorOp = await operator(srv, 'auditor');
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

/** A fresh level-3 violation against a fresh app of the provider: its not-recommended measure. */
async function measureInForce(level = 3) {
	const a = await developingApp(srv, owner, made++ < 5 ? prov.id : prov2.id, rx);
	const r = await srv.req('POST', `/v1/apps/${a.app_id}/violations`, {
		token: admin, body: { level, rule: 'GOV-3', evidence: '用户反复投诉：消息推送失败' },
	});
	assertStatus(r, 201, 'record violation');
	const m = r.body.measures.find((x) => x.kind === 'not_recommended');
	assert.ok(m, JSON.stringify(r.body));
	return { app: a, measure: m };
}

const object = (token, id, body) => srv.req('POST', `/v1/measures/${id}/objections`, { token, body });
const decide = (token, id, body) => srv.req('POST', `/v1/objections/${id}/decision`, { token, body });
const inbox = async (token) => (await srv.req('GET', '/v1/inbox?limit=200', { token })).body.items;

test('GOV-6: a member objects with text and a file; staff who decide are told; one pending objection at a time', async () => {
	const { measure } = await measureInForce();
	const file = await uploadPdf(srv, owner.token);
	const r = await object(owner.token, measure.id, { text: '故障已于当日修复，附修复报告', files: [file.id] });
	assertStatus(r, 201, 'object');
	assert.equal(r.body.state, 'pending');
	assert.equal(r.body.measure_id, measure.id);
	assert.deepEqual(r.body.files, [file.id]);
	assert.equal(r.body.text, '故障已于当日修复，附修复报告');
	// the ops operator (who decides) has it in the inbox, with a link to the measure's page
	const notes = await inbox(opsOp.token);
	const n = notes.find((x) => x.kind === 'objection.new' && x.body.includes(`/console/ops/measures/${measure.id}`));
	assert.ok(n, JSON.stringify(notes.slice(0, 3)));
	// a second objection while the first waits is refused
	assertError(await object(owner.token, measure.id, { text: 'again' }), 409, 'objection_pending', { rule: 'GOV-6' });
	// both sides read the history
	for (const token of [owner.token, admin, auditorOp.token]) {
		const h = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token });
		assertStatus(h, 200, 'history');
		assert.deepEqual(h.body.items.map((o) => o.id), [r.body.id]);
		assert.equal(h.body.in_force, true);
	}
	const mine = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: owner.token });
	assert.equal(mine.body.may_object, false, 'one is pending');
	// the pending list shows it to operators only
	const pending = await srv.req('GET', '/v1/objections?state=pending', { token: opsOp.token });
	assertStatus(pending, 200);
	assert.ok(pending.body.items.some((o) => o.id === r.body.id));
	assert.ok(pending.body.total >= 1);
	assertStatus(await srv.req('GET', '/v1/objections?state=pending', { token: owner.token }), 403);
	assertError(await srv.req('GET', '/v1/objections?state=open', { token: admin }), 400, 'invalid_value', { field: 'state' });
});

test('GOV-6: another provider neither sees the measure nor objects to it; an operator does not object', async () => {
	const { measure } = await measureInForce();
	assertError(await object(outsider.token, measure.id, { text: 'not mine' }), 404, 'measure_not_found');
	assertError(await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: outsider.token }), 404, 'measure_not_found');
	assertError(await object(opsOp.token, measure.id, { text: 'staff' }), 403, 'provider_member_required');
	assertError(await object(owner.token, 999999, { text: 'none' }), 404, 'measure_not_found');
	// someone else's file, an empty text
	const theirs = await uploadPdf(srv, outsider.token);
	assertError(await object(owner.token, measure.id, { text: 'x', files: [theirs.id] }), 400, 'file_not_found', { field: 'files' });
	assertError(await object(owner.token, measure.id, { text: '   ' }), 400, 'missing_field', { field: 'text', rule: 'GOV-6' });
	// nothing was recorded by the refusals
	const h = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: owner.token });
	assert.deepEqual(h.body.items, []);
	assert.equal(h.body.may_object, true);
});

test('GOV-6: rejecting keeps the measure and tells the provider; upholding ends it, undoes its effect and tells the provider', async () => {
	const { app: a, measure } = await measureInForce();
	const first = await object(owner.token, measure.id, { text: '已整改' });
	assertStatus(first, 201);
	const rej = await decide(opsOp.token, first.body.id, { decision: 'reject', note: '证据不足' });
	assertStatus(rej, 200, 'reject');
	assert.equal(rej.body.state, 'rejected');
	assert.equal(rej.body.decision_note, '证据不足');
	assertError(await decide(opsOp.token, first.body.id, { decision: 'uphold' }), 409, 'objection_decided', { rule: 'GOV-6' });
	let m = await srv.req('GET', `/v1/measures/${measure.id}`, { token: owner.token });
	assert.equal(m.body.in_force, true, 'a rejected objection leaves the measure');
	const notRecommended = () => Number(srv.sql(`SELECT not_recommended AS n FROM apps WHERE app_id = '${a.app_id}'`)[0].n);
	assert.equal(notRecommended(), 1);
	let notes = await inbox(owner.token);
	assert.ok(notes.some((x) => x.kind === 'objection.rejected' && x.body.includes('证据不足')), JSON.stringify(notes.slice(0, 3)));
	// the provider may object again, and this time the operator upholds
	const second = await object(owner.token, measure.id, { text: '补充了新的修复证明' });
	assertStatus(second, 201, 'object again');
	const up = await decide(admin, second.body.id, { decision: 'uphold', note: '核实已修复' });
	assertStatus(up, 200, 'uphold');
	assert.equal(up.body.state, 'upheld');
	m = await srv.req('GET', `/v1/measures/${measure.id}`, { token: owner.token });
	assert.equal(m.body.in_force, false);
	assert.equal(m.body.end_reason, 'objection');
	assert.equal(notRecommended(), 0, 'GOV-1: back in lists and search');
	const mine = await srv.req('GET', '/v1/me/measures', { token: owner.token });
	assert.ok(!mine.body.items.some((x) => x.id === measure.id), 'no longer listed as in force');
	notes = await inbox(owner.token);
	assert.ok(notes.some((x) => x.kind === 'objection.upheld' && x.body.includes('核实已修复')));
	// the history holds both, in order
	const h = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: owner.token });
	assert.deepEqual(h.body.items.map((o) => o.state), ['rejected', 'upheld']);
	assert.equal(h.body.may_object, false);
	// nothing to object to any more
	assertError(await object(owner.token, measure.id, { text: 'late' }), 409, 'measure_not_in_force', { rule: 'GOV-6' });
	// the audit log has both decisions
	const audit = await srv.req('GET', `/v1/audit?limit=200`, { token: admin });
	assertStatus(audit, 200, 'audit');
	const actions = audit.body.items.filter((e) => e.subject === `measure:${measure.id}`).map((e) => e.action);
	for (const want of ['objection.submit', 'objection.reject', 'objection.uphold']) assert.ok(actions.includes(want), actions.join(','));
});

test('GOV-6: a decision needs a known decision; an auditor may not decide', async () => {
	const { measure } = await measureInForce();
	const o = await object(owner.token, measure.id, { text: 'x' });
	assertError(await decide(opsOp.token, o.body.id, { decision: 'maybe' }), 400, 'invalid_value', { field: 'decision' });
	assertStatus(await decide(auditorOp.token, o.body.id, { decision: 'reject' }), 403);
	assertStatus(await decide(owner.token, o.body.id, { decision: 'uphold' }), 403);
	assertError(await decide(opsOp.token, 999999, { decision: 'reject' }), 404, 'objection_not_found');
	const h = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: owner.token });
	assert.equal(h.body.items[0].state, 'pending');
});

test('pages: the provider sees the measure on the console home and the app\'s governance tab, and objects there with a file', async () => {
	const { app: a, measure } = await measureInForce();
	const p = new PageSession(srv, { lang: 'en' });
	await p.signIn(owner.email, owner.password);
	const home = await p.get('/console/');
	assert.match(mainText(home.text), /Measure against/);
	assert.ok(home.text.includes(`/console/apps/${a.app_id}/governance`));
	// GOV-1: the app's overview says it is not recommended and links to its measures
	const ov = await p.get(`/console/apps/${a.app_id}`);
	assert.match(mainText(ov.text), /Not recommended/);
	assert.ok(ov.text.includes(`/console/apps/${a.app_id}/governance`));
	const tab = await p.get(`/console/apps/${a.app_id}/governance`);
	assertStatus(tab, 200);
	assert.match(mainText(tab.text), /Not recommended/);
	assert.match(mainText(tab.text), /Until rectified/);
	assert.ok(tab.text.includes('/console/rules/GOV-3'));
	// an empty text keeps the page with the error next to the field
	let r = await p.post(`/console/apps/${a.app_id}/governance`, { measure_id: measure.id, text: '' }, { files: {} });
	assert.equal(r.status, 400);
	r = await p.post(`/console/apps/${a.app_id}/governance`, { measure_id: measure.id, text: '已修复，见附件' },
		{ files: { files: { data: Buffer.from('%PDF-1.4\n%%EOF\n'), filename: 'fix.pdf', type: 'application/pdf' } } });
	assertStatus(r, 200, mainText(r.text).slice(0, 300));
	assert.match(mainText(r.text), /objection is sent/);
	assert.match(mainText(r.text), /Waiting for a decision/);
	const h = await srv.req('GET', `/v1/measures/${measure.id}/objections`, { token: owner.token });
	assert.equal(h.body.items[0].files.length, 1);
	// another provider's member gets 404 for the tab
	const q = new PageSession(srv);
	await q.signIn(outsider.email, outsider.password);
	assert.equal((await q.get(`/console/apps/${a.app_id}/governance`)).status, 404);
});

test('pages: the operator sees the pending objection on the governance page and upholds it from the measure page', async () => {
	const { measure } = await measureInForce();
	const o = await object(owner.token, measure.id, { text: '请复核' });
	assertStatus(o, 201);
	const p = new PageSession(srv, { lang: 'zh' });
	await p.signIn(opsOp.email, opsOp.password);
	// the staff home says objections wait, linking to the governance page
	const home = await p.get('/console/');
	assert.match(mainText(home.text), /条异议等待处理/);
	assert.ok(home.text.includes('href="/console/ops/governance"'));
	const g = await p.get('/console/ops/governance');
	assertStatus(g, 200);
	assert.match(mainText(g.text), /待处理的异议/);
	assert.ok(g.text.includes(`/console/ops/measures/${measure.id}#objection-${o.body.id}`));
	const mp = await p.get(`/console/ops/measures/${measure.id}`);
	assertStatus(mp, 200);
	assert.match(mainText(mp.text), /请复核/);
	const r = await p.post(`/console/ops/objections/${o.body.id}/decision`, { decision: 'uphold', note: '同意' });
	assertStatus(r, 200);
	assert.match(mainText(r.text), /已支持异议/);
	const m = await srv.req('GET', `/v1/measures/${measure.id}`, { token: admin });
	assert.equal(m.body.in_force, false);
	// the auditor reads the page without the decide form
	const q = new PageSession(srv);
	await q.signIn(auditorOp.email, auditorOp.password);
	const ap = await q.get(`/console/ops/measures/${measure.id}`);
	assertStatus(ap, 200);
	assert.ok(!ap.text.includes('/decision"'));
});

test('pages: recording a violation in the console lists the measures it caused and says plainly when GOV-4 raised the level', async () => {
	const a = await developingApp(srv, owner, prov2.id, rx);
	const p = new PageSession(srv, { lang: 'en' });
	await p.signIn(opsOp.email, opsOp.password);
	const staff = await p.get(`/console/ops/apps/${a.app_id}`);
	assert.ok(staff.text.includes(`/console/ops/apps/${a.app_id}/violations/new`), 'the app page links to the form');
	const form = await p.get(`/console/ops/apps/${a.app_id}/violations/new`);
	assertStatus(form, 200);
	// without evidence the form comes back with the error next to the field
	let r = await p.post(`/console/ops/apps/${a.app_id}/violations/new`, { level: '3', kind: 'general', rule: 'GOV-3', evidence: '' }, { files: {} });
	assert.equal(r.status, 400);
	// the same provider had a level-3 violation before (earlier tests): this one is raised to level 2
	const before = srv.sql(`SELECT COUNT(*) AS n FROM violations v JOIN apps a ON a.id = v.app WHERE a.provider_id = ${prov2.id} AND v.requested_level = 3`)[0].n;
	assert.ok(Number(before) >= 1);
	r = await p.post(`/console/ops/apps/${a.app_id}/violations/new`, { level: '3', kind: 'general', rule: 'GOV-3', evidence: '反复投诉' },
		{ from: form, files: { evidence_files: { data: Buffer.from('%PDF-1.4\n%%EOF\n'), filename: 'complaints.pdf', type: 'application/pdf' } } });
	assertStatus(r, 201, mainText(r.text).slice(0, 300));
	const text = mainText(r.text);
	assert.match(text, /Raised from level 3 to level 2/);
	assert.match(text, /GOV-4/);
	assert.match(text, /Measures it caused/);
	assert.match(text, /Not recommended #\d+/);
	const v = await srv.req('GET', `/v1/apps/${a.app_id}/violations`, { token: admin });
	assert.equal(v.body.items[0].escalated, true);
	assert.equal(v.body.items[0].evidence_files.length, 1);
});

test('pages: withdrawing states the consequence and the way back; the API refusal is shown on the page (GOV-2)', async () => {
	const a = await developingApp(srv, owner, prov2.id, rx);
	const p = new PageSession(srv, { lang: 'en' });
	await p.signIn(owner.email, owner.password);
	const c = await p.get(`/console/apps/${a.app_id}/withdraw`);
	assertStatus(c, 200);
	assert.match(mainText(c.text), /no longer found or newly installable; existing installs, renewals and expansions keep working, and you can put it back/);
	// a developing app is not in the marketplace: the API refuses and the page says why
	const r = await p.post(`/console/apps/${a.app_id}/withdraw`, { confirm: '1' });
	assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
	const g = await srv.req('GET', `/v1/apps/${a.app_id}`, { token: owner.token });
	assert.equal(g.body.state, 'developing');
});
