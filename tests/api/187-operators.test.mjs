// Issue 12, operating the platform → Operators: an admin creates staff of
// each role (with a password, or with a set-password link mailed), changes
// roles, disables and enables them; a disabled operator's sessions end at
// once and sign-in is refused; the last active admin can be neither
// disabled nor demoted; every change is in the audit log; nobody but an
// admin manages staff.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './helpers/server.mjs';
import { adminToken, assertError, assertStatus, login, operator, person, registerUser } from './helpers/flows.mjs';

describe('operators', () => {
	let srv, admin, adminId;
	before(async () => {
		srv = await startServer();
		admin = await adminToken(srv);
		adminId = assertStatus(await srv.req('GET', '/v1/me', { token: admin }), 200).user.id;
	});
	after(() => srv?.stop());

	const create = (token, body) => srv.req('POST', '/v1/operators', { token, body });
	const patch = (token, id, body) => srv.req('PATCH', `/v1/operators/${id}`, { token, body });
	const auditOf = (subject) => srv.sql(`SELECT actor, action, subject FROM audit_log WHERE subject = 'user:${subject}' ORDER BY id`);

	test('an admin creates an operator of each role with a password; each signs in with that role', async () => {
		for (const role of ['admin', 'reviewer', 'auditor', 'ops']) {
			const p = person(role);
			const r = await create(admin, { email: p.email.toUpperCase(), name: p.name, role, password: p.password });
			const o = assertStatus(r, 201, `create ${role}`);
			assert.equal(o.email, p.email, 'the email is stored in lower case');
			assert.equal(o.role, role);
			assert.equal(o.status, 'active');
			assert.equal(o.last_sign_in_at, null);
			assert.equal(o.set_password_mailed, false);
			const token = await login(srv, p.email, p.password);
			const me = assertStatus(await srv.req('GET', '/v1/me', { token }), 200);
			assert.equal(me.operator_role, role);
			const listed = assertStatus(await srv.req('GET', '/v1/operators', { token: admin }), 200).items.find((x) => x.id === o.id);
			assert.equal(listed.role, role);
			assert.equal(typeof listed.last_sign_in_at, 'number', 'the list shows the last sign-in');
			assert.deepEqual(auditOf(o.id)[0], { actor: `user:${adminId}`, action: 'operator.create', subject: `user:${o.id}` });
		}
	});

	test('without a password the new operator is mailed a set-password link that works', async () => {
		const p = person('linked');
		const o = assertStatus(await create(admin, { email: p.email, name: p.name, role: 'reviewer' }), 201);
		assert.equal(o.set_password_mailed, true);
		const mail = await srv.readMail(p.email, { match: /set your password|设置密码|choose your password/ });
		const token = mail.match(/token=(kfr_[A-Za-z0-9_-]+)/)[1];
		assertStatus(await srv.req('POST', '/v1/password-resets:complete', { body: { token, password: p.password } }), 200, 'set the password');
		const t = await login(srv, p.email, p.password);
		assert.equal(assertStatus(await srv.req('GET', '/v1/me', { token: t }), 200).operator_role, 'reviewer');
	});

	test('refusals: a reviewer or auditor creating an operator gets 403, a bad email is named on its field (ONB-8)', async () => {
		const reviewer = await operator(srv, 'reviewer');
		const auditor = await operator(srv, 'auditor');
		const p = person('x');
		assertError(await create(reviewer.token, { email: p.email, name: p.name, role: 'reviewer' }), 403, 'admin_required');
		assertError(await create(auditor.token, { email: p.email, name: p.name, role: 'reviewer' }), 403, 'admin_required');
		const user = await registerUser(srv);
		assertError(await create(user.token, { email: p.email, name: p.name, role: 'reviewer' }), 403, 'admin_required');
		assertError(await srv.req('POST', '/v1/operators', { body: { email: p.email, name: p.name, role: 'reviewer' } }), 401, 'unauthenticated');
		assertError(await create(admin, { email: 'not-an-email', name: p.name, role: 'reviewer' }), 400, 'invalid_email', { field: 'email', rule: 'ONB-8' });
		assertError(await create(admin, { email: p.email, name: p.name, role: 'owner' }), 400, 'invalid_value', { field: 'role' });
		const weak = await create(admin, { email: p.email, name: p.name, role: 'reviewer', password: 'short' });
		assert.equal(weak.status, 400, weak.text);
		assert.equal(weak.body.error.field, 'password');
		assert.equal(weak.body.error.rule, 'ONB-8');
		assertError(await create(admin, { email: p.email, name: '  ', role: 'reviewer' }), 400, 'missing_field', { field: 'name' });
		assertError(await create(admin, { email: user.email, name: p.name, role: 'reviewer' }), 409, 'email_taken', { field: 'email' });
		// the reviewer and the auditor read the staff, but change nobody
		assertStatus(await srv.req('GET', '/v1/operators', { token: reviewer.token }), 200);
		assertStatus(await srv.req('GET', '/v1/operators', { token: auditor.token }), 200);
		assertError(await srv.req('GET', '/v1/operators', { token: user.token }), 403, 'operator_required');
		assertError(await patch(reviewer.token, adminId, { role: 'reviewer' }), 403, 'admin_required');
		assertError(await patch(auditor.token, adminId, { status: 'disabled' }), 403, 'admin_required');
		// someone who is not staff is no operator
		assertError(await srv.req('GET', `/v1/operators/${user.id}`, { token: admin }), 404, 'operator_not_found');
		assertError(await patch(admin, user.id, { status: 'disabled' }), 404, 'operator_not_found');
	});

	test('a disabled operator is signed out at once and cannot sign in; enabled, they can again', async () => {
		const rev = await operator(srv, 'reviewer');
		const id = assertStatus(await srv.req('GET', '/v1/me', { token: rev.token }), 200).user.id;
		assertStatus(await srv.req('GET', '/v1/reviews', { token: rev.token }), 200);
		const o = assertStatus(await patch(admin, id, { status: 'disabled' }), 200, 'disable');
		assert.equal(o.status, 'disabled');
		assertError(await srv.req('GET', '/v1/reviews', { token: rev.token }), 401, 'unauthenticated');
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: rev.email, password: rev.password } }), 401, 'invalid_credentials');
		assertStatus(await patch(admin, id, { status: 'active' }), 200, 'enable');
		// the old session stays ended; a new sign-in works
		assertError(await srv.req('GET', '/v1/reviews', { token: rev.token }), 401, 'unauthenticated');
		const t = await login(srv, rev.email, rev.password);
		assertStatus(await srv.req('GET', '/v1/reviews', { token: t }), 200);
		assert.deepEqual(
			auditOf(id).map((a) => a.action),
			['operator.create', 'session.create', 'operator.disable', 'operator.enable', 'session.create'],
		);
		assert.ok(auditOf(id).filter((a) => a.action.startsWith('operator.') && a.action !== 'operator.create').every((a) => a.actor === `user:${adminId}`));
	});

	test('the role changes, and the audit log records it', async () => {
		const rev = await operator(srv, 'reviewer');
		const id = assertStatus(await srv.req('GET', '/v1/me', { token: rev.token }), 200).user.id;
		assert.equal(assertStatus(await patch(admin, id, { role: 'auditor' }), 200).role, 'auditor');
		const me = assertStatus(await srv.req('GET', '/v1/me', { token: rev.token }), 200);
		assert.equal(me.operator_role, 'auditor');
		assertError(await srv.req('POST', '/v1/reviews/1/assignee', { token: rev.token, body: { assignee_id: null } }), 403, 'auditor_read_only');
		assert.ok(auditOf(id).some((a) => a.action === 'operator.role' && a.actor === `user:${adminId}`));
		assertError(await patch(admin, id, { role: 'owner' }), 400, 'invalid_value', { field: 'role' });
		assertError(await patch(admin, id, { status: 'gone' }), 400, 'invalid_value', { field: 'status' });
		assertError(await patch(admin, id, {}), 400, 'missing_field');
	});

	test('the last active admin can be neither disabled nor demoted; with a second admin they can', async () => {
		// the admins made by the first test: disable them so the start-up admin is the last one
		const others = assertStatus(await srv.req('GET', '/v1/operators', { token: admin }), 200).items.filter(
			(o) => o.role === 'admin' && o.status === 'active' && o.id !== adminId,
		);
		for (const o of others) assertStatus(await patch(admin, o.id, { status: 'disabled' }), 200);
		assertError(await patch(admin, adminId, { status: 'disabled' }), 409, 'last_admin', { field: 'status' });
		assertError(await patch(admin, adminId, { role: 'reviewer' }), 409, 'last_admin', { field: 'role' });
		const me = assertStatus(await srv.req('GET', '/v1/me', { token: admin }), 200);
		assert.equal(me.operator_role, 'admin', 'nothing changed');
		// with another active admin, the first may step down
		const second = await operator(srv, 'admin');
		const o = assertStatus(await patch(second.token, adminId, { role: 'reviewer' }), 200);
		assert.equal(o.role, 'reviewer');
		assertStatus(await patch(second.token, adminId, { role: 'admin' }), 200);
	});
});
