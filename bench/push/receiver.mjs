// A local receiver for the delivery benchmark: answers every POST with
// `success` and stops by itself after the given number of seconds.
import http from 'node:http';
const limit = Number(process.argv[2] || 120);
let count = 0;
const srv = http.createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		count++;
		res.end('success');
	});
});
srv.keepAliveTimeout = 30000;
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
setTimeout(() => {
	console.error(`receiver: ${count} requests`);
	process.exit(0);
}, limit * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
