// The demo data of `make run` (kaifang demo load): an operator admin, the
// agreements, a certified sample provider and a released app whose live
// listing is in the public directory (APP-6), so a first look at the
// marketplace is not empty. Loading twice changes nothing.
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, cli } from './helpers/server.mjs';
import { assertStatus } from './helpers/flows.mjs';

describe('demo data', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-demo-'));
	let srv;
	after(async () => {
		await srv?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	test('demo load gives a released app in the directory, readable by its provider; a second load changes nothing', async () => {
		assert.equal(cli(dir, ['db', 'migrate']).status, 0);
		const first = cli(dir, ['demo', 'load']);
		assert.equal(first.status, 0, first.stderr);
		const pw = /provider@kaifang\.local\s+password (\S+)/.exec(first.stdout)?.[1];
		assert.ok(pw, first.stdout);
		const second = cli(dir, ['demo', 'load']);
		assert.equal(second.status, 0, second.stderr);
		assert.match(second.stdout, /already loaded/);

		srv = await startServer({ dataDir: dir, admin: false });
		const d = await srv.req('GET', '/v1/directory');
		assertStatus(d, 200, 'directory');
		assert.equal(d.body.items.length, 1);
		const [item] = d.body.items;
		assert.equal(item.name, '天气助手');
		assert.equal(item.version, '1.0.0');
		assert.equal(item.category, 'tools');
		// the marketplace finds it by its name, its pinyin initials, and features it (REV-2, REV-3)
		for (const q of ['天气', 'tq']) {
			const m = await srv.req('GET', `/v1/market/apps?q=${encodeURIComponent(q)}`);
			assertStatus(m, 200, `search ${q}`);
			assert.deepEqual(m.body.items.map((i) => i.app_id), [item.app_id], q);
		}
		const f = await srv.req('GET', '/v1/market/apps?featured=true');
		assert.deepEqual(f.body.items.map((i) => i.app_id), [item.app_id]);

		const s = await srv.req('POST', '/v1/sessions', { body: { login: 'provider@kaifang.local', password: pw } });
		assertStatus(s, 201, 'sign in');
		const a = await srv.req('GET', `/v1/apps/${item.app_id}`, { token: s.body.token });
		assertStatus(a, 200, 'read the demo app');
		assert.equal(a.body.state, 'released');
		assert.equal(a.body.live_config.name, 'Weather Helper');
	});
});
