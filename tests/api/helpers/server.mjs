// Black-box helpers: start a real kaifangd on a free loopback port with a
// fresh data directory, talk to it over HTTP, read the mails it writes, dump
// its database and run the operator CLI against it.
//
// Every server started here is stopped by stop(); a process 'exit' hook kills
// whatever a crashed test file left behind, so no kaifangd outlives the run.
import { spawn, execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
export const KAIFANGD = process.env.KAIFANGD || path.join(repo, 'build/kaifangd');
export const KAIFANG_CLI = process.env.KAIFANG_CLI || path.join(repo, 'build/kaifang');

export const ADMIN_EMAIL = 'admin@kaifang.test';
export const ADMIN_PASSWORD = 'admin-password-0001';

const live = new Set();
function killAll() {
	for (const child of live) {
		try {
			child.kill('SIGKILL');
		} catch {
			/* already gone */
		}
	}
}
process.on('exit', killAll);
// a test process ended by a signal runs no 'exit' hook: clean up first
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(sig, () => {
		killAll();
		process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
	});
}

/** A port that was free a moment ago: bind port 0, read it, close. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/** Environment of the parent without any KAIFANG_* variable, so that the
 * caller's shell cannot change what a test starts. */
// `make test-pg` runs this suite on PostgreSQL: KF_TEST_PG is the URI of a
// throwaway cluster's first database (tools/pg-cluster.sh). Each data
// directory then gets a database of its own, made here, which a restart on
// the same directory and the CLI run against it find again.
export const PG = process.env.KF_TEST_PG || '';
const pgDatabases = new Map(); // data directory → its database URI

function psql(uri, args, opts = {}) {
	const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, uri], { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
	if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
	return r.stdout;
}

