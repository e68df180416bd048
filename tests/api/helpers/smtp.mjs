// A minimal SMTP server on loopback for the mail worker's smtp-url: it
// records every envelope and message it accepts.
import net from 'node:net';

/** A minimal SMTP peer: records envelopes and messages; `state.refuse` answers 451 to DATA,
 * `state.delayMs` holds each 250 after DATA that long (a slow server). */
export function smtpServer() {
	const mails = [];
	const state = { refuse: false };
	const srv = net.createServer((sock) => {
		let buf = '';
		let inData = false;
		let cur = { from: null, to: [], data: '' };
		sock.setEncoding('utf8');
		sock.write('220 test.local ESMTP\r\n');
		sock.on('data', (chunk) => {
			buf += chunk;
			let i;
			while ((i = buf.indexOf('\r\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						if (state.refuse) sock.write('451 try again later\r\n');
						else {
							mails.push(cur);
							if (state.delayMs) setTimeout(() => sock.write('250 queued\r\n'), state.delayMs);
							else sock.write('250 queued\r\n');
						}
						cur = { from: null, to: [], data: '' };
					} else cur.data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
					continue;
				}
				const cmd = line.slice(0, 4).toUpperCase();
				if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 test.local\r\n');
				else if (cmd === 'MAIL') {
					cur.from = line.match(/<([^>]*)>/)?.[1];
					sock.write('250 ok\r\n');
				} else if (cmd === 'RCPT') {
					cur.to.push(line.match(/<([^>]*)>/)?.[1]);
					sock.write('250 ok\r\n');
				} else if (cmd === 'DATA') {
					inData = true;
					sock.write('354 go ahead\r\n');
				} else if (cmd === 'QUIT') {
					sock.end('221 bye\r\n');
				} else sock.write('250 ok\r\n');
			}
		});
		sock.on('error', () => {});
	});
	return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ port: srv.address().port, mails, state, close: () => srv.close() })));
}
