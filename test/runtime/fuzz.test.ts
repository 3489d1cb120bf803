/**
 * Wire input never crashes the process, and nothing is left running: mutated call flows (INVITE,
 * ACK, INFO, BYE, CANCEL, retransmissions, reorderings) go through the whole stack — parse,
 * router, transactions, dialogs, handler adapters — over an in-memory transport, with time on a
 * simulated clock. After the last timer (64·T1 and the linger periods) every map is empty.
 */
import fc from 'fast-check';
import { EventEmitter } from 'eventemitter3';
import { SimulatedClock } from 'xstate';
import { MemoryTransport } from '../../actors/transport/memory';
import { SipCore } from '../../runtime/core';
import { Supervisor } from '../../runtime/supervisor';
import { UserAgent, type ParrotEvents } from '../../runtime/ua';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function message(kind: string, call: number, toTag: string | undefined, cseq: number): string {
  const method =
    kind === 'ACK' || kind === 'BYE' || kind === 'INFO' || kind === 'CANCEL' || kind === 'INVITE'
      ? kind
      : 'OPTIONS';
  const branch =
    kind === 'CANCEL' || (kind === 'ACK' && !toTag)
      ? `z9hG4bK-inv-${call}`
      : `z9hG4bK-${kind}-${call}-${cseq}`;
  const body = method === 'INVITE' ? SDP : '';
  return (
    `${method} sip:parrot@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.2:5070;branch=${method === 'INVITE' && cseq === 1 ? `z9hG4bK-inv-${call}` : branch};rport\r\n` +
    `Max-Forwards: 70\r\n` +
    `To: <sip:parrot@127.0.0.1>${toTag ? `;tag=${toTag}` : ''}\r\n` +
    `From: <sip:fuzz@127.0.0.2>;tag=f${call}\r\n` +
    `Call-ID: fuzz-${call}@127.0.0.2\r\n` +
    `CSeq: ${method === 'CANCEL' ? 1 : cseq} ${method}\r\n` +
    `Contact: <sip:fuzz@127.0.0.2:5070>\r\n` +
    (body ? 'Content-Type: application/sdp\r\n' : '') +
    `Content-Length: ${body.length}\r\n\r\n${body}`
  );
}

function mutate(text: string, edits: Array<[number, number, 'set' | 'del' | 'ins']>): Buffer {
  let b = Buffer.from(text);
  for (const [pos, ch, op] of edits) {
    const p = pos % (b.length || 1);
    if (op === 'set') b[p] = ch;
    else if (op === 'del') b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1)]);
    else b = Buffer.concat([b.subarray(0, p), Buffer.from([ch]), b.subarray(p)]);
  }
  return b;
}

const step = fc.record({
  call: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom(
    'INVITE',
    'ACK',
    'BYE',
    'INFO',
    'CANCEL',
    'OPTIONS',
    'REINVITE',
    'UPDATE',
    'MESSAGE',
    'PRACK',
    'FOO',
    'REPLY',
  ),
  cseq: fc.integer({ min: 1, max: 6 }),
  withTag: fc.boolean(),
  edits: fc.array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom(...' :;,<>"\\\r\n\t@=/0123456789abcSIP'.split('').map((c) => c.charCodeAt(0))),
      fc.constantFrom('set' as const, 'del' as const, 'ins' as const),
    ),
    { maxLength: 3 },
  ),
  wait: fc.constantFrom(0, 0, 10, 600, 5000),
});

describe('fuzzing the whole stack with mutated call flows', () => {
  it('never throws, and leaves nothing running once every timer has run out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.constantFrom('answer', 'ring', 'busy', 'throw', 'late', 'hangup'),
        async (steps, behaviour) => {
          const clock = new SimulatedClock();
          const supervisor = new Supervisor({ clock });
          const core: SipCore = new SipCore({ supervisor }, { onRequest: () => undefined });
          const transport = new MemoryTransport();
          core.addTransport(transport);
          const ua = new UserAgent(
            core,
            {
              onInvite: async (call) => {
                if (behaviour === 'throw') throw new Error('handler bug');
                if (behaviour === 'busy') return { status: 486 };
                await call.ring();
                if (behaviour === 'late') await new Promise((r) => setTimeout(r, 1));
                if (behaviour !== 'ring' && !call.signal.aborted)
                  await call.answer(SDP).catch(() => undefined);
                return undefined;
              },
              onInfo: () => ({ status: 200 }),
              onCallStart: (call) => {
                if (behaviour === 'hangup') queueMicrotask(() => void call.hangup().catch(() => undefined));
              },
            },
            new EventEmitter<ParrotEvents>(),
            { warn: () => undefined, error: () => undefined },
          );
          core.tu = ua;
          const source = { address: '127.0.0.2', port: 5070 };
          // The To tag Parrot gave each call, read back from what it sent.
          const tagOf = (call: number): string | undefined => {
            for (let i = transport.sent.length - 1; i >= 0; i--) {
              const t = transport.sent[i]!.toString();
              if (t.includes(`Call-ID: fuzz-${call}@`) && /^SIP\/2.0 [12]\d\d/.test(t))
                return /To: [^\r]*;tag=([^\r;]+)/.exec(t)?.[1];
            }
            return undefined;
          };
          for (const s of steps) {
            const kind = s.kind === 'REINVITE' ? 'INVITE' : s.kind;
            const toTag =
              s.kind === 'REINVITE' || (s.withTag && kind !== 'INVITE' && kind !== 'CANCEL')
                ? tagOf(s.call)
                : undefined;
            const cseq = s.kind === 'INVITE' ? 1 : s.cseq + 1;
            expect(() =>
              core.receive(mutate(message(kind, s.call, toTag, cseq), s.edits), source, transport),
            ).not.toThrow();
            await new Promise((r) => setImmediate(r)); // let handler promises settle
            if (s.wait) clock.increment(s.wait);
          }
          // Let every call end: calls still ringing are hung up by the application, as a real one would.
          for (const call of ua.calls.values()) void call.hangup().catch(() => undefined);
          for (let i = 0; i < 12; i++) {
            await new Promise((r) => setImmediate(r));
            clock.increment(8000); // past Timer H/J/L, 64·T1 ACK timeouts, BYE timeouts, linger
          }
          expect(ua.calls.size).toBe(0);
          expect(core.registry.sizes).toEqual({
            clientTransactions: 0,
            serverTransactions: 0,
            dialogs: 0,
            calls: 0,
          });
          expect(supervisor.size).toBe(0);
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 150) },
    );
  });
});