/** The database of a data directory on PostgreSQL (made on first use), or null on SQLite. */
export function databaseOf(dataDir) {
	if (!PG) return null;
	let uri = pgDatabases.get(dataDir);
	if (!uri) {
		const name = `kt_${crypto.randomBytes(6).toString('hex')}`;
		psql(PG, ['-c', `CREATE DATABASE ${name}`]);
		uri = PG.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`);
		pgDatabases.set(dataDir, uri);
	}
	return uri;
}

function cleanEnv() {
	const env = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('KAIFANG_') && k !== 'KAIFANGD') env[k] = v;
	return env;
}

/**
 * Run kaifangd to completion (for --help, bad options and refusals).
 * Returns {status, stdout, stderr}.
 */
export function runDaemon(args, { env = {}, timeout = 10000 } = {}) {
	// on PostgreSQL, a data directory that has a database uses it
	const dir = args[args.indexOf('--data-dir') + 1];
	const db = args.includes('--data-dir') && pgDatabases.get(dir);
	const r = spawnSync(KAIFANGD, args, { env: { ...cleanEnv(), ...(db ? { KAIFANG_DATABASE: db } : {}), ...env }, encoding: 'utf8', timeout });
	return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start kaifangd.
 *   opts.env        extra environment (KAIFANG_* options)
 *   opts.testClock  KAIFANG_TEST_CLOCK=1 (default true)
 *   opts.admin      create the first operator admin (default true)
 *   opts.args       extra command-line flags
 *   (staff security is relaxed by default: KAIFANG_OPERATOR_SECOND_FACTOR
 *   off, idle timeout and step-up age 366d; pass env to test them)
 *   opts.dataDir    an existing data directory to start on (a restart);
 *                   default: a fresh one
 */
export async function startServer(opts = {}) {
	const { env = {}, testClock = true, admin = true, args = [], dataDir } = opts;
	let lastErr;
	for (let attempt = 0; attempt < 4; attempt++) {
		try {
			return await startOnce({ env, testClock, admin, args, reuseDir: dataDir });
		} catch (e) {
			lastErr = e;
			// another process may have taken the port between probe and bind
			if (!/cannot listen|address in use|listen_failed/i.test(String(e.message))) throw e;
		}
	}
	throw lastErr;
}

async function startOnce({ env, testClock, admin, args, reuseDir }) {
	const port = await freePort();
	const dataDir = reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-api-'));
	// a reused directory belongs to the caller: never removed on a failed start
	const removeDir = () => {
		if (!reuseDir) fs.rmSync(dataDir, { recursive: true, force: true });
	};
	const fullEnv = {
		...cleanEnv(),
		KAIFANG_WORKER_INTERVAL: '1s',
		// every test signs up from 127.0.0.1 and the bad-input cases try
		// many wrong client secrets: these limits are tested with their
		// own values (131-security-limits)
		KAIFANG_REGISTRATIONS_PER_ADDRESS: '100000',
		KAIFANG_VERIFICATION_MAILS_PER_ADDRESS: '100000',
		KAIFANG_CLIENT_AUTH_MAX_FAILURES: '100000',
		KAIFANG_CLIENT_AUTH_MAX_FAILURES_PER_ADDRESS: '100000',
		// the suites sign in as staff with a password alone and move the
		// test clock by days: staff security is tested with its own
		// values (189-second-factor, 75-second-factor pass env to override)
		KAIFANG_OPERATOR_SECOND_FACTOR: 'off',
		KAIFANG_OPERATOR_IDLE_TIMEOUT: '366d',
		KAIFANG_OPERATOR_STEP_UP: '366d',
		...(testClock ? { KAIFANG_TEST_CLOCK: '1' } : {}),
		...(admin ? { KAIFANG_ADMIN_EMAIL: ADMIN_EMAIL, KAIFANG_ADMIN_PASSWORD: ADMIN_PASSWORD } : {}),
		...(PG ? { KAIFANG_DATABASE: databaseOf(dataDir) } : {}),
		...env,
	};
	const child = spawn(KAIFANGD, ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...args], {
		env: fullEnv,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	live.add(child);
	let stderr = '';
	let stdout = '';
	child.stderr.setEncoding('utf8');
	child.stdout.setEncoding('utf8');
	child.stderr.on('data', (d) => {
		if (process.env.KF_TEST_LOG) fs.appendFileSync(process.env.KF_TEST_LOG, d);
		stderr += d;
		if (stderr.length > 4 << 20) stderr = stderr.slice(-(2 << 20));
	});
	child.stdout.on('data', (d) => {
		stdout += d;
	});
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			live.delete(child);
			resolve({ code, signal });
		});
		child.on('error', (err) => {
			// could not be started at all (missing binary, EACCES while relinking)
			live.delete(child);
			stderr += `spawn failed: ${err.message}\n`;
			resolve({ code: null, signal: null, error: err });
		});
	});
	let exitInfo = null;
	exited.then((x) => {
		exitInfo = x;
	});
	const url = `http://127.0.0.1:${port}`;

	// wait for /healthz
	const deadline = Date.now() + 15000;
	for (;;) {
		if (exitInfo) {
			removeDir();
			throw new Error(`kaifangd exited early (code ${exitInfo.code}, signal ${exitInfo.signal}): ${stderr}`);
		}
		try {
			const r = await fetch(`${url}/healthz`);
			if (r.status === 200) {
				await r.arrayBuffer();
				break;
			}
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			await exited;
			removeDir();
			throw new Error(`kaifangd did not answer /healthz within 15 s: ${stderr}`);
		}
		await sleep(25);
	}

	// what sqlJson and dbSnapshot read: the SQLite file, or the PostgreSQL database
	const dbPath = fullEnv.KAIFANG_DATABASE || path.join(dataDir, 'kaifang.db');
	const mailDir = path.join(dataDir, 'mail');
	let stopped = null;

	const srv = {
		url,
		port,
		dataDir,
		dbPath,
		mailDir,
		child,
		get stderr() {
			return stderr;
		},
		get stdout() {
			return stdout;
		},

		/**
		 * Stop with SIGTERM and wait; throws unless the process exits 0
		 * (SIGTERM must drain and close the database cleanly). Idempotent.
		 */
		async stop({ keepDir = false } = {}) {
			if (!stopped) {
				stopped = (async () => {
					if (!exitInfo) child.kill('SIGTERM');
					const t = setTimeout(() => child.kill('SIGKILL'), 15000);
					const x = await exited;
					clearTimeout(t);
					if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
					return x;
				})();
			}
			const x = await stopped;
			if (x.code !== 0)
				throw new Error(`kaifangd did not exit cleanly on SIGTERM (code ${x.code}, signal ${x.signal}): ${stderr.slice(-2000)}`);
			return x.code;
		},

		/**
		 * kill -9: end the process at once (no drain, nothing flushed) and
		 * wait for it; the data directory stays for a restart with
		 * startServer({dataDir: srv.dataDir}). Returns the exit information.
		 */
		async kill() {
			if (!stopped) {
				stopped = (async () => {
					if (!exitInfo) child.kill('SIGKILL');
					return exited;
				})();
			}
			await stopped;
			return exitInfo;
		},

		/** Exit information once the process has ended (or null). */
		get exitInfo() {
			return exitInfo;
		},

		/**
		 * HTTP request. body: JSON-encoded unless raw is given (Buffer or
		 * string sent as is). Returns {status, headers, body, text}; body
		 * is the parsed JSON or null.
		 */
		req(method, p, { body, token, headers = {}, raw, cookie } = {}) {
			return request(url, method, p, { body, token, headers, raw, cookie });
		},

		/**
		 * One request on its own socket that keeps reading while it writes
		 * and ignores write errors, so a response the server sends before
		 * the body is complete (413) is still seen. Returns {status,
		 * headers, body, text} or {status: 0} when no response arrived.
		 */
		rawRequest(method, p, { headers = {}, body = Buffer.alloc(0), token } = {}) {
			return rawRequest(port, method, p, { headers, body, token });
		},

		/** All mails to `to`, oldest first: [{file, to, subject, body}]. */
		mails(to) {
			return listMails(mailDir, to);
		},

		/**
		 * Poll the mail folder up to 5 s for the newest mail to `to` (whose
		 * text matches `match` when given, and which is not among `exclude`
		 * file names); returns its body text.
		 */
		async readMail(to, { match, exclude = [], timeout = 5000 } = {}) {
			const m = await waitMail(mailDir, to, { match, exclude, timeout });
			return m.body;
		},
		waitMail(to, opts = {}) {
			return waitMail(mailDir, to, opts);
		},

		/** {table: rows} of every table, read with the sqlite3 command-line tool (psql on PostgreSQL). */
		dbSnapshot() {
			return dbSnapshot(dbPath);
		},

		/** Run one SQL statement with sqlite3 -json; returns the rows. */
		sql(query) {
			return sqlJson(dbPath, query);
		},

		/** Run the operator CLI against this data directory. */
		cli(cliArgs) {
			return cli(dataDir, cliArgs);
		},

		/** Advance the server's test clock. */
		async advance(seconds) {
			const r = await request(url, 'POST', '/v1/_test/clock', { body: { advance_seconds: seconds } });
			if (r.status !== 200) throw new Error(`clock advance failed: ${r.status} ${r.text}`);
			return r.body;
		},

		/** The server's current time (test clock), in unix seconds. */
		async now() {
			return (await srv.advance(0)).now;
		},

		/** Wait until the mail worker has no pending mail (so that a
		 * snapshot is not disturbed by it). */
		async mailIdle(timeout = 5000) {
			const deadline = Date.now() + timeout;
			for (;;) {
				const rows = sqlJson(dbPath, "SELECT COUNT(*) AS n FROM emails WHERE state = 'pending'");
				if (rows[0].n === 0) return;
				if (Date.now() > deadline) throw new Error('mail worker did not drain the outbox');
				await sleep(50);
			}
		},
	};
	return srv;
}

async function request(base, method, p, { body, token, headers = {}, raw, cookie }) {
	const h = { ...headers };
	let payload;
	if (raw !== undefined) {
		payload = raw;
	} else if (body !== undefined) {
		payload = JSON.stringify(body);
		if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
	}
	if (token) h.Authorization = `Bearer ${token}`;
	if (cookie) h.Cookie = cookie;
	const r = await fetch(base + p, { method, headers: h, body: payload, redirect: 'manual' });
	const text = await r.text();
	let json = null;
	if (text.length) {
		try {
			json = JSON.parse(text);
		} catch {
			json = null;
		}
	}
	return { status: r.status, headers: r.headers, body: json, text };
}

export function rawRequest(port, method, p, { headers = {}, body = Buffer.alloc(0), token } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect(port, '127.0.0.1');
		const chunks = [];
		const h = { Host: `127.0.0.1:${port}`, Connection: 'close', 'Content-Length': String(body.length), ...headers };
		if (token) h.Authorization = `Bearer ${token}`;
		const head = `${method} ${p} HTTP/1.1\r\n` + Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n';
		sock.on('data', (d) => chunks.push(d));
		sock.on('error', () => {});
		const timer = setTimeout(() => sock.destroy(), 15000);
		sock.on('close', () => {
			clearTimeout(timer);
			const raw = Buffer.concat(chunks).toString('utf8');
			const m = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(raw);
			if (!m) return resolve({ status: 0, headers: new Headers(), body: null, text: raw });
			const hdrs = new Headers();
			for (const line of m[2].split('\r\n')) {
				const i = line.indexOf(':');
				if (i > 0) hdrs.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
			}
			let text = m[3];
			const cl = hdrs.get('content-length');
			if (cl !== null) text = Buffer.from(text).subarray(0, Number(cl)).toString('utf8');
			let json = null;
			try {
				json = JSON.parse(text);
			} catch {
				json = null;
			}
			resolve({ status: Number(m[1]), headers: hdrs, body: json, text });
		});
		sock.write(head);
		// write the body in slices until done or the server stops reading
		let off = 0;
		const step = 256 * 1024;
		const pump = () => {
			while (off < body.length && !sock.destroyed) {
				const ok = sock.write(body.subarray(off, off + step));
				off += step;
				if (!ok) return sock.once('drain', pump);
			}
		};
		pump();
	});
}

