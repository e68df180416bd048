// Walks of the real API that many tests need: people who register, verify
// their email and consent; operators; providers up to "certified".
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, mailCode } from './server.mjs';

let seq = 0;

/** Fresh, unique registration data. */
export function person(tag = 'user') {
	seq += 1;
	const n = String(process.pid % 10000).padStart(4, '0') + String(seq).padStart(4, '0');
	return {
		email: `${tag}.${n}@example.com`,
		mobile: `139${n}`,
		password: `pw-${tag}-${n}-secret`,
		name: `${tag} ${n}`,
	};
}

/** Assert the native error shape and return the error object. */
export function assertError(res, status, code, extra = {}) {
	const where = `${res.status} ${res.text}`;
	assert.equal(res.status, status, `expected HTTP ${status} ${code}, got ${where}`);
	assert.ok(res.body && typeof res.body.error === 'object', `no error object in ${where}`);
	const e = res.body.error;
	assert.equal(e.code, code, `expected error code ${code}, got ${where}`);
	assert.equal(typeof e.message, 'string', `error message missing in ${where}`);
	assert.ok(e.message.length > 0, `empty error message in ${where}`);
	for (const [k, v] of Object.entries(extra)) assert.deepEqual(e[k], v, `error.${k} in ${where}`);
	return e;
}

export function assertStatus(res, status, what = '') {
	assert.equal(res.status, status, `${what ? what + ': ' : ''}expected HTTP ${status}, got ${res.status} ${res.text}`);
	return res.body;
}

export async function login(srv, loginName, password) {
	const r = await srv.req('POST', '/v1/sessions', { body: { login: loginName, password } });
	assertStatus(r, 201, `login ${loginName}`);
	return r.body.token;
}

const adminTokens = new WeakMap();
/** A session of the operator admin created from KAIFANG_ADMIN_* at start. */
export async function adminToken(srv, { fresh = false } = {}) {
	if (!fresh && adminTokens.has(srv)) return adminTokens.get(srv);
	const t = await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	adminTokens.set(srv, t);
	return t;
}

/** Create an operator with the CLI and sign in: {email, password, token}. */
export async function operator(srv, role) {
	const p = person(role);
	const r = srv.cli(['user', 'create-operator', '--email', p.email, '--password', p.password, '--role', role]);
	assert.equal(r.status, 0, `create-operator failed: ${r.stderr}`);
	return { ...p, token: await login(srv, p.email, p.password) };
}

/** Consent to every agreement /v1/me lists as pending. */
export async function consentAll(srv, token) {
	const me = await srv.req('GET', '/v1/me', { token });
	assertStatus(me, 200, 'GET /v1/me');
	for (const a of me.body.agreements_pending) {
		const r = await srv.req('POST', `/v1/agreements/${a.key}/consents`, { token, body: { version: a.version } });
		assertStatus(r, 201, `consent ${a.key} v${a.version}`);
	}
}

/**
 * Register, sign in, and (by default) verify the email with the mailed code
 * and consent to the pending agreements. Returns the person with id and token.
 */
