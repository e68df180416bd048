// Governance in the browser (issue 13, GOV-3, GOV-6): an operator records
// a level-3 violation against an app in the console; the provider sees the
// measure on the console home and on the app's governance tab, objects
// with a text and a file; the operator finds the objection on the
// governance page and upholds it on the measure's page; the provider sees
// the restoration (the measure ended because the objection was upheld)
// and the history. Another provider's member gets 404. In Chinese and
// English; axe on every page; screenshots at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, operator, adminToken, assertStatus } from '../api/helpers/flows.mjs';
import { startReceiver, appProvider, developingApp } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const T = {
	zh: { record: '记录违规', level: '违规等级', evidence: '违规证据', files: '证据文件（可选）', submit: '记录违规',
		caused: '由此产生的措施', notRec: '不推荐', measureAgainst: '针对', untilRect: '整改完成为止', objectOpen: '对此措施提出异议',
		why: '异议理由', support: '证明材料（可选）', send: '提交异议', sent: '异议已提交', waiting: '等待处理',
		pending: '待处理的异议', note: '给服务商的说明', uphold: '支持异议：结束措施', upheld: '已支持异议', ended: '已结束的措施',
		byObjection: '异议获支持', noneInForce: '目前没有针对本应用或其服务商的处理措施。', governance: '违规与措施' },
	en: { record: 'Record a violation', level: 'Level', evidence: 'Evidence', files: 'Evidence files (optional)', submit: 'Record the violation',
		caused: 'Measures it caused', notRec: 'Not recommended', measureAgainst: 'Measure against', untilRect: 'Until rectified', objectOpen: 'Object to this measure',
		why: 'Why the measure is wrong', support: 'Supporting files (optional)', send: 'Send the objection', sent: 'Your objection is sent', waiting: 'Waiting for a decision',
		pending: 'Objections waiting for a decision', note: 'Note to the provider', uphold: 'Uphold: end the measure', upheld: 'Objection upheld', ended: 'Ended measures',
		byObjection: 'your objection was upheld', noneInForce: 'No measure is in force against this app or its provider.', governance: 'Violations and measures' },
};

const PDF = { name: 'repair-report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') };

let srv, rx, admin, outsider;
const data = {};

before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '300s' } });
	rx = await startReceiver();
	admin = await adminToken(srv);
	outsider = await registerUser(srv, { tag: 'e2egovout' });
	for (const lang of ['zh', 'en']) {
		const owner = await registerUser(srv, { tag: `e2egov${lang}` });
		const name = lang === 'zh' ? `天气助手科技${process.pid}` : `Weather Works ${process.pid}`;
		const prov = await appProvider(srv, owner, { name });
		const app = await developingApp(srv, owner, prov.id, rx, { name: lang === 'zh' ? `天气助手${lang}` : `Weather Helper ${lang}` });
		const spare = await developingApp(srv, owner, prov.id, rx, { name: lang === 'zh' ? `日历助手${lang}` : `Calendar Helper ${lang}` });
		data[lang] = { owner, prov, app, spare, name };
	}
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
	await rx?.close();
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: violation recorded, provider objects with a file, operator upholds, provider sees the restoration (GOV-3, GOV-6)`, async () => {
		const t = T[lang];
		const d = data[lang];
		// the operator records a level-3 violation from the app's staff page
		const op = await newPage({ lang, baseURL: srv.url });
		let measureId;
		try {
			await signIn(op, srv, admin);
			await op.goto(`/console/ops/apps/${d.app.app_id}`);
			await op.getByRole('link', { name: t.record }).click();
			await op.getByLabel(t.level).selectOption('3');
			await op.getByLabel(t.evidence, { exact: true }).fill(lang === 'zh' ? '用户反复投诉：消息推送连续三天失败' : 'Repeated user complaints: pushes failed three days running');
			await op.getByLabel(t.files).setInputFiles(PDF);
			await op.getByRole('button', { name: t.submit }).click();
			await op.getByRole('heading', { name: t.caused }).waitFor();
			const link = op.getByRole('link', { name: new RegExp(`${t.notRec} #\\d+`) });
			measureId = (await link.innerText()).match(/#(\d+)/)[1];
			await checkA11y(op, `violation recorded ${lang}`);
			await capture(op, 'gov-violation-recorded');
		} finally {
			await closePage(op);
		}
		// the provider sees it on the console home and objects on the governance tab
		const pv = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(pv, srv, d.owner);
			await pv.goto('/console/');
			const home = pv.getByRole('link', { name: d.app.app_id });
			await home.waitFor();
			assert.match(await pv.locator('main').innerText(), new RegExp(t.measureAgainst));
			await home.click();
			await pv.getByText(t.untilRect).first().waitFor();
			await pv.getByText(t.objectOpen).click();
			await pv.getByLabel(t.why).fill(lang === 'zh' ? '故障已于当日修复，附修复报告' : 'Fixed the same day; the repair report is attached');
			await pv.getByLabel(t.support).setInputFiles(PDF);
			await pv.getByRole('button', { name: t.send }).click();
			await pv.getByText(t.sent).waitFor();
			await pv.getByText(t.waiting).first().waitFor();
			await checkA11y(pv, `objection sent ${lang}`);
			await capture(pv, 'gov-app-objection-sent');
		} finally {
			await closePage(pv);
		}
		// the operator finds it on the governance page and upholds it
		const op2 = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(op2, srv, admin);
			await op2.goto('/console/ops');
			await op2.getByRole('link', { name: t.governance }).first().click();
			await op2.getByRole('heading', { name: new RegExp(t.pending) }).waitFor();
			await op2.locator(`a[href^="/console/ops/measures/${measureId}#objection-"]`).click();
			await op2.getByLabel(t.note).fill(lang === 'zh' ? '核实已修复' : 'Checked: it is fixed');
			await op2.getByRole('button', { name: t.uphold }).click();
			await op2.getByText(t.upheld).first().waitFor();
			await checkA11y(op2, `objection upheld ${lang}`);
			await capture(op2, 'gov-measure-upheld');
		} finally {
			await closePage(op2);
		}
		// the provider sees the restoration and the history
		const pv2 = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(pv2, srv, d.owner);
			await pv2.goto(`/console/apps/${d.app.app_id}/governance`);
			await pv2.getByText(t.noneInForce).waitFor();
			await pv2.getByRole('heading', { name: t.ended }).waitFor();
			assert.match(await pv2.locator('main').innerText(), new RegExp(t.byObjection));
			await checkA11y(pv2, `restored ${lang}`);
			await capture(pv2, 'gov-app-restored');
		} finally {
			await closePage(pv2);
		}
		const m = await srv.req('GET', `/v1/measures/${measureId}`, { token: d.owner.token });
		assert.equal(m.body.in_force, false);
		assert.equal(m.body.end_reason, 'objection');
	});
}