function decodeSubject(s) {
	const m = /^=\?UTF-8\?B\?([^?]*)\?=$/i.exec(s.trim());
	return m ? Buffer.from(m[1], 'base64').toString('utf8') : s;
}

function parseMail(file, text) {
	const sep = text.indexOf('\r\n\r\n');
	const head = sep >= 0 ? text.slice(0, sep) : text;
	const body = sep >= 0 ? text.slice(sep + 4) : '';
	const hdr = {};
	for (const line of head.split('\r\n')) {
		const i = line.indexOf(':');
		if (i > 0) hdr[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
	}
	return { file, to: hdr.to || '', subject: decodeSubject(hdr.subject || ''), headers: hdr, body };
}

function listMails(dir, to) {
	let names;
	try {
		names = fs.readdirSync(dir).filter((n) => /^\d+\.eml$/.test(n));
	} catch {
		return [];
	}
	names.sort();
	const out = [];
	for (const n of names) {
		const m = parseMail(n, fs.readFileSync(path.join(dir, n), 'utf8'));
		if (!to || m.to.toLowerCase() === to.toLowerCase()) out.push(m);
	}
	return out;
}

async function waitMail(dir, to, { match, exclude = [], timeout = 5000 } = {}) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const all = listMails(dir, to).filter((m) => !exclude.includes(m.file));
		const hits = match ? all.filter((m) => match.test(m.subject + '\n' + m.body)) : all;
		if (hits.length) return hits[hits.length - 1];
		if (Date.now() > deadline) throw new Error(`no mail to ${to}${match ? ` matching ${match}` : ''} within ${timeout} ms`);
		await sleep(50);
	}
}

