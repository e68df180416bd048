// The provider organisation's console pages, played as a browser would:
// the session cookie, the form's CSRF token, Post/Redirect/Get. The
// journey create → apply with an upload → see the state → rejected with
// reasons → resubmit → approved → certify; errors next to their field with
// the rule id in both languages (ONB-3, ONB-6, ONB-9); members (ONB-1,
// ONB-11); notices; re-verification (ONB-7); cancellation (ONB-10); and a
// member of another provider meets 404 on every page and file of yours.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, adminToken, assertStatus, pendingReview, decide, pdf, createProvider, apply, certifiedProvider,
} from './helpers/flows.mjs';

let srv;
before(async () => {
	srv = await startServer();
});
after(async () => {
	await srv?.stop();
});

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** A browser of one signed-in person in one language. */
function browser(person, lang = 'en') {
	const cookie = () => `kf_session=${person.token}; kf_lang=${lang}`;
	const origin = srv.url;
	const b = {
		lang,
		async get(p) {
			const r = await fetch(srv.url + p, { headers: { Cookie: cookie() }, redirect: 'manual' });
			const body = Buffer.from(await r.arrayBuffer());
			return { status: r.status, headers: r.headers, text: body.toString('utf8'), bytes: body };
		},
		/** Post a form to path; the CSRF token is taken from the page at
		 * `from` (path itself by default). fields: [[name, value]] where a
		 * value may be {file: Buffer, name, type} (then multipart). */
		async post(p, fields, { from = p } = {}) {
			const page = await b.get(from);
			assert.equal(page.status, 200, `GET ${from} before posting: ${page.status} ${page.text.slice(0, 300)}`);
			const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.text)?.[1];
			assert.ok(csrf, `no CSRF token on ${from}`);
			const all = [['csrf_token', unescape(csrf)], ...fields];
			let body;
			const headers = { Cookie: cookie(), Origin: origin };
			if (all.some(([, v]) => typeof v === 'object')) {
				body = new FormData();
				for (const [k, v] of all) {
					if (typeof v === 'object') body.append(k, new Blob([v.file], { type: v.type }), v.name);
					else body.append(k, v);
				}
			} else {
				body = new URLSearchParams(all).toString();
				headers['Content-Type'] = 'application/x-www-form-urlencoded';
			}
			const r = await fetch(srv.url + p, { method: 'POST', headers, body, redirect: 'manual' });
			return { status: r.status, headers: r.headers, text: await r.text() };
		},
	};
	return b;
}

/** The error shown under a form field: its text and its rule link. */
function fieldError(html, field) {
	const m = new RegExp(`<div class="err" id="f-${field.replace('.', '\\.')}-err">(.*?)</div>`).exec(html);
	if (!m) return null;
	const rule = /<a class="mono rule" href="\/console\/rules\/([^"]+)">/.exec(m[1])?.[1] ?? null;
	return { text: unescape(m[1].replace(/<[^>]+>/g, '')), rule };
}

function location(r) {
	assert.equal(r.status, 303, `expected a redirect, got ${r.status} ${r.text.slice(0, 500)}`);
	return r.headers.get('location');
}

const visible = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

