// Baseline for the delivery benchmark: the same number of POSTs of the same
// size to the same receiver with the same concurrency, from a plain
// keep-alive HTTP client that does no crypto and no bookkeeping.
import http from 'node:http';
const [port, total, concurrency, size] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const body = 'x'.repeat(size);
let sent = 0;
let done = 0;
const t0 = process.hrtime.bigint();
function one() {
	if (sent >= total) return;
	sent++;
	const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/auth?signature=x', agent,
		headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length } }, (res) => {
		res.resume();
		res.on('end', () => {
			if (++done === total) {
				console.log(Math.round(total / (Number(process.hrtime.bigint() - t0) / 1e9)));
				agent.destroy();
			} else one();
		});
	});
	req.end(body);
}
for (let i = 0; i < concurrency; i++) one();
