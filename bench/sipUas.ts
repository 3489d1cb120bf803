/**
 * The baseline UAS of `bench/cps.ts`: the npm `sip` package (v0.0.6) answering SIPp's `uac`
 * scenario. INVITE → 200 OK with a To tag and a Contact, BYE → 200, ACK → nothing, anything
 * else → 405. UDP only. Prints `ready` on stdout once listening.
 *
 * Run: `node -r ts-node/register/transpile-only bench/sipUas.ts [address] [port]`
 * (default 127.0.0.2 5062; the address must differ from the one SIPp targets from, or the
 * package treats requests as addressed to itself and answers a local 404).
 *
 * The package creates its UDP socket with `dgram.createSocket(type, onMessage)` and offers no
 * option for buffer sizes, so we wrap `dgram.createSocket` before loading it to give the socket
 * the same 4 MiB receive/send buffers Parrot's UDP transport uses by default (set
 * SIP_UAS_RCVBUF=0 to keep the kernel default).
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';

const address = process.argv[2] ?? '127.0.0.2';
const port = Number(process.argv[3] ?? 5062);
const bufferSize = Number(process.env['SIP_UAS_RCVBUF'] ?? 4 * 1024 * 1024);

if (bufferSize > 0) {
  const original = dgram.createSocket.bind(dgram) as (...args: unknown[]) => dgram.Socket;
  (dgram as { createSocket: unknown }).createSocket = (type: unknown, listener?: unknown): dgram.Socket => {
    const opts: dgram.SocketOptions =
      typeof type === 'string'
        ? { type: type as dgram.SocketType, recvBufferSize: bufferSize, sendBufferSize: bufferSize }
        : (type as dgram.SocketOptions);
    const socket = original(opts, listener);
    socket.once('listening', () => onListening(socket));
    return socket;
  };
}

// Loaded after the patch above so the package's socket gets the buffers.
const sip = require('sip');

let tagCounter = 0;
const tagPrefix = randomBytes(4).toString('hex');
const contact = [{ uri: `sip:uas@${address}:${port}` }];

/** The parsed-message shape of the `sip` package (only what we touch). */
interface SipPackageMessage {
  method?: string;
  headers: { to: { params: Record<string, string> }; [name: string]: unknown };
}

function onRequest(rq: SipPackageMessage): void {
  switch (rq.method) {
    case 'INVITE': {
      const rs = sip.makeResponse(rq, 200, 'OK');
      const to = rq.headers.to;
      rs.headers.to = { ...to, params: { ...to.params, tag: `${tagPrefix}${(tagCounter++).toString(36)}` } };
      rs.headers.contact = contact;
      sip.send(rs);
      return;
    }
    case 'BYE':
      sip.send(sip.makeResponse(rq, 200, 'OK'));
      return;
    case 'ACK':
      return;
    default: {
      const rs = sip.makeResponse(rq, 405, 'Method Not Allowed');
      rs.headers.allow = 'INVITE, ACK, BYE';
      sip.send(rs);
    }
  }
}

let readyPrinted = false;
function onListening(socket: dgram.Socket): void {
  if (readyPrinted) return;
  readyPrinted = true;
  let rcv = -1;
  try {
    rcv = socket.getRecvBufferSize();
  } catch {
    // not bound (cannot happen after 'listening')
  }
  process.stderr.write(`sip UAS listening on udp ${address}:${port} (SO_RCVBUF ${rcv})\n`);
  process.stdout.write('ready\n');
}

sip.start(
  {
    address,
    port,
    udp: true,
    tcp: false,
    logger: { error: (e: unknown) => process.stderr.write(`sip error: ${String(e)}\n`) },
  },
  onRequest,
);

// Without the buffer patch we have no handle on the socket; binding is all but immediate.
if (bufferSize <= 0)
  setTimeout(() => {
    if (!readyPrinted) {
      readyPrinted = true;
      process.stdout.write('ready\n');
    }
  }, 100);

const stop = (): void => {
  try {
    sip.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
