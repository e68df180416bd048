// The platform's staff operate providers and apps in the browser (issue 12,
// "Operating the platform"): an admin finds a provider by a member's
// email, bans it with a reason on the page that states the consequence,
// and lifts the ban (GOV-7, GOV-6); finds an app by its app_id and
// suspends it and lifts the suspension (AUTH-5); an auditor reads the same
// pages without any action button and is refused the action pages (403
// page). In Chinese and English; axe on every page; screenshots at 1280
// and 390 px into build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, operator, adminToken, assertStatus } from '../api/helpers/flows.mjs';
import { startReceiver, appProvider, developingApp } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';

const T = {
	zh: { platform: '平台管理', providers: '服务商', findProvider: '查找服务商', search: '搜索', ban: '封禁', banIt: '封禁服务商',
		reason: '原因', banned: '服务商已被封禁，已通知其成员原因。', lift: '解除封禁', lifted: '封禁已解除，已通知服务商成员。',
		badge: '已封禁', members: '成员', apps: '应用', findApp: '查找应用', suspend: '暂停', suspendIt: '暂停应用',
		suspended: '应用已暂停，已通知服务商原因。', unsuspend: '解除暂停', unsuspended: '暂停已解除，已通知服务商。',
		history: '状态历史', forbidden: '无权访问', reasonMissing: '请填写原因：服务商会看到它。' },
	en: { platform: 'Platform', providers: 'Providers', findProvider: 'Find a provider', search: 'Search', ban: 'Ban', banIt: 'Ban the provider',
		reason: 'Reason', banned: 'The provider is banned; its members were told why.', lift: 'Lift the ban', lifted: 'The ban is lifted; the provider\'s members were told.',
		badge: 'Banned', members: 'Members', apps: 'Apps', findApp: 'Find an app', suspend: 'Suspend', suspendIt: 'Suspend the app',
		suspended: 'The app is suspended; its provider was told why.', unsuspend: 'Lift the suspension', unsuspended: 'The suspension is lifted; the provider was told.',
		history: 'State history', forbidden: 'Not allowed', reasonMissing: 'Write the reason: the provider reads it.' },
};

let srv, rx, admin, auditor;
const data = {};

