// `kaifang backup DIR` (issue 10): a copy of a running server's data
// directory taken with SQLite's online backup while clients go on
// writing; restored as the operator guide says (stop, copy into a data
// directory, start), a second kaifangd serves every write acknowledged
// before the backup began, the uploaded files, and an audit log that
// verifies.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, execCli, cli, sqlJson, PG, databaseOf, createFault, dropTrigger } from './helpers/server.mjs';
import { registerUser, uploadPdf, pdf, assertStatus, login } from './helpers/flows.mjs';

const tmpDirs = [];
function tmpDir(tag) {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), `kaifang-${tag}-`));
	tmpDirs.push(d);
	return d;
}

/** What kaifang backup does, with pg_dump for the database (PostgreSQL). */
async function pgBackup(srv, dir) {
	fs.mkdirSync(dir, { recursive: true });
	fs.copyFileSync(path.join(srv.dataDir, 'audit.anchor'), path.join(dir, 'audit.anchor'));
	const { execFile } = await import('node:child_process');
	const r = await new Promise((resolve) =>
		execFile('pg_dump', ['--format=custom', '--file', path.join(dir, 'kaifang.dump'), '--dbname', srv.dbPath], (err, stdout, stderr) =>
			resolve({ status: err ? err.code : 0, stdout, stderr })));
	fs.copyFileSync(path.join(srv.dataDir, 'audit.key'), path.join(dir, 'audit.key'));
	fs.chmodSync(path.join(dir, 'audit.key'), 0o600);
	fs.cpSync(path.join(srv.dataDir, 'files'), path.join(dir, 'files'), { recursive: true });
	return r;
}

