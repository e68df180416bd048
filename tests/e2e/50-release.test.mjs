// An app on its way to release, in a browser, as a provider's developer
// plays it (src/console/app_release.c): fill the listing with its pictures
// and see each finding under its field with its rule id (and, with the
// script, while typing); run the capability checks and read their timings;
// submit the release and read the review's outcome and reasons where it was
// submitted; find an event among the deliveries, open its attempts and
// replay it after a confirmation. In Chinese and English, the listing once
// more with JavaScript off; axe on every page at 1280 and 390 px, each page
// captured into build/screenshots/; another provider's member gets 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, uploadPdf, decide } from '../api/helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer, waitFor, deliveries } from '../api/helpers/apps.mjs';
import { startTestApp } from '../api/helpers/testapp.mjs';
import { png, block, checker, fadeLeft } from '../api/helpers/images.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

// what a person reads, in each language
const T = {
	zh: {
		name: '应用名称', intro: '简介', description: '详细介绍', category: '类目', keywords: '关键词', version: '版本号',
		privacy: '隐私政策 URL', terms: '用户协议 URL', website: '官网', company: '开发者名称', phone: '客服电话',
		icon: '图标', desktop: '桌面端截图', mobile: '移动端截图', companyLogo: '开发者图标', upload: '上传图片', add: '添加图片',
		save: '保存并检测', error: '错误（阻止发布）', warning: '警告', blocks: /个错误会阻止发布/, clean: /没有阻止发布的问题/,
		tools: '工具', checksTab: '能力检测', run: '立即运行检测', checked: '检测已运行', passed: '通过',
		subsTab: '提交审核', submit: '提交发布审核', submitted: '已提交审核。', pending: '待处理', rejected: '已驳回',
		delivTab: '消息推送', state: '状态', delivered: '已送达', filter: '筛选', ticket: '验证票据', attempts: '推送尝试',
		replay: '重新推送…', replayConfirm: '重新推送', replayed: '事件正在重新推送。', notFound: '页面不存在',
	},
	en: {
		name: 'App name', intro: 'Intro', description: 'Description', category: 'Category', keywords: 'Keywords', version: 'Version',
		privacy: 'Privacy policy URL', terms: 'Terms of use URL', website: 'Website', company: 'Company name', phone: 'Support phone',
		icon: 'Icon', desktop: 'Desktop screenshots', mobile: 'Mobile screenshots', companyLogo: 'Company logo', upload: 'Upload a picture', add: 'Add pictures',
		save: 'Save and check', error: 'Error (blocks release)', warning: 'Warning', blocks: /errors block the release/, clean: /Nothing blocks the release/,
		tools: 'Tools', checksTab: 'Checks', run: 'Run the checks now', checked: 'The checks ran', passed: 'Passed',
		subsTab: 'Submissions', submit: 'Submit for release', submitted: 'Submitted for review.', pending: 'Pending', rejected: 'Rejected',
		delivTab: 'Deliveries', state: 'State', delivered: 'Delivered', filter: 'Filter', ticket: 'Verify ticket', attempts: 'Attempts',
		replay: 'Replay…', replayConfirm: 'Replay', replayed: 'The event is being sent again.', notFound: 'Not found',
	},
};

const TOO_LONG_INTRO = '查看所在城市的天气预报降雨提醒和灾害预警'; // 20 CJK characters (LST-8)
const PICTURES = {
	icon: { name: 'icon.png', mimeType: 'image/png', buffer: png(128, 128, block(128, 128)) },
	companyLogo: { name: 'company.png', mimeType: 'image/png', buffer: png(128, 128, checker(16)) },
	desktop: { name: 'desktop.png', mimeType: 'image/png', buffer: png(1920, 1080, fadeLeft(1920)) },
	mobile: { name: 'mobile.png', mimeType: 'image/png', buffer: png(750, 1628, block(750, 1628)) },
};

let srv, rx, owner, prov, rev, other, base;
const testApps = [];

