// Nothing lost under kill -9 (issue 10): concurrent clients make
// acknowledged writes (workload.mjs); at a random moment one kaifangd is
// killed with SIGKILL; it is started again on the same data directory;
// then every write acknowledged in the round must be there, and every
// acknowledged event must have reached the app at least once (copies
// carrying the same event id). Several rounds per run.
//
// Environment:
//   CRASH_ROUNDS     kill/restart rounds (default 3)
//   CRASH_SEED       seed of the random kill moments and victims (printed)
//   CRASH_KILL_MS    "MIN-MAX": how long the load runs before the kill
//                    (default 300-2500)
//   CRASH_PROCS      kaifangd processes on one database (default 1);
//                    with more, the others go on serving for
//                    CRASH_AFTER_KILL_MS (default 1000) after the kill
//   CRASH_SUITE      name of the suite in the last line (default crash)
//   KAIFANG_DATABASE passed to every process (cluster.mjs)
//   CRASH_TAMPER=1   a check of the checks: between kill and
//                    restart, delete the newest app config version and
//                    the undelivered events, and undo the latest
//                    revocation; the run must then fail with lost writes
//                    and lost events
//
// Prints one line per round, the totals (crashes, acknowledged writes,
// lost writes, lost events) and "SUITE: P passed, F failed" (one per
// round); exits 1 if anything was lost or made twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { sqlJson, PG, databaseFile } from '../api/helpers/server.mjs';
import { startCluster, procCount, LEASE } from './cluster.mjs';
import { setup, startClients, checkWrites, checkEvents, eventState, repeatCutOff } from './workload.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 3);
const SEED = Number(process.env.CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const [KILL_MIN, KILL_MAX] = (process.env.CRASH_KILL_MS || '300-2500').split('-').map(Number);
const AFTER_KILL_MS = Number(process.env.CRASH_AFTER_KILL_MS || 1000);
const SUITE = process.env.CRASH_SUITE || 'crash';
const PROCS = procCount();

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const KINDS = ['signup', 'component_token', 'authorizer_token', 'edit', 'authorize', 'revoke', 'provider'];

/** Wait (at most ms) until every kind of write has been acknowledged. */
async function allKinds(ctx, ms) {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline && !KINDS.every((k) => ctx.acks.some((a) => a.kind === k))) await sleep(20);
}

function count(list) {
	const by = {};
	for (const a of list) by[a.kind] = (by[a.kind] || 0) + 1;
	return Object.entries(by).map(([k, n]) => `${k} ${n}`).join(', ');
}

/** CRASH_TAMPER: lose data on purpose, as a broken server would. */
function tamper(cl) {
	const db = databaseFile(cl.dataDir);
	sqlJson(db, "DELETE FROM app_configs WHERE id = (SELECT MAX(id) FROM app_configs)");
	sqlJson(db, "DELETE FROM outbox WHERE state = 'pending' AND kind <> 'component_verify_ticket'");
	const [z] = sqlJson(db, "SELECT id FROM authorizations WHERE state = 'revoked' ORDER BY revoked_at DESC, id DESC LIMIT 1");
	if (z) {
		sqlJson(db, `UPDATE authorizations SET state = 'active', revoked_at = NULL WHERE id = ${z.id}`);
		sqlJson(db, `UPDATE tokens SET revoked_at = NULL WHERE authorization_id = ${z.id} AND kind = 'authorizer_access'`);
	}
}

