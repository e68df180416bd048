// The provider organisation in a browser, as its owner meets it: from the
// console home, register a provider (a typo in the contact email first),
// apply for qualification with the licence chosen in the form, read the
// reviewer's reasons and resubmit, certify the entity, add a colleague and
// remove them after a confirmation page, read the provider's notices, and
// cancel it after reading what happens. In Chinese and English, once more
// with JavaScript off; axe on every page; every page of the journey
// captured at 1280 and 390 px in both languages; and a member of another
// provider meets "not found" on every page and file of this one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, adminToken, assertStatus, pendingReview, decide, pdf, createProvider, apply } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn, LANGS } from './helpers/browser.mjs';

// what a person reads, in each language
const T = {
	zh: {
		register: '注册服务商', name: '服务商名称', contactPhone: '联系电话', registerBtn: '注册', draft: '草稿',
		apply: '申请资质审核', legalName: '主体名称', licenceNo: '营业执照号', licence: '营业执照（或身份证件）',
		submit: '提交审核', submitted: '已提交审核。', pending: '待处理', inReview: '资质审核中', rejected: '已驳回',
		fix: '修改并重新提交', certifyLink: '进行主体认证', certify: '认证', certified: '已认证', members: '成员',
		email: '对方的邮箱', addMember: '添加成员', invited: '邀请已发送。', remove: '移除', removed: '已移除。',
		notices: '通知', cancelTab: '注销', cancelGo: '注销该服务商…', cancelDo: '注销该服务商', cancelled: '已注销',
		notFound: '页面不存在', what: '注销后会发生什么',
	},
	en: {
		register: 'Register a provider', name: 'Provider name', contactPhone: 'Contact phone', registerBtn: 'Register', draft: 'Draft',
		apply: 'Apply for qualification', legalName: 'Legal entity name', licenceNo: 'Licence number', licence: 'Business licence (or identity document)',
		submit: 'Submit for review', submitted: 'Submitted for review.', pending: 'Pending', inReview: 'Qualification in review', rejected: 'Rejected',
		fix: 'Fix and resubmit', certifyLink: 'Certify the entity', certify: 'Certify', certified: 'Certified', members: 'Members',
		email: 'Their email', addMember: 'Add member', invited: 'Invitation sent.', remove: 'Remove', removed: 'Removed.',
		notices: 'Notices', cancelTab: 'Cancellation', cancelGo: 'Cancel this provider…', cancelDo: 'Cancel this provider', cancelled: 'Cancelled',
		notFound: 'Not found', what: 'What happens',
	},
};

let srv, admin;
let seq = 0;