before(async () => {
	await openBrowser();
	srv = await startServer({
		env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_URL_CHECK_TIMEOUT: '3s' },
	});
	rx = await startReceiver(); // the listing's website, privacy and terms pages answer 200
	base = `http://listing.localhost:${rx.port}`;
	rev = await reviewer(srv);
	owner = await registerUser(srv, { tag: 'e2erelease' });
	prov = await appProvider(srv, owner);
	// stage 1 of a release (APP-9): the provider's authenticity certification
	const doc = (await uploadPdf(srv, owner.token)).id;
	const s = await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: owner.token, body: { documents: [doc], statement: 'We build it.' } });
	assert.equal(s.status, 201, s.text);
	const [{ review_id: rid }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id}`);
	assert.equal((await decide(srv, rev.token, rid, 'approve')).status, 200);
	other = await registerUser(srv, { tag: 'e2eother' });
	await appProvider(srv, other);
});
after(async () => {
	await closeBrowser();
	for (const ta of testApps) await ta.close();
	await rx?.close();
	await srv?.stop();
});

/**
 * Sign a page in as user, in lang: the account's own language is English,
 * so the page's language is the one the person chose with the switch (the
 * kf_lang cookie it sets).
 */
async function signInAs(page, user, lang) {
	await signIn(page, srv, user);
	await page.context().addCookies([{ name: 'kf_lang', value: lang, url: srv.url }]);
}

/** A developing app served by a test app that speaks the protocol. */
async function candidate() {
	const ta = await startTestApp(srv);
	testApps.push(ta);
	const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
	ta.configure(app);
	await approveCreation(srv, owner.token, app.app_id);
	return app;
}

/** Fill the listing form by its labels, with the pictures uploaded through it. */
async function fillListing(page, t, { intro }) {
	await page.getByLabel(t.name, { exact: true }).fill('天气预报小助手');
	await page.getByLabel(t.intro, { exact: true }).fill(intro);
	await page.getByLabel(t.description, { exact: true }).fill('为团队成员提供所在城市的天气预报、降雨提醒与灾害预警。');
	await page.getByLabel(t.category, { exact: true }).selectOption({ label: t.tools });
	await page.getByLabel(t.keywords, { exact: true }).fill('天气，预报');
	await page.getByLabel(t.version, { exact: true }).fill('1.0.0');
	await page.getByLabel(t.privacy, { exact: true }).fill(`${base}/privacy`);
	await page.getByLabel(t.terms, { exact: true }).fill(`${base}/terms`);
	await page.getByLabel(t.website, { exact: true }).fill(`${base}/site`);
	await page.getByLabel(t.company, { exact: true }).fill(prov.legalName);
	await page.getByLabel(t.phone, { exact: true }).fill('010-12345678');
	await page.getByRole('group', { name: t.icon, exact: true }).getByLabel(t.upload).setInputFiles(PICTURES.icon);
	await page.getByRole('group', { name: t.companyLogo }).getByLabel(t.upload).setInputFiles(PICTURES.companyLogo);
	await page.getByRole('group', { name: t.desktop }).getByLabel(t.add).setInputFiles(PICTURES.desktop);
	await page.getByRole('group', { name: t.mobile }).getByLabel(t.add).setInputFiles(PICTURES.mobile);
}

/** The findings list right under a field (the editor puts it there). */
const findingsOf = (page, field) => page.locator(`#findings-${field}`);