async function main() {
	const random = rng(SEED);
	const engine = process.env.KAIFANG_DATABASE || PG ? 'PostgreSQL' : 'SQLite';
	console.log(`${SUITE}: ${ROUNDS} rounds, ${PROCS} kaifangd on ${engine}, seed ${SEED}`);
	const cl = await startCluster(PROCS);
	let ctx;
	let crashes = 0;
	let lostWrites = 0;
	let twice = 0;
	let lostEvents = 0;
	let passed = 0;
	let failed = 0;
	let events = { acked: 0, missing: [], mismatched: [], duplicated: 0 };
	try {
		ctx = await setup(cl, { eventClients: 2, editApps: 1 });
		for (let round = 1; round <= ROUNDS; round++) {
			const t0 = Date.now();
			const { state, done } = startClients(ctx, round);
			// the first round runs until every kind of write has been
			// acknowledged once (a slow machine could otherwise end the
			// run without one: see the check after the rounds)
			if (round === 1) await allKinds(ctx, 30000);
			const wait = Math.round(KILL_MIN + random() * (KILL_MAX - KILL_MIN));
			await sleep(wait);
			// leases taken before the kill end before high + LEASE
			const high = await cl.now();
			const victim = Math.floor(random() * PROCS);
			const x = await cl.kill(victim);
			if (x.signal !== 'SIGKILL') throw new Error(`kaifangd ended by itself before the kill: ${JSON.stringify(x)}`);
			crashes += 1;
			if (PROCS > 1) await sleep(AFTER_KILL_MS);
			state.stop = true;
			await done;
			const pending = eventState(ctx).missing.length;
			if (process.env.CRASH_TAMPER) tamper(cl);
			await cl.restart(victim);
			// the killed process's leases have run out; tickets and codes
			// made before the restart are not in the future
			await cl.clockTo(high + LEASE + 10);

			const t1 = Date.now();
			await repeatCutOff(ctx, round);
			const w = await checkWrites(ctx, round);
			const t2 = Date.now();
			events = await checkEvents(ctx);
			const times = `load and restart ${t1 - t0} ms, writes checked in ${t2 - t1} ms, events in ${Date.now() - t2} ms`;
			const roundAcks = ctx.acks.filter((a) => a.round === round);
			const lostE = events.missing.length + events.mismatched.length;
			lostWrites += w.lost.length;
			twice += w.twice.length;
			lostEvents = lostE; // events are checked cumulatively: the latest count is the total
			const ok = w.lost.length === 0 && w.twice.length === 0 && lostE === 0;
			if (ok) passed += 1;
			else failed += 1;
			console.log(
				`${SUITE}: round ${round}: killed process ${victim + 1} after ${wait} ms (${state.dropped} requests cut off, ${pending} acknowledged events not yet delivered);` +
					` acknowledged ${roundAcks.length} (${count(roundAcks) || 'none'}); lost writes ${w.lost.length}; writes made twice ${w.twice.length}; lost events so far ${lostE} (${times})`,
			);
			for (const l of w.lost.slice(0, 10)) console.log(`  LOST write: ${JSON.stringify(l)}`);
			for (const l of w.twice.slice(0, 10)) console.log(`  write made TWICE: ${JSON.stringify(l)}`);
			for (const l of events.missing.slice(0, 10)) console.log(`  LOST event: ${JSON.stringify(l)}`);
			for (const l of events.mismatched.slice(0, 10)) console.log(`  copies of one event with different ids: ${JSON.stringify(l)}`);
		}
		// the workload must have done something of every kind, or the
		// suite proves nothing
		const kinds = new Set(ctx.acks.map((a) => a.kind));
		for (const k of KINDS)
			if (!kinds.has(k)) {
				console.log(`${SUITE}: no acknowledged ${k} in the whole run`);
				failed += 1;
			}
	} catch (e) {
		console.log(`${SUITE}: error: ${e.stack || e}`);
		for (const s of cl.servers) if (s) console.log(`--- stderr of ${s.url}:\n${s.stderr.slice(-3000)}`);
		failed += 1;
	} finally {
		await ctx?.rx.close();
		await cl.close();
	}
	if (ctx?.unexpected.length) {
		console.log(`${SUITE}: ${ctx.unexpected.length} answers were neither a success nor a cut connection, e.g.:`);
		for (const u of ctx.unexpected.slice(0, 5)) console.log(`  ${JSON.stringify(u)}`);
	}
	const acked = ctx ? ctx.acks.length : 0;
	const replayed = ctx ? ctx.acks.filter((a) => a.replayed).length : 0;
	console.log(`${SUITE}: crashes ${crashes}, acknowledged writes ${acked}, lost writes ${lostWrites}, writes made twice ${twice}, lost events ${lostEvents}` +
		` (acknowledged events ${events.acked}, delivered more than once ${events.duplicated}; idempotent requests answered from the stored answer after a kill ${replayed})`);
	console.log(`${SUITE}: ${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

await main();