describe('kaifang backup while the server serves writes, and the restore', () => {
	let srv;
	let owner;
	let file;
	let content;
	const servers = [];

	before(async () => {
		srv = await startServer();
		servers.push(srv);
		owner = await registerUser(srv, { tag: 'backup' });
		content = pdf('backed-up licence');
		file = await uploadPdf(srv, owner.token, content, 'licence.pdf');
	});
	after(async () => {
		for (const s of servers) await s.stop();
		for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
	});

	test('a backup taken during a stream of writes restores into a second kaifangd with every write acknowledged before it began, the files, and an intact audit log', async () => {
		// a client creating providers one after another, recording each
		// one the server acknowledged
		const acked = [];
		let stop = false;
		let failures = 0;
		const writer = (async () => {
			for (let n = 0; !stop; n++) {
				const name = `Backed Up ${process.pid}-${n}`;
				const r = await srv.req('POST', '/v1/providers', { token: owner.token, body: { name } });
				if (r.status === 201) acked.push({ id: r.body.id, name });
				else failures += 1;
			}
		})();
		while (acked.length < 5) await new Promise((r) => setTimeout(r, 20));

		const dir = path.join(tmpDir('backup'), 'b1');
		const before = acked.slice();
		// SQLite: kaifang backup. PostgreSQL: the operator guide's pg_dump,
		// in kaifang backup's order (the anchor first, then the database,
		// the key and the files), while the writer goes on
		const b = PG ? await pgBackup(srv, dir) : await execCli(srv.dataDir, ['backup', dir]);
		const during = acked.length;
		// let the writer go on a little after the backup, then stop it
		while (acked.length < during + 3) await new Promise((r) => setTimeout(r, 20));
		stop = true;
		await writer;
		assert.equal(b.status, 0, `backup failed: ${b.stderr}`);
		assert.equal(failures, 0, 'a write failed while the backup ran');

		const restored = tmpDir('restored');
		if (PG) {
			// the restore of the operator guide: pg_restore into an empty
			// database, the files, key and anchor into the data directory
			execFileSync('pg_restore', ['--no-owner', '--dbname', databaseOf(restored), path.join(dir, 'kaifang.dump')]);
			fs.rmSync(path.join(dir, 'kaifang.dump'));
			fs.cpSync(dir, restored, { recursive: true });
		} else {
			// it says what it wrote, and wrote that
			assert.match(b.stdout, new RegExp(`${dir}/kaifang\\.db +\\d+ bytes, schema version \\d+`));
			assert.match(b.stdout, /audit\.anchor +audit row \d+/);
			assert.match(b.stdout, /audit\.key +mode 0600/);
			assert.match(b.stdout, /files\/ +1 uploaded files, \d+ bytes/);
			assert.deepEqual(fs.readdirSync(dir).sort(), ['audit.anchor', 'audit.key', 'files', 'kaifang.db']);
			assert.equal(fs.statSync(path.join(dir, 'audit.key')).mode & 0o777, 0o600);
			assert.deepEqual(sqlJson(path.join(dir, 'kaifang.db'), 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
			// the restore of the operator guide: copy into a data directory, start
			fs.cpSync(dir, restored, { recursive: true });
		}
		const v = cli(restored, ['audit', 'verify']);
		assert.equal(v.status, 0, `audit verify of the restored copy: ${v.stdout}${v.stderr}`);
		const srv2 = await startServer({ dataDir: restored });
		servers.push(srv2);

		// every provider acknowledged before the backup began is there;
		// nothing the writer never sent
		const names = new Set();
		for (let after = 0; after !== null; ) {
			const list = await srv2.req('GET', `/v1/providers?limit=100&after=${after}`, { token: owner.token });
			assertStatus(list, 200, 'providers on the restored server');
			for (const p of list.body.items) names.add(p.name);
			after = list.body.next_after;
		}
		for (const p of before) {
			assert.ok(names.has(p.name), `provider ${p.name}, acknowledged before the backup, is missing`);
			const g = await srv2.req('GET', `/v1/providers/${p.id}`, { token: owner.token });
			assertStatus(g, 200, `provider ${p.id}`);
			assert.equal(g.body.name, p.name);
		}
		const all = new Set(acked.map((p) => p.name));
		for (const n of names) assert.ok(all.has(n) || !n.startsWith('Backed Up'), `unknown provider ${n}`);
		// the restore is the database of one moment: a prefix of the stream
		const got = acked.filter((p) => names.has(p.name)).length;
		assert.deepEqual(acked.slice(0, got).map((p) => p.name).filter((n) => !names.has(n)), [], 'a hole in the restored stream');

		// the uploaded file and the people
		const f = await srv2.req('GET', `/v1/files/${file.id}/content`, { token: owner.token });
		assert.equal(f.status, 200);
		assert.equal(f.text, content.toString('utf8'));
		await login(srv2, owner.email, owner.password);

		// the restored server appends to the chain it was given
		assertStatus(await srv2.req('POST', '/v1/providers', { token: owner.token, body: { name: 'After the restore' } }), 201);
		await srv2.stop({ keepDir: true });
		servers.pop();
		const v2 = cli(restored, ['audit', 'verify']);
		assert.equal(v2.status, 0, `audit verify after the restored server wrote: ${v2.stdout}${v2.stderr}`);

		// and the original server went on serving
		assertStatus(await srv.req('POST', '/v1/providers', { token: owner.token, body: { name: 'Still serving' } }), 201);
	});

	test('on PostgreSQL kaifang backup refuses and names pg_dump', { skip: !PG && 'PostgreSQL only (make test-pg)' }, () => {
		const r = cli(srv.dataDir, ['backup', path.join(tmpDir('backup'), 'b3')]);
		assert.notEqual(r.status, 0);
		assert.match(r.stderr, /pg_dump/);
	});

	test('a backup is never overwritten, and DIR is required', { skip: PG && 'SQLite only: kaifang backup copies a SQLite database' }, async () => {
		const dir = path.join(tmpDir('backup'), 'b2');
		const first = cli(srv.dataDir, ['backup', dir]);
		assert.equal(first.status, 0, first.stderr);
		const db = path.join(dir, 'kaifang.db');
		const before = fs.readFileSync(db);
		await uploadPdf(srv, owner.token);
		const again = cli(srv.dataDir, ['backup', dir]);
		assert.equal(again.status, 1);
		assert.match(again.stderr, /already holds a backup/);
		assert.ok(fs.readFileSync(db).equals(before), 'the first backup was changed');
		const none = cli(srv.dataDir, ['backup']);
		assert.equal(none.status, 2);
		assert.match(none.stderr, /usage/);
	});
});

// Found by the crash suite (issue 10): the answer kept for an
// Idempotency-Key was stored in a commit of its own after the write's, so
// a kill between the two kept the write without its answer, and the
// client's repeat of its cut-off request made the write a second time.
// The answer now commits with the write: here the answer cannot be stored
// (a fault injected with a trigger), and the write is not kept either.
describe('issue 10: the answer of an Idempotency-Key commits with its write', () => {
	let srv;
	let owner;
	before(async () => {
		srv = await startServer();
		owner = await registerUser(srv, { tag: 'idem' });
	});
	after(async () => {
		if (srv) dropTrigger(srv.dbPath, 'idempotency_keys', 'kf_test_fault');
		await srv?.stop();
	});

	async function named(name) {
		const out = [];
		for (let after = 0; after !== null; ) {
			const r = await srv.req('GET', `/v1/providers?limit=100&after=${after}`, { token: owner.token });
			assertStatus(r, 200, 'providers');
			out.push(...r.body.items.filter((p) => p.name === name));
			after = r.body.next_after;
		}
		return out;
	}

	test('when the answer cannot be stored the provider is not created; the repeat creates it once and is then answered from the store', async () => {
		const key = `idem-${process.pid}-atomic`;
		const body = { name: `Atomic ${process.pid}` };
		createFault(srv.dbPath, 'kf_test_fault', 'BEFORE UPDATE OF status ON idempotency_keys', 'NEW.status <> 0');
		const failed = await srv.req('POST', '/v1/providers', { token: owner.token, headers: { 'Idempotency-Key': key }, body });
		assert.equal(failed.status, 500, `the write was answered without its answer stored: ${failed.status} ${failed.text}`);
		assert.equal(failed.body.error.code, 'storage_error');
		assert.deepEqual(await named(body.name), [], 'the provider was kept without the answer');
		dropTrigger(srv.dbPath, 'idempotency_keys', 'kf_test_fault');

		const first = await srv.req('POST', '/v1/providers', { token: owner.token, headers: { 'Idempotency-Key': key }, body });
		assertStatus(first, 201, 'the repeat');
		const again = await srv.req('POST', '/v1/providers', { token: owner.token, headers: { 'Idempotency-Key': key }, body });
		assertStatus(again, 201, 'the second repeat');
		assert.equal(again.headers.get('idempotent-replayed'), 'true');
		assert.equal(again.body.id, first.body.id);
		assert.equal((await named(body.name)).length, 1);
	});
});