for (const lang of ['zh', 'en']) {
	test(`release journey (${lang}): listing with findings at their fields, checks with timings, submission with the review's reasons, deliveries and replay`, async () => {
		const t = T[lang];
		const app = await candidate();
		const home = `/console/apps/${app.app_id}`;
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signInAs(page, owner, lang);
			await page.goto(`${home}/listing`);

			// the listing, with an intro that is too long: the error stands under the intro with its rule id
			await fillListing(page, t, { intro: TOO_LONG_INTRO });
			await page.getByRole('button', { name: t.save }).click();
			await page.getByText(t.blocks).waitFor();
			await assert.doesNotReject(findingsOf(page, 'intro').getByText(t.error).waitFor());
			assert.equal(await findingsOf(page, 'intro').getByRole('link', { name: 'LST-8' }).count(), 1);
			await findingsOf(page, 'name').getByText(t.warning).waitFor();
			assert.equal(await findingsOf(page, 'name').getByRole('link', { name: 'LST-1' }).count(), 1);
			assert.equal(await findingsOf(page, 'name').getByText(t.error).count(), 0, 'a warning is not an error');
			await checkA11y(page, `listing with findings (${lang})`);
			await capture(page, 'release-listing-findings');

			// with the script, the findings follow the typing before anything is saved
			await page.getByLabel(t.intro, { exact: true }).fill('查看天气预报');
			await waitFor(async () => (await findingsOf(page, 'intro').count()) === 1 && (await findingsOf(page, 'intro').getByText(t.error).count()) === 0, { what: 'the intro finding gone while typing' });
			await page.getByRole('button', { name: t.save }).click();
			await page.getByText(t.clean).waitFor();
			assert.equal(await findingsOf(page, 'intro').locator('li').count(), 0);

			// the capability checks, run from their tab: every check with its result and time
			await page.getByRole('link', { name: t.checksTab, exact: true }).click();
			await page.getByRole('button', { name: t.run }).click();
			await page.getByText(t.checked).waitFor({ timeout: 60000 });
			const rows = page.getByRole('row').filter({ hasText: /\d+ ms/ });
			assert.equal(await rows.count(), 5);
			assert.equal(await rows.filter({ hasText: t.passed }).count(), 5);

			// the release, submitted from its tab; the page answers when the automated stages are done
			await page.getByRole('link', { name: t.subsTab, exact: true }).click();
			await page.getByRole('button', { name: t.submit }).click();
			await page.getByText(t.submitted).waitFor({ timeout: 60000 });
			assert.ok(await page.getByRole('row').filter({ hasText: t.pending }).count() >= 1);
			const sub = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
			const reason = lang === 'zh' ? '详细介绍没有说明预警信息的来源' : 'The description does not say where the warnings come from';
			assert.equal((await decide(srv, rev.token, sub.review_id, 'reject', [{ rule: 'LST-9', field: 'description', message: reason }])).status, 200);
			await page.reload();
			const row = page.getByRole('row').filter({ hasText: reason });
			await row.getByText(t.rejected).waitFor();
			assert.equal(await row.getByRole('link', { name: 'LST-9' }).count(), 1);
			await checkA11y(page, `submissions with the review's reasons (${lang})`);
			await capture(page, 'release-submissions-rejected');

			// deliveries: filter, one event's attempts, replay after a confirmation
			await waitFor(async () => (await deliveries(srv, owner.token, app.app_id, 'delivered')).length > 0, { what: 'a delivered event' });
			await page.getByRole('link', { name: t.delivTab, exact: true }).click();
			await page.getByLabel(t.state, { exact: true }).selectOption('delivered');
			await page.getByRole('button', { name: t.filter }).click();
			await page.waitForURL(/state=delivered/);
			await page.getByRole('link', { name: t.ticket }).first().click();
			await page.getByRole('heading', { name: t.attempts }).waitFor();
			assert.ok(await page.getByRole('row').filter({ hasText: 'HTTP 200' }).count() >= 1);
			await page.getByRole('button', { name: t.replay }).click();
			await page.getByRole('button', { name: t.replayConfirm, exact: true }).click();
			await page.getByText(t.replayed).waitFor();
		} finally {
			await closePage(page);
		}
	});
}

test('the listing editor works with JavaScript off: saved by the form, findings under their fields', async () => {
	const app = await candidate();
	const t = T.zh;
	const page = await newPage({ lang: 'zh', javaScript: false, baseURL: srv.url });
	try {
		await signInAs(page, owner, 'zh');
		await page.goto(`/console/apps/${app.app_id}/listing`);
		await fillListing(page, t, { intro: TOO_LONG_INTRO });
		await page.getByRole('button', { name: t.save }).click();
		await page.getByText(t.blocks).waitFor();
		await findingsOf(page, 'intro').getByText(t.error).waitFor();
		assert.equal(await findingsOf(page, 'intro').getByRole('link', { name: 'LST-8' }).count(), 1);
		await checkA11y(page, 'listing without JavaScript');
	} finally {
		await closePage(page);
	}
});

test('every release page in both languages at 1280 and 390 px: axe finds nothing serious, each captured', async () => {
	const app = await candidate();
	const l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: { name: '天气预报小助手', intro: TOO_LONG_INTRO, category: 'tools' } });
	assert.equal(l.status, 200, l.text);
	const ev = await waitFor(async () => (await deliveries(srv, owner.token, app.app_id))[0], { what: 'an event' });
	const prepare = (page, { lang }) => signInAs(page, owner, lang);
	const home = `/console/apps/${app.app_id}`;
	for (const [path, name] of [['listing', 'release-listing'], ['checks', 'release-checks'], ['authenticity', 'release-authenticity'],
		['submissions', 'release-submissions'], ['deliveries', 'release-deliveries'], [`deliveries/${ev.event_id}`, 'release-delivery']]) {
		await tour(`${home}/${path}`, name, { baseURL: srv.url, prepare });
	}
});

test("another provider's member gets 404 on every release page of the app", async () => {
	const app = await candidate();
	const ev = await waitFor(async () => (await deliveries(srv, owner.token, app.app_id))[0], { what: 'an event' });
	for (const lang of ['zh', 'en']) {
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signInAs(page, other, lang);
			for (const p of ['listing', 'checks', 'authenticity', 'submissions', 'deliveries', `deliveries/${ev.event_id}`]) {
				const res = await page.goto(`/console/apps/${app.app_id}/${p}`);
				assert.equal(res.status(), 404, `${p} (${lang})`);
				await page.getByRole('heading', { name: T[lang].notFound }).waitFor();
				assert.equal(await page.getByText(ev.event_id).count(), 0);
			}
		} finally {
			await closePage(page);
		}
	}
});
