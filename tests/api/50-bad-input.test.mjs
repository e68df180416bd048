// Bad input on every route of the route tables: no or dead credentials,
// missing fields, wrong types, unknown fields, malformed and oversized
// bodies, someone else's ids, the wrong role and an expired session. Each
// refusal is checked for its error and for leaving the database unchanged
// (except login_failures and email_codes, where a failure is itself
// recorded).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from './helpers/apps.mjs';
import {
	registerUser, operator, adminToken, publishAgreement, assertError, assertStatus, expectUnchanged,
	uploadPdf, pdf, createProvider, apply, pendingReview, login, person,
	hostApiKey, revokeApiKey, hostFields, provisionHost, invitationToken, certifiedProvider,
} from './helpers/flows.mjs';

const DAY = 86400;

// The routes the server under test serves, with their auth level, from its
// own /v1/openapi.json (a unit test keeps that document equal to the route
// tables of src/api/*.c): a new route without a case here fails the
// coverage test below.
async function servedRoutes(srv) {
	const r = await srv.req('GET', '/v1/openapi.json');
	assert.equal(r.status, 200);
	const out = [];
	for (const [pattern, item] of Object.entries(r.body.paths || {}))
		for (const [m, op] of Object.entries(item))
			if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) out.push({ method: m.toUpperCase(), pattern, auth: op['x-kaifang-auth'] });
	return out;
}

/*
 * One case per route:
 *   auth    none | user | operator | admin | hostkey (as in the route table)
 *   path    (c) => concrete path for the caller's own (or a visible) object
 *   foreign (c) => path naming another provider's / person's object
 *   as      (c) => token of a caller allowed to use the route
 *   body    (c) => a valid JSON body (routes that take one)
 *   fields  [[name, type, required]] of the JSON body
 *   raw     the body is a raw upload
 */