before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '300s' } });
	rx = await startReceiver();
	admin = await adminToken(srv);
	auditor = await operator(srv, 'auditor');
	for (const lang of ['zh', 'en']) {
		const owner = await registerUser(srv, { tag: `e2eops${lang}` });
		const member = await registerUser(srv, { tag: `e2eopsmember${lang}` });
		const name = lang === 'zh' ? `灯塔软件工作室${process.pid}` : `Lighthouse Software ${process.pid}`;
		const prov = await appProvider(srv, owner, { name });
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/members`, { token: owner.token, body: { email: member.email } }), 201);
		const app = await developingApp(srv, owner, prov.id, rx, { name: lang === 'zh' ? `天气助手${lang}` : `Weather Helper ${lang}` });
		data[lang] = { owner, member, prov, app, name };
	}
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
	await rx?.close();
});

for (const lang of ['zh', 'en']) {
	test(`${lang}: an admin finds a provider by a member's email, bans it with a reason and lifts the ban (GOV-7, GOV-6)`, async () => {
		const t = T[lang];
		const d = data[lang];
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(page, srv, admin);
			await page.goto('/console/');
			await page.getByRole('navigation').getByRole('link', { name: t.platform }).click();
			await page.getByRole('link', { name: t.providers, exact: true }).click();
			await page.getByLabel(t.findProvider).fill(d.member.email);
			await page.getByRole('button', { name: t.search }).click();
			await page.getByRole('link', { name: d.name }).click();
			await page.getByRole('heading', { name: d.name }).waitFor();
			await page.getByText(d.member.email).waitFor();
			await page.getByRole('link', { name: t.ban, exact: true }).click();
			const warning = await page.getByRole('alert').first().innerText();
			assert.match(warning, new RegExp(d.name), 'the consequence names the provider');
			// without a reason nothing happens and the page says what is missing
			await page.getByLabel(t.reason).fill(' ');
			await page.getByRole('button', { name: t.banIt }).click();
			await page.getByText(t.reasonMissing).waitFor();
			await checkA11y(page, `ban error ${lang}`);
			await page.getByLabel(t.reason).fill(lang === 'zh' ? '冒用他人资质' : 'Licence of another company');
			await page.getByRole('button', { name: t.banIt }).click();
			await page.getByText(t.banned).waitFor();
			await page.getByText(t.badge).first().waitFor();
			assert.equal(await page.getByRole('link', { name: t.ban, exact: true }).count(), 0, 'no second ban');
			await checkA11y(page, `banned provider ${lang}`);
			await capture(page, 'ops-provider-banned');
			await page.getByRole('link', { name: t.lift }).click();
			await page.getByLabel(t.reason).fill(lang === 'zh' ? '核实后解除' : 'Cleared after checking');
			await page.getByRole('button', { name: t.lift }).click();
			await page.getByText(t.lifted).waitFor();
			await page.getByRole('link', { name: t.ban, exact: true }).waitFor();
		} finally {
			await closePage(page);
		}
		const p = await srv.req('GET', `/v1/staff/providers/${d.prov.id}`, { token: admin });
		assert.equal(p.body.state, 'certified');
		assert.ok(p.body.notices.some((n) => n.kind === 'provider.banned'));
		assert.ok(p.body.notices.some((n) => n.kind === 'provider.unbanned'));
	});

	test(`${lang}: an admin finds an app by its app_id, suspends it and lifts the suspension (AUTH-5)`, async () => {
		const t = T[lang];
		const d = data[lang];
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(page, srv, admin);
			await page.goto('/console/ops');
			await page.getByRole('link', { name: t.apps, exact: true }).click();
			await page.getByLabel(t.findApp).fill(d.app.app_id);
			await page.getByRole('button', { name: t.search }).click();
			await page.getByRole('link', { name: d.app.sent.name }).click();
			await page.getByRole('heading', { name: d.app.sent.name }).waitFor();
			await page.getByRole('heading', { name: t.history }).waitFor();
			await page.getByRole('link', { name: t.suspend, exact: true }).click();
			await page.getByLabel(t.reason).fill(lang === 'zh' ? '泄露用户数据' : 'Leaking members\' data');
			await page.getByRole('button', { name: t.suspendIt }).click();
			await page.getByText(t.suspended).waitFor();
			await checkA11y(page, `suspended app ${lang}`);
			await capture(page, 'ops-app-suspended');
			await page.getByRole('link', { name: t.unsuspend }).click();
			await page.getByLabel(t.reason).fill(lang === 'zh' ? '已修复' : 'Fixed');
			await page.getByRole('button', { name: t.unsuspend }).click();
			await page.getByText(t.unsuspended).waitFor();
		} finally {
			await closePage(page);
		}
		assert.equal((await srv.req('GET', `/v1/staff/apps/${d.app.app_id}`, { token: admin })).body.state, 'developing');
	});

	test(`${lang}: an auditor reads the same pages without action buttons and is refused the action pages`, async () => {
		const t = T[lang];
		const d = data[lang];
		const page = await newPage({ lang, baseURL: srv.url });
		try {
			await signIn(page, srv, auditor);
			await page.goto(`/console/ops/providers?q=${encodeURIComponent(d.member.email)}`);
			await page.getByRole('link', { name: d.name }).click();
			await page.getByRole('heading', { name: t.members }).waitFor();
			assert.equal(await page.getByRole('link', { name: t.ban, exact: true }).count(), 0);
			await page.getByRole('link', { name: d.app.sent.name }).click();
			await page.getByRole('heading', { name: t.history }).waitFor();
			assert.equal(await page.getByRole('link', { name: t.suspend, exact: true }).count(), 0);
			const r = await page.goto(`/console/ops/providers/${d.prov.id}/ban`);
			assert.equal(r.status(), 403);
			assert.equal(await page.getByRole('button', { name: t.banIt }).count(), 0);
			await checkA11y(page, `auditor refused ${lang}`);
			await capture(page, 'ops-auditor-refused');
		} finally {
			await closePage(page);
		}
	});
}

test('a provider\'s own member is not staff: 403 page on the platform pages', async () => {
	const d = data.en;
	const page = await newPage({ lang: 'en', baseURL: srv.url });
	try {
		await signIn(page, srv, d.owner);
		const r = await page.goto(`/console/ops/providers/${d.prov.id}`);
		assert.equal(r.status(), 403);
		assert.equal(await page.getByText(d.member.email).count(), 0, 'nothing of the record leaks');
	} finally {
		await closePage(page);
	}
});

test('every page passes axe and is captured in both languages and widths', async () => {
	const d = data.zh;
	const asAdmin = (p) => signIn(p, srv, admin);
	const pages = [
		[`/console/ops/providers?q=${encodeURIComponent(d.member.email)}`, 'ops-providers'],
		['/console/ops/providers?q=nothing-matches-this', 'ops-providers-empty'],
		[`/console/ops/providers/${d.prov.id}`, 'ops-provider'],
		[`/console/ops/providers/${d.prov.id}/ban`, 'ops-provider-ban'],
		[`/console/ops/providers/${d.prov.id}/unban`, 'ops-provider-unban'],
		[`/console/ops/providers/${d.prov.id}/reverify`, 'ops-provider-reverify'],
		['/console/ops/apps', 'ops-apps'],
		[`/console/ops/apps/${d.app.app_id}`, 'ops-app'],
		[`/console/ops/apps/${d.app.app_id}/suspend`, 'ops-app-suspend'],
		[`/console/ops/apps/${d.app.app_id}/unsuspend`, 'ops-app-unsuspend'],
	];
	for (const [url, name] of pages) await tour(url, name, { baseURL: srv.url, prepare: asAdmin });
	await tour(`/console/ops/providers/${d.prov.id}`, 'ops-provider-auditor', { baseURL: srv.url, prepare: (p) => signIn(p, srv, auditor) });
});