describe('console: provider organisation journey', () => {
	test('ONB-3 create → apply with an uploaded licence → in review, linked from home and the list', async () => {
		const owner = await registerUser(srv, { tag: 'corg-owner' });
		const en = browser(owner, 'en');
		const zh = browser(owner, 'zh');

		// nothing yet: the list says what to do and leads to create
		const empty = await en.get('/console/orgs');
		assert.equal(empty.status, 200);
		assert.match(visible(empty.text), /You are not in any provider yet/);
		assert.match(empty.text, /href="\/console\/orgs\/new"/);
		assert.match(visible((await zh.get('/console/orgs')).text), /你还不属于任何服务商/);

		const made = await en.post('/console/orgs/new', [['name', 'Acme Console Apps'], ['contact_email', 'ops@acme.example'], ['contact_name', ''], ['contact_phone', ''], ['address', '']]);
		const where = location(made);
		const id = /^\/console\/orgs\/(\d+)\?ok=created$/.exec(where)?.[1];
		assert.ok(id, `redirected to ${where}`);
		const api = await srv.req('GET', `/v1/providers/${id}`, { token: owner.token });
		assertStatus(api, 200);
		assert.equal(api.body.name, 'Acme Console Apps');
		assert.equal(api.body.contact_email, 'ops@acme.example');

		const ov = await en.get(where);
		assert.equal(ov.status, 200);
		assert.match(visible(ov.text), /Created\./);
		assert.match(ov.text, /<span class="badge">Draft<\/span>/);
		assert.match(visible(ov.text), /Apply for qualification/);
		assert.match(ov.text, new RegExp(`href="/console/orgs/${id}/application"`));
		const ovzh = await zh.get(`/console/orgs/${id}`);
		assert.match(ovzh.text, /<span class="badge">草稿<\/span>/);
		assert.match(visible(ovzh.text), /申请资质审核/);

		// home and the list link to the provider by its API id
		const home = await en.get('/console/');
		assert.match(home.text, new RegExp(`href="/console/orgs/${id}">Acme Console Apps</a>`));
		assert.match(visible(home.text), /Needs you now .*Acme Console Apps ?: apply for qualification/, 'the owner is told what to do at home');
		const list = await en.get('/console/orgs');
		assert.match(list.text, new RegExp(`href="/console/orgs/${id}">Acme Console Apps</a>`));
		assert.match(list.text, /<span class="badge">Draft<\/span>/);

		// apply with the licence uploaded in the same form
		const licence = pdf('console licence');
		const sent = await en.post(`/console/orgs/${id}/application`, [
			['entity_kind', 'company'], ['legal_name', '控制台科技有限公司'], ['licence_no', '91310000MA1FL0001X'],
			['documents', { file: licence, name: 'licence.pdf', type: 'application/pdf' }],
		]);
		assert.equal(location(sent), `/console/orgs/${id}/application?ok=submitted`);
		const a = await srv.req('GET', `/v1/providers/${id}/application`, { token: owner.token });
		assertStatus(a, 200);
		assert.equal(a.body.state, 'pending');
		assert.equal(a.body.legal_name, '控制台科技有限公司');
		assert.equal(a.body.documents.length, 1);
		const file = await srv.req('GET', `/v1/files/${a.body.documents[0]}`, { token: owner.token });
		assert.equal(file.body.name, 'licence.pdf');
		assert.equal(file.body.content_type, 'application/pdf');

		const page = await en.get(`/console/orgs/${id}/application?ok=submitted`);
		assert.match(visible(page.text), /Submitted for review\./);
		assert.match(page.text, new RegExp(`href="/console/orgs/${id}/files/${a.body.documents[0]}">licence.pdf</a>`));
		assert.match(page.text, /<span class="badge wait">Pending<\/span>/);
		assert.match(visible(page.text), /Review due/);
		assert.doesNotMatch(page.text, /Submit for review/, 'no form while in review');
		const doc = `/console/orgs/${id}/files/${a.body.documents[0]}`;
		assert.match(page.text, new RegExp(`href="${doc}"`));
		const got = await en.get(doc);
		assert.equal(got.status, 200);
		assert.equal(got.headers.get('content-type'), 'application/pdf');
		assert.ok(got.bytes.equals(licence), 'the document as uploaded');
		assert.match(got.headers.get('content-security-policy'), /sandbox/);

		const ov2 = await zh.get(`/console/orgs/${id}`);
		assert.match(ov2.text, /<span class="badge wait">资质审核中<\/span>/);
		assert.match(visible(ov2.text), /审核截止时间/);
	});

	test('REV-5 rejected: the reasons on the overview and next to the fields; resubmit keeping the document; approve; ONB-6 certify', async () => {
		const owner = await registerUser(srv, { tag: 'corg-rej' });
		const en = browser(owner, 'en');
		const prov = await createProvider(srv, owner.token, 'Rejected Then Fixed');
		const first = await apply(srv, owner.token, prov.id, { legalName: 'Wrong Name Ltd' });
		const admin = await adminToken(srv);
		let rv = await pendingReview(srv, admin, prov.id);
		assertStatus(await decide(srv, admin, rv.id, 'reject', [{ rule: 'ONB-3', field: 'legal_name', message: 'The name differs from the licence' }]), 200);

		assert.match(visible((await browser(owner, 'zh').get('/console/')).text), /Rejected Then Fixed ?：申请已被驳回：请修改后重新提交/);
		const ov = await en.get(`/console/orgs/${prov.id}`);
		assert.match(ov.text, /<span class="badge bad">Rejected<\/span>/);
		assert.match(visible(ov.text), /The name differs from the licence/);
		assert.match(visible(ov.text), /Fix and resubmit/);
		const ap = await en.get(`/console/orgs/${prov.id}/application`);
		assert.deepEqual(fieldError(ap.text, 'legal_name'), { text: 'The name differs from the licence ONB-3', rule: 'ONB-3' });
		assert.match(ap.text, /name="legal_name" required aria-describedby="f-legal_name-err f-legal_name-hint" aria-invalid="true" value="Wrong Name Ltd"/);
		assert.match(ap.text, new RegExp(`name="keep_document"[^>]*value="${first.documents[0]}" checked><label[^>]*>Send again: licence.pdf<`));

		// resubmitted without a new upload: the earlier document is kept
		const again = await en.post(`/console/orgs/${prov.id}/application`, [
			['entity_kind', 'company'], ['legal_name', 'Right Name Ltd'], ['licence_no', '91310000MA1FL0002X'],
			['keep_document', String(first.documents[0])],
		]);
		location(again);
		const a = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: owner.token });
		assert.equal(a.body.state, 'pending');
		assert.equal(a.body.legal_name, 'Right Name Ltd');
		assert.deepEqual(a.body.documents, first.documents);

		rv = await pendingReview(srv, admin, prov.id);
		assertStatus(await decide(srv, admin, rv.id, 'approve'), 200);
		const ov2 = await en.get(`/console/orgs/${prov.id}`);
		assert.match(ov2.text, /Awaiting certification/);
		assert.match(ov2.text, new RegExp(`href="/console/orgs/${prov.id}/certification"`));

		// ONB-6: another name is refused next to the field, in both languages
		for (const b of [en, browser(owner, 'zh')]) {
			const bad = await b.post(`/console/orgs/${prov.id}/certification`, [['legal_name', 'Another Name Ltd']]);
			assert.equal(bad.status, 400, bad.text.slice(0, 300));
			const e = fieldError(bad.text, 'legal_name');
			assert.ok(e, `no error under legal_name (${b.lang})`);
			assert.equal(e.rule, 'ONB-6');
			assert.match(bad.text, /value="Another Name Ltd"/, 'what was typed is kept');
			if (b.lang === 'zh') assert.match(bad.text, /主体名称/);
		}
		const ok = await en.post(`/console/orgs/${prov.id}/certification`, [['legal_name', ' Right Name Ltd ']]);
		assert.equal(location(ok), `/console/orgs/${prov.id}?ok=certified`);
		const ov3 = await en.get(`/console/orgs/${prov.id}?ok=certified`);
		assert.match(ov3.text, /<span class="badge good">Certified<\/span>/);
		assert.match(ov3.text, /href="\/console\/apps"/);
	});

	test('errors next to their field with the rule id, in zh and en (ONB-9, ONB-3)', async () => {
		const owner = await registerUser(srv, { tag: 'corg-err' });
		for (const lang of ['en', 'zh']) {
			const b = browser(owner, lang);
			const r = await b.post('/console/orgs/new', [['name', 'Typo Email Ltd'], ['contact_email', 'not-an-address']]);
			assert.equal(r.status, 400);
			const e = fieldError(r.text, 'contact_email');
			assert.ok(e, `no error under contact_email (${lang})`);
			assert.equal(e.rule, 'ONB-9');
			assert.match(e.text, lang === 'zh' ? /[\u4e00-\u9fff]/ : /^[\x20-\x7e]+$/, `the message in the page's language: ${e.text}`);
			assert.match(r.text, /value="Typo Email Ltd"/);
			assert.match(r.text, lang === 'zh' ? /联系邮箱/ : /Contact email/);
			assert.match(r.text, new RegExp(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"|<html lang="${lang}`));
		}
		const prov = await createProvider(srv, owner.token, 'No Documents Ltd');
		for (const lang of ['en', 'zh']) {
			const b = browser(owner, lang);
			const r = await b.post(`/console/orgs/${prov.id}/application`, [['entity_kind', 'company'], ['legal_name', '无文件科技有限公司'], ['licence_no', '91310000MA1FL0003X']]);
			assert.equal(r.status, 400);
			const e = fieldError(r.text, 'documents');
			assert.ok(e, `no error under documents (${lang}): ${visible(r.text).slice(0, 800)}`);
			assert.equal(e.rule, 'ONB-3');
			assert.match(e.text, lang === 'zh' ? /[\u4e00-\u9fff]/ : /^[\x20-\x7e]+$/, `the message in the page's language: ${e.text}`);
			assert.match(r.text, /value="无文件科技有限公司"/);
		}
		// an upload the file API refuses is shown under the file field
		const b = browser(owner, 'en');
		const r = await b.post(`/console/orgs/${prov.id}/application`, [
			['entity_kind', 'company'], ['legal_name', 'Bad File Ltd'], ['licence_no', '91310000MA1FL0004X'],
			['documents', { file: Buffer.from('this is not a pdf'), name: 'licence.pdf', type: 'application/pdf' }],
		]);
		assert.equal(r.status, 400);
		assert.ok(fieldError(r.text, 'documents'), 'the refused upload is named at its field');
		const api = await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token });
		assert.equal(api.body.state, 'draft', 'nothing was submitted');

		// a refusal after the upload offers the uploaded file again, checked
		const kind = await b.post(`/console/orgs/${prov.id}/application`, [
			['entity_kind', 'partnership'], ['legal_name', 'Kind Ltd'], ['licence_no', '91310000MA1FL0005X'],
			['documents', { file: pdf('kept'), name: 'kept-licence.pdf', type: 'application/pdf' }],
		]);
		assert.equal(kind.status, 400);
		assert.equal(fieldError(kind.text, 'entity_kind')?.rule, 'ONB-2');
		const kept = /name="keep_document"[^>]*value="(\d+)" checked><label[^>]*>Send again: kept-licence.pdf</.exec(kind.text);
		assert.ok(kept, 'the uploaded file is offered again');
		const again = await b.post(`/console/orgs/${prov.id}/application`, [
			['entity_kind', 'company'], ['legal_name', 'Kind Ltd'], ['licence_no', '91310000MA1FL0005X'], ['keep_document', kept[1]],
		]);
		location(again);
		const applied = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: owner.token });
		assert.deepEqual(applied.body.documents, [Number(kept[1])]);
	});

	test('cross-tenant: a member of another provider gets 404 on every page and file of yours', async () => {
		const owner = await registerUser(srv, { tag: 'corg-mine' });
		const prov = await createProvider(srv, owner.token, 'Mine Ltd');
		const app = await apply(srv, owner.token, prov.id, { legalName: '我的科技有限公司' });
		const stranger = await registerUser(srv, { tag: 'corg-other' });
		await createProvider(srv, stranger.token, 'Theirs Ltd');
		const other = browser(stranger, 'en');
		const fid = app.documents[0];
		assert.equal((await browser(owner).get(`/console/orgs/${prov.id}/files/${fid}`)).status, 200);
		for (const tab of ['', '/application', '/certification', '/members', '/notices', '/profile', '/cancel', `/files/${fid}`, `/members/${owner.id}/remove`]) {
			const r = await other.get(`/console/orgs/${prov.id}${tab}`);
			assert.equal(r.status, 404, `GET /console/orgs/${prov.id}${tab} answered ${r.status}`);
			assert.doesNotMatch(r.text, /Mine Ltd|我的科技有限公司/, `no leak on ${tab}`);
		}
		// their own pages do not serve my file either
		const theirs = (await srv.req('GET', '/v1/providers', { token: stranger.token })).body.items[0];
		assert.equal((await other.get(`/console/orgs/${theirs.id}/files/${fid}`)).status, 404);
		// a form posted at my provider changes nothing
		const r = await other.post(`/console/orgs/${prov.id}/profile`, [['name', 'Hijacked']], { from: `/console/orgs/${theirs.id}/profile` });
		assert.equal(r.status, 404);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token })).body.name, 'Mine Ltd');
		// "my providers" lists one's own, also for an operator the API answers all of them
		const theirList = await other.get('/console/orgs');
		assert.match(theirList.text, /Theirs Ltd/);
		assert.doesNotMatch(theirList.text, /Mine Ltd/);
		const op = browser({ token: await adminToken(srv) }, 'en');
		assert.doesNotMatch((await op.get('/console/orgs')).text, /Mine Ltd|Theirs Ltd/);
		// ids that are not ids are not found either
		assert.equal((await other.get('/console/orgs/1%2F..')).status, 404);
	});
});

