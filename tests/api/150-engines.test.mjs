// Both database engines carry the same schema: the numbered migrations of
// src/store/migrations/sqlite and .../postgres end in the same tables and
// columns. Runs in `make test-pg` (it needs a PostgreSQL database to compare
// with); under `make test` only the SQLite half would exist, so it is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PG, databaseOf, sqlJson, KAIFANG_CLI } from './helpers/server.mjs';

function migrate(dataDir, database) {
	const env = { ...process.env, KAIFANG_DATABASE: database };
	const r = spawnSync(KAIFANG_CLI, ['--data-dir', dataDir, 'db', 'migrate'], { env, encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout;
}

test('the migrations of both engines end in the same schema version, tables and columns', { skip: !PG && 'needs PostgreSQL (make test-pg)' }, () => {
	const lite = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-engines-'));
	const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-engines-'));
	try {
		const outLite = migrate(lite, '');
		const pg = databaseOf(pgDir);
		const outPg = migrate(pgDir, pg);
		assert.equal(/schema version (\d+)/.exec(outPg)?.[1], /schema version (\d+)/.exec(outLite)?.[1]);
		const liteCols = sqlJson(path.join(lite, 'kaifang.db'),
			"SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2");
		const pgCols = sqlJson(pg,
			"SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2");
		const names = (rows) => rows.map((r) => `${r.t}.${r.c}`).sort();
		assert.deepEqual(names(pgCols), names(liteCols));
		assert.ok(liteCols.length > 100, 'the schema was read');
	} finally {
		fs.rmSync(lite, { recursive: true, force: true });
		fs.rmSync(pgDir, { recursive: true, force: true });
	}
});
