// The review desk in a browser, as a reviewer plays it
// (src/console/review.c): approve a qualification with its licence open in
// the page (the picture inline, the PDF in the browser's viewer, both
// loaded), with the keyboard; reject a release with two reasons picked
// from the templates, one edited, and the provider then reads both reasons
// on its submissions page; go to the next review in the queue with "j".
// In Chinese and English; axe and screenshots at 1280 and 390 px of the
// desk for a qualification and a release.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, uploadPdf, decide, createProvider, apply, pendingReview } from '../api/helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer } from '../api/helpers/apps.mjs';
import { startTestApp } from '../api/helpers/testapp.mjs';
import { listingPictures, cleanListing, upload, png, checker } from '../api/helpers/images.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const T = {
	zh: {
		approve: '通过', reject: '驳回', approved: '已通过', decided: '已处理，服务商将收到通知。', reason: (n) => `理由 ${n}`,
		text: (n) => `理由 ${n} 的文字`, docs: '证明材料', subsTab: '提交审核', rejected: '已驳回', next: '下一条 →',
	},
	en: {
		approve: 'Approve', reject: 'Reject', approved: 'Approved', decided: 'Decided: the provider is told.', reason: (n) => `Reason ${n}`,
		text: (n) => `Text of reason ${n}`, docs: 'Documents', subsTab: 'Submissions', rejected: 'Rejected', next: 'Next review →',
	},
};

let srv, rx, rev, owner, prov, files, base, seq = 0;
const testApps = [];

