/**
 * Whole-call benchmark without sockets: INVITE → 200 → ACK → BYE → 200 through the full stack
 * (parse, router, transactions, dialog, handler adapter, serialize) over an in-memory transport.
 * It isolates Parrot's CPU cost per call from the kernel and from SIPp, so changes to the actor
 * layer can be compared run to run. Prints one JSON line. `npm run bench:call`.
 */
import { EventEmitter } from 'eventemitter3';
import { MemoryTransport } from '../actors/transport/memory';
import { parseSipMessage, type SipResponse } from '../codecs/sip';
import { TrackedClock } from '../runtime/clock';
import { SipCore } from '../runtime/core';
import { Supervisor } from '../runtime/supervisor';
import { UserAgent, type ParrotEvents } from '../runtime/ua';

const SDP =
  'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** The messages SIPp's built-in uac scenario sends, per call. */
function invite(i: number): Buffer {
  return Buffer.from(
    `INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-${i}-1-0\r\n` +
      `From: sipp <sip:sipp@127.0.0.2:5070>;tag=${i}SIPpTag00\r\nTo: service <sip:service@127.0.0.1:5060>\r\n` +
      `Call-ID: ${i}-1@127.0.0.2\r\nCSeq: 1 INVITE\r\nContact: sip:sipp@127.0.0.2:5070\r\nMax-Forwards: 70\r\n` +
      `Subject: Performance Test\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
  );
}

function inDialog(i: number, method: string, cseq: number, toTag: string): Buffer {
  return Buffer.from(
    `${method} sip:service@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-${i}-${cseq}-${method}\r\n` +
      `From: sipp <sip:sipp@127.0.0.2:5070>;tag=${i}SIPpTag00\r\nTo: service <sip:service@127.0.0.1:5060>;tag=${toTag}\r\n` +
      `Call-ID: ${i}-1@127.0.0.2\r\nCSeq: ${cseq} ${method}\r\nContact: sip:sipp@127.0.0.2:5070\r\nMax-Forwards: 70\r\n` +
      `Content-Length: 0\r\n\r\n`,
  );
}

async function main(): Promise<void> {
  const clock = new TrackedClock();
  const supervisor = new Supervisor({ clock });
  const core: SipCore = new SipCore({ supervisor }, { onRequest: () => undefined });
  const transport = new MemoryTransport({ record: false });
  core.addTransport(transport);
  const ua = new UserAgent(
    core,
    { onInvite: () => ({ status: 200, body: SDP }) },
    new EventEmitter<ParrotEvents>(),
    { warn: () => undefined, error: () => undefined },
  );
  core.tu = ua;
  const source = { address: '127.0.0.2', port: 5070 };

  async function calls(from: number, n: number): Promise<{ wallUs: number; cpuUs: number }> {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = from; i < from + n; i++) {
      core.receive(invite(i), source, transport);
      await new Promise((r) => setImmediate(r)); // the handler's answer settles
      const ok = parseSipMessage(transport.last!);
      if (!ok.ok || (ok.message as SipResponse).status !== 200) throw new Error('no 200');
      const tag = ok.message.toTag!;
      core.receive(inDialog(i, 'ACK', 1, tag), source, transport);
      core.receive(inDialog(i, 'BYE', 2, tag), source, transport);
    }
    const c = process.cpuUsage(c0);
    return { wallUs: Number(process.hrtime.bigint() - t0) / 1000 / n, cpuUs: (c.user + c.system) / n };
  }

  await calls(0, 3000); // warm-up
  const runs = [await calls(10000, 5000), await calls(20000, 5000), await calls(30000, 5000)];
  const best = runs.reduce((a, b) => (b.wallUs < a.wallUs ? b : a));
  if (ua.calls.size !== 0) throw new Error(`${ua.calls.size} calls left`);
  console.log(
    JSON.stringify({
      name: 'uas-call-in-process',
      calls_per_run: 5000,
      us_per_call: +best.wallUs.toFixed(1),
      cpu_us_per_call: +best.cpuUs.toFixed(1),
      calls_per_s_one_core: Math.round(1e6 / best.wallUs),
    }),
  );
  await core.close();
  clock.clearAll();
}

void main();