test('another provider\'s member gets 404 for the governance tab and the withdrawal page', async () => {
	const d = data.en;
	const page = await newPage({ lang: 'en', baseURL: srv.url });
	try {
		await signIn(page, srv, outsider);
		for (const p of [`/console/apps/${d.app.app_id}/governance`, `/console/apps/${d.app.app_id}/withdraw`]) {
			const res = await page.goto(p);
			assert.equal(res.status(), 404, p);
		}
	} finally {
		await closePage(page);
	}
});

test('every governance page passes axe and is captured in both languages and widths', async () => {
	const d = data.zh;
	// a measure in force with a pending objection on the spare app
	const v = await srv.req('POST', `/v1/apps/${d.spare.app_id}/violations`, { token: admin, body: { level: 3, rule: 'GOV-3', evidence: '多次投诉' } });
	assertStatus(v, 201);
	const mid = v.body.measures[0].id;
	assertStatus(await srv.req('POST', `/v1/measures/${mid}/objections`, { token: d.owner.token, body: { text: '请复核：已修复' } }), 201);
	const asAdmin = (p) => signIn(p, srv, admin);
	const asOwner = (p) => signIn(p, srv, d.owner);
	const staffPages = [
		['/console/ops/governance', 'gov-ops-index'],
		[`/console/ops/governance?app_id=${d.spare.app_id}`, 'gov-ops-index-filtered'],
		[`/console/ops/apps/${d.spare.app_id}/violations/new`, 'gov-ops-violation-new'],
		['/console/ops/measures/new', 'gov-ops-measure-new'],
		[`/console/ops/measures/${mid}`, 'gov-ops-measure'],
		[`/console/ops/measures/${mid}/end?reason=rectified`, 'gov-ops-measure-rectified'],
		[`/console/ops/measures/${mid}/end?reason=lifted`, 'gov-ops-measure-lift'],
	];
	for (const [url, name] of staffPages) await tour(url, name, { baseURL: srv.url, prepare: asAdmin });
	const providerPages = [
		['/console/', 'gov-console-home'],
		[`/console/apps/${d.spare.app_id}/governance`, 'gov-app-tab'],
		[`/console/apps/${d.spare.app_id}/withdraw`, 'gov-app-withdraw'],
	];
	for (const [url, name] of providerPages) await tour(url, name, { baseURL: srv.url, prepare: asOwner });
});