const S = 'string';
const I = 'int';
const A = 'array';
const B = 'bool';
const O = 'object';
const CASES = {
	'GET /healthz': { auth: 'none', path: () => '/healthz' },
	'GET /readyz': { auth: 'none', path: () => '/readyz' },
	'GET /v1/openapi.json': { auth: 'none', path: () => '/v1/openapi.json' },
	'POST /v1/_test/clock': { auth: 'none', path: () => '/v1/_test/clock', body: () => ({ advance_seconds: 0 }), fields: [['advance_seconds', I, true]] },
	'POST /v1/users': {
		auth: 'none', path: () => '/v1/users',
		body: () => ({ email: 'new.person@example.com', mobile: '13700000001', password: 'long-enough-password', name: 'New Person' }),
		fields: [['email', S, true], ['mobile', S, true], ['password', S, true], ['name', S, true]],
	},
	'POST /v1/sessions': { auth: 'none', path: () => '/v1/sessions', body: (c) => ({ login: c.a.email, password: 'wrong-password-1' }), fields: [['login', S, true], ['password', S, true]] },
	'DELETE /v1/sessions/current': { auth: 'user', path: () => '/v1/sessions/current' },
	'GET /v1/sessions': { auth: 'user', path: () => '/v1/sessions' },
	'DELETE /v1/sessions/{id}': { auth: 'user', path: (c) => `/v1/sessions/${c.aSession.id}`, foreign: (c) => `/v1/sessions/${c.aSession.id}`, foreignCode: [404, 'not_found'] },
	'POST /v1/me/password': {
		auth: 'user', path: () => '/v1/me/password', body: (c) => ({ current_password: c.a.password, new_password: `${c.a.password}-new` }),
		fields: [['current_password', S, true], ['new_password', S, true]],
	},
	'GET /v1/me': { auth: 'user', path: () => '/v1/me' },
	// staff security (189-second-factor): the second factor is staff's (auditors too: KF_RF_SELF)
	'GET /v1/me/second-factor': { auth: 'user', path: () => '/v1/me/second-factor' },
	'POST /v1/me/second-factor': { auth: 'operator', path: () => '/v1/me/second-factor', as: (c) => c.ops.token },
	'DELETE /v1/me/second-factor': { auth: 'operator', path: () => '/v1/me/second-factor', as: (c) => c.ops.token },
	'POST /v1/me/second-factor/confirm': {
		auth: 'operator', path: () => '/v1/me/second-factor/confirm', as: (c) => c.ops.token, body: () => ({ code: '000000' }),
		fields: [['code', S, true]],
	},
	'POST /v1/sessions/current/reauth': {
		auth: 'user', path: () => '/v1/sessions/current/reauth', body: () => ({ password: 'wrong-password-1' }),
		fields: [['password', S, false], ['code', S, false], ['recovery_code', S, false]],
	},
	'PATCH /v1/me': { auth: 'user', path: () => '/v1/me', body: () => ({ language: 'en' }), fields: [['language', S, false]] },
	'POST /v1/email-verification:confirm': { auth: 'none', path: () => '/v1/email-verification:confirm', body: () => ({ token: 'kfv_nothing' }), fields: [['token', S, true]] },
	'POST /v1/password-resets': { auth: 'none', path: () => '/v1/password-resets', body: () => ({ login: 'nobody@example.com' }), fields: [['login', S, true]] },
	'POST /v1/password-resets:complete': {
		auth: 'none', path: () => '/v1/password-resets:complete', body: () => ({ token: 'kfr_nothing', password: 'long-enough-password-1' }),
		fields: [['token', S, true], ['password', S, true]],
	},
	'POST /v1/me/email-verification': { auth: 'user', path: () => '/v1/me/email-verification', body: () => ({ code: '000000' }), fields: [['code', S, true]] },
	'POST /v1/me/email-verification:resend': { auth: 'user', path: () => '/v1/me/email-verification:resend' },
	'GET /v1/me/api-tokens': { auth: 'user', path: () => '/v1/me/api-tokens' },
	'POST /v1/me/api-tokens': { auth: 'user', path: () => '/v1/me/api-tokens', body: () => ({ name: 'bad-input', expires_in_days: 5 }), fields: [['name', S, true], ['expires_in_days', I, false]] },
	'GET /v1/me/export': { auth: 'user', path: () => '/v1/me/export' },
	'GET /v1/me/deletion': { auth: 'user', path: () => '/v1/me/deletion' },
	// alpha owns a provider: refused (ONB-10) before the password is checked
	'POST /v1/me/deletion': { auth: 'user', path: () => '/v1/me/deletion', body: () => ({ password: 'wrong-password-1' }), fields: [['password', S, true]] },
	'DELETE /v1/me/api-tokens/{id}': { auth: 'user', path: (c) => `/v1/me/api-tokens/${c.aToken.id}`, foreign: (c) => `/v1/me/api-tokens/${c.aToken.id}`, foreignCode: [404, 'not_found'] },
	'GET /v1/agreements': { auth: 'none', path: () => '/v1/agreements' },
	'POST /v1/agreements': {
		auth: 'admin', path: () => '/v1/agreements', as: (c) => c.admin,
		body: (c) => ({ key: 'terms', version: 2, title: 'Terms v2', body: 'New terms.', effective_at: c.now + 30 * DAY, notice_days: 15, required_for: ['all'], change_kind: 'rules' }),
		fields: [['key', S, true], ['version', I, true], ['title', S, true], ['body', S, true], ['effective_at', I, true], ['notice_days', I, true], ['required_for', A, false], ['change_kind', S, false]],
	},
	'POST /v1/agreements/{key}/consents': { auth: 'user', path: () => '/v1/agreements/terms/consents', body: () => ({ version: 1 }), fields: [['version', I, true]] },
	'POST /v1/providers': {
		auth: 'user', path: () => '/v1/providers', body: () => ({ name: 'Bad Input Apps', contact_name: 'X', contact_email: 'x@example.com', contact_phone: '13600000000', address: 'Somewhere' }),
		fields: [['name', S, true], ['contact_name', S, false], ['contact_email', S, false], ['contact_phone', S, false], ['address', S, false]],
	},
	'GET /v1/providers': { auth: 'user', path: () => '/v1/providers' },
	'GET /v1/providers/{id}': { auth: 'user', path: (c) => `/v1/providers/${c.pa.id}`, foreign: (c) => `/v1/providers/${c.pa.id}` },
	'PATCH /v1/providers/{id}': {
		auth: 'user', path: (c) => `/v1/providers/${c.pa.id}`, foreign: (c) => `/v1/providers/${c.pa.id}`, body: () => ({ name: 'Renamed Apps' }),
		fields: [['name', S, false], ['contact_name', S, false], ['contact_email', S, false], ['contact_phone', S, false], ['address', S, false]],
	},
	'GET /v1/providers/{id}/members': { auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/members`, foreign: (c) => `/v1/providers/${c.pa.id}/members` },
	'POST /v1/providers/{id}/members': {
		auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/members`, foreign: (c) => `/v1/providers/${c.pa.id}/members`, body: (c) => ({ email: c.b.email, role: 'member' }),
		fields: [['email', S, true], ['role', S, false]],
	},
	'DELETE /v1/providers/{id}/members/{user_id}': { auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/members/${c.a.id}`, foreign: (c) => `/v1/providers/${c.pa.id}/members/${c.a.id}` },
	'POST /v1/providers/{id}/application': {
		auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/application`, foreign: (c) => `/v1/providers/${c.pa.id}/application`,
		body: (c, who = 'a') => ({ entity_kind: 'company', legal_name: 'Bad Input Co', licence_no: 'BI-1', documents: [who === 'b' ? c.fb.id : c.fa.id], adult_with_capacity: true }),
		fields: [['entity_kind', S, true], ['legal_name', S, true], ['licence_no', S, true], ['documents', A, false], ['adult_with_capacity', B, false]],
	},
	'GET /v1/providers/{id}/application': { auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/application`, foreign: (c) => `/v1/providers/${c.pa.id}/application` },
	'POST /v1/providers/{id}/certification': {
		auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/certification`, foreign: (c) => `/v1/providers/${c.pa.id}/certification`,
		body: () => ({ legal_name: 'Bad Input Co' }), fields: [['legal_name', S, true]],
	},
	'POST /v1/providers/{id}/cancellation': { auth: 'user', path: (c) => `/v1/providers/${c.pa.id}/cancellation`, foreign: (c) => `/v1/providers/${c.pa.id}/cancellation` },
	'POST /v1/providers/{id}/reverification': {
		auth: 'operator', path: (c) => `/v1/providers/${c.pa.id}/reverification`, as: (c) => c.reviewer.token,
		body: () => ({ reason: 'check again' }), fields: [['reason', S, true]],
	},
	'POST /v1/providers/{id}/ban': {
		auth: 'admin', path: (c) => `/v1/providers/${c.pa.id}/ban`, as: (c) => c.admin,
		body: () => ({ reason: 'bad behaviour' }), fields: [['reason', S, true], ['suspend_apps', B, false]],
	},
	// the operator's staff, audit log and system figures (issue 12)
	'GET /v1/operators': { auth: 'operator', path: () => '/v1/operators', as: (c) => c.reviewer.token },
	'POST /v1/operators': {
		auth: 'admin', path: () => '/v1/operators', as: (c) => c.admin,
		body: () => ({ email: 'bad.input.staff@example.com', name: 'Bad Input Staff', role: 'auditor' }),
		fields: [['email', S, true], ['name', S, true], ['role', S, true], ['password', S, false], ['mobile', S, false]],
	},
	'GET /v1/operators/{id}': { auth: 'operator', path: () => '/v1/operators/1', as: (c) => c.reviewer.token },
	'PATCH /v1/operators/{id}': {
		auth: 'admin', path: () => '/v1/operators/1', as: (c) => c.admin,
		body: () => ({ role: 'admin' }), fields: [['role', S, false], ['status', S, false]],
	},
	'GET /v1/audit': { auth: 'operator', path: () => '/v1/audit', as: (c) => c.reviewer.token },
	'GET /v1/audit/verify': { auth: 'operator', path: () => '/v1/audit/verify', as: (c) => c.reviewer.token },
	'GET /v1/system': { auth: 'operator', path: () => '/v1/system', as: (c) => c.reviewer.token },
	'GET /v1/reviews': { auth: 'operator', path: () => '/v1/reviews', as: (c) => c.reviewer.token },
	'GET /v1/reviews/{id}': { auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}`, as: (c) => c.reviewer.token },
	'GET /v1/reviews/{id}/context': { auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}/context`, as: (c) => c.reviewer.token },
	'POST /v1/reviews/{id}/decision': {
		auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}/decision`, as: (c) => c.reviewer.token,
		body: () => ({ decision: 'reject', reasons: [{ rule: 'ONB-3', field: 'documents', message: 'unreadable' }] }),
		fields: [['decision', S, true], ['reasons', A, false], ['evidence_holds', B, false]],
	},
	// the review queue (REV-1): the body is {assignee_id: id | null}, so the
	// field is not "required" for the generic tests (null is a value here)
	'POST /v1/reviews/{id}/assignee': {
		auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}/assignee`, as: (c) => c.reviewer.token,
		body: () => ({ assignee_id: null }), fields: [['assignee_id', I, false]],
	},
	'GET /v1/reviews/counts': { auth: 'operator', path: () => '/v1/reviews/counts', as: (c) => c.reviewer.token },
	'POST /v1/reviews/{id}/claim': { auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}/claim`, as: (c) => c.reviewer.token },
	'POST /v1/reviews/{id}/release': { auth: 'operator', path: (c) => `/v1/reviews/${c.review.id}/release`, as: (c) => c.reviewer.token },
	// notices to staff (REV-1): an admin switches a reviewer's digest
	'GET /v1/staff/notices': { auth: 'admin', path: () => '/v1/staff/notices', as: (c) => c.admin },
	'PUT /v1/staff/{user_id}/notices': {
		auth: 'admin', path: (c) => `/v1/staff/${c.reviewerId}/notices`, as: (c) => c.admin,
		body: () => ({ digest: false }), fields: [['digest', B, true]],
	},
	// authenticity certification (APP-9) of alpha's certified provider
	'POST /v1/providers/{id}/authenticity': {
		auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/authenticity`, foreign: (c) => `/v1/providers/${c.pc.id}/authenticity`,
		body: (c, who = 'a') => ({ documents: [who === 'b' ? c.fb.id : c.fa.id], statement: 'We are who we say we are.' }),
		fields: [['documents', A, true], ['statement', S, true]],
	},
	'GET /v1/providers/{id}/authenticity': { auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/authenticity`, foreign: (c) => `/v1/providers/${c.pc.id}/authenticity` },
	'POST /v1/files': { auth: 'user', path: () => '/v1/files?name=x.pdf', raw: true },
	'GET /v1/files/{id}': { auth: 'user', path: (c) => `/v1/files/${c.fa.id}`, foreign: (c) => `/v1/files/${c.fa.id}`, foreignCode: [404, 'file_not_found'] },
	'GET /v1/files/{id}/content': { auth: 'user', path: (c) => `/v1/files/${c.fa.id}/content`, foreign: (c) => `/v1/files/${c.fa.id}/content`, foreignCode: [404, 'file_not_found'] },
	'GET /v1/inbox': { auth: 'user', path: () => '/v1/inbox' },
	'GET /v1/inbox/unread-count': { auth: 'user', path: () => '/v1/inbox/unread-count' },
	'POST /v1/inbox/{id}/read': { auth: 'user', path: (c) => `/v1/inbox/${c.aMessage.id}/read`, foreign: (c) => `/v1/inbox/${c.aMessage.id}/read`, foreignCode: [404, 'not_found'] },
	// host accounts: the hostkey routes have their own describe below (with
	// the host product's API key, c.key, and c.host, a host account of c.a)
	'POST /v1/host-accounts': {
		auth: 'hostkey', path: () => '/v1/host-accounts', as: (c) => c.key,
		body: (c) => ({ external_id: 'bad-input-1', kind: 'shop', name: 'Bad Input Shop', owner_email: c.a.email }),
		fields: [['external_id', S, true], ['kind', S, true], ['name', S, true], ['owner_email', S, true]],
	},
	'GET /v1/host-accounts': { auth: 'hostkey', path: () => '/v1/host-accounts', as: (c) => c.key },
	'GET /v1/host-accounts/{id}': { auth: 'hostkey', path: (c) => `/v1/host-accounts/${c.host.id}`, as: (c) => c.key },
	'PATCH /v1/host-accounts/{id}': {
		auth: 'hostkey', path: (c) => `/v1/host-accounts/${c.host.id}`, as: (c) => c.key,
		body: (c) => ({ kind: 'enterprise', name: 'Renamed Shop', owner_email: c.a.email }),
		fields: [['kind', S, false], ['name', S, false], ['owner_email', S, false]],
	},
	'DELETE /v1/host-accounts/{id}': { auth: 'hostkey', path: (c) => `/v1/host-accounts/${c.host.id}`, as: (c) => c.key },
	'GET /v1/me/host-accounts': { auth: 'user', path: () => '/v1/me/host-accounts' },
	// apps (c.pc: a certified provider of alpha with an ICP filing; c.app: its
	// draft app, without callback URLs; c.event: an event id of that app)
	'GET /metrics': { auth: 'none', path: () => '/metrics' },
	'POST /v1/providers/{id}/apps': {
		auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/apps`, foreign: (c) => `/v1/providers/${c.pc.id}/apps`,
		body: () => ({
			name: 'Bad Input Weather', intro: 'Forecasts.', website: 'https://www.example.com/', icp_no: '京ICP备12345678号', audience: 'public', permission_sets: [1],
			dev: { auth_domain: 'auth.example.com', message_token: 'BadInput1', aes_key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', server_domains: ['example.com'] },
		}),
		fields: [['name', S, true], ['icon_file', I, false], ['intro', S, false], ['website', S, false], ['icp_no', S, false], ['audience', S, false], ['permission_sets', A, false], ['dev', O, false]],
	},
	'GET /v1/providers/{id}/apps': { auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/apps`, foreign: (c) => `/v1/providers/${c.pc.id}/apps` },
	'GET /v1/providers/{id}/icp-filings': { auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/icp-filings`, foreign: (c) => `/v1/providers/${c.pc.id}/icp-filings` },
	'POST /v1/providers/{id}/icp-filings': {
		auth: 'user', path: (c) => `/v1/providers/${c.pc.id}/icp-filings`, foreign: (c) => `/v1/providers/${c.pc.id}/icp-filings`,
		body: () => ({ domain: 'example.org', icp_no: '京ICP备12345678号' }), fields: [['domain', S, true], ['icp_no', S, true]],
	},
	'GET /v1/apps': { auth: 'user', path: () => '/v1/apps' },
	'GET /v1/apps/{id}/secrets': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/secrets`, foreign: (c) => `/v1/apps/${c.app.app_id}/secrets`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}`, foreign: (c) => `/v1/apps/${c.app.app_id}`, foreignCode: [404, 'app_not_found'] },
	'PATCH /v1/apps/{id}': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}`, foreign: (c) => `/v1/apps/${c.app.app_id}`, foreignCode: [404, 'app_not_found'],
		body: () => ({ intro: 'Patched intro.' }),
		fields: [['name', S, false], ['icon_file', I, false], ['intro', S, false], ['website', S, false], ['icp_no', S, false], ['audience', S, false], ['permission_sets', A, false], ['dev', O, false]],
	},
	'DELETE /v1/apps/{id}': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}`, foreign: (c) => `/v1/apps/${c.app.app_id}`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}/configs': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/configs`, foreign: (c) => `/v1/apps/${c.app.app_id}/configs`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/configs:activate': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/configs:activate`, foreign: (c) => `/v1/apps/${c.app.app_id}/configs:activate`, foreignCode: [404, 'app_not_found'] },
	// the body is optional here (none = grace 0), so it is not among the JSON
	// routes of the generic tests; its fields are checked in 'app routes' below
	'POST /v1/apps/{id}/secret:rotate': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/secret:rotate`, foreign: (c) => `/v1/apps/${c.app.app_id}/secret:rotate`, foreignCode: [404, 'app_not_found'],
		body: () => ({ grace_seconds: 60 }),
	},
	// the emergency stop (AUTH-5): c.app is a draft, so a valid suspension ends in 409 invalid_state
	'POST /v1/apps/{id}/suspend': {
		auth: 'admin', path: (c) => `/v1/apps/${c.app.app_id}/suspend`, as: (c) => c.admin,
		body: () => ({ reason: 'data leak', rule: 'GOV-7' }), fields: [['reason', S, true], ['rule', S, true]],
	},
	'POST /v1/apps/{id}/unsuspend': { auth: 'admin', path: (c) => `/v1/apps/${c.app.app_id}/unsuspend`, as: (c) => c.admin },
	// objections (GOV-6): no measure exists in the fixtures, so a valid body ends in 404 measure_not_found
	'GET /v1/me/measures': { auth: 'user', path: () => '/v1/me/measures' },
	'GET /v1/measures/{id}/objections': { auth: 'user', path: () => '/v1/measures/999999/objections' },
	'POST /v1/measures/{id}/objections': {
		auth: 'user', path: () => '/v1/measures/999999/objections',
		body: () => ({ text: '已整改' }), fields: [['text', S, true], ['files', A, false]],
	},
	'GET /v1/objections': { auth: 'operator', path: () => '/v1/objections?state=pending', as: (c) => c.reviewer.token },
	'POST /v1/objections/{id}/decision': {
		auth: 'operator', path: () => '/v1/objections/999999/decision', as: (c) => c.admin,
		body: () => ({ decision: 'reject', note: 'n' }), fields: [['decision', S, true], ['note', S, false]],
	},
	// governance (issue 13, GOV-2..7): c.app is a draft, so it cannot be withdrawn (409); measure 999999 does not exist
	'POST /v1/apps/{id}/violations': {
		auth: 'operator', path: (c) => `/v1/apps/${c.app.app_id}/violations`, as: (c) => c.ops.token,
		body: () => ({ level: 3, rule: 'GOV-3', evidence: 'fails at sign-in' }),
		fields: [['level', I, false], ['rule', S, true], ['evidence', S, true], ['evidence_files', A, false], ['kind', S, false], ['severe', B, false]],
	},
	'GET /v1/apps/{id}/violations': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/violations`, foreign: (c) => `/v1/apps/${c.app.app_id}/violations`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}/measures': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/measures`, foreign: (c) => `/v1/apps/${c.app.app_id}/measures`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/withdrawal': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/withdrawal`, foreign: (c) => `/v1/apps/${c.app.app_id}/withdrawal`, foreignCode: [403, 'provider_member_required'] },
	'DELETE /v1/apps/{id}/withdrawal': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/withdrawal`, foreign: (c) => `/v1/apps/${c.app.app_id}/withdrawal`, foreignCode: [403, 'provider_member_required'] },
	'POST /v1/measures': {
		auth: 'operator', path: () => '/v1/measures', as: (c) => c.ops.token,
		body: (c) => ({ kind: 'search_ban', app_id: c.app.app_id, rule: 'GOV-7', reason: 'keyword stuffing' }),
		fields: [['kind', S, true], ['app_id', S, false], ['provider_id', I, false], ['rule', S, true], ['reason', S, true], ['weight', I, false], ['starts_at', I, false], ['ends_at', I, false]],
	},
	'GET /v1/measures': { auth: 'operator', path: () => '/v1/measures', as: (c) => c.ops.token },
	'GET /v1/measures/{id}': { auth: 'user', path: () => '/v1/measures/999999' },
	'POST /v1/measures/{id}/end': {
		auth: 'operator', path: () => '/v1/measures/999999/end', as: (c) => c.ops.token,
		body: () => ({ reason: 'lifted' }), fields: [['reason', S, true], ['note', S, false]],
	},
	// operating providers and apps (issue 12): c.pa is not banned, so a valid lift ends in 409 not_banned
	'POST /v1/providers/{id}/unban': {
		auth: 'admin', path: (c) => `/v1/providers/${c.pa.id}/unban`, as: (c) => c.admin,
		body: () => ({ reason: 'cleared' }), fields: [['reason', S, true]],
	},
	'GET /v1/staff/apps': { auth: 'operator', path: () => '/v1/staff/apps', as: (c) => c.reviewer.token },
	'GET /v1/staff/apps/{id}': { auth: 'operator', path: (c) => `/v1/staff/apps/${c.app.app_id}`, as: (c) => c.reviewer.token },
	'GET /v1/staff/providers/{id}': { auth: 'operator', path: (c) => `/v1/staff/providers/${c.pa.id}`, as: (c) => c.reviewer.token },
	'POST /v1/apps/{id}/creation-review': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/creation-review`, foreign: (c) => `/v1/apps/${c.app.app_id}/creation-review`, foreignCode: [404, 'app_not_found'] },
	// the capability check (APP-9): c.app is a draft, so a run is refused
	// (409 invalid_state) and there is no result (404 check_run_not_found)
	'POST /v1/apps/{id}/checks:run': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/checks:run`, foreign: (c) => `/v1/apps/${c.app.app_id}/checks:run`, foreignCode: [404, 'app_not_found'] },
	// the release pipeline (APP-6, APP-7, APP-9): c.app is a draft, so both submissions end in 409 invalid_state
	'POST /v1/apps/{id}/release-review': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/release-review`, foreign: (c) => `/v1/apps/${c.app.app_id}/release-review`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/change-review': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/change-review`, foreign: (c) => `/v1/apps/${c.app.app_id}/change-review`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}/submissions': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/submissions`, foreign: (c) => `/v1/apps/${c.app.app_id}/submissions`, foreignCode: [404, 'app_not_found'] },
	// c.app has no submission: withdrawing one is 404 submission_not_found
	'POST /v1/apps/{id}/submissions/{submission}:withdraw': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/submissions/1:withdraw`, foreign: (c) => `/v1/apps/${c.app.app_id}/submissions/1:withdraw`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}/checks': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/checks`, foreign: (c) => `/v1/apps/${c.app.app_id}/checks`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/endpoints:verify': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/endpoints:verify`, foreign: (c) => `/v1/apps/${c.app.app_id}/endpoints:verify`, foreignCode: [404, 'app_not_found'],
		body: () => ({ endpoint: 'auth_receive_url' }), fields: [['endpoint', S, true]],
	},
	// listing applications (REV-2, REV-3): c.app is a draft, so valid bodies end in 409 app_not_released;
	// the search listing takes no body (or {}), so it is not among the JSON routes
	'POST /v1/apps/{id}/search-listing': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/search-listing`, foreign: (c) => `/v1/apps/${c.app.app_id}/search-listing`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/display-listing': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/display-listing`, foreign: (c) => `/v1/apps/${c.app.app_id}/display-listing`, foreignCode: [404, 'app_not_found'],
		body: (c, who = 'a') => ({ attestations: { established_in_field: true, team_size: 20, evidence: [who === 'b' ? c.fb.id : c.fa.id], statement: 'Ten years in the field.' } }),
		fields: [['attestations', O, true]],
	},
	'GET /v1/apps/{id}/listing-applications': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/listing-applications`, foreign: (c) => `/v1/apps/${c.app.app_id}/listing-applications`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/directory': { auth: 'none', path: () => '/v1/directory' },
	'GET /v1/market/apps': { auth: 'none', path: () => '/v1/market/apps' },
	'GET /v1/categories': { auth: 'none', path: () => '/v1/categories' },
	'GET /v1/directory/{app_id}/logo': { auth: 'none', path: (c) => `/v1/directory/${c.app.app_id}/logo` },
	'GET /v1/market/apps/{app_id}': { auth: 'none', path: (c) => `/v1/market/apps/${c.app.app_id}` },
	'GET /v1/market/apps/{app_id}/logo': { auth: 'none', path: (c) => `/v1/market/apps/${c.app.app_id}/logo` },
	'GET /v1/market/apps/{app_id}/previews/{n}': { auth: 'none', path: (c) => `/v1/market/apps/${c.app.app_id}/previews/0` },
	'POST /v1/aes-keys': { auth: 'user', path: () => '/v1/aes-keys' },
	'GET /v1/permission-sets': { auth: 'user', path: () => '/v1/permission-sets' },
	'POST /v1/permission-sets': {
		auth: 'admin', path: () => '/v1/permission-sets', as: (c) => c.admin,
		body: () => ({ id: 900, key: 'bad-input', name: '坏输入', name_en: 'Bad input', description: 'A set for bad input.', data_entrusted: 'Nothing.', apis: [], optional: true }),
		fields: [['id', I, true], ['key', S, true], ['name', S, true], ['name_en', S, true], ['description', S, true], ['data_entrusted', S, true], ['description_zh', S, false], ['data_entrusted_zh', S, false], ['apis', A, false], ['optional', B, false], ['member_data', B, false], ['capability_check', S, false]],
	},
	'GET /v1/apps/{id}/deliveries': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/deliveries`, foreign: (c) => `/v1/apps/${c.app.app_id}/deliveries`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/apps/{id}/deliveries/{event}': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/deliveries/${c.event}`, foreign: (c) => `/v1/apps/${c.app.app_id}/deliveries/${c.event}`, foreignCode: [404, 'app_not_found'] },
	'POST /v1/apps/{id}/deliveries/{event}:replay': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/deliveries/${c.event}:replay`, foreign: (c) => `/v1/apps/${c.app.app_id}/deliveries/${c.event}:replay`, foreignCode: [404, 'app_not_found'] },
	// the listing (LST-*), its qualification documents (REV-6) and the term
	// lists (every listing field is optional: what is missing is a finding)
	'GET /v1/apps/{id}/listing': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/listing`, foreign: (c) => `/v1/apps/${c.app.app_id}/listing`, foreignCode: [404, 'app_not_found'] },
	'PUT /v1/apps/{id}/listing': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/listing`, foreign: (c) => `/v1/apps/${c.app.app_id}/listing`, foreignCode: [404, 'app_not_found'],
		body: () => ({ name: '坏输入天气', version: '1.0.0', keywords: ['天气'] }),
		fields: [['name', S, false], ['logo_file', I, false], ['category', S, false], ['intro', S, false], ['description', S, false], ['previews_desktop', A, false],
			['previews_mobile', A, false], ['version', S, false], ['update_notes', S, false], ['privacy_url', S, false], ['terms_url', S, false], ['company_name', S, false],
			['company_logo_file', I, false], ['website', S, false], ['support_phone', S, false], ['keywords', A, false],
			['offers_accounts', B, false], ['account_deletion', S, false]],
	},
	'POST /v1/apps/{id}/listing:check': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/listing:check`, foreign: (c) => `/v1/apps/${c.app.app_id}/listing:check`, foreignCode: [404, 'app_not_found'],
		body: () => ({ name: '坏输入天气', version: '1.0.0', keywords: ['天气'] }),
		fields: [['name', S, false], ['logo_file', I, false], ['category', S, false], ['intro', S, false], ['description', S, false], ['previews_desktop', A, false],
			['previews_mobile', A, false], ['version', S, false], ['update_notes', S, false], ['privacy_url', S, false], ['terms_url', S, false], ['company_name', S, false],
			['company_logo_file', I, false], ['website', S, false], ['support_phone', S, false], ['keywords', A, false],
			['offers_accounts', B, false], ['account_deletion', S, false]],
	},
	'GET /v1/apps/{id}/qualifications': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/qualifications`, foreign: (c) => `/v1/apps/${c.app.app_id}/qualifications`, foreignCode: [404, 'app_not_found'] },
	'PUT /v1/apps/{id}/qualifications/{doc}': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/qualifications/financial_licence`, foreign: (c) => `/v1/apps/${c.app.app_id}/qualifications/financial_licence`, foreignCode: [404, 'app_not_found'],
		body: (c, who = 'a') => ({ file_id: who === 'b' ? c.fb.id : c.fa.id }), fields: [['file_id', I, true]],
	},
	'POST /v1/apps/{id}/qualifications/{doc}/decision': {
		auth: 'operator', path: (c) => `/v1/apps/${c.app.app_id}/qualifications/financial_licence/decision`, as: (c) => c.reviewer.token,
		body: () => ({ decision: 'reject', reason: 'unreadable' }), fields: [['decision', S, true], ['reason', S, false]],
	},
	'GET /v1/term-lists': { auth: 'operator', path: () => '/v1/term-lists', as: (c) => c.reviewer.token },
	'GET /v1/term-lists/{list}': { auth: 'operator', path: () => '/v1/term-lists/hot_words', as: (c) => c.reviewer.token },
	'PUT /v1/term-lists/{list}': { auth: 'admin', path: () => '/v1/term-lists/hot_words', as: (c) => c.admin, body: () => ({ terms: ['红包', '免费领取'] }), fields: [['terms', A, true]] },
	'POST /v1/term-lists/{list}/test': { auth: 'operator', path: () => '/v1/term-lists/hot_words/test', as: (c) => c.reviewer.token, body: () => ({ text: '免费领取红包' }), fields: [['text', S, true]] },
	// the catalogs and announcements as admins edit them (issue 12)
	'POST /v1/categories': {
		auth: 'admin', path: () => '/v1/categories', as: (c) => c.admin,
		body: () => ({ id: 'bad_input', name_zh: '坏输入', name_en: 'Bad input', qualifications: ['bad_licence'] }),
		fields: [['id', S, true], ['name_zh', S, true], ['name_en', S, true], ['qualifications', A, false]],
	},
	'PATCH /v1/categories/{id}': {
		auth: 'admin', path: () => '/v1/categories/tools', as: (c) => c.admin,
		body: () => ({ name_en: 'Tools', qualifications: [] }),
		fields: [['name_zh', S, false], ['name_en', S, false], ['qualifications', A, false]],
	},
	'PATCH /v1/permission-sets/{id}': {
		auth: 'admin', path: () => '/v1/permission-sets/1', as: (c) => c.admin,
		body: () => ({ description: 'Bad input.', optional: true }),
		fields: [['name', S, false], ['name_en', S, false], ['description', S, false], ['description_zh', S, false], ['data_entrusted', S, false], ['data_entrusted_zh', S, false], ['apis', A, false], ['optional', B, false], ['member_data', B, false], ['capability_check', S, false]],
	},
	'GET /v1/announcements': { auth: 'none', path: () => '/v1/announcements' },
	'POST /v1/announcements': {
		auth: 'admin', path: () => '/v1/announcements', as: (c) => c.admin,
		body: () => ({ title_zh: '坏输入', title_en: 'Bad input' }),
		fields: [['title_zh', S, true], ['title_en', S, true], ['body_zh', S, false], ['body_en', S, false], ['ends_at', I, false], ['notify_providers', B, false]],
	},
	// GOV-8 campaigns (issue 13): c.app is not released, so a valid
	// registration ends in 409; campaign 999999 does not exist
	'POST /v1/apps/{id}/campaigns': {
		auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/campaigns`, foreign: (c) => `/v1/apps/${c.app.app_id}/campaigns`, foreignCode: [404, 'app_not_found'],
		body: () => ({ kind: 'push', title: 'Bad input', starts_at: 2000000000, ends_at: 2000086400 }),
		fields: [['kind', S, true], ['title', S, true], ['description', S, false], ['starts_at', I, true], ['ends_at', I, true]],
	},
	'GET /v1/apps/{id}/campaigns': { auth: 'user', path: (c) => `/v1/apps/${c.app.app_id}/campaigns`, foreign: (c) => `/v1/apps/${c.app.app_id}/campaigns`, foreignCode: [404, 'app_not_found'] },
	'GET /v1/campaigns': { auth: 'operator', path: () => '/v1/campaigns', as: (c) => c.reviewer.token },
	'POST /v1/campaigns/{id}/cancel': { auth: 'user', path: () => '/v1/campaigns/999999/cancel' },
	'POST /v1/campaigns/{id}/decision': {
		auth: 'operator', path: () => '/v1/campaigns/999999/decision', as: (c) => c.reviewer.token,
		body: () => ({ decision: 'approve' }), fields: [['decision', S, true], ['note', S, false]],
	},
	'DELETE /v1/announcements/{id}': { auth: 'admin', path: () => '/v1/announcements/999999', as: (c) => c.admin },
	'POST /v1/invitations:accept': {
		auth: 'none', path: () => '/v1/invitations:accept',
		body: () => ({ token: 'kfi_' + '0'.repeat(64), password: 'long-enough-password', mobile: '13700000002', name: 'Invited Person' }),
		fields: [['token', S, true], ['password', S, true], ['mobile', S, true], ['name', S, false]],
	},
	// authorizations as their owners see them (c.hostA: a host account of
	// c.a; c.app has no authorization of it)
	'GET /v1/host-accounts/{id}/authorizations': {
		auth: 'user', path: (c) => `/v1/host-accounts/${c.hostA.id}/authorizations`, foreign: (c) => `/v1/host-accounts/${c.hostA.id}/authorizations`, foreignCode: [404, 'host_account_not_found'],
	},
	'GET /v1/host-accounts/{id}/access-log': {
		auth: 'user', path: (c) => `/v1/host-accounts/${c.hostA.id}/access-log`, foreign: (c) => `/v1/host-accounts/${c.hostA.id}/access-log`, foreignCode: [404, 'host_account_not_found'],
	},
	'DELETE /v1/host-accounts/{id}/authorizations/{app_id}': {
		auth: 'user', path: (c) => `/v1/host-accounts/${c.hostA.id}/authorizations/${c.app.app_id}`, foreign: (c) => `/v1/host-accounts/${c.hostA.id}/authorizations/${c.app.app_id}`, foreignCode: [404, 'host_account_not_found'],
	},
	// The authorization routes take their own credentials and speak their own
	// protocols (kind): the component API (PROTOCOL.md §2–§4: HTTP 200 and
	// errcode always), the consent page (HTML), OAuth 2.0 (RFC 6749 errors)
	// and the authorizer token check. The native tests above cover them only
	// where the native conventions hold (413, 405); their own describe below
	// has the rest. cbody (c) => a valid body, given the context of that
	// describe; token: the call takes the app access token.
	'GET /v1/authorizer': { auth: 'none', kind: 'authorizer', path: () => '/v1/authorizer' },
	'POST /cgi-bin/component/api_component_token': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_component_token',
		cbody: (c) => ({ component_appid: c.app.app_id, component_appsecret: c.app.app_secret, component_verify_ticket: c.ticket }), secret: 'component_appsecret',
	},
	'POST /cgi-bin/component/api_start_push_ticket': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_start_push_ticket',
		cbody: (c) => ({ component_appid: c.app.app_id, component_secret: c.app.app_secret }), secret: 'component_secret',
	},
	'POST /cgi-bin/component/api_create_preauthcode': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_create_preauthcode', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id }),
	},
	'POST /cgi-bin/component/api_query_auth': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_query_auth', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, authorization_code: c.authCode }),
	},
	'POST /cgi-bin/component/api_authorizer_token': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_authorizer_token', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, authorizer_appid: c.host.external_id, authorizer_refresh_token: c.refresh }),
	},
	'POST /cgi-bin/component/api_get_authorizer_info': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_get_authorizer_info', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, authorizer_appid: c.host.external_id }),
	},
	'POST /cgi-bin/component/api_get_authorizer_list': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_get_authorizer_list', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, offset: 0, count: 100 }),
	},
	'POST /cgi-bin/component/api_get_authorizer_option': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_get_authorizer_option', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, authorizer_appid: c.host.external_id, option_name: 'voice_recognize' }),
	},
	'POST /cgi-bin/component/api_set_authorizer_option': {
		auth: 'none', kind: 'component', path: () => '/cgi-bin/component/api_set_authorizer_option', token: true,
		cbody: (c) => ({ component_appid: c.app.app_id, authorizer_appid: c.host.external_id, option_name: 'voice_recognize', option_value: '1' }),
	},
	// served for Kaifang's test accounts only (PROTOCOL.md §8); the
	// authorizer token of a real account gets 48001
	'POST /cgi-bin/message/custom/send': { auth: 'none', kind: 'message', path: () => '/cgi-bin/message/custom/send' },
	'GET /cgi-bin/componentloginpage': { auth: 'none', kind: 'page', path: () => '/cgi-bin/componentloginpage' },
	'POST /cgi-bin/componentloginpage': { auth: 'none', kind: 'page', path: () => '/cgi-bin/componentloginpage' },
	'GET /safe/bindcomponent': { auth: 'none', kind: 'page', path: () => '/safe/bindcomponent' },
	'POST /safe/bindcomponent': { auth: 'none', kind: 'page', path: () => '/safe/bindcomponent' },
	'GET /oauth/authorize': { auth: 'none', kind: 'page', path: () => '/oauth/authorize' },
	'POST /oauth/authorize': { auth: 'none', kind: 'page', path: () => '/oauth/authorize' },
	'GET /apps/{app_id}/install': { auth: 'none', kind: 'page', path: (c) => `/apps/${c.app.app_id}/install` },
	'POST /apps/{app_id}/install': { auth: 'none', kind: 'page', path: (c) => `/apps/${c.app.app_id}/install` },
	'POST /oauth/token': { auth: 'none', kind: 'oauth', path: () => '/oauth/token' },
	'POST /oauth/introspect': { auth: 'none', kind: 'oauth', path: () => '/oauth/introspect' },
	'POST /oauth/revoke': { auth: 'none', kind: 'oauth', path: () => '/oauth/revoke' },
	'GET /.well-known/oauth-authorization-server': { auth: 'none', kind: 'oauth', path: () => '/.well-known/oauth-authorization-server' },
};

const allEntries = Object.entries(CASES).map(([k, v]) => {
	const [method, pattern] = k.split(' ');
	return { key: k, method, pattern, ...v };
});
// people's and public routes; the host product's routes are checked below
const entries = allEntries.filter((e) => e.auth !== 'hostkey');
const hostEntries = allEntries.filter((e) => e.auth === 'hostkey');
const authed = entries.filter((e) => e.auth !== 'none');
const jsonRoutes = entries.filter((e) => e.fields);
const writes = entries.filter((e) => e.method !== 'GET');

const WRONG = {
	[S]: [12345, true, ['x'], { s: 'x' }],
	[I]: ['12', 1.5, true, [1]],
	[A]: ['x', 3, { 0: 1 }],
	[B]: ['true', 1, []],
	[O]: ['x', 1, [1], true],
};

describe('bad input on every route', () => {
	let srv;
	const c = {}; // ids and tokens the cases use

	before(async () => {
		srv = await startServer();
		c.admin = await adminToken(srv);
		await publishAgreement(srv, { key: 'terms' });
		[c.reviewer, c.ops, c.a, c.b] = await Promise.all([
			operator(srv, 'reviewer'),
			operator(srv, 'ops'),
			registerUser(srv, { tag: 'alpha' }),
			registerUser(srv, { tag: 'beta' }),
		]);
		c.pa = await createProvider(srv, c.a.token, 'Alpha Apps');
		c.pb = await createProvider(srv, c.b.token, 'Beta Apps');
		c.fa = await uploadPdf(srv, c.a.token, pdf('alpha'));
		c.fb = await uploadPdf(srv, c.b.token, pdf('beta'));
		await apply(srv, c.a.token, c.pa.id, { legalName: 'Alpha Co', documents: [c.fa.id] });
		c.review = await pendingReview(srv, c.reviewer.token, c.pa.id);
		c.reviewerId = (await srv.req('GET', '/v1/me', { token: c.reviewer.token })).body.user.id;
		const tk = await srv.req('POST', '/v1/me/api-tokens', { token: c.a.token, body: { name: 'alpha script' } });
		c.aToken = tk.body;
		// a second session of alpha's, not the one the cases use
		assertStatus(await srv.req('POST', '/v1/sessions', { body: { login: c.a.email, password: c.a.password } }), 201);
		c.aSession = (await srv.req('GET', '/v1/sessions', { token: c.a.token })).body.items.find((s) => !s.current);
		c.aMessage = (await srv.req('GET', '/v1/inbox', { token: c.a.token })).body.items[0];
		assert.ok(c.aMessage, 'alpha has an inbox message');
		// apps: a certified provider with an ICP filing and a draft app with no callback URLs
		c.pc = await certifiedProvider(srv, c.a, { name: 'Alpha Platform' });
		assertStatus(await srv.req('POST', `/v1/providers/${c.pc.id}/icp-filings`, { token: c.a.token, body: { domain: 'example.com', icp_no: '京ICP备12345678号' } }), 201);
		const app = await srv.req('POST', `/v1/providers/${c.pc.id}/apps`, { token: c.a.token, body: { name: 'Alpha Weather' } });
		assertStatus(app, 201, 'create app');
		c.app = app.body;
		c.event = '0123456789abcdef0123456789abcdef';
		// a host account of alpha's (for the authorization routes)
		c.hostA = await provisionHost(srv, hostApiKey(srv, 'bad input').key, { owner_email: c.a.email });
		c.now = await srv.now();
	});
	after(async () => {
		await srv?.stop();
	});

	function send(e, { token, body, raw, headers, p } = {}) {
		const opts = { token, headers };
		if (raw !== undefined) opts.raw = raw;
		else if (body !== undefined) opts.body = body;
		return srv.req(e.method, p ?? e.path(c), opts);
	}
	function validBody(e, who) {
		return e.body ? e.body(c, who) : undefined;
	}
	function callerOf(e) {
		return e.as ? e.as(c) : c.a.token;
	}

	test('every route the server serves (its /v1/openapi.json) has a case here, with the same auth level', async () => {
		const src = await servedRoutes(srv);
		assert.ok(src.length >= 30, `only ${src.length} routes in the OpenAPI document`);
		const missing = src.filter((r) => !CASES[`${r.method} ${r.pattern}`]).map((r) => `${r.method} ${r.pattern}`);
		assert.deepEqual(missing, [], 'routes without a bad-input case');
		const stale = Object.keys(CASES).filter((k) => !src.some((r) => `${r.method} ${r.pattern}` === k));
		assert.deepEqual(stale, [], 'cases for routes that no longer exist');
		for (const r of src) assert.equal(CASES[`${r.method} ${r.pattern}`].auth, r.auth, `auth level of ${r.method} ${r.pattern}`);
	});

	test('no credentials: every authenticated route answers 401 unauthenticated and changes nothing', async () => {
		for (const e of authed) {
			await expectUnchanged(srv, async () => {
				const r = e.raw
					? await send(e, { raw: pdf('anon'), headers: { 'Content-Type': 'application/pdf' } })
					: await send(e, { body: validBody(e) });
				assertError(r, 401, 'unauthenticated');
				assert.equal(r.headers.get('www-authenticate'), 'Bearer', `${e.key}: no WWW-Authenticate`);
			});
		}
	});

	test('unknown, malformed or foreign-looking credentials give 401 on every authenticated route', async () => {
		const bad = ['kfs_' + '0'.repeat(64), 'kfp_' + '0'.repeat(64), 'not-a-token', ''];
		await expectUnchanged(srv, async () => {
			for (const e of authed) {
				for (const t of bad) {
					const r = await srv.req(e.method, e.path(c), { headers: { Authorization: `Bearer ${t}`, ...(e.raw ? { 'Content-Type': 'application/pdf' } : {}) }, ...(e.raw ? { raw: pdf('x') } : e.body ? { body: validBody(e) } : {}) });
					assertError(r, 401, 'unauthenticated');
				}
				const r = await send(e, { body: validBody(e), headers: { Cookie: 'kf_session=kfs_nope' } });
				assertError(r, 401, 'unauthenticated');
			}
		});
	});

	test('the wrong role: people get 403 on operator and admin routes, a reviewer on admin routes', async () => {
		for (const e of entries.filter((x) => x.auth === 'operator' || x.auth === 'admin')) {
			await expectUnchanged(srv, async () => {
				const r = await send(e, { token: c.a.token, body: validBody(e) });
				assertError(r, 403, e.auth === 'admin' ? 'admin_required' : 'operator_required');
				if (e.auth === 'admin') assertError(await send(e, { token: c.reviewer.token, body: validBody(e) }), 403, 'admin_required');
			});
		}
		// deciding reviews is for reviewers and admins, not ops staff
		const d = CASES['POST /v1/reviews/{id}/decision'];
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', d.path(c), { token: c.ops.token, body: d.body(c) }), 403, 'reviewer_required');
		});
	});

	test('missing fields: every required field of every JSON route gives 400 missing_field naming it', async () => {
		for (const e of jsonRoutes) {
			for (const [name, type, required] of e.fields) {
				if (!required) continue;
				await expectUnchanged(srv, async () => {
					const body = validBody(e);
					delete body[name];
					assertError(await send(e, { token: callerOf(e), body }), 400, 'missing_field', { field: name });
					assertError(await send(e, { token: callerOf(e), body: { ...validBody(e), [name]: null } }), 400, 'missing_field', { field: name });
					if (type === S) {
						// an empty string is missing, or at least an invalid value of that field
						const r = await send(e, { token: callerOf(e), body: { ...validBody(e), [name]: '' } });
						assert.equal(r.status, 400, `${e.key} ${name}="": ${r.status} ${r.text}`);
						assert.ok(['missing_field', 'invalid_value'].includes(r.body.error.code), `${e.key} ${name}="": ${r.text}`);
						assert.equal(r.body.error.field, name);
					}
				});
			}
		}
	});

	test('wrong types: every field of every JSON route gives 400 invalid_type naming it', async () => {
		for (const e of jsonRoutes) {
			await expectUnchanged(srv, async () => {
				for (const [name, type] of e.fields) {
					for (const v of WRONG[type]) {
						const r = await send(e, { token: callerOf(e), body: { ...validBody(e), [name]: v } });
						assertError(r, 400, 'invalid_type', { field: name });
					}
				}
			});
		}
	});

	test('unknown fields: every JSON route gives 400 unknown_field naming it', async () => {
		for (const e of jsonRoutes) {
			await expectUnchanged(srv, async () => {
				// ('id' is a field of its own on some routes: then it is not unknown)
				for (const extra of ['unexpected', 'Name', 'id', '__proto__x'].filter((x) => !e.fields.some(([n]) => n === x))) {
					const r = await send(e, { token: callerOf(e), body: { ...validBody(e), [extra]: 'x' } });
					assertError(r, 400, 'unknown_field', { field: extra });
				}
			});
		}
	});

	test('malformed JSON and non-object bodies: every JSON route gives 400 invalid_json', async () => {
		for (const e of jsonRoutes) {
			await expectUnchanged(srv, async () => {
				for (const raw of ['{', '{"a":}', '[1,2]', '"s"', '', '{"a":1}{"b":2}', '\u00ff']) {
					const r = await send(e, { token: callerOf(e), raw, headers: { 'Content-Type': 'application/json' } });
					assertError(r, 400, 'invalid_json');
				}
				const r = await send(e, { token: callerOf(e), raw: '{\n\n   oops}', headers: { 'Content-Type': 'application/json' } });
				const err = assertError(r, 400, 'invalid_json');
				assert.match(err.message, /line 3/);
				assert.match(err.message, /column/);
				// the parser's message quotes the body back: bytes that are not
				// UTF-8 there still give a JSON error, not an empty object
				for (const raw of [Buffer.from('7b226e616d65223a22615c75303030d89d227d', 'hex'), Buffer.from('{"name":"\\u12\xff\xfe"}', 'latin1'), Buffer.from([0x7b, 0x22, 0xe4, 0xb8])]) {
					const r = await send(e, { token: callerOf(e), raw, headers: { 'Content-Type': 'application/json' } });
					assert.equal(typeof assertError(r, 400, 'invalid_json').message, 'string');
				}
			});
		}
	});

	test('oversized bodies: every write route gives 413 body_too_large and changes nothing', async () => {
		const jsonBig = Buffer.from('{"name":"' + 'x'.repeat(1024 * 1024) + '"}');
		const uploadBig = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
		const failures = [];
		for (const e of writes) {
			await expectUnchanged(srv, async () => {
				const r = await srv.rawRequest(e.method, e.path(c), {
					token: callerOf(e),
					body: e.raw ? uploadBig : jsonBig,
					headers: { 'Content-Type': e.raw ? 'application/pdf' : 'application/json' },
				});
				if (r.status !== 413 || r.body?.error?.code !== 'body_too_large') failures.push(`${e.key}: ${r.status || 'no response (connection reset)'} ${r.text.slice(0, 80)}`);
			});
		}
		assert.deepEqual(failures, [], 'routes that did not answer 413 body_too_large');
	});

	test("another provider's ids: every provider route answers 404 provider_not_found, never 200", async () => {
		for (const e of entries.filter((x) => x.foreign)) {
			await expectUnchanged(srv, async () => {
				const [status, code] = e.foreignCode ?? [404, 'provider_not_found'];
				const r = await send(e, { token: c.b.token, p: e.foreign(c), body: validBody(e, 'b') });
				assertError(r, status, code);
				assert.ok(!r.text.includes('Alpha'), `${e.key} leaks the other provider's data`);
			});
		}
	});

	test('ids that do not exist or are malformed give 404 on every route with an id', async () => {
		const ids = ['999999', '0', '-1', 'abc', '1.5', '99999999999999999999', '1%20'];
		const withId = entries.filter((e) => e.pattern.includes('{id}') && e.auth !== 'none');
		await expectUnchanged(srv, async () => {
			for (const e of withId) {
				for (const id of ids) {
					const p = e.pattern.replace('{id}', id).replace('{user_id}', String(c.a.id)).replace('{app_id}', c.app.app_id);
					const r = await srv.req(e.method, p, { token: callerOf(e), ...(e.body ? { body: validBody(e) } : {}) });
					assert.equal(r.status, 404, `${e.method} ${p}: expected 404, got ${r.status} ${r.text}`);
					assert.equal(r.body?.error?.request_id, r.headers.get('x-request-id'));
				}
			}
			// the operator organisation is not a provider, even for its admin
			for (const t of [c.admin, c.a.token]) assertError(await srv.req('GET', '/v1/providers/1', { token: t }), 404, 'provider_not_found');
			for (const uid of ['999999', 'abc', '0']) {
				const r = await srv.req('DELETE', `/v1/providers/${c.pa.id}/members/${uid}`, { token: c.a.token });
				assertError(r, 404, 'not_found', { field: 'user_id' });
			}
			// an app id that is malformed, unknown or not authorized by the host account
			for (const a of ['kf0000000000000000', 'nope', c.app.app_id.toUpperCase(), `${c.app.app_id}0`, 'kf' + 'f'.repeat(300)])
				assertError(await srv.req('DELETE', `/v1/host-accounts/${c.hostA.id}/authorizations/${a}`, { token: c.a.token }), 404, 'authorization_not_found', { rule: 'AUTH-2', field: 'app_id' });
		});
	});

	test('uploads: a missing or unsupported Content-Type gives 415, empty or mismatched content 400', async () => {
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', '/v1/files', { token: c.a.token, raw: pdf('x') }), 415, 'unsupported_type');
			assertError(await srv.req('POST', '/v1/files', { token: c.a.token, raw: pdf('x'), headers: { 'Content-Type': 'application/x-msdownload' } }), 415, 'unsupported_type');
			assertError(await srv.req('POST', '/v1/files', { token: c.a.token, raw: '{"json":true}', headers: { 'Content-Type': 'application/json' } }), 415, 'unsupported_type');
			assertError(await srv.req('POST', '/v1/files', { token: c.a.token, raw: Buffer.alloc(0), headers: { 'Content-Type': 'image/png' } }), 400, 'empty_file');
			assertError(await srv.req('POST', '/v1/files', { token: c.a.token, raw: Buffer.from('GIF8'), headers: { 'Content-Type': 'image/jpeg' } }), 400, 'content_mismatch');
			assertError(await srv.req('POST', `/v1/files?name=${'n'.repeat(201)}`, { token: c.a.token, raw: pdf('x'), headers: { 'Content-Type': 'application/pdf' } }), 400, 'invalid_value', { field: 'name' });
		});
	});

	test('query parameters are checked: limit, after, review kind and state', async () => {
		await expectUnchanged(srv, async () => {
			for (const p of ['/v1/providers', '/v1/inbox', '/v1/reviews']) {
				const t = p === '/v1/reviews' ? c.reviewer.token : c.a.token;
				for (const q of ['limit=0', 'limit=201', 'limit=x', 'limit=-1', 'after=-1', 'after=x'])
					assertError(await srv.req('GET', `${p}?${q}`, { token: t }), 400, 'invalid_value', { field: q.split('=')[0] });
			}
			assertError(await srv.req('GET', '/v1/reviews?kind=everything', { token: c.reviewer.token }), 400, 'invalid_value', { field: 'kind' });
			assertError(await srv.req('GET', '/v1/reviews?state=open', { token: c.reviewer.token }), 400, 'invalid_value', { field: 'state' });
		});
	});

	test('values with the right type but a bad value are refused without a change', async () => {
		const t = c.a.token;
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', '/v1/providers', { token: t, body: { name: 'x' } }), 400, 'invalid_value', { field: 'name' });
			assertError(await srv.req('POST', '/v1/providers', { token: t, body: { name: 'Fine Name', contact_phone: 'phone' } }), 400, 'invalid_mobile', { field: 'contact_phone' });
			assertError(await srv.req('POST', '/v1/providers', { token: t, body: { name: 'n'.repeat(101) } }), 400, 'too_long', { field: 'name' });
			// names need 2 characters besides white space (after NFKC and trimming)
			for (const name of [' x ', '\u3000x\u3000', 'x\t\n', '   ', '\u00a0y'])
				assertError(await srv.req('POST', '/v1/providers', { token: t, body: { name } }), 400, 'invalid_value', { field: 'name' });
			assertError(await srv.req('PATCH', `/v1/providers/${c.pa.id}`, { token: t, body: { name: ' z ' } }), 400, 'invalid_value', { field: 'name' });
			assertError(await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: -1 } }), 400, 'invalid_value');
			assertError(await srv.req('POST', `/v1/providers/${c.pa.id}/application`, { token: t, body: { entity_kind: 'company', legal_name: 'Alpha Co', licence_no: 'x', documents: [c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id, c.fa.id] } }), 400, 'too_many_items', { field: 'documents' });
			assertError(await srv.req('POST', `/v1/reviews/${c.review.id}/decision`, { token: c.reviewer.token, body: { decision: 'reject', reasons: [{ rule: 'ONB-3', field: 'x', message: 'm'.repeat(1001) }] } }), 400, 'invalid_reason');
		});
	});

	test('app routes: values of the right type but bad, and bad query parameters, are refused without a change', async () => {
		const t = c.a.token;
		const app = `/v1/apps/${c.app.app_id}`;
		await expectUnchanged(srv, async () => {
			for (const g of [-1, 86401]) assertError(await srv.req('POST', `${app}/secret:rotate`, { token: t, body: { grace_seconds: g } }), 400, 'invalid_grace', { rule: 'APP-10', field: 'grace_seconds' });
			for (const g of WRONG[I]) assertError(await srv.req('POST', `${app}/secret:rotate`, { token: t, body: { grace_seconds: g } }), 400, 'invalid_type', { field: 'grace_seconds' });
			for (const extra of ['unexpected', 'grace', 'id']) assertError(await srv.req('POST', `${app}/secret:rotate`, { token: t, body: { grace_seconds: 1, [extra]: 1 } }), 400, 'unknown_field', { field: extra });
			for (const raw of ['{', '[1]', '"s"', '{"grace_seconds":1}{}', '{"grace_seconds":1,"grace_seconds":2}'])
				assertError(await srv.req('POST', `${app}/secret:rotate`, { token: t, raw, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
			for (const endpoint of ['auth', 'AUTH_RECEIVE_URL', 'message_url ', 'x'.repeat(33)]) {
				const r = await srv.req('POST', `${app}/endpoints:verify`, { token: t, body: { endpoint } });
				assert.equal(r.status, 400, `${endpoint}: ${r.text}`);
				assert.equal(r.body.error.field, 'endpoint');
			}
			assertError(await srv.req('POST', `${app}/endpoints:verify`, { token: t, body: { endpoint: 'auth_receive_url' } }), 409, 'endpoint_not_configured', { rule: 'APP-8' });
			for (const q of ['state=open', 'state=', 'limit=0', 'limit=201', 'limit=x', 'after=-1', 'after=x'])
				assertError(await srv.req('GET', `${app}/deliveries?${q}`, { token: t }), 400, 'invalid_value', { field: q.split('=')[0] });
			for (const ev of [c.event, 'nope', '%20', 'x'.repeat(300)]) {
				assertError(await srv.req('GET', `${app}/deliveries/${ev}`, { token: t }), 404, 'event_not_found', { field: 'event' });
				assertError(await srv.req('POST', `${app}/deliveries/${ev}:replay`, { token: t }), 404, 'event_not_found', { field: 'event' });
			}
			assertError(await srv.req('POST', `${app}/configs:activate`, { token: t }), 409, 'invalid_state');
			assertError(await srv.req('POST', `${app}/checks:run`, { token: t }), 409, 'invalid_state', { rule: 'APP-9' });
			assertError(await srv.req('GET', `${app}/checks`, { token: t }), 404, 'check_run_not_found', { rule: 'APP-9' });
			assertError(await srv.req('POST', `${app}/checks:run`, { token: c.reviewer.token }), 403, 'provider_member_required');
			assertError(await srv.req('POST', `${app}/release-review`, { token: t }), 409, 'invalid_state', { rule: 'APP-6' });
			assertError(await srv.req('POST', `${app}/change-review`, { token: t }), 409, 'invalid_state', { rule: 'APP-7' });
			assertError(await srv.req('POST', `${app}/release-review`, { token: c.reviewer.token }), 403, 'provider_member_required');
			const subs = await srv.req('GET', `${app}/submissions`, { token: t });
			assert.equal(subs.status, 200, subs.text);
			assert.deepEqual(subs.body.items, [], 'a refused submission is not recorded');
			assertError(await srv.req('POST', `${app}/creation-review`, { token: t }), 400, 'missing_field', { field: 'intro' });
			assertError(await srv.req('POST', `/v1/providers/${c.pc.id}/apps`, { token: t, body: { name: 'x' } }), 400, 'invalid_name', { rule: 'APP-2', field: 'name' });
			assertError(await srv.req('PATCH', app, { token: t, body: { audience: 'nobody' } }), 400, 'invalid_audience', { field: 'audience' });
			assertError(await srv.req('PATCH', app, { token: t, body: { dev: { unknown: 1 } } }), 400, 'unknown_field', { field: 'dev.unknown' });
			assertError(await srv.req('PATCH', app, { token: t, body: { dev: { message_token: 5 } } }), 400, 'invalid_type', { field: 'dev.message_token' });
			assertError(await srv.req('POST', `/v1/providers/${c.pc.id}/icp-filings`, { token: t, body: { domain: 'example.org', icp_no: 'ICP 1' } }), 400, 'invalid_icp_no', { field: 'icp_no' });
			// the provider in qualification review has no entity yet
			assertError(await srv.req('POST', `/v1/providers/${c.pa.id}/icp-filings`, { token: t, body: { domain: 'example.org', icp_no: '京ICP备12345678号' } }), 409, 'no_entity');
			assertError(await srv.req('POST', `/v1/providers/${c.pa.id}/apps`, { token: t, body: { name: 'Not Yet' } }), 403, 'not_certified', { rule: 'ONB-7' });
			// a member of another provider is not one of this one
			assertError(await srv.req('POST', `${app}/deliveries/${c.event}:replay`, { token: c.reviewer.token }), 403, 'provider_member_required');
		});
	});

	test('review kinds and the queue: bad query parameters and values are refused without a change (REV-1, REV-2, REV-3, APP-9)', async () => {
		const t = c.a.token;
		await expectUnchanged(srv, async () => {
			for (const q of ['after=1', 'after=1.x', 'after=.', 'assignee=x', 'assignee=0', 'overdue=yes'])
				assertError(await srv.req('GET', `/v1/reviews?${q}`, { token: c.reviewer.token }), 400, 'invalid_value', { field: q.split('=')[0] });
			for (const q of ['limit=0', 'limit=101', 'after=x', 'after=7', 'featured=1', 'q=', 'category='])
				assertError(await srv.req('GET', `/v1/directory?${q}`), 400, 'invalid_value', { field: q.split('=')[0] });
			// the marketplace's list: the same parameters, a cursor instead of after, q not only spaces
			for (const q of ['limit=0', 'limit=101', 'limit=x', 'cursor=x', 'cursor=7', 'cursor=0.1', 'featured=1', 'q=', 'q=%20', 'q=%FF', 'category='])
				assertError(await srv.req('GET', `/v1/market/apps?${q}`), 400, 'invalid_value', { field: q.split('=')[0] });
			const assign = CASES['POST /v1/reviews/{id}/assignee'];
			assertError(await srv.req('POST', assign.path(c), { token: c.reviewer.token, body: {} }), 400, 'missing_field', { rule: 'REV-1', field: 'assignee_id' });
			assertError(await srv.req('POST', assign.path(c), { token: c.ops.token, body: { assignee_id: null } }), 403, 'reviewer_required');
			assertError(await srv.req('POST', assign.path(c), { token: c.admin, body: { assignee_id: c.a.id } }), 400, 'invalid_assignee', { rule: 'REV-1', field: 'assignee_id' });
			// evidence_holds belongs to display listing decisions only
			assertError(await srv.req('POST', `/v1/reviews/${c.review.id}/decision`, { token: c.reviewer.token, body: { decision: 'approve', evidence_holds: true } }), 400, 'invalid_field', { rule: 'REV-3', field: 'evidence_holds' });
			// APP-9: the owner of a certified provider, with the caller's own documents; not a provider in review
			const auth = `/v1/providers/${c.pc.id}/authenticity`;
			assertError(await srv.req('POST', auth, { token: t, body: { documents: [], statement: 'x' } }), 400, 'missing_field', { rule: 'APP-9', field: 'documents' });
			assertError(await srv.req('POST', auth, { token: t, body: { documents: ['1'], statement: 'x' } }), 400, 'invalid_type', { field: 'documents' });
			assertError(await srv.req('POST', auth, { token: t, body: { documents: [c.fb.id], statement: 'x' } }), 400, 'file_not_found', { rule: 'APP-9', field: 'documents' });
			assertError(await srv.req('POST', auth, { token: t, body: { documents: [c.fa.id], statement: 's'.repeat(2001) } }), 400, 'too_long', { field: 'statement' });
			assertError(await srv.req('POST', `/v1/providers/${c.pa.id}/authenticity`, { token: t, body: { documents: [c.fa.id], statement: 'x' } }), 403, 'not_certified', { rule: 'ONB-7' });
			assertError(await srv.req('GET', auth, { token: t }), 404, 'authenticity_not_found', { rule: 'APP-9' });
			// REV-2, REV-3: a draft app applies for nothing; attestations are checked first
			const app = `/v1/apps/${c.app.app_id}`;
			assertError(await srv.req('POST', `${app}/search-listing`, { token: t }), 409, 'app_not_released', { rule: 'REV-2' });
			assertError(await srv.req('POST', `${app}/search-listing`, { token: t, body: { x: 1 } }), 400, 'unknown_field', { field: 'x' });
			assertError(await srv.req('POST', `${app}/search-listing`, { token: t, raw: '[1]', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
			assertError(await srv.req('POST', `${app}/display-listing`, { token: t, body: { attestations: {} } }), 400, 'attestation_required', { rule: 'REV-3', field: 'attestations.established_in_field' });
			assertError(await srv.req('POST', `${app}/display-listing`, { token: t, body: { attestations: { established_in_field: true, team_size: 10, evidence: [c.fa.id] } } }), 400, 'team_too_small', { rule: 'REV-3', field: 'attestations.team_size' });
			assertError(await srv.req('POST', `${app}/display-listing`, { token: t, body: { attestations: { established_in_field: true, team_size: 11, evidence: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } } }), 400, 'too_many_items', { field: 'attestations.evidence' });
			assertError(await srv.req('POST', `${app}/display-listing`, { token: t, body: CASES['POST /v1/apps/{id}/display-listing'].body(c) }), 409, 'app_not_released', { rule: 'REV-2' });
			assertError(await srv.req('POST', `${app}/display-listing`, { token: c.reviewer.token, body: CASES['POST /v1/apps/{id}/display-listing'].body(c) }), 403, 'provider_member_required');
		});
		assertStatus(await srv.req('GET', `/v1/apps/${c.app.app_id}/listing-applications`, { token: t }), 200);
		assertStatus(await srv.req('GET', '/v1/directory'), 200);
	});

	test('a session shortly before its 7-day end still works', async () => {
		await srv.advance(7 * DAY - (await srv.now() - c.now) - 120);
		assertStatus(await srv.req('GET', '/v1/me', { token: c.a.token }), 200);
	});

	test('an expired session (clock past session-ttl, 7 d) gives 401 on every authenticated route and changes nothing', async () => {
		await srv.advance(240);
		for (const e of authed) {
			await expectUnchanged(srv, async () => {
				const token = e.as ? e.as(c) : c.a.token;
				const r = e.raw
					? await send(e, { token, raw: pdf('late'), headers: { 'Content-Type': 'application/pdf' } })
					: await send(e, { token, body: validBody(e) });
				assertError(r, 401, 'unauthenticated');
				// the cookie form expires too
				const rc = await srv.req(e.method, e.path(c), { cookie: `kf_session=${token}`, ...(e.raw ? { raw: pdf('late'), headers: { 'Content-Type': 'application/pdf' } } : e.body ? { body: validBody(e) } : {}) });
				assertError(rc, 401, 'unauthenticated');
			});
		}
		// personal API tokens without an expiry are not sessions and keep working
		assertStatus(await srv.req('GET', '/v1/me', { token: c.aToken.token }), 200);
		// signing in again works
		assertStatus(await srv.req('GET', '/v1/me', { token: await login(srv, c.a.email, c.a.password) }), 200);
	});
});

// The host product's routes take an operator API key of scope host, not a
// person's credentials. They run on a server without published agreements:
// the consent rule is for people (see 60-hosts for that case).
describe("bad input on the host product's routes (operator API key of scope host)", () => {
	let srv;
	const c = {};

	before(async () => {
		srv = await startServer();
		c.key = hostApiKey(srv, 'bad input').key;
		const revoked = hostApiKey(srv, 'revoked');
		revokeApiKey(srv, revoked.id);
		c.revokedKey = revoked.key;
		c.admin = await adminToken(srv);
		c.a = await registerUser(srv, { tag: 'hostowner' });
		c.host = await provisionHost(srv, c.key, { owner_email: c.a.email, kind: 'shop' });
		c.aToken = (await srv.req('POST', '/v1/me/api-tokens', { token: c.a.token, body: { name: 'script' } })).body.token;
		// a token's first use records last_used_at; later uses within a minute do not
		assertStatus(await srv.req('GET', '/v1/me', { token: c.aToken }), 200);
		c.invited = person('invited');
		await provisionHost(srv, c.key, { owner_email: c.invited.email });
		c.invitation = await invitationToken(srv, c.invited.email);
		await srv.mailIdle();
	});
	after(async () => {
		await srv?.stop();
	});

	function send(e, { token, body, raw, headers, p } = {}) {
		const opts = { token, headers };
		if (raw !== undefined) opts.raw = raw;
		else if (body !== undefined) opts.body = body;
		return srv.req(e.method, p ?? e.path(c), opts);
	}
	const validBody = (e) => (e.body ? e.body(c) : undefined);
	const jsonHostRoutes = hostEntries.filter((e) => e.fields);

	test('no credentials: every host route answers 401 api_key_required with WWW-Authenticate and changes nothing', async () => {
		assert.equal(hostEntries.length, 5);
		await expectUnchanged(srv, async () => {
			for (const e of hostEntries) {
				const r = await send(e, { body: validBody(e) });
				assertError(r, 401, 'api_key_required');
				assert.equal(r.headers.get('www-authenticate'), 'Bearer', `${e.key}: no WWW-Authenticate`);
			}
		});
	});

	test("people's, revoked, unknown and malformed credentials: 401 api_key_required on every host route", async () => {
		const bearer = [c.a.token, c.aToken, c.admin, c.revokedKey, 'kfk_' + '0'.repeat(64), 'kfk_', c.key.slice(0, -1), c.key + '0', c.key.toUpperCase(), 'not-a-token', ''];
		await expectUnchanged(srv, async () => {
			for (const e of hostEntries) {
				for (const t of bearer) {
					const r = await srv.req(e.method, e.path(c), { headers: { Authorization: `Bearer ${t}` }, ...(e.body ? { body: validBody(e) } : {}) });
					assertError(r, 401, 'api_key_required');
				}
				// a person's session cookie is no key; nor is the key sent with another scheme
				for (const headers of [{ Cookie: `kf_session=${c.a.token}` }, { Authorization: `Basic ${c.key}` }, { Authorization: c.key }]) {
					const r = await srv.req(e.method, e.path(c), { headers, ...(e.body ? { body: validBody(e) } : {}) });
					assertError(r, 401, 'api_key_required');
				}
			}
		});
	});

	test('missing fields: every required field gives 400 missing_field naming it', async () => {
		for (const e of jsonHostRoutes) {
			for (const [name, type, required] of e.fields) {
				if (!required) continue;
				await expectUnchanged(srv, async () => {
					const body = validBody(e);
					delete body[name];
					assertError(await send(e, { token: c.key, body }), 400, 'missing_field', { field: name });
					assertError(await send(e, { token: c.key, body: { ...validBody(e), [name]: null } }), 400, 'missing_field', { field: name });
					if (type === S) assertError(await send(e, { token: c.key, body: { ...validBody(e), [name]: '' } }), 400, 'missing_field', { field: name });
				});
			}
		}
	});

	test('wrong types: every field gives 400 invalid_type naming it', async () => {
		await expectUnchanged(srv, async () => {
			for (const e of jsonHostRoutes)
				for (const [name, type] of e.fields)
					for (const v of WRONG[type]) assertError(await send(e, { token: c.key, body: { ...validBody(e), [name]: v } }), 400, 'invalid_type', { field: name });
		});
	});

	test('unknown fields: 400 unknown_field naming it (external_id cannot be patched)', async () => {
		await expectUnchanged(srv, async () => {
			for (const e of jsonHostRoutes)
				for (const extra of ['unexpected', 'Name', 'id', 'owner_status', 'owner_id'])
					assertError(await send(e, { token: c.key, body: { ...validBody(e), [extra]: 'x' } }), 400, 'unknown_field', { field: extra });
			const patch = CASES['PATCH /v1/host-accounts/{id}'];
			assertError(await srv.req('PATCH', patch.path(c), { token: c.key, body: { external_id: 'changed' } }), 400, 'unknown_field', { field: 'external_id' });
		});
	});

	test('malformed JSON and non-object bodies: 400 invalid_json', async () => {
		await expectUnchanged(srv, async () => {
			for (const e of jsonHostRoutes) {
				for (const raw of ['{', '{"a":}', '[1,2]', '"s"', '', '{"a":1}{"b":2}', '\u00ff', '{"kind":"shop","kind":"shop"}']) {
					const r = await send(e, { token: c.key, raw, headers: { 'Content-Type': 'application/json' } });
					assertError(r, 400, 'invalid_json');
				}
			}
		});
	});

	test('oversized bodies: 413 body_too_large on every host write and changes nothing', async () => {
		const big = Buffer.from('{"name":"' + 'x'.repeat(1024 * 1024) + '"}');
		await expectUnchanged(srv, async () => {
			for (const e of hostEntries.filter((x) => x.method !== 'GET')) {
				const r = await srv.rawRequest(e.method, e.path(c), { token: c.key, body: big, headers: { 'Content-Type': 'application/json' } });
				assertError(r, 413, 'body_too_large');
			}
		});
	});

	test('ids that do not exist or are malformed: 404 host_account_not_found', async () => {
		await expectUnchanged(srv, async () => {
			for (const e of hostEntries.filter((x) => x.pattern.includes('{id}'))) {
				for (const id of ['999999', '0', '-1', 'abc', '1.5', '99999999999999999999', '1%20', `${c.host.id}x`]) {
					const r = await srv.req(e.method, e.pattern.replace('{id}', id), { token: c.key, ...(e.body ? { body: validBody(e) } : {}) });
					assertError(r, 404, 'host_account_not_found', { field: 'id' });
					assert.equal(r.body.error.request_id, r.headers.get('x-request-id'));
				}
			}
		});
	});

	test('query parameters: limit and after are checked', async () => {
		await expectUnchanged(srv, async () => {
			for (const q of ['limit=0', 'limit=201', 'limit=x', 'limit=-1', 'after=-1', 'after=x'])
				assertError(await srv.req('GET', `/v1/host-accounts?${q}`, { token: c.key }), 400, 'invalid_value', { field: q.split('=')[0] });
		});
	});

	test('values with the right type but a bad value are refused without a change', async () => {
		const post = (over) => srv.req('POST', '/v1/host-accounts', { token: c.key, body: { ...CASES['POST /v1/host-accounts'].body(c), ...over } });
		const patch = (body) => srv.req('PATCH', `/v1/host-accounts/${c.host.id}`, { token: c.key, body });
		await expectUnchanged(srv, async () => {
			for (const kind of ['app', 'SHOP', 'shop ', 'shop,enterprise']) {
				assertError(await post({ kind }), 400, 'invalid_value', { field: 'kind' });
				assertError(await patch({ kind }), 400, 'invalid_value', { field: 'kind' });
			}
			assertError(await patch({ kind: '' }), 400, 'invalid_value', { field: 'kind' });
			for (const external_id of ['a b', 'a/b', 'a#deleted-1', 'ä', 'a?b'])
				assertError(await post({ external_id }), 400, 'invalid_value', { field: 'external_id' });
			assertError(await post({ external_id: 'e'.repeat(101) }), 400, 'too_long', { field: 'external_id' });
			for (const owner_email of ['nobody', 'a@b', 'two@@example.com']) {
				assertError(await post({ owner_email }), 400, 'invalid_email', { field: 'owner_email' });
				assertError(await patch({ owner_email }), 400, 'invalid_email', { field: 'owner_email' });
			}
			assertError(await patch({ owner_email: '' }), 400, 'invalid_email', { field: 'owner_email' });
			assertError(await post({ name: 'n'.repeat(101) }), 400, 'too_long', { field: 'name' });
			assertError(await patch({ name: '' }), 400, 'invalid_value', { field: 'name' });
			assertError(await post({ external_id: c.host.external_id }), 409, 'external_id_taken', { field: 'external_id' });
		});
	});

	test('invitations: unknown, spent-looking or malformed tokens give 404, a bad mobile 400, and nothing changes', async () => {
		const ok = { password: c.invited.password, mobile: c.invited.mobile };
		await expectUnchanged(srv, async () => {
			for (const token of ['kfi_' + '0'.repeat(64), c.invitation + 'x', c.invitation.slice(4), c.key, c.a.token, 'x'.repeat(100)])
				assertError(await srv.req('POST', '/v1/invitations:accept', { body: { token, ...ok } }), 404, 'invitation_not_found', { field: 'token' });
			assertError(await srv.req('POST', '/v1/invitations:accept', { body: { token: 'x'.repeat(101), ...ok } }), 400, 'too_long', { field: 'token' });
			for (const mobile of ['12345', 'phone', '+1'])
				assertError(await srv.req('POST', '/v1/invitations:accept', { body: { token: c.invitation, password: ok.password, mobile } }), 400, 'invalid_mobile', { rule: 'ONB-8', field: 'mobile' });
			assertError(await srv.req('POST', '/v1/invitations:accept', { body: { token: c.invitation, password: 'short', mobile: ok.mobile } }), 400, 'weak_password', { rule: 'ONB-8', field: 'password' });
		});
		// an invited person who is already active cannot accept twice
		assertStatus(await srv.req('POST', '/v1/invitations:accept', { body: { token: c.invitation, ...ok } }), 200);
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('POST', '/v1/invitations:accept', { body: { token: c.invitation, ...ok } }), 404, 'invitation_not_found');
		});
	});

	test('the valid bodies of these cases are accepted (so the refusals above are about the bad part)', async () => {
		const post = CASES['POST /v1/host-accounts'];
		assertStatus(await srv.req('POST', post.path(c), { token: c.key, body: post.body(c) }), 201);
		assertStatus(await srv.req('GET', CASES['GET /v1/host-accounts'].path(c), { token: c.key }), 200);
		assertStatus(await srv.req('GET', CASES['GET /v1/host-accounts/{id}'].path(c), { token: c.key }), 200);
		const patch = CASES['PATCH /v1/host-accounts/{id}'];
		assertStatus(await srv.req('PATCH', patch.path(c), { token: c.key, body: patch.body(c) }), 200);
		const del = await srv.req('DELETE', CASES['DELETE /v1/host-accounts/{id}'].path(c), { token: c.key });
		assert.equal(del.status, 204, del.text);
	});
});

// Methods (405 with Allow, HEAD), the minimum notice of agreement versions
// by kind of change (ONB-12) and edits of banned providers (GOV-7).
describe('methods, agreement notice and banned providers', () => {
	let srv;
	let admin;
	let doc;

	before(async () => {
		srv = await startServer();
		admin = await adminToken(srv);
		doc = (await srv.req('GET', '/v1/openapi.json')).body;
	});
	after(async () => {
		await srv?.stop();
	});

	test('HEAD /healthz: 200 with the headers of GET and an empty body', async () => {
		const g = await srv.req('GET', '/healthz');
		const h = await srv.req('HEAD', '/healthz');
		assert.equal(h.status, 200);
		assert.equal(h.text, '');
		assert.equal(h.headers.get('content-type'), g.headers.get('content-type'));
		assert.equal(h.headers.get('content-length'), String(Buffer.byteLength(g.text)));
		assert.match(h.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
		assert.equal(h.headers.get('cache-control'), 'no-store');
		for (const p of ['/readyz', '/v1/openapi.json', '/v1/agreements']) {
			const r = await srv.req('HEAD', p);
			assert.equal(r.status, 200, `HEAD ${p}`);
			assert.equal(r.text, '', `HEAD ${p} has a body`);
		}
		// HEAD answers like GET, including refusals, without a body
		for (const [p, status] of [['/v1/me', 401], ['/v1/host-accounts', 401], ['/v1/no-such-thing', 404]]) {
			const r = await srv.req('HEAD', p);
			assert.equal(r.status, status, `HEAD ${p}`);
			assert.equal(r.text, '');
		}
	});

	test('405: every documented path answers another method with Allow listing exactly its methods, and changes nothing', async () => {
		const checked = [];
		await expectUnchanged(srv, async () => {
			for (const [pattern, item] of Object.entries(doc.paths)) {
				const served = Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => m.toUpperCase());
				const expected = new Set(served.includes('GET') ? [...served, 'HEAD'] : served);
				const p = pattern.replace(/\{[^}]+\}/g, '1');
				for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((x) => !expected.has(x))) {
					const r = await srv.req(m, p, { token: admin });
					assert.equal(r.status, 405, `${m} ${p}: ${r.status} ${r.text}`);
					if (m !== 'HEAD') assertError(r, 405, 'method_not_allowed');
					const allow = (r.headers.get('allow') || '').split(',').map((x) => x.trim()).filter(Boolean);
					assert.deepEqual(new Set(allow), expected, `Allow of ${m} ${p}: ${r.headers.get('allow')}`);
					assert.equal(allow.length, expected.size, `Allow of ${p} repeats a method: ${r.headers.get('allow')}`);
					checked.push(`${m} ${p}`);
				}
			}
		});
		assert.ok(checked.length > 50, `only ${checked.length} requests checked`);
		const r = await srv.req('PUT', '/v1/host-accounts/1');
		assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH, DELETE');
		assert.match(r.body.error.message, /GET, HEAD, PATCH, DELETE/);
	});

	test('GOV-7 a banned provider cannot edit its profile or members: 403 provider_banned', async () => {
		const [owner, member] = await Promise.all([registerUser(srv, { tag: 'banned' }), registerUser(srv, { tag: 'bannedmember' })]);
		const prov = await createProvider(srv, owner.token, 'Banned Apps');
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/ban`, { token: admin, body: { reason: 'fraud' } }), 200);
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: owner.token, body: { name: 'Unbanned Apps' } }), 403, 'provider_banned', { rule: 'GOV-7' });
			assertError(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: 'someone@example.com' } }), 403, 'provider_banned', { rule: 'GOV-7' });
			assertError(await srv.req('DELETE', `/v1/providers/${prov.id}/members/${member.id}`, { token: owner.token }), 403, 'provider_banned', { rule: 'GOV-7' });
			// a member is still told they are not the owner
			assertError(await srv.req('PATCH', `/v1/providers/${prov.id}`, { token: member.token, body: { name: 'Unbanned Apps' } }), 403, 'owner_required');
		});
		const g = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assertStatus(g, 200);
		assert.equal(g.body.state, 'banned');
		assert.equal(g.body.name, 'Banned Apps');
	});

	test('ONB-12 change_kind sets the minimum notice of later versions: rules 15 days, fees 7, service_end 60', async () => {
		const now = await srv.now();
		const publish = (body) => srv.req('POST', '/v1/agreements', { token: admin, body: { title: 'T', body: 'B', required_for: ['host'], ...body } });
		for (const [kind, min] of [['rules', 15], ['fees', 7], ['service_end', 60], [undefined, 15], [null, 15]]) {
			const key = `notice-${kind ?? String(kind)}`.replace('_', '-');
			const ck = kind === undefined ? {} : { change_kind: kind };
			// a first version needs no notice, whatever the kind
			const v1 = await publish({ key, version: 1, effective_at: now, notice_days: 0, ...ck });
			assertStatus(v1, 201, `${key} v1`);
			assert.equal(v1.body.change_kind, kind ?? 'rules');
			await expectUnchanged(srv, async () => {
				const short = await publish({ key, version: 2, effective_at: now + 90 * DAY, notice_days: min - 1, ...ck });
				const e = assertError(short, 400, 'notice_too_short', { rule: 'ONB-12', field: 'notice_days' });
				assert.match(e.message, new RegExp(`${min} days`));
				// enough notice_days, but effective_at too early for them
				const early = await publish({ key, version: 2, effective_at: now + (min - 1) * DAY, notice_days: min, ...ck });
				assertError(early, 400, 'notice_too_short', { rule: 'ONB-12', field: 'effective_at' });
			});
			const v2 = await publish({ key, version: 2, effective_at: now + min * DAY, notice_days: min, ...ck });
			assertStatus(v2, 201, `${key} v2 with ${min} days`);
			assert.equal(v2.body.change_kind, kind ?? 'rules');
			const list = await srv.req('GET', `/v1/agreements?key=${key}`);
			assert.deepEqual(list.body.items.map((a) => [a.version, a.change_kind]), [[2, kind ?? 'rules'], [1, kind ?? 'rules']]);
		}
		// the kind of each version is its own: a fee change after a rules version
		assertStatus(await publish({ key: 'notice-rules', version: 3, effective_at: now + 7 * DAY, notice_days: 7, change_kind: 'fees' }), 201);
		await expectUnchanged(srv, async () => {
			for (const change_kind of ['other', 'RULES', 'fee', '', 'service end'])
				for (const [key, version] of [['notice-rules', 4], ['brand-new', 1]])
					assertError(await publish({ key, version, effective_at: now + 90 * DAY, notice_days: 60, change_kind }), 400, 'invalid_change_kind', { rule: 'ONB-12', field: 'change_kind' });
			assertError(await publish({ key: 'brand-new', version: 1, effective_at: now, notice_days: 0, change_kind: 'x'.repeat(17) }), 400, 'too_long', { rule: 'ONB-12', field: 'change_kind' });
		});
	});
});

// The authorization routes, each in its own protocol: the component API
// answers every refusal with HTTP 200 JSON and the errcode of PROTOCOL.md §4
// (errmsg ending in " rid: <X-Request-Id>"), OAuth 2.0 with the RFC 6749
// error form, the consent page with a refusal page that names its reason
// and rule, GET /v1/authorizer with 401 invalid_token. None of the refusals
// changes the database.
describe('bad input on the authorization routes (component API, consent page, OAuth 2.0)', () => {
	let srv, rx;
	const c = {};
	const REDIRECT = 'https://auth.example.com/done';
	const REFERER = 'https://auth.example.com/connect';
	const OAUTH_REDIRECT = 'https://auth.example.com/oauth/callback';
	const kinds = (k) => allEntries.filter((e) => e.kind === k);
	const component = kinds('component');

	const cgi = (e, body, query = '') => srv.req('POST', e.path(c) + query, { raw: typeof body === 'string' ? body : JSON.stringify(body) });
	const tokenQuery = (t) => `?component_access_token=${encodeURIComponent(t)}`;
	const byName = (name) => component.find((e) => e.path(c).endsWith(`/${name}`));

	/** A component API refusal: HTTP 200 JSON with errcode and the request id in errmsg. */
	function errcode(r, code, what) {
		const where = `${what}: HTTP ${r.status} ${r.text}`;
		assert.equal(r.status, 200, where);
		assert.match(r.headers.get('content-type') || '', /^application\/json/, where);
		assert.equal(r.body?.errcode, code, `${what}: expected errcode ${code}, got ${r.text}`);
		assert.equal(typeof r.body.errmsg, 'string', where);
		assert.ok(r.body.errmsg.endsWith(` rid: ${r.headers.get('x-request-id')}`), `${what}: errmsg does not end with the request id: ${r.text}`);
	}

	/** An RFC 6749 §5.2 error. */
	function oauthError(r, status, error, what) {
		const where = `${what}: HTTP ${r.status} ${r.text}`;
		assert.equal(r.status, status, where);
		assert.match(r.headers.get('content-type') || '', /^application\/json/, where);
		assert.equal(r.body?.error, error, where);
		assert.ok(r.body.error_description === undefined || typeof r.body.error_description === 'string', where);
		assert.ok(!('errcode' in r.body) && typeof r.body.error === 'string', `${what}: not an RFC 6749 error: ${r.text}`);
		assert.equal(r.headers.get('cache-control'), 'no-store', where);
		assert.equal(r.headers.get('pragma'), 'no-cache', where);
		if (status === 401) assert.match(r.headers.get('www-authenticate') || '', /^Basic /, `${what}: WWW-Authenticate`);
	}

	/** A refusal page of the consent page: HTML naming the reason and rule. */
	function refusal(r, status, rule, code, what) {
		const where = `${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`;
		assert.equal(r.status, status, where);
		assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8', where);
		assert.equal(r.headers.get('location'), null, `${what}: redirected`);
		assert.ok(r.text.includes(`<span class="rule">${rule}</span>`), `${what}: rule ${rule} not named: ${r.text.slice(-600)}`);
		assert.ok(r.text.includes(`<span class="code">${code}</span>`), `${what}: reason ${code} not named: ${r.text.slice(-600)}`);
		assert.ok(r.text.includes(r.headers.get('x-request-id')), `${what}: no request id on the page`);
		assert.match(r.headers.get('content-security-policy') || '', /frame-ancestors 'none'/, what);
		assert.equal(r.headers.get('x-frame-options'), 'DENY', what);
	}

	const form = (o) => {
		const f = new URLSearchParams();
		for (const [k, v] of Object.entries(o)) for (const x of [].concat(v)) if (x !== undefined) f.append(k, String(x));
		return f.toString();
	};
	const post = (p, body, headers = {}) => srv.req('POST', p, { raw: body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
	const basic = (id, secret) => ({ Authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64') });

	function hidden(html, name) {
		const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
		return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
	}
	const pageQuery = (o) => '?' + new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined)).toString();

	async function preAuthCode() {
		const r = await cgi(byName('api_create_preauthcode'), { component_appid: c.app.app_id }, tokenQuery(c.token));
		assert.ok(r.body?.pre_auth_code, `pre-auth code: ${r.text}`);
		return r.body.pre_auth_code;
	}

	/** Drive the consent page as the host owner; returns the authorization code. */
	async function authorize() {
		const code = await preAuthCode();
		const flow = { component_appid: c.app.app_id, pre_auth_code: code, redirect_uri: REDIRECT };
		const cookie = `kf_session=${c.hostOwner.token}`;
		const page = await srv.req('GET', '/cgi-bin/componentloginpage' + pageQuery(flow), { cookie, headers: { Referer: REFERER } });
		assertStatus(page, 200, 'consent page');
		const r = await srv.req('POST', '/cgi-bin/componentloginpage', {
			cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			raw: form({ ...flow, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: c.host.id, data_scope: 'all', decision: 'confirm', set: [1, 3] }),
		});
		assert.equal(r.status, 302, `confirm: ${r.status} ${r.text.slice(0, 300)}`);
		return new URL(r.headers.get('location')).searchParams.get('auth_code');
	}

	/** Until no event waits in the outbox (a push would change the database). */
	async function outboxIdle() {
		const deadline = Date.now() + 15000;
		while (srv.sql("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")[0].n > 0) {
			if (Date.now() > deadline) throw new Error('the outbox did not drain');
			await new Promise((res) => setTimeout(res, 50));
		}
		await srv.mailIdle();
	}

	before(async () => {
		srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
		rx = await startReceiver();
		c.owner = await registerUser(srv, { tag: 'authzprov' });
		const prov = await appProvider(srv, c.owner);
		c.hostOwner = await registerUser(srv, { tag: 'authzowner' });
		c.key = hostApiKey(srv, 'authz bad input').key;
		c.host = await provisionHost(srv, c.key, { owner_email: c.hostOwner.email });
		c.app = await developingApp(srv, c.owner, prov.id, rx, { dev: { test_allowlist: [c.host.id], redirect_uris: [OAUTH_REDIRECT] } });
		c.publicApp = await developingApp(srv, c.owner, prov.id, rx, { dev: { test_allowlist: [c.host.id], redirect_uris: [OAUTH_REDIRECT], public_client: true } });
		const recs = await rx.waitFor(pathOf(c.app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
		c.ticket = openPush(recs[0], { token: c.app.sent.dev.message_token, aesKey: c.app.sent.dev.aes_key, appId: c.app.app_id }).fields.ComponentVerifyTicket;
		const t = await cgi(byName('api_component_token'), CASES['POST /cgi-bin/component/api_component_token'].cbody(c));
		assert.ok(t.body?.component_access_token, `component token: ${t.text}`);
		c.token = t.body.component_access_token;
		c.authCode = await authorize();
		const q = await cgi(byName('api_query_auth'), { component_appid: c.app.app_id, authorization_code: c.authCode }, tokenQuery(c.token));
		assert.ok(q.body?.authorization_info, `query auth: ${q.text}`);
		c.access = q.body.authorization_info.authorizer_access_token;
		c.refresh = q.body.authorization_info.authorizer_refresh_token;
		// the authorized event, and the other app's first ticket, are pushed before the tests look
		await rx.waitFor(pathOf(c.app.sent.dev.auth_receive_url), 2, { timeout: PUSH_WAIT_MS });
		await rx.waitFor(pathOf(c.publicApp.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
		await outboxIdle();
	});
	after(async () => {
		await srv?.stop();
		await rx?.close();
	});

	test('component API: a non-JSON body 47001, a missing app id 41002, a bad one 40013, an unknown one 61011, all HTTP 200 JSON, nothing changes', async () => {
		assert.equal(component.length, 9);
		await expectUnchanged(srv, async () => {
			for (const e of component) {
				const q = e.token ? tokenQuery(c.token) : '';
				for (const raw of ['', 'not json', '{', '[1,2]', '"s"', 'null', '1', '{"component_appid":', '\u00ff'])
					errcode(await cgi(e, raw, q), 47001, `${e.key} body ${JSON.stringify(raw)}`);
				const body = e.cbody(c);
				delete body.component_appid;
				errcode(await cgi(e, body, q), 41002, `${e.key} without component_appid`);
				errcode(await cgi(e, { ...e.cbody(c), component_appid: null }, q), 41002, `${e.key} component_appid null`);
				for (const id of [12345, '', 'wx0123456789abcdef', c.app.app_id.toUpperCase(), 'kf123', `${c.app.app_id}0`, [c.app.app_id], {}, true])
					errcode(await cgi(e, { ...e.cbody(c), component_appid: id }, q), 40013, `${e.key} component_appid ${JSON.stringify(id)}`);
				errcode(await cgi(e, { ...e.cbody(c), component_appid: 'kf0000000000000000' }, q), 61011, `${e.key} unknown app`);
			}
		});
	});

	test('component API: a missing token 41001, a bad one 40001, a malformed one 40014; a missing secret 41004, a wrong one 40125; nothing changes', async () => {
		await expectUnchanged(srv, async () => {
			for (const e of component.filter((x) => x.token)) {
				for (const q of ['', '?component_access_token=', '?access_token=', '?token=' + c.token, '?component_access_token&access_token'])
					errcode(await cgi(e, e.cbody(c), q), 41001, `${e.key} ${q || 'no token'}`);
				for (const t of ['kfat_' + 'A'.repeat(43), c.token.slice(0, -1) + (c.token.endsWith('A') ? 'B' : 'A'), c.hostOwner.token, c.access, c.refresh, c.ticket]) {
					errcode(await cgi(e, e.cbody(c), tokenQuery(t)), 40001, `${e.key} token ${t.slice(0, 12)}…`);
					errcode(await cgi(e, e.cbody(c), `?access_token=${encodeURIComponent(t)}`), 40001, `${e.key} access_token ${t.slice(0, 12)}…`);
				}
				errcode(await cgi(e, e.cbody(c), tokenQuery(c.token + 'x'.repeat(200))), 40014, `${e.key} token of 248 bytes`);
			}
			for (const e of component.filter((x) => x.secret)) {
				const body = e.cbody(c);
				delete body[e.secret];
				errcode(await cgi(e, body), 41004, `${e.key} without ${e.secret}`);
				errcode(await cgi(e, { ...e.cbody(c), [e.secret]: null }), 41004, `${e.key} ${e.secret} null`);
				for (const s of ['wrong', '', c.app.app_secret.toUpperCase(), `${c.app.app_secret} `, 12345, [c.app.app_secret]])
					errcode(await cgi(e, { ...e.cbody(c), [e.secret]: s }), 40125, `${e.key} ${e.secret} ${JSON.stringify(s)}`);
			}
			const tok = byName('api_component_token');
			for (const ticket of [undefined, null, '', 'ticket@@@nope', c.ticket + 'x', 12345])
				errcode(await cgi(tok, { ...tok.cbody(c), component_verify_ticket: ticket }), 61006, `api_component_token ticket ${JSON.stringify(ticket)}`);
		});
	});

	test('component API: bad codes, authorizers, refresh tokens, options and pages give their errcodes; nothing changes', async () => {
		const q = tokenQuery(c.token);
		const call = (name, over) => cgi(byName(name), { ...byName(name).cbody(c), ...over }, q);
		const pre = await preAuthCode();
		await outboxIdle();
		await expectUnchanged(srv, async () => {
			for (const code of [undefined, null, '', 12345, 'nope', 'kfcd_' + 'A'.repeat(43), pre, c.access, 'x'.repeat(201)])
				errcode(await call('api_query_auth', { authorization_code: code }), 61009, `api_query_auth code ${JSON.stringify(code)?.slice(0, 20)}`);
			for (const name of ['api_authorizer_token', 'api_get_authorizer_info', 'api_get_authorizer_option', 'api_set_authorizer_option']) {
				for (const who of [undefined, null, 12345]) errcode(await call(name, { authorizer_appid: who }), 41002, `${name} authorizer_appid ${JSON.stringify(who)}`);
				for (const who of ['ext-nobody', '', c.host.external_id.toUpperCase(), `${c.host.external_id}%`])
					errcode(await call(name, { authorizer_appid: who }), 61003, `${name} authorizer_appid ${JSON.stringify(who)}`);
			}
			for (const rt of [undefined, null, '', 12345, 'kfar_' + 'A'.repeat(43), c.access, c.token, 'x'.repeat(201)])
				errcode(await call('api_authorizer_token', { authorizer_refresh_token: rt }), 61023, `api_authorizer_token refresh ${JSON.stringify(rt)?.slice(0, 20)}`);
			for (const page of [{ count: 0 }, { count: 501 }, { count: -1 }, { count: '10' }, { offset: -1 }, { count: 1.5 }])
				errcode(await call('api_get_authorizer_list', page), 47001, `api_get_authorizer_list ${JSON.stringify(page)}`);
			for (const name of [undefined, null, '', 'VOICE_RECOGNIZE', 'unknown', 12345]) {
				errcode(await call('api_get_authorizer_option', { option_name: name }), 47001, `get option ${JSON.stringify(name)}`);
				errcode(await call('api_set_authorizer_option', { option_name: name }), 47001, `set option ${JSON.stringify(name)}`);
			}
			for (const [name, value] of [['voice_recognize', undefined], ['voice_recognize', null], ['voice_recognize', '2'], ['customer_service', 2], ['location_report', '3'], ['location_report', 'x'], ['voice_recognize', ''], ['voice_recognize', true]])
				errcode(await call('api_set_authorizer_option', { option_name: name, option_value: value }), 47001, `set option ${name}=${JSON.stringify(value)}`);
		});
	});

	test('OAuth token endpoint: invalid_request 400, invalid_client 401 with WWW-Authenticate, unsupported_grant_type and invalid_grant 400; nothing changes', async () => {
		const id = c.app.app_id;
		const secret = c.app.app_secret;
		const T = '/oauth/token';
		await expectUnchanged(srv, async () => {
			// the body
			oauthError(await post(T, ''), 400, 'invalid_request', 'empty body');
			// client authentication
			oauthError(await post(T, form({ grant_type: 'client_credentials' })), 401, 'invalid_client', 'no client');
			for (const bad of ['kf0000000000000000', 'nope', id.toUpperCase(), 'x'.repeat(65)])
				oauthError(await post(T, form({ grant_type: 'client_credentials', client_id: bad, client_secret: secret })), 401, 'invalid_client', `client_id ${bad.slice(0, 20)}`);
			for (const s of ['wrong', secret.toUpperCase(), `${secret}x`])
				oauthError(await post(T, form({ grant_type: 'client_credentials', client_id: id, client_secret: s })), 401, 'invalid_client', `client_secret ${s.slice(0, 8)}…`);
			oauthError(await post(T, form({ grant_type: 'client_credentials', client_id: id })), 401, 'invalid_client', 'a confidential client without its secret');
			oauthError(await post(T, form({ grant_type: 'client_credentials' }), basic(id, 'wrong')), 401, 'invalid_client', 'Basic with a wrong secret');
			oauthError(await post(T, form({ grant_type: 'client_credentials' }), { Authorization: 'Basic !!!' }), 401, 'invalid_client', 'malformed Basic');
			oauthError(await post(T, form({ grant_type: 'client_credentials', client_secret: secret }), basic(id, secret)), 400, 'invalid_request', 'Basic and client_secret at once');
			oauthError(await post(T, form({ grant_type: 'client_credentials', client_id: c.publicApp.app_id }), basic(id, secret)), 400, 'invalid_request', 'client_id other than the Basic user');
			oauthError(await post(T, form({ grant_type: 'authorization_code', code: 'x', client_id: c.publicApp.app_id, client_secret: c.publicApp.app_secret })), 401, 'invalid_client', 'a public client sending a secret');
			// the grant
			const auth = { client_id: id, client_secret: secret };
			oauthError(await post(T, form(auth)), 400, 'invalid_request', 'no grant_type');
			for (const g of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'CLIENT_CREDENTIALS', 'token'])
				oauthError(await post(T, form({ ...auth, grant_type: g })), 400, 'unsupported_grant_type', `grant_type ${g}`);
			oauthError(await post(T, form({ grant_type: 'client_credentials', client_id: c.publicApp.app_id })), 400, 'unauthorized_client', 'client_credentials of a public client');
			oauthError(await post(T, form({ ...auth, grant_type: 'authorization_code' })), 400, 'invalid_request', 'no code');
			oauthError(await post(T, form({ ...auth, grant_type: 'refresh_token' })), 400, 'invalid_request', 'no refresh_token');
			for (const code of ['nope', 'kfcd_' + 'A'.repeat(43), c.authCode, c.access])
				oauthError(await post(T, form({ ...auth, grant_type: 'authorization_code', code, redirect_uri: OAUTH_REDIRECT, code_verifier: 'v'.repeat(43) })), 400, 'invalid_grant', `code ${code.slice(0, 12)}…`);
			for (const rt of ['nope', 'kfor_' + 'A'.repeat(43), c.refresh, c.access])
				oauthError(await post(T, form({ ...auth, grant_type: 'refresh_token', refresh_token: rt })), 400, 'invalid_grant', `refresh_token ${rt.slice(0, 12)}…`);
		});
	});

	test('OAuth introspection and revocation: client errors as at the token endpoint, a missing token is invalid_request, an unknown one is not an error; nothing changes', async () => {
		const id = c.app.app_id;
		const secret = c.app.app_secret;
		await expectUnchanged(srv, async () => {
			for (const p of ['/oauth/introspect', '/oauth/revoke']) {
				oauthError(await post(p, ''), 400, 'invalid_request', `${p} empty body`);
				oauthError(await post(p, form({ token: c.access })), 401, 'invalid_client', `${p} no client`);
				oauthError(await post(p, form({ token: c.access, client_id: id, client_secret: 'wrong' })), 401, 'invalid_client', `${p} wrong secret`);
				oauthError(await post(p, form({ token: c.access, client_id: 'kf0000000000000000', client_secret: secret })), 401, 'invalid_client', `${p} unknown client`);
			}
			for (const token of ['nope', 'kfoa_' + 'A'.repeat(43), 'x'.repeat(300)]) {
				const i = await post('/oauth/introspect', form({ token, client_id: id, client_secret: secret }));
				assertStatus(i, 200, `introspect ${token.slice(0, 12)}`);
				assert.deepEqual(i.body, { active: false });
				assertStatus(await post('/oauth/revoke', form({ token, client_id: id, client_secret: secret })), 200, `revoke ${token.slice(0, 12)}`);
			}
			// another client's token is inactive for this one, and revoking it does nothing
			const pub = { client_id: c.publicApp.app_id };
			assert.deepEqual((await post('/oauth/introspect', form({ token: c.access, ...pub }))).body, { active: false });
			assertStatus(await post('/oauth/revoke', form({ token: c.access, ...pub })), 200);
			// RFC 7662 §2.1 and RFC 7009 §2.1: token is REQUIRED, so a request
			// without it is malformed (RFC 6749 §5.2 invalid_request), unlike a
			// well-formed question about an unknown token
			for (const p of ['/oauth/introspect', '/oauth/revoke'])
				for (const body of [{}, { token: '' }])
					oauthError(await post(p, form({ ...body, client_id: id, client_secret: secret })), 400, 'invalid_request', `${p} with ${JSON.stringify(body)}`);
		});
		assertStatus(await srv.req('GET', '/v1/authorizer', { token: c.access }), 200, 'the token revoked by another client still works');
	});

	test('consent page: an unknown app, a bad pre-auth code, a foreign redirect_uri or Referer, a bad form give a refusal page naming the rule; nothing changes', async () => {
		const code = await preAuthCode();
		await outboxIdle();
		const ok = { component_appid: c.app.app_id, pre_auth_code: code, redirect_uri: REDIRECT };
		const cookie = `kf_session=${c.hostOwner.token}`;
		await expectUnchanged(srv, async () => {
			for (const p of ['/cgi-bin/componentloginpage', '/safe/bindcomponent']) {
				const get = (o, { referer = REFERER, withCookie = false } = {}) =>
					srv.req('GET', p + pageQuery(o), { headers: referer ? { Referer: referer } : {}, ...(withCookie ? { cookie } : {}) });
				for (const withCookie of [false, true]) {
					refusal(await get({}, { withCookie }), 404, 'APP-10', 'unknown_app', `${p} without parameters`);
					for (const id of ['kf0000000000000000', 'nope', c.app.app_id.toUpperCase(), ''])
						refusal(await get({ ...ok, component_appid: id }, { withCookie }), 404, 'APP-10', 'unknown_app', `${p} component_appid ${id}`);
					for (const pac of [undefined, '', 'nope', 'kfpa_' + 'A'.repeat(43), c.authCode, c.token, 'x'.repeat(201)])
						refusal(await get({ ...ok, pre_auth_code: pac }, { withCookie }), 403, 'AUTH-3', 'pre_auth_code_invalid', `${p} pre_auth_code ${String(pac).slice(0, 12)}`);
					for (const uri of [undefined, '', 'https://evil.example.net/cb', 'https://auth.example.com.evil.net/cb', 'javascript:alert(1)', 'ftp://auth.example.com/x', '/done', 'https://example.org/done'])
						refusal(await get({ ...ok, redirect_uri: uri }, { withCookie }), 400, 'APP-4', 'redirect_uri_invalid', `${p} redirect_uri ${uri}`);
					for (const referer of [null, 'https://evil.example.net/connect', 'https://auth.example.com.evil.net/', 'not a url'])
						refusal(await get(ok, { referer, withCookie }), 403, 'APP-4', 'wrong_initiation_domain', `${p} Referer ${referer}`);
				}
				// what is shown is escaped
				const xss = await get({ ...ok, component_appid: '<script>alert(1)</script>' });
				refusal(xss, 404, 'APP-10', 'unknown_app', `${p} script in component_appid`);
				assert.ok(!xss.text.includes('<script>'), 'unescaped input on the page');
				// the forms: no body, no form, a missing or forged CSRF token
				refusal(await srv.req('POST', p, { cookie }), 400, 'AUTH-1', 'form_state_invalid', `${p} POST without a body`);
				refusal(await post(p, '', { Cookie: cookie }), 400, 'AUTH-1', 'form_state_invalid', `${p} POST with an empty body`);
				const confirm = { ...ok, step: 'consent', account: c.host.id, data_scope: 'all', decision: 'confirm', set: [1, 3] };
				for (const csrf of [undefined, '', '1.0.AAAA', 'x'.repeat(300)])
					refusal(await post(p, form({ ...confirm, csrf_token: csrf }), { Cookie: cookie }), 400, 'AUTH-1', 'form_state_invalid', `${p} csrf_token ${csrf}`);
				// the flow parameters of a posted form are checked as for GET
				refusal(await post(p, form({ ...confirm, component_appid: 'kf0000000000000000' }), { Cookie: cookie }), 404, 'APP-10', 'unknown_app', `${p} POST unknown app`);
				refusal(await post(p, form({ ...confirm, pre_auth_code: 'nope' }), { Cookie: cookie }), 403, 'AUTH-3', 'pre_auth_code_invalid', `${p} POST bad pre-auth code`);
			}
		});
	});

	test('OAuth authorization endpoint: unknown clients and unregistered redirect URIs get a page, never a redirect; other errors go back to the client; nothing changes', async () => {
		const cookie = `kf_session=${c.hostOwner.token}`;
		const ok = { client_id: c.app.app_id, response_type: 'code', redirect_uri: OAUTH_REDIRECT, state: 'st-1', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
		const get = (o) => srv.req('GET', '/oauth/authorize' + pageQuery(o), { cookie });
		await expectUnchanged(srv, async () => {
			refusal(await get({}), 404, 'APP-10', 'unknown_app', 'no parameters');
			for (const id of ['kf0000000000000000', 'nope', c.app.app_id.toUpperCase()])
				refusal(await get({ ...ok, client_id: id }), 404, 'APP-10', 'unknown_app', `client_id ${id}`);
			for (const uri of ['https://evil.example.net/cb', `${OAUTH_REDIRECT}/`, `${OAUTH_REDIRECT}?x=1`, OAUTH_REDIRECT.replace('https', 'http'), OAUTH_REDIRECT.toUpperCase(), 'x'.repeat(2000)])
				refusal(await get({ ...ok, redirect_uri: uri }), 400, 'APP-4', 'redirect_uri_invalid', `redirect_uri ${uri.slice(0, 40)}`);
			// RFC 6749 §4.1.2.1: back to the registered redirect URI with error and state
			for (const [over, error] of [
				[{ response_type: undefined }, 'invalid_request'],
				[{ response_type: 'token' }, 'unsupported_response_type'],
				[{ response_type: 'code token' }, 'unsupported_response_type'],
				[{ code_challenge_method: 'plain' }, 'invalid_request'],
				[{ code_challenge: 'short' }, 'invalid_request'],
				[{ scope: 'no-such-set' }, 'invalid_scope'],
			]) {
				const r = await get({ ...ok, ...over });
				assert.equal(r.status, 302, `${JSON.stringify(over)}: ${r.status} ${r.text.slice(0, 200)}`);
				const loc = new URL(r.headers.get('location'));
				assert.equal(loc.origin + loc.pathname, OAUTH_REDIRECT);
				assert.equal(loc.searchParams.get('error'), error, `${JSON.stringify(over)}: ${loc}`);
				assert.equal(loc.searchParams.get('state'), 'st-1');
				assert.equal(loc.searchParams.get('code'), null);
			}
			// a public client must use PKCE
			const pub = await get({ ...ok, client_id: c.publicApp.app_id, code_challenge: undefined, code_challenge_method: undefined });
			assert.equal(pub.status, 302);
			assert.equal(new URL(pub.headers.get('location')).searchParams.get('error'), 'invalid_request');
			refusal(await srv.req('POST', '/oauth/authorize', { cookie }), 400, 'AUTH-1', 'form_state_invalid', 'POST without a body');
			refusal(await post('/oauth/authorize', form({ ...ok, step: 'consent', csrf_token: 'forged', account: c.host.id, decision: 'confirm' }), { Cookie: cookie }), 400, 'AUTH-1', 'form_state_invalid', 'POST with a forged csrf_token');
		});
	});

	test('custom/send: a missing token 41001, a malformed one 40014, another or unknown one 40001, a bad body 47001, a real account 48001; nothing changes', async () => {
		const [e] = kinds('message');
		const send = (q, body) => srv.req('POST', e.path(c) + q, { raw: typeof body === 'string' ? body : JSON.stringify(body) });
		const ok = { touser: 'someone', msgtype: 'text', text: { content: 'hi' } };
		const q = (t) => `?access_token=${encodeURIComponent(t)}`;
		await expectUnchanged(srv, async () => {
			for (const x of ['', '?access_token=', `?component_access_token=${c.access}`, `?token=${c.access}`]) errcode(await send(x, ok), 41001, `custom/send ${x || 'no token'}`);
			for (const t of ['nope', 'kfaa_short', 'x'.repeat(201)]) errcode(await send(q(t), ok), 40014, `custom/send token ${t.slice(0, 12)}`);
			for (const t of ['kfaa_' + 'A'.repeat(43), c.token, c.refresh, c.authCode]) errcode(await send(q(t), ok), 40001, `custom/send token ${t.slice(0, 12)}…`);
			for (const raw of ['', 'not json', '{', '[1,2]', '"s"', '\u00ff']) errcode(await send(q(c.access), raw), 47001, `custom/send body ${JSON.stringify(raw)}`);
			const r = await send(q(c.access), ok);
			errcode(r, 48001, 'custom/send for a real host account');
			assert.match(r.body.errmsg, /only for its test accounts/);
		});
	});

	test('GET /v1/authorizer: no, unknown, malformed or other kinds of tokens give 401 invalid_token; nothing changes', async () => {
		await expectUnchanged(srv, async () => {
			const tokens = ['nope', 'kfaa_' + 'A'.repeat(43), c.access + 'x', 'x'.repeat(201), c.hostOwner.token, c.token, c.refresh, c.ticket, c.authCode, c.key];
			const tries = [[{}, 'no token'], [{ headers: { Authorization: 'Bearer ' } }, 'empty bearer'], [{ headers: { Authorization: `Basic ${c.access}` } }, 'the token as Basic'],
				[{ headers: { Authorization: c.access } }, 'no scheme'], [{ cookie: `kf_session=${c.hostOwner.token}` }, 'a console session cookie'],
				...tokens.map((t) => [{ token: t }, `bearer ${t.slice(0, 12)}`]),
				...tokens.map((t) => [{ p: `/v1/authorizer?access_token=${encodeURIComponent(t)}` }, `?access_token=${t.slice(0, 12)}`])];
			for (const [o, what] of tries) {
				const r = await srv.req('GET', o.p ?? '/v1/authorizer', o);
				const e = assertError(r, 401, 'invalid_token', { rule: 'AUTH-2', field: 'access_token' });
				assert.equal(e.request_id, r.headers.get('x-request-id'), what);
				assert.equal(r.headers.get('www-authenticate'), 'Bearer error="invalid_token"', what);
			}
		});
	});

	test('authorizations of a host account: only its owner lists and revokes them; unknown apps give 404 authorization_not_found; nothing changes', async () => {
		const list = `/v1/host-accounts/${c.host.id}/authorizations`;
		const del = (a, token) => srv.req('DELETE', `${list}/${a}`, { token });
		await expectUnchanged(srv, async () => {
			for (const t of [c.owner.token, c.key]) {
				const r = await srv.req('GET', list, { token: t });
				assert.ok([401, 404].includes(r.status), `${r.status} ${r.text}`);
				assert.ok(!r.text.includes(c.app.app_id), 'the list leaked');
				assert.ok([401, 404].includes((await del(c.app.app_id, t)).status));
			}
			assertError(await del(c.app.app_id, c.owner.token), 404, 'host_account_not_found', { field: 'id' });
			assertError(await del(c.app.app_id, c.key), 401, 'unauthenticated');
			for (const a of ['kf0000000000000000', c.publicApp.app_id, 'nope', c.app.app_id.toUpperCase()])
				assertError(await del(a, c.hostOwner.token), 404, 'authorization_not_found', { rule: 'AUTH-2', field: 'app_id' });
		});
		const r = await srv.req('GET', list, { token: c.hostOwner.token });
		assertStatus(r, 200);
		assert.deepEqual(r.body.items.map((x) => [x.app_id, x.state]), [[c.app.app_id, 'active']]);
	});

	test('the valid calls of these cases are accepted (so the refusals above are about the bad part)', async () => {
		const q = tokenQuery(c.token);
		const ok = async (name, query = q, body = byName(name).cbody(c)) => {
			const r = await cgi(byName(name), body, query);
			assert.equal(r.status, 200);
			assert.ok(!r.body.errcode, `${name}: ${r.text}`);
			return r.body;
		};
		assert.equal((await ok('api_authorizer_token')).authorizer_refresh_token, c.refresh);
		assert.equal((await ok('api_get_authorizer_info')).authorization_info.authorizer_appid, c.host.external_id);
		assert.equal((await ok('api_get_authorizer_list')).total_count, 1);
		assert.equal((await ok('api_set_authorizer_option')).errcode, 0);
		assert.equal((await ok('api_get_authorizer_option')).option_value, '1');
		assert.ok((await ok('api_create_preauthcode', `?access_token=${c.token}`)).pre_auth_code);
		assert.equal((await ok('api_start_push_ticket', '')).errcode, 0);
		assert.ok((await ok('api_component_token', '')).component_access_token);
		c.authCode = await authorize();
		assert.ok((await ok('api_query_auth')).authorization_info.authorizer_access_token);
		const cc = await post('/oauth/token', form({ grant_type: 'client_credentials', component_verify_ticket: c.ticket }), basic(c.app.app_id, c.app.app_secret));
		assertStatus(cc, 200, 'client_credentials');
		assert.equal(cc.body.token_type, 'Bearer');
		const meta = await srv.req('GET', '/.well-known/oauth-authorization-server');
		assertStatus(meta, 200);
		assert.equal(meta.body.token_endpoint, `${srv.url}/oauth/token`);
	});
});
