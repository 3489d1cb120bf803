/**
 * An auto-answering UAS: rings for half a second, answers, and hangs up after ten seconds if
 * the caller has not. Built on the public API only.
 *
 *   npx ts-node examples/auto-answer.ts          then: sipp -sn uac -m 1 127.0.0.1:5080
 */
import { createParrot, type Call } from '../runtime';

/** An SDP answer that accepts no media yet (port 0 rejects the stream, RFC 3264 §6). */
function sdpAnswer(address: string): string {
  return [
    'v=0',
    `o=parrot 1 1 IN IP4 ${address}`,
    's=parrot',
    `c=IN IP4 ${address}`,
    't=0 0',
    'm=audio 0 RTP/AVP 0',
    '',
  ].join('\r\n');
}

async function main(): Promise<void> {
  const parrot = await createParrot({
    transports: [{ protocol: 'udp', host: '127.0.0.1', port: Number(process.env['PORT'] ?? 5080) }],
    handler: {
      async onInvite(call: Call) {
        console.log(`call from ${call.request.get('from') ?? '?'} (${call.callId})`);
        await call.ring();
        await new Promise((r) => setTimeout(r, 500));
        if (call.signal.aborted) return; // the caller gave up while we rang
        await call.answer(sdpAnswer('127.0.0.1'));
      },
      onCallStart(call) {
        const timer = setTimeout(() => void call.hangup(), 10_000);
        call.signal.addEventListener('abort', () => clearTimeout(timer));
      },
      onCallEnd(call, reason) {
        console.log(`call ${call.callId} ended: ${reason}`);
      },
    },
  });
  console.log(`auto-answer listening on udp 127.0.0.1:${parrot.addresses[0]!.port}`);
  process.once('SIGINT', () => void parrot.stop());
}

void main();