/** The 6-digit code of a verification mail body. */
export function mailCode(body) {
	const m = /(?:verification code is|开放平台验证码是) (\d{6})/.exec(body);
	if (!m) throw new Error(`no verification code in mail: ${body}`);
	return m[1];
}

// The daemon's own writers (push worker, URL checks, the sweeper) may hold
// the write lock for a moment; wait for it like the daemon does instead of
// failing with "database is locked" at once (the CLI's default).
const SQLITE_ARGS = ['-cmd', '.timeout 10000', '-json'];

export function sqlJson(dbPath, query) {
	if (/^postgres(ql)?:/.test(dbPath)) {
		// SQLite's PRAGMAs (a busy timeout) mean nothing there
		const q = query.replace(/PRAGMA [^;]*;/gi, '').trim().replace(/;\s*$/, '');
		// a query's rows as one JSON array; other statements just run
		if (/^(SELECT|WITH)\b/i.test(q)) return JSON.parse(psql(dbPath, ['-At', '-c', `SELECT COALESCE(json_agg(q), '[]'::json) FROM (${q}) q`]));
		psql(dbPath, ['-c', q]);
		return [];
	}
	const r = spawnSync('sqlite3', [...SQLITE_ARGS, dbPath, query], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
	return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** Every table of the database as {table: rows ordered by rowid}. */
export function dbSnapshot(dbPath) {
	if (/^postgres(ql)?:/.test(dbPath)) return pgSnapshot(dbPath);
	const defs = sqlJson(dbPath, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
	const tables = defs.map((t) => t.name);
	// a WITHOUT ROWID table (the search postings) reads in primary key order
	const order = Object.fromEntries(defs.map((t) => [t.name, /WITHOUT ROWID/i.test(t.sql || '') ? '' : ' ORDER BY rowid']));
	// One sqlite3 run: each SELECT prints one JSON array (nothing for an
	// empty table); every row carries its table name.
	const script = tables.map((t) => `SELECT '${t}' AS "__table__", * FROM "${t}"${order[t]};`).join('\n');
	const r = spawnSync('sqlite3', [...SQLITE_ARGS, dbPath], { input: script, encoding: 'utf8', maxBuffer: 256 << 20 });
	if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
	const snap = Object.fromEntries(tables.map((t) => [t, []]));
	const text = r.stdout.trim();
	if (text) {
		// arrays are separated by "]\n[" (JSON strings never hold a raw newline)
		const rows = JSON.parse('[' + text.replace(/\]\n\[/g, '],[') + ']').flat();
		for (const row of rows) {
			const t = row.__table__;
			delete row.__table__;
			snap[t].push(row);
		}
	}
	return snap;
}

/** Where sqlJson reads the database of a data directory: its SQLite file, or its PostgreSQL database. */
export function databaseFile(dataDir) {
	return databaseOf(dataDir) ?? path.join(dataDir, 'kaifang.db');
}

/**
 * A consistent copy of a running server's database into another data
 * directory's: SQLite's online backup, or pg_dump into that directory's
 * PostgreSQL database.
 */
export function copyDatabase(from, toDir) {
	if (!/^postgres(ql)?:/.test(from)) return sqlJson(from, `.backup '${path.join(toDir, 'kaifang.db')}'`);
	const dump = spawnSync('pg_dump', ['--no-owner', '--dbname', from], { encoding: 'utf8', maxBuffer: 256 << 20 });
	if (dump.status !== 0) throw new Error(`pg_dump failed: ${dump.stderr}`);
	psql(databaseOf(toDir), [], { input: dump.stdout });
}

/**
 * A trigger that makes a statement fail inside the server's transaction, in
 * either engine's syntax: timing like "BEFORE INSERT ON audit_log", when an
 * optional row condition ("NEW.status <> 0").
 */
export function createFault(db, name, timing, when = null) {
	if (/^postgres(ql)?:/.test(db))
		sqlJson(db, `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'injected fault'; END$$;
			CREATE TRIGGER ${name} ${timing} FOR EACH ROW ${when ? `WHEN (${when})` : ''} EXECUTE FUNCTION ${name}()`);
	else sqlJson(db, `CREATE TRIGGER ${name} ${timing} ${when ? `WHEN ${when}` : ''} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
}

/** Drop a trigger by name, in either engine's syntax. */
export function dropTrigger(db, table, name) {
	sqlJson(db, /^postgres(ql)?:/.test(db) ? `DROP TRIGGER IF EXISTS ${name} ON ${table}` : `DROP TRIGGER IF EXISTS ${name}`);
}

/** dbSnapshot on PostgreSQL: rows in id order (text order for tables without one). */
const snapshotQueries = new Map(); // database URI → the query (the tables do not change while a server runs)
function pgSnapshot(uri) {
	let q = snapshotQueries.get(uri);
	if (!q) {
		const tables = JSON.parse(
			psql(uri, ['-At', '-c', "SELECT json_agg(json_build_array(table_name, has_id) ORDER BY table_name) FROM (SELECT table_name, bool_or(column_name = 'id') AS has_id FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name) t"]),
		);
		q = tables.map(([t, hasId]) => `SELECT '${t}' AS t, COALESCE((SELECT json_agg(x ORDER BY ${hasId ? 'x.id' : 'x::text'}) FROM "${t}" x), '[]'::json) AS r`).join(' UNION ALL ');
		q = `SELECT json_object_agg(t, r) FROM (${q}) s`;
		snapshotQueries.set(uri, q);
	}
	return JSON.parse(psql(uri, ['-At', '-c', q]));
}

function cliEnv(dataDir) {
	const db = databaseOf(dataDir);
	return db ? { ...cleanEnv(), KAIFANG_DATABASE: db } : cleanEnv();
}

export function cli(dataDir, args) {
	const r = spawnSync(KAIFANG_CLI, ['--data-dir', dataDir, ...args], { encoding: 'utf8', env: cliEnv(dataDir), timeout: 30000 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function execCli(dataDir, args) {
	return new Promise((resolve) => {
		execFile(KAIFANG_CLI, ['--data-dir', dataDir, ...args], { env: cliEnv(dataDir) }, (err, stdout, stderr) => {
			resolve({ status: err ? err.code : 0, stdout, stderr });
		});
	});
}

/**
 * Several kaifangd on one data directory (one SQLite database), as
 * processes behind a load balancer share one database. The first starts on
 * a fresh directory and migrates it; the others join it (opts as for
 * startServer, given to each). Each process has its own test clock:
 * cluster.advance(s) moves every live one by the same amount.
 * Returns {nodes, dataDir, sql, live(), holderOf(node), advance(s), stop()}.
 */
export async function startCluster(n, opts = {}) {
	const first = await startServer(opts);
	const nodes = [first];
	const cluster = {
		nodes,
		dataDir: first.dataDir,
		/** One SQL statement on the shared database. */
		sql(query) {
			return sqlJson(first.dbPath, query);
		},
		/** The processes not (yet) killed. */
		live() {
			return nodes.filter((s) => !s.exitInfo);
		},
		/** The holder id a process logged at start (its name in the leases). */
		holderOf(node) {
			const m = /"msg":"kaifangd started".*?"holder":"([0-9a-f]+)"/.exec(node.stderr);
			if (!m) throw new Error(`no holder id in the start line: ${node.stderr.slice(0, 2000)}`);
			return m[1];
		},
		/** Advance the test clock of every live process by seconds. */
		async advance(seconds, order = cluster.live()) {
			for (const s of order) await s.advance(seconds);
		},
		/** Stop every process still running (SIGTERM, exit 0) and remove the directory. */
		async stop() {
			for (const s of nodes.slice(1)) if (!s.exitInfo) await s.stop({ keepDir: true });
			if (!first.exitInfo) await first.stop();
			fs.rmSync(first.dataDir, { recursive: true, force: true });
		},
	};
	try {
		for (let i = 1; i < n; i++) nodes.push(await startServer({ ...opts, dataDir: first.dataDir }));
	} catch (e) {
		await cluster.stop().catch(() => {});
		throw e;
	}
	return cluster;
}