before(async () => {
	await openBrowser();
	srv = await startServer();
	admin = await adminToken(srv);
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

const stateBadge = (page) => page.locator('p.state .badge');

/** Look at the page as it is: axe, and its screenshot when asked. */
async function look(page, label, shot) {
	await checkA11y(page, label);
	if (shot) await capture(page, shot);
}

async function journey({ lang, javaScript = true }) {
	const t = T[lang];
	const suffix = javaScript ? '' : '-nojs';
	const owner = await registerUser(srv, { tag: `e2eorg${lang}` });
	const mate = await registerUser(srv, { tag: `e2emate${lang}` });
	const orgName = `${lang === 'zh' ? '示例应用工作室' : 'Example Apps Studio'} ${++seq}${suffix}`;
	const legal = `${lang === 'zh' ? '上海示例网络科技有限公司' : 'Example Network Technology Co., Ltd.'} ${seq}${suffix}`;
	const page = await newPage({ lang, width: 1280, javaScript, baseURL: srv.url });
	const shot = (n) => (javaScript ? n : null);
	try {
		await signIn(page, srv, owner);
		await page.goto('/console/');
		await page.getByRole('link', { name: t.register }).first().click();
		await page.getByRole('heading', { name: t.register }).waitFor();

		// a phone number that is none: the error under the field, with its rule, and the name kept
		// (the browser itself checks an email field's form, so the server's checks show on the phone)
		await page.getByLabel(t.name).fill(orgName);
		await page.getByLabel(t.contactPhone).fill('call the office');
		await page.getByRole('button', { name: t.registerBtn, exact: true }).click();
		const err = page.locator('#f-contact_phone-err');
		await err.waitFor();
		assert.match(await err.innerText(), /ONB-9/);
		assert.equal(await page.getByLabel(t.name).inputValue(), orgName, 'what was typed is kept');
		await look(page, `org new error (${lang}${suffix})`, shot('orgs-new-error'));
		await page.getByLabel(t.contactPhone).fill('+44 20 7946 0958');
		await page.getByRole('button', { name: t.registerBtn, exact: true }).click();

		// the overview: the state and the next step
		await page.getByRole('heading', { name: orgName }).waitFor();
		assert.equal(await stateBadge(page).innerText(), t.draft);
		const orgUrl = new URL(page.url()).pathname;
		const id = /^\/console\/orgs\/(\d+)$/.exec(orgUrl)?.[1];
		assert.ok(id, `on the provider's page: ${page.url()}`);
		await look(page, `org overview (${lang}${suffix})`);

		// apply with the licence chosen in the form
		await page.getByRole('link', { name: t.apply }).click();
		await page.getByLabel(t.legalName).fill('Not quite the name');
		await page.getByLabel(t.licenceNo).fill('91310000MA1FL0100X');
		await page.getByLabel(t.licence).setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: pdf('e2e licence') });
		await page.getByRole('button', { name: t.submit }).click();
		await page.getByText(t.submitted).waitFor();
		assert.equal(await stateBadge(page).innerText(), t.inReview);
		assert.ok(await page.getByRole('link', { name: 'licence.pdf' }).isVisible(), 'the document is listed by its name');
		await look(page, `org application in review (${lang}${suffix})`, shot('orgs-application-review'));

		// the reviewer rejects with a reason; the owner reads it and resubmits
		let rv = await pendingReview(srv, admin, Number(id));
		const reason = lang === 'zh' ? '主体名称与营业执照不一致' : 'The name differs from the business licence';
		assertStatus(await decide(srv, admin, rv.id, 'reject', [{ rule: 'ONB-3', field: 'legal_name', message: reason }]), 200);
		await page.goto(orgUrl);
		assert.equal(await stateBadge(page).innerText(), t.rejected);
		assert.ok(await page.getByText(reason).first().isVisible(), 'the reason is on the overview');
		await page.getByRole('link', { name: t.fix }).click();
		const why = page.locator('#f-legal_name-err');
		assert.match(await why.innerText(), new RegExp(`${reason}.*ONB-3`));
		await look(page, `org application rejected (${lang}${suffix})`, shot('orgs-application-rejected'));
		await page.getByLabel(t.legalName).fill(legal);
		await page.getByRole('button', { name: t.submit }).click();
		await page.getByText(t.submitted).waitFor();

		rv = await pendingReview(srv, admin, Number(id));
		assertStatus(await decide(srv, admin, rv.id, 'approve'), 200);
		await page.goto(orgUrl);
		await page.getByRole('link', { name: t.certifyLink }).click();
		await page.getByLabel(t.legalName).fill(legal);
		await look(page, `org certification (${lang}${suffix})`, shot('orgs-certification-form'));
		await page.getByRole('button', { name: t.certify, exact: true }).click();
		await page.getByRole('heading', { name: orgName }).waitFor();
		assert.equal(await stateBadge(page).innerText(), t.certified);
		await look(page, `org certified (${lang}${suffix})`, shot('orgs-certified'));

		// a colleague: added by email, removed after a confirmation page
		await page.getByRole('link', { name: t.members, exact: true }).click();
		await page.getByLabel(t.email).fill(mate.email);
		await page.getByRole('button', { name: t.addMember }).click();
		await page.getByText(t.invited).waitFor();
		assert.ok(await page.getByRole('cell', { name: mate.email }).isVisible());
		await look(page, `org members (${lang}${suffix})`);
		await page.getByRole('link', { name: `${t.remove} ${mate.name}` }).click();
		assert.ok(await page.getByText(mate.name).first().isVisible(), 'the confirmation names the person');
		await look(page, `org member remove confirm (${lang}${suffix})`, shot('orgs-member-remove'));
		await page.getByRole('button', { name: t.remove, exact: true }).click();
		await page.getByText(t.removed).waitFor();
		assert.equal(await page.getByRole('cell', { name: mate.email }).count(), 0);

		// the provider's notices
		await page.getByRole('link', { name: t.notices, exact: true }).click();
		assert.ok(await page.getByRole('heading', { name: 'Qualification application submitted' }).first().isVisible());
		await look(page, `org notices (${lang}${suffix})`);

		// cancellation: what happens first, then a confirmation page
		await page.getByRole('link', { name: t.cancelTab, exact: true }).click();
		assert.ok(await page.getByRole('heading', { name: t.what }).isVisible());
		await page.getByRole('button', { name: t.cancelGo }).click();
		await look(page, `org cancel confirm (${lang}${suffix})`, shot('orgs-cancel-confirm'));
		await page.getByRole('button', { name: t.cancelDo, exact: true }).click();
		await page.getByRole('heading').first().waitFor();
		assert.equal(await stateBadge(page).innerText(), t.cancelled);
		await look(page, `org cancelled (${lang}${suffix})`);
	} finally {
		await closePage(page);
	}
}

