// The servers under test of the crash suite, and the one place that says
// how they are started: CRASH_PROCS kaifangd processes on one database
// and one data directory (default 1), each on its own loopback port.
//
// The engine comes from KAIFANG_DATABASE, passed through to every process
// (empty: SQLite in the data directory). Everything else a process gets
// is in ENV below, so a PostgreSQL run or a run with three processes is
// the same suite with other environment variables:
//   KAIFANG_DATABASE=postgresql://… CRASH_PROCS=3 node tests/crash/run.mjs
//
// A client asks pick() for a live process for each request (round robin,
// like a load balancer); killing one process leaves the others serving.
import fs from 'node:fs';
import { startServer } from '../api/helpers/server.mjs';

/** How long a killed process's leased events stay leased: push-timeout
 * plus 30 s (src/push/deliver.c). The suite moves the test clocks past it. */
export const PUSH_TIMEOUT = 5;
export const LEASE = PUSH_TIMEOUT + 30;

/** The options of every process of the suite. */
export function serverEnv() {
	const env = {
		KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8',
		// the suite's events are the authorizations, not tickets (a newer
		// ticket supersedes older ones); the test clocks move by minutes a
		// round, so a long run still gets a fresh ticket before the last
		// one's 12 hours are up
		KAIFANG_TICKET_INTERVAL: '2h',
		KAIFANG_PUSH_TIMEOUT: `${PUSH_TIMEOUT}s`,
		// the workload creates pre-auth codes as fast as it can
		KAIFANG_PRE_AUTH_CODES_PER_APP: '1000000',
		// deliver as soon as the clock is moved
		KAIFANG_WORKER_INTERVAL: '1s',
	};
	if (process.env.KAIFANG_DATABASE) env.KAIFANG_DATABASE = process.env.KAIFANG_DATABASE;
	return env;
}

export function procCount() {
	const n = Number(process.env.CRASH_PROCS || 1);
	if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`CRASH_PROCS must be 1..16, not ${process.env.CRASH_PROCS}`);
	return n;
}

/**
 * Start n processes on one fresh data directory (the first creates it and
 * the schema). Returns the cluster:
 *   servers        the current process of each slot (null while down)
 *   pick()         a live server, round robin (null when none is live)
 *   kill(i)        SIGKILL slot i and wait for it to end
 *   restart(i)     start slot i again on the same data directory
 *   advanceAll(s)  move every live process's test clock by s seconds
 *   now()          the latest test-clock time of the live processes
 *   close()        kill everything left and remove the data directory
 */
export async function startCluster(n = procCount()) {
	const env = serverEnv();
	const first = await startServer({ env });
	const dataDir = first.dataDir;
	const servers = [first];
	for (let i = 1; i < n; i++) servers.push(await startServer({ env, dataDir }));
	let rr = 0;
	const cluster = {
		dataDir,
		env,
		servers,
		get live() {
			return servers.filter((s) => s && !s.exitInfo);
		},
		pick() {
			const live = cluster.live;
			if (!live.length) return null;
			rr = (rr + 1) % live.length;
			return live[rr];
		},
		async kill(i) {
			const s = servers[i];
			servers[i] = null;
			return s.kill();
		},
		async restart(i) {
			servers[i] = await startServer({ env, dataDir });
			return servers[i];
		},
		async now() {
			let t = 0;
			for (const s of cluster.live) t = Math.max(t, await s.now());
			return t;
		},
		/** Move every live clock to at least t (the clocks live in memory:
		 * a restarted process starts again from the real time). */
		async clockTo(t) {
			for (const s of cluster.live) {
				const now = await s.now();
				if (now < t) await s.advance(t - now);
			}
		},
		async advanceAll(seconds) {
			for (const s of cluster.live) await s.advance(seconds);
		},
		async close() {
			for (const s of servers) if (s) await s.kill();
			fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};
	return cluster;
}
