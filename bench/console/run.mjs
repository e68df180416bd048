// Console page benchmark (not a test): the server time of the pages a
// provider opens most, on a database holding 1,000 apps and 100,000
// deliveries, and of the review queue a reviewer opens most, with 10,000
// reviews and 100,000 listing findings, each figure also as a ratio to the server time of GET
// /healthz measured in the same run (the cost of a request that does
// nothing). Server time is the access log's duration_ms: from the
// request's arrival to its answer, without the client or the network.
// Target: p99 under 20 ms for every page.
//
// usage: node bench/console/run.mjs [requests per page]
// KAIFANGD: another daemon binary to measure.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const N = Number(process.argv[2] || 300);
const KAIFANGD = process.env.KAIFANGD || path.join(repo, 'build/kaifangd');
const CLI = path.join(repo, 'build/kaifang');
const APPS = 1000, DELIVERIES = 100000, REVIEWS = 10000, FINDINGS_PER_LISTING = 100;

function port() {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const p = s.address().port;
			s.close(() => resolve(p));
		});
	});
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-bench-console-'));
let child;
function cleanup() {
	try { child?.kill('SIGKILL'); } catch { /* gone */ }
	if (process.env.KF_BENCH_KEEP) console.error(`kept ${dir}`);
	else fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(1));