for (const lang of LANGS)
	test(`ONB-3 … ONB-10 the owner's journey: register, apply with the licence, resubmit, certify, members, notices, cancel (${lang})`, async () => {
		await journey({ lang });
	});

test('the provider journey works with JavaScript off (zh)', async () => {
	await journey({ lang: 'zh', javaScript: false });
});

test('every provider page in both languages and widths: axe and screenshots', async () => {
	const owner = await registerUser(srv, { tag: 'e2eorgtour', name: '王小明 Wang Xiaoming' });
	const mate = await registerUser(srv, { tag: 'e2eorgtourmate' });
	const prov = await createProvider(srv, owner.token, '杭州长名称示例网络科技有限公司 Hangzhou Long Name Example Apps');
	assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: mate.email } }), 201);
	await apply(srv, owner.token, prov.id, { legalName: '杭州长名称示例网络科技有限公司' });
	const rv = await pendingReview(srv, admin, prov.id);
	assertStatus(await decide(srv, admin, rv.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: '营业执照扫描件不清晰 The licence scan is unreadable' }]), 200);
	const empty = await registerUser(srv, { tag: 'e2eorgempty' });
	const as = (who) => ({ baseURL: srv.url, prepare: (page) => signIn(page, srv, who) });
	const base = `/console/orgs/${prov.id}`;
	await tour('/console/orgs', 'orgs-list-empty', { ...as(empty), check: async (page) => assert.ok(await page.locator('.empty a[href="/console/orgs/new"]').isVisible()) });
	await tour('/console/orgs', 'orgs-list', as(owner));
	await tour('/console/orgs/new', 'orgs-new', as(owner));
	await tour(base, 'orgs-overview-rejected', as(owner));
	await tour(`${base}/application`, 'orgs-application-resubmit', as(owner));
	await tour(`${base}/certification`, 'orgs-certification', as(owner));
	await tour(`${base}/members`, 'orgs-members', as(owner));
	await tour(`${base}/members/${mate.id}/remove`, 'orgs-member-remove-confirm', as(owner));
	await tour(`${base}/notices`, 'orgs-notices', as(owner));
	await tour(`${base}/profile`, 'orgs-profile', as(owner));
	await tour(`${base}/cancel`, 'orgs-cancel', as(owner));
	await tour(`${base}/application`, 'orgs-application-member', as(mate));
});

test('cross-tenant: a member of another provider meets "not found" on every page and file of this one', async () => {
	const owner = await registerUser(srv, { tag: 'e2eorgmine' });
	const prov = await createProvider(srv, owner.token, 'Private Provider Ltd');
	const app = await apply(srv, owner.token, prov.id, { legalName: '私有科技有限公司' });
	const other = await registerUser(srv, { tag: 'e2eorgother' });
	await createProvider(srv, other.token, 'Other Provider Ltd');
	for (const lang of LANGS) {
		const page = await newPage({ lang, width: 390, baseURL: srv.url });
		try {
			await signIn(page, srv, other);
			for (const tab of ['', '/application', '/members', '/notices', '/cancel', `/files/${app.documents[0]}`]) {
				const res = await page.goto(`/console/orgs/${prov.id}${tab}`);
				assert.equal(res.status(), 404, `${tab || '/'} (${lang})`);
				await page.getByRole('heading', { name: T[lang].notFound }).waitFor();
				assert.equal(await page.getByText('Private Provider Ltd').count(), 0, 'nothing of it shows');
			}
			await look(page, `org not found (${lang})`, 'orgs-not-found');
		} finally {
			await closePage(page);
		}
	}
});