before(async () => {
	await openBrowser();
	srv = await startServer({
		env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_URL_CHECK_TIMEOUT: '3s' },
	});
	rx = await startReceiver();
	base = `http://listing.localhost:${rx.port}`;
	rev = await reviewer(srv);
	owner = await registerUser(srv, { tag: 'e2edesk' });
	prov = await appProvider(srv, owner);
	files = await listingPictures(srv, owner.token);
	const doc = (await uploadPdf(srv, owner.token)).id;
	const s = await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: owner.token, body: { documents: [doc], statement: 'We build it.' } });
	assert.equal(s.status, 201, s.text);
	const [{ review_id: rid }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id}`);
	assert.equal((await decide(srv, rev.token, rid, 'approve')).status, 200);
});
after(async () => {
	await closeBrowser();
	for (const ta of testApps) await ta.close();
	await rx?.close();
	await srv?.stop();
});

/** A qualification under review with a licence picture and a PDF. */
async function qualification() {
	seq += 1;
	const u = await registerUser(srv, { tag: `e2eq${seq}` });
	const p = await createProvider(srv, u.token, `Desk provider ${seq}`);
	const picture = await upload(srv, u.token, png(320, 200, checker(20)), 'licence.png');
	const paper = (await uploadPdf(srv, u.token)).id;
	await apply(srv, u.token, p.id, { legalName: `审核台科技有限公司${seq}`, documents: [picture, paper] });
	const rv = await pendingReview(srv, rev.token, p.id);
	return { u, p, rv, picture, paper };
}

/** A release under review, of an app served by a test app. */
async function release() {
	const ta = await startTestApp(srv);
	testApps.push(ta);
	const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
	ta.configure(app);
	await approveCreation(srv, owner.token, app.app_id);
	const l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, { name: '天气预报小助手专业' }) });
	assert.equal(l.status, 200, l.text);
	const r = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
	assert.equal(r.status, 202, r.text);
	return { app, review: r.body.review };
}

async function signInAs(page, user, lang) {
	await signIn(page, srv, user);
	await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
}

for (const lang of ['zh', 'en']) {
	test(`a reviewer approves a qualification with its documents open in the page, by keyboard (${lang})`, async () => {
		const t = T[lang];
		const q = await qualification();
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signInAs(page, rev, lang);
			const picture = page.waitForResponse((res) => res.url().endsWith(`/console/files/${q.picture}`));
			const paper = page.waitForResponse((res) => res.url().endsWith(`/console/files/${q.paper}`));
			await page.goto(`/console/reviews/${q.rv.id}`);
			assert.equal((await picture).status(), 200, 'the licence picture loads');
			assert.equal((await paper).status(), 200, 'the PDF loads in its frame');
			const img = page.locator(`img[src="/console/files/${q.picture}"]`);
			await img.waitFor();
			assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 320), 'the picture is shown');
			assert.equal(await page.locator(`iframe[src="/console/files/${q.paper}"]`).count(), 1);
			await page.getByText(`审核台科技有限公司${seq}`).first().waitFor();
			await checkA11y(page, `qualification on the desk (${lang})`);
			// decide without the mouse: "a" focuses Approve, Enter sends it
			await page.keyboard.press('a');
			assert.equal(await page.evaluate(() => document.activeElement?.id), 'approve');
			await page.keyboard.press('Enter');
			await page.getByText(t.decided).waitFor();
			await page.locator('.badge', { hasText: t.approved }).first().waitFor();
			assert.equal(await page.getByRole('button', { name: t.approve, exact: true }).count(), 0, 'no form on a decided review');
			const c = await srv.req('GET', `/v1/reviews/${q.rv.id}`, { token: rev.token });
			assert.equal(c.body.state, 'approved');
		} finally {
			await closePage(page);
		}
	});

	test(`a reviewer rejects a release with two reasons and the provider reads both (${lang})`, async () => {
		const t = T[lang];
		const { app, review } = await release();
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signInAs(page, rev, lang);
			await page.goto(`/console/reviews/${review.id}`);
			// the automated finding stands on its field
			await page.locator('#findings-name').getByRole('link', { name: 'LST-1' }).waitFor();
			const pick = async (n, rule) => {
				const select = page.getByLabel(t.reason(n), { exact: true });
				const value = await select.locator('option', { hasText: `${rule} ·` }).first().getAttribute('value');
				await select.selectOption(value);
			};
			await pick(1, 'LST-9');
			// the template's text is in the box, and the reviewer edits it
			const box1 = page.getByLabel(t.text(1), { exact: true });
			assert.ok((await box1.inputValue()).length > 0, 'the template filled the text');
			const mine = lang === 'zh' ? '详细介绍没有说明预警信息的来源' : 'The description does not say where the warnings come from';
			await box1.fill(mine);
			await pick(2, 'LST-21');
			const second = await page.getByLabel(t.text(2), { exact: true }).inputValue();
			assert.ok(second.length > 0);
			await page.getByRole('button', { name: t.reject, exact: true }).click();
			await page.getByText(t.decided).waitFor();
			await capture(page, 'review-desk-release-rejected');

			// the provider, in its console: both reasons with their rule ids
			const p2 = await newPage({ lang, baseURL: srv.url });
			try {
				await signInAs(p2, owner, lang);
				await p2.goto(`/console/apps/${app.app_id}/submissions`);
				const row = p2.getByRole('row').filter({ hasText: mine });
				await row.getByText(t.rejected).waitFor();
				await row.getByText(second).waitFor();
				assert.equal(await row.getByRole('link', { name: 'LST-9' }).count(), 1);
				assert.equal(await row.getByRole('link', { name: 'LST-21' }).count(), 1);
			} finally {
				await closePage(p2);
			}
		} finally {
			await closePage(page);
		}
	});
}

test('"j" goes to the next review in the queue, "k" back', async () => {
	const a = await qualification();
	const b = await qualification();
	const queue = (await srv.req('GET', '/v1/reviews?state=pending&limit=200', { token: rev.token })).body.items.map((x) => x.id);
	const i = queue.indexOf(a.rv.id);
	assert.ok(i >= 0 && queue.includes(b.rv.id));
	const page = await newPage({ lang: 'en', baseURL: srv.url });
	try {
		await signInAs(page, rev, 'en');
		await page.goto(`/console/reviews/${a.rv.id}`);
		await page.getByText(/Keys: j next review/).waitFor();
		await page.keyboard.press('j');
		await page.waitForURL(new RegExp(`/console/reviews/${queue[i + 1]}$`));
		await page.keyboard.press('k');
		await page.waitForURL(new RegExp(`/console/reviews/${a.rv.id}$`));
		// typing in a box is not a key command
		await page.getByLabel('Text of reason 1', { exact: true }).press('j');
		assert.match(page.url(), new RegExp(`/console/reviews/${a.rv.id}$`));
	} finally {
		await closePage(page);
	}
});

test('the desk in both languages at 1280 and 390 px: a qualification and a release, axe finds nothing serious, each captured', async () => {
	const q = await qualification();
	const { review } = await release();
	const prepare = (page, { lang }) => signInAs(page, rev, lang);
	await tour(`/console/reviews/${q.rv.id}`, 'review-desk-qualification', { baseURL: srv.url, prepare });
	await tour(`/console/reviews/${review.id}`, 'review-desk-release', { baseURL: srv.url, prepare });
});