describe('console: members, notices, profile', () => {
	test('ONB-1 the owner adds a member by email and removes them after a confirmation page; ONB-11 one owner', async () => {
		const owner = await registerUser(srv, { tag: 'corg-team' });
		const mate = await registerUser(srv, { tag: 'corg-mate' });
		const prov = await createProvider(srv, owner.token, 'Team Ltd');
		const en = browser(owner, 'en');
		const base = `/console/orgs/${prov.id}/members`;

		const unknown = await en.post(base, [['email', 'nobody.here@example.com']]);
		assert.equal(unknown.status, 404);
		assert.ok(fieldError(unknown.text, 'email'), 'the unknown address is named at its field');
		assert.match(unknown.text, /value="nobody.here@example.com"/);

		assert.equal(location(await en.post(base, [['email', mate.email.toUpperCase()]])), `${base}?ok=invited`);
		const page = await en.get(`${base}?ok=invited`);
		assert.match(visible(page.text), /Invitation sent\./);
		assert.match(visible(page.text), new RegExp(`${mate.name} ${mate.email} Member`));
		assert.match(visible(page.text), new RegExp(`${owner.name} ${owner.email} Owner`));
		assert.match(page.text, new RegExp(`href="${base}/${mate.id}/remove"`));
		assert.doesNotMatch(page.text, new RegExp(`href="${base}/${owner.id}/remove"`), 'the owner cannot be removed');

		// the member sees the provider, its members, but no owner's forms
		const m = browser(mate, 'zh');
		const home = await m.get('/console/');
		assert.match(home.text, new RegExp(`href="/console/orgs/${prov.id}">Team Ltd</a>`));
		const mp = await m.get(base);
		assert.equal(mp.status, 200);
		assert.doesNotMatch(mp.text, /name="email"/);
		assert.doesNotMatch(mp.text, /\/remove"/);
		assert.match(visible((await m.get(`/console/orgs/${prov.id}/application`)).text), /只有该服务商的所有者可以进行此操作/);
		assert.doesNotMatch((await m.get(`/console/orgs/${prov.id}/profile`)).text, /<form[^>]*profile/);

		// remove: a confirmation page first, stating the consequence
		const confirm = await en.get(`${base}/${mate.id}/remove`);
		assert.equal(confirm.status, 200);
		assert.match(visible(confirm.text), new RegExp(`${mate.name} loses access to Team Ltd`));
		assert.match(confirm.text, /name="confirm" value="1"/);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}/members`, { token: owner.token })).body.items.length, 2, 'nothing removed by looking');
		assert.equal(location(await en.post(`${base}/${mate.id}/remove`, [['confirm', '1']])), `${base}?ok=removed`);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}/members`, { token: owner.token })).body.items.length, 1);
		assert.equal((await m.get(base)).status, 404, 'a removed member no longer sees the provider');
	});

	test('notices of this provider only, from GET /v1/inbox?provider_id=', async () => {
		const owner = await registerUser(srv, { tag: 'corg-note' });
		const a = await createProvider(srv, owner.token, 'Noticed Ltd');
		const b = await createProvider(srv, owner.token, 'Other Noticed Ltd');
		await apply(srv, owner.token, a.id, { legalName: '通知科技有限公司' });
		await apply(srv, owner.token, b.id, { legalName: '另一通知科技有限公司' });
		const api = await srv.req('GET', `/v1/inbox?provider_id=${a.id}`, { token: owner.token });
		assertStatus(api, 200);
		assert.ok(api.body.items.length >= 1);
		assert.ok(api.body.items.every((n) => n.provider_id === a.id), JSON.stringify(api.body.items));
		const all = await srv.req('GET', '/v1/inbox', { token: owner.token });
		assert.ok(all.body.items.some((n) => n.provider_id === b.id));
		const bad = await srv.req('GET', '/v1/inbox?provider_id=x', { token: owner.token });
		assert.equal(bad.status, 400);
		assert.equal(bad.body.error.field, 'provider_id');

		const page = await browser(owner, 'en').get(`/console/orgs/${a.id}/notices`);
		assert.equal(page.status, 200);
		assert.match(visible(page.text), /Qualification application submitted/);
		assert.match(visible(page.text), /通知科技有限公司/);
		assert.doesNotMatch(visible(page.text), /另一通知科技有限公司/);
		const none = await browser(owner, 'zh').get(`/console/orgs/${(await createProvider(srv, owner.token, 'Quiet Ltd')).id}/notices`);
		assert.match(visible(none.text), /暂无与该服务商相关的站内信/);
	});

	test('ONB-9 the owner edits the profile; a bad phone is named at its field', async () => {
		const owner = await registerUser(srv, { tag: 'corg-prof' });
		const prov = await createProvider(srv, owner.token, 'Profile Ltd');
		const en = browser(owner, 'en');
		const p = `/console/orgs/${prov.id}/profile`;
		const bad = await en.post(p, [['name', 'Profile Ltd'], ['contact_phone', 'call me'], ['contact_name', 'Li Lei'], ['contact_email', ''], ['address', '']]);
		assert.equal(bad.status, 400);
		assert.equal(fieldError(bad.text, 'contact_phone')?.rule, 'ONB-9');
		assert.match(bad.text, /value="Li Lei"/);
		assert.equal(location(await en.post(p, [['name', 'Profile Renamed Ltd'], ['contact_name', 'Li Lei'], ['address', '1 Example Road']])), `${p}?ok=saved`);
		const got = (await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token })).body;
		assert.equal(got.name, 'Profile Renamed Ltd');
		assert.equal(got.contact_name, 'Li Lei');
		assert.equal(got.address, '1 Example Road');
	});
});

