/** A raw UDP peer for tests: sends bytes, collects whatever comes back. */
import { createSocket, type Socket } from 'node:dgram';
import { parseSipMessage, type SipMessage } from '../../codecs/sip';

export class UdpPeer {
  readonly received: Array<{ text: string; message?: SipMessage; from: { address: string; port: number } }> =
    [];
  private waiters: Array<() => void> = [];
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  static async open(host = '127.0.0.1'): Promise<UdpPeer> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => socket.bind(0, host, () => r()));
    const peer = new UdpPeer(socket, socket.address().port);
    socket.on('message', (data, rinfo) => {
      const r = parseSipMessage(data);
      peer.received.push({
        text: data.toString(),
        message: r.ok ? r.message : undefined,
        from: { address: rinfo.address, port: rinfo.port },
      });
      for (const w of peer.waiters.splice(0)) w();
    });
    return peer;
  }

  send(text: string | Buffer, port: number, host = '127.0.0.1'): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, host);
  }

  /** Resolves once `n` datagrams in all have arrived (rejects after `ms` of real time, a safety net only). */
  async waitFor(n: number, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} datagrams, got ${this.received.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Lets pending datagrams arrive: a few event-loop turns. */
  async settle(ms = 50): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

/** A request as text with CRLFs, from lines. */
export function sipText(lines: string[], body = ''): string {
  return (
    lines.join('\r\n') +
    '\r\n' +
    (lines.some((l) => /^content-length:/i.test(l)) ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`) +
    '\r\n' +
    body
  );
}

/** A standard request from the peer at `port` to Parrot. */
export function request(
  method: string,
  port: number,
  opts: {
    branch?: string;
    callId?: string;
    cseq?: number;
    extra?: string[];
    uri?: string;
    cseqMethod?: string;
    toTag?: string;
  } = {},
): string {
  const branch = opts.branch ?? 'z9hG4bK' + Math.random().toString(36).slice(2);
  return sipText([
    `${method} ${opts.uri ?? 'sip:parrot@127.0.0.1'} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `To: <sip:parrot@127.0.0.1>${opts.toTag ? ';tag=' + opts.toTag : ''}`,
    `From: <sip:peer@127.0.0.1>;tag=peer1`,
    `Call-ID: ${opts.callId ?? 'call-' + Math.random().toString(36).slice(2)}`,
    `CSeq: ${opts.cseq ?? 1} ${opts.cseqMethod ?? method}`,
    ...(opts.extra ?? []),
  ]);
}