execFileSync(CLI, ['--data-dir', dir, 'db', 'migrate'], { stdio: 'ignore' });
const db = path.join(dir, 'kaifang.db');
const session = 'kfs_' + crypto.randomBytes(32).toString('hex');
const sh = crypto.createHash('sha256').update(session).digest('hex');
const staffSession = 'kfs_' + crypto.randomBytes(32).toString('hex');
const ssh = crypto.createHash('sha256').update(staffSession).digest('hex');
const cfg = (i) => JSON.stringify({ name: `Bench app ${i}`, permission_sets: [1, 3], dev: { ip_allowlist: [] } }).replace(/'/g, "''");
const appId = (i) => 'kf' + i.toString(16).padStart(16, '0');
const NOW = Math.floor(Date.now() / 1000);
const FINDINGS = JSON.stringify(Array.from({ length: FINDINGS_PER_LISTING }, (_, k) => ({ rule: 'LST-1', field: k % 2 ? 'intro' : 'name', severity: 'warning', message: `finding ${k}` })));
let seed = `BEGIN;
INSERT INTO users (id, email, mobile, name, password_hash, email_verified_at, status, created_at, updated_at)
  VALUES (1, 'dev@bench.test', '+8613800000009', 'Bench developer', '!', 1, 'active', 0, 0);
INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (100, 'provider', 'Bench provider', 'certified', 0, 0);
INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (100, 1, 'owner', 0);
INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('${sh}', 1, 0, 4102444800);
`;
for (let i = 1; i <= APPS; i++) {
	seed += `INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES (${i}, '${appId(i)}', 100, 'developing', 'public', ${i}, ${i});
INSERT INTO app_configs (id, app, version, config, created_at) VALUES (${i}, ${i}, 1, '${cfg(i)}', ${i});
UPDATE apps SET live_config_id = ${i} WHERE id = ${i};
`;
}
// the review outcome of app 1: a rejected release with its reasons
// (ten earlier submissions too, so the page lists more than one)
seed += `INSERT INTO reviews (id, kind, subject_type, subject_id, org_id, state, submitted_at, due_at, decided_at, reasons)
  VALUES (1, 'release', 'app', 1, 100, 'rejected', 10, 100000, 50, '[{"rule":"LST-1","field":"name","message":"too long"}]');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO submissions (app, kind, outcome, stage, findings, submitted_by, submitted_at, finished_at)
  SELECT 1, 'release', 'failed', 'listing', '[{"rule":"LST-1","field":"name","severity":"error","message":"too long"}]', 1, i, i FROM n;
INSERT INTO submissions (app, kind, outcome, review_id, submitted_by, submitted_at, finished_at) VALUES (1, 'release', 'queued', 1, 1, 20, 20);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${DELIVERIES})
INSERT INTO outbox (event_id, app, kind, target, payload, state, attempts, next_attempt_at, created_at, delivered_at)
  SELECT lower(hex(randomblob(16))), 1, CASE WHEN i % 7 = 0 THEN 'authorized' ELSE 'component_verify_ticket' END,
         'auth_receive', '<xml/>', CASE WHEN i % 50 = 0 THEN 'dead' ELSE 'delivered' END, 1, i, i, i FROM n;
INSERT INTO deliveries (outbox_id, attempted_at, http_status, latency_ms) SELECT id, created_at, 200, 3 FROM outbox;
-- the review desk: a reviewer, 10,000 reviews of every kind over the
-- 1,000 apps (a third pending, deadlines spread over a month around now,
-- some assigned), and a listing of 100 findings for every app (100,000)
INSERT INTO users (id, email, mobile, name, password_hash, email_verified_at, status, created_at, updated_at)
  VALUES (2, 'reviewer@bench.test', NULL, 'Bench reviewer', '!', 1, 'active', 0, 0);
INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1000000, 'operator', 'Bench operator', 'active', 0, 0);
INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (1000000, 2, 'reviewer', 0);
INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('${ssh}', 2, ${NOW}, 4102444800); -- staff sessions end when idle: this one was just used
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < ${REVIEWS})
INSERT INTO reviews (id, kind, subject_type, subject_id, org_id, state, submitted_at, due_at, assignee_id, reasons)
  SELECT i, CASE i % 7 WHEN 0 THEN 'qualification' WHEN 1 THEN 'creation' WHEN 2 THEN 'release' WHEN 3 THEN 'change'
                 WHEN 4 THEN 'search_listing' WHEN 5 THEN 'display_listing' ELSE 'authenticity' END,
         CASE WHEN i % 7 IN (0, 6) THEN 'provider_application' ELSE 'app' END, (i % ${APPS}) + 1, 100,
         CASE WHEN i % 3 = 0 THEN 'pending' WHEN i % 3 = 1 THEN 'approved' ELSE 'rejected' END,
         ${NOW} - 2592000 + i * 259, ${NOW} - 2592000 + i * 259 + 604800,
         CASE WHEN i % 30 = 0 THEN 2 ELSE NULL END, '[]' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${APPS})
INSERT INTO listings (id, app, body, findings, created_at) SELECT i, i, '{"name":"Bench app"}', '${FINDINGS}', i FROM n;
UPDATE apps SET draft_listing_id = id;
-- a server that ran before told its staff about these reviews already
INSERT INTO review_notices (review_id, kind, sent_at) SELECT id, 'new', 0 FROM reviews WHERE state = 'pending';
INSERT INTO review_notices (review_id, kind, sent_at) SELECT id, 'due_soon', 0 FROM reviews WHERE state = 'pending';
INSERT INTO review_notices (review_id, kind, sent_at) SELECT id, 'overdue', 0 FROM reviews WHERE state = 'pending';
COMMIT;`;
execFileSync('sqlite3', [db], { input: seed });

const listen = `127.0.0.1:${await port()}`;
const log = path.join(dir, 'access.log');
const out = fs.openSync(log, 'w');
child = spawn(KAIFANGD, ['--listen', listen, '--data-dir', dir], { stdio: ['ignore', 'ignore', out] });
const base = `http://${listen}`;
for (let i = 0; ; i++) {
	try {
		if ((await fetch(base + '/healthz')).ok) break;
	} catch { /* starting */ }
	if (i > 200) throw new Error('kaifangd did not start');
	await new Promise((r) => setTimeout(r, 50));
}

// label, path, what the page must show (so a page that renders nothing is not measured as fast)
const pages = [
	['baseline GET /healthz', '/healthz', /ok/],
	['console home', '/console/', /Bench provider/],
	['apps list (1,000 apps)', '/console/apps', /Bench app 1000/],
	['deliveries list (100,000 deliveries)', `/console/apps/${appId(1)}/deliveries`, /component_verify_ticket/],
	['review outcome', `/console/apps/${appId(1)}/submissions`, /LST-1/],
	['review queue (10,000 reviews)', '/console/reviews', /Bench app/, staffSession],
	['review queue, one kind, overdue', '/console/reviews?kind=release&overdue=1', /Bench app/, staffSession],
	['GET /v1/reviews/{id}', '/v1/reviews/3', /"id":3/, staffSession],
	['one review (a change, 100 findings)', '/console/reviews/3', /Bench app/, staffSession],
	['GET /v1/reviews/{id}/context', '/v1/reviews/3/context', /"findings"/, staffSession],
];

const results = [];
for (const [label, p, expect, who = session] of pages) {
	const shown = await (await fetch(base + p, { headers: { Cookie: `kf_session=${who}`, 'Accept-Language': 'en' } })).text();
	if (!expect.test(shown)) {
		console.error(`${label}: the page does not show ${expect}`);
		process.exitCode = 1;
	}
	// warm up, then N requests one after another
	for (let i = 0; i < 10; i++) await (await fetch(base + p, { headers: { Cookie: `kf_session=${who}` } })).arrayBuffer();
	const before = fs.readFileSync(log, 'utf8').length;
	let status = 0;
	for (let i = 0; i < N; i++) {
		const r = await fetch(base + p, { headers: { Cookie: `kf_session=${who}` }, redirect: 'manual' });
		await r.arrayBuffer();
		status = r.status;
	}
	await new Promise((r) => setTimeout(r, 100));
	const lines = fs.readFileSync(log, 'utf8').slice(before).split('\n').filter((l) => l.includes('"type":"access"'));
	const ms = lines.map((l) => JSON.parse(l)).filter((e) => e.path === p.split('?')[0]).map((e) => e.duration_ms).sort((a, b) => a - b);
	const q = (f) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))];
	results.push({ label, status, n: ms.length, p50: q(0.5), p99: q(0.99) });
}
const baseline = results[0];
console.log(`console pages, server time over ${N} sequential requests each (SQLite; ${APPS} apps, ${DELIVERIES} deliveries, ${REVIEWS} reviews, ${APPS * FINDINGS_PER_LISTING} listing findings)`);
let bad = 0;
for (const r of results) {
	const ratio = r === baseline ? '' : `  (${(r.p50 / baseline.p50).toFixed(1)}× / ${(r.p99 / baseline.p99).toFixed(1)}× the baseline)`;
	const verdict = r === baseline ? '' : r.status !== 200 ? `  status ${r.status}!` : r.p99 < 20 ? '  p99 < 20 ms: met' : '  p99 < 20 ms: NOT met';
	if (r !== baseline && (r.status !== 200 || !(r.p99 < 20))) bad++;
	console.log(`${r.label.padEnd(40)} p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms${ratio}${verdict}`);
}
if (bad) process.exitCode = 1;