describe('console: re-verification and cancellation', () => {
	test('ONB-7 a demanded re-verification shows the reason and leads to certifying again', async () => {
		const owner = await registerUser(srv, { tag: 'corg-rev' });
		const prov = await certifiedProvider(srv, owner, { name: 'Reverify Ltd' });
		const admin = await adminToken(srv);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/reverification`, { token: admin, body: { reason: 'The licence expired in March' } }), 200);
		const en = browser(owner, 'en');
		const ov = await en.get(`/console/orgs/${prov.id}`);
		assert.match(ov.text, /<span class="badge bad">Re-verification required<\/span>/);
		assert.match(visible(ov.text), /The licence expired in March/);
		assert.match(visible(ov.text), /live apps keep working/);
		const cert = await en.get(`/console/orgs/${prov.id}/certification`);
		assert.match(visible(cert.text), /Verify the entity again/);
		assert.match(cert.text, /name="legal_name"/);
		const wrong = await en.post(`/console/orgs/${prov.id}/certification`, [['legal_name', 'Not The Name Ltd']]);
		assert.equal(wrong.status, 400);
		assert.equal(fieldError(wrong.text, 'legal_name')?.rule, 'ONB-6', 'the refusal survives the reason shown above the form');
		assert.match(visible(wrong.text), /The licence expired in March/);
		assert.equal(location(await en.post(`/console/orgs/${prov.id}/certification`, [['legal_name', prov.legalName]])), `/console/orgs/${prov.id}?ok=certified`);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token })).body.state, 'certified');
	});

	test('ONB-10 cancellation: explained first, confirmed on its own page, blocked while a review is open, then done', async () => {
		const owner = await registerUser(srv, { tag: 'corg-bye' });
		const prov = await createProvider(srv, owner.token, 'Leaving Ltd');
		await apply(srv, owner.token, prov.id, { legalName: '离开科技有限公司' });
		const en = browser(owner, 'en');
		const p = `/console/orgs/${prov.id}/cancel`;
		const explain = await en.get(p);
		assert.equal(explain.status, 200);
		assert.match(visible(explain.text), /deleted for good/);
		assert.match(visible(explain.text), /30 days/);
		assert.match(explain.text, /href="\/console\/rules\/ONB-10"/);
		const zh = await browser(owner, 'zh').get(p);
		assert.match(visible(zh.text), /保留 30 天/);

		// the first post only asks for confirmation
		const confirm = await en.post(p, []);
		assert.equal(confirm.status, 200);
		assert.match(visible(confirm.text), /Leaving Ltd is cancelled at once/);
		assert.match(confirm.text, /name="confirm" value="1"/);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token })).body.state, 'qualification_review');

		// an open review blocks it, and the page says what to settle
		const blocked = await en.post(p, [['confirm', '1']]);
		assert.equal(blocked.status, 409);
		assert.match(visible(blocked.text), /cannot be cancelled yet/);
		assert.match(visible(blocked.text), /A review is still open/);

		const admin = await adminToken(srv);
		const rv = await pendingReview(srv, admin, prov.id);
		assertStatus(await decide(srv, admin, rv.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: 'unreadable' }]), 200);
		assert.equal(location(await en.post(p, [['confirm', '1']])), `/console/orgs/${prov.id}?ok=cancelled`);
		const ov = await en.get(`/console/orgs/${prov.id}?ok=cancelled`);
		assert.match(ov.text, /<span class="badge">Cancelled<\/span>/);
		assert.match(visible(ov.text), /Deleted for good on/);
	});

	test('a member sees the cancellation explained but cannot cancel', async () => {
		const owner = await registerUser(srv, { tag: 'corg-own2' });
		const mate = await registerUser(srv, { tag: 'corg-mem2' });
		const prov = await createProvider(srv, owner.token, 'Kept Ltd');
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: mate.email } }), 201);
		const m = browser(mate, 'en');
		const page = await m.get(`/console/orgs/${prov.id}/cancel`);
		assert.equal(page.status, 200);
		assert.match(visible(page.text), /Only the owner of this provider can do this/);
		assert.doesNotMatch(page.text, /Cancel this provider/);
		const r = await m.post(`/console/orgs/${prov.id}/cancel`, [['confirm', '1']]);
		assert.equal(r.status, 200);
		assert.equal((await srv.req('GET', `/v1/providers/${prov.id}`, { token: owner.token })).body.state, 'draft');
	});
});
