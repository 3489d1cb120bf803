/**
 * Busy and redirect: calls to `sip:busy@…` get 486 Busy Here, calls to `sip:moved@…` are
 * redirected (302) to another address, everything else is declined (603). Returns response
 * decisions instead of driving the call. Built on the public API only.
 *
 *   npx ts-node examples/busy-redirect.ts        then: sipp -sn uac -s busy -m 1 127.0.0.1:5081
 */
import { createParrot, type Call, type ResponseDecision } from '../runtime';

export function decide(call: Call): ResponseDecision {
  const uri = call.request.uri;
  const user = uri.kind === 'sip' ? uri.user : undefined;
  switch (user) {
    case 'busy':
      return { status: 486 };
    case 'moved':
      return { status: 302, headers: { Contact: '<sip:moved@127.0.0.1:5090>' } };
    default:
      return { status: 603, reason: 'Decline' };
  }
}

async function main(): Promise<void> {
  const parrot = await createParrot({
    transports: [{ protocol: 'udp', host: '127.0.0.1', port: Number(process.env['PORT'] ?? 5081) }],
    handler: { onInvite: decide },
  });
  console.log(`busy-redirect listening on udp 127.0.0.1:${parrot.addresses[0]!.port}`);
  process.once('SIGINT', () => void parrot.stop());
}

if (require.main === module) void main();