export async function registerUser(srv, { tag = 'user', verify = true, consent = true, ...over } = {}) {
	const p = { ...person(tag), ...over };
	const r = await srv.req('POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } });
	assertStatus(r, 201, 'register');
	const u = { ...p, id: r.body.id, user: r.body };
	u.token = await login(srv, p.email, p.password);
	if (verify) {
		const body = await srv.readMail(p.email, { match: /verification code/ });
		const v = await srv.req('POST', '/v1/me/email-verification', { token: u.token, body: { code: mailCode(body) } });
		assertStatus(v, 200, 'verify email');
	}
	if (consent) await consentAll(srv, u.token);
	return u;
}

/** Publish an agreement version as the admin. */
export async function publishAgreement(srv, fields = {}) {
	const token = await adminToken(srv);
	const now = await srv.now();
	const body = {
		key: 'terms',
		version: 1,
		title: 'Provider terms',
		body: 'The provider agrees to the platform rules.',
		effective_at: now - 60,
		notice_days: 0,
		required_for: ['all'],
		...fields,
	};
	const r = await srv.req('POST', '/v1/agreements', { token, body });
	assertStatus(r, 201, 'publish agreement');
	return r.body;
}

let pdfSeq = 0;
/** A small distinct PDF. */
export function pdf(label = 'licence') {
	pdfSeq += 1;
	return Buffer.from(`%PDF-1.4\n% ${label} ${pdfSeq} ${process.pid}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

export async function uploadPdf(srv, token, content = pdf(), name = 'licence.pdf') {
	const r = await srv.req('POST', `/v1/files?name=${encodeURIComponent(name)}`, {
		token,
		raw: content,
		headers: { 'Content-Type': 'application/pdf' },
	});
	assertStatus(r, 201, 'upload');
	return r.body;
}

export async function createProvider(srv, token, name = 'Provider ' + (++seq)) {
	const r = await srv.req('POST', '/v1/providers', { token, body: { name } });
	assertStatus(r, 201, 'create provider');
	return r.body;
}

/** Apply for qualification with one uploaded licence. Returns the application. */
export async function apply(srv, token, providerId, { legalName, kind = 'company', licenceNo = '91310000MA1FL0000X', documents } = {}) {
	const docs = documents ?? [(await uploadPdf(srv, token)).id];
	const r = await srv.req('POST', `/v1/providers/${providerId}/application`, {
		token,
		body: { entity_kind: kind, legal_name: legalName, licence_no: licenceNo, documents: docs },
	});
	assertStatus(r, 201, 'apply');
	return r.body;
}

/** The pending qualification review of a provider. */
export async function pendingReview(srv, opToken, providerId) {
	const r = await srv.req('GET', '/v1/reviews?kind=qualification&state=pending&limit=200', { token: opToken });
	assertStatus(r, 200, 'review queue');
	const rv = r.body.items.find((x) => x.provider_id === providerId);
	assert.ok(rv, `no pending qualification review for provider ${providerId}`);
	return rv;
}

export async function decide(srv, opToken, reviewId, decision, reasons) {
	const body = reasons ? { decision, reasons } : { decision };
	return srv.req('POST', `/v1/reviews/${reviewId}/decision`, { token: opToken, body });
}

/**
 * Walk a provider to "certified": create, upload, apply, approve (as the
 * admin), certify. Returns the provider as read after certification.
 */
export async function certifiedProvider(srv, owner, { name, legalName } = {}) {
	seq += 1;
	legalName = legalName ?? `测试科技有限公司${seq}`;
	const prov = await createProvider(srv, owner.token, name ?? `Apps ${seq}`);
	await apply(srv, owner.token, prov.id, { legalName });
	const admin = await adminToken(srv);
	const rv = await pendingReview(srv, admin, prov.id);
	assertStatus(await decide(srv, admin, rv.id, 'approve'), 200, 'approve');
	const c = await srv.req('POST', `/v1/providers/${prov.id}/certification`, { token: owner.token, body: { legal_name: legalName } });
	assertStatus(c, 200, 'certify');
	assert.equal(c.body.state, 'certified');
	return { ...c.body, legalName };
}

/** The mail worker may deliver queued mail at any moment: compare the
 * outbox rows without its delivery bookkeeping (a new mail is still seen). */
const MAIL_WORKER_COLUMNS = ['state', 'attempts', 'next_attempt_at', 'last_error', 'sent_at'];
/** Likewise the push worker with the event outbox, and its attempt log. */
const PUSH_WORKER_COLUMNS = ['state', 'attempts', 'next_attempt_at', 'lease_until', 'delivered_at', 'last_error'];
/** The ticket schedule writes a verify ticket for every app that can take
 * one, on its own clock: an app created just before a refused request may
 * get its first ticket in the middle of the comparison. Those rows are the
 * schedule's, never the request's. */
const TICKET_KIND = 'component_verify_ticket';
/* A refused request of a signed-in caller still records that its session
 * or API token was used (to the minute): bookkeeping, not a change. */
const LAST_USE = ['sessions', 'api_tokens'];
const STAFF_NOTICE_TABLES = ['review_notices', 'staff_notices', 'staff_settings'];
function normalise(snap, ignore) {
	for (const t of ignore) delete snap[t];
	if (snap.emails) for (const row of snap.emails) for (const c of MAIL_WORKER_COLUMNS) delete row[c];
	if (snap.outbox) {
		snap.outbox = snap.outbox.filter((row) => row.kind !== TICKET_KIND);
		for (const row of snap.outbox) for (const c of PUSH_WORKER_COLUMNS) delete row[c];
	}
	delete snap.deliveries;
	delete snap.verify_tickets;
	// the worker renews its leases on its own schedule (section 21 of the
	// operator guide), whatever a request did
	delete snap.leases;
	for (const t of LAST_USE) if (snap[t]) for (const row of snap[t]) delete row.last_used_at;
	// the worker tells staff about reviews on its own schedule (REV-1):
	// inbox notices, the daily digest mail and what it remembers of both
	for (const t of STAFF_NOTICE_TABLES) delete snap[t];
	if (snap.notifications) snap.notifications = snap.notifications.filter((row) => !String(row.kind).startsWith('review.'));
	if (snap.emails) snap.emails = snap.emails.filter((row) => !/review digest|审核摘要/.test(String(row.subject)));
	return snap;
}

/** Tables where a refused request may legitimately leave a trace. */
export const FAILURE_TABLES = ['login_failures', 'email_codes'];

/**
 * Run fn and assert that the database is the same before and after,
 * ignoring the tables where a failure is itself recorded.
 */
export async function expectUnchanged(srv, fn, { ignore = FAILURE_TABLES } = {}) {
	const before = normalise(srv.dbSnapshot(), ignore);
	const result = await fn();
	const after = normalise(srv.dbSnapshot(), ignore);
	for (const t of Object.keys(before)) assert.deepEqual(after[t], before[t], `table ${t} changed`);
	assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort(), 'set of tables changed');
	return result;
}

/**
 * Create an operator API key of scope host with the CLI (`kaifang apikey
 * create`), which prints the key once on stdout. Returns {key, id, name}.
 */
export function hostApiKey(srv, name = 'host product') {
	const r = srv.cli(['apikey', 'create', '--scope', 'host', '--name', name]);
	assert.equal(r.status, 0, `apikey create failed: ${r.stderr}`);
	const key = r.stdout.trim();
	assert.match(key, /^kfk_[0-9a-f]{64}$/, `apikey create printed ${JSON.stringify(r.stdout)}`);
	const m = /API key (\d+)/.exec(r.stderr);
	assert.ok(m, `apikey create did not name the key's id: ${r.stderr}`);
	return { key, id: Number(m[1]), name };
}

/** Revoke an operator API key with the CLI. */
export function revokeApiKey(srv, id) {
	const r = srv.cli(['apikey', 'revoke', String(id)]);
	assert.equal(r.status, 0, `apikey revoke ${id} failed: ${r.stderr}`);
	return r;
}

let hostSeq = 0;
/** Fresh host account fields; owner_email must be given or overridden. */
export function hostFields(over = {}) {
	hostSeq += 1;
	const n = `${process.pid % 10000}-${hostSeq}`;
	return { external_id: `ext-${n}`, kind: 'mini_program', name: `Host ${n}`, ...over };
}

/** Provision a host account with an API key (201). Returns the account. */
export async function provisionHost(srv, key, over = {}) {
	const r = await srv.req('POST', '/v1/host-accounts', { token: key, body: hostFields(over) });
	assertStatus(r, 201, 'provision host account');
	return r.body;
}

/** The kfi_ token of the newest invitation mail to `to`. */
export async function invitationToken(srv, to, opts = {}) {
	const body = await srv.readMail(to, { match: /kfi_/, ...opts });
	const m = /kfi_[0-9a-f]+/.exec(body);
	if (!m) throw new Error(`no invitation token in mail: ${body}`);
	return m[0];
}
