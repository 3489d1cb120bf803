/**
 * The conformance scenarios: each runs SIPp (as the UAC) against a fresh Parrot on loopback
 * with the handler given here. The XML files under sipp/scenarios say, in their opening
 * comment, which RFC clause each one proves; `check` adds what only Parrot's side can see.
 */
import type { Call, Handler, Parrot, ParrotOptions } from '../runtime';
import type { Wire } from './wire';

export interface Scenario {
  name: string;
  /** What it proves. */
  description: string;
  /** XML file under sipp/scenarios (default `<name>.xml`). */
  file?: string;
  /** A SIPp built-in scenario instead of a file (uac, uas, …). */
  builtin?: string;
  calls?: number;
  /** Concurrent calls limit (-l). */
  limit?: number;
  /** Calls per second (-r). Default 10. */
  rate?: number;
  /** SIPp's global timeout (-timeout, with -timeout_error). Default 10 s. */
  timeoutSeconds?: number;
  /** Extra SIPp arguments (-nr, -pause_msg_ign, -key name value …). */
  args?: string[];
  /** Options for the Parrot instance under test (called once per run). */
  parrot?: () => ParrotOptions;
  /** A check on Parrot after SIPp passed; returns a problem or undefined. */
  check?: (parrot: Parrot, wire: Wire) => string | undefined | Promise<string | undefined>;
  /** Handler errors are part of the scenario (otherwise any fails it). */
  handlerErrorsExpected?: boolean;
}

/** Parrot's answer to the offers SIPp makes. */
const SDP = [
  'v=0',
  'o=parrot 1 1 IN IP4 127.0.0.1',
  's=parrot',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits up to `ms` for `cond`. */
async function eventually(cond: () => boolean, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** What a handler saw, in order: `invite`, `ack`, `start`, `bye`, `end:<reason>` … */
function journal(): { seen: string[]; handler: (extra?: Handler) => Handler } {
  const seen: string[] = [];
  return {
    seen,
    handler: (extra = {}) => ({
      onAck: () => void seen.push('ack'),
      onCallStart: () => void seen.push('start'),
      // The request given is the BYE / CANCEL itself (handler.ts), not the INVITE.
      onBye: (_c: Call, bye) => void seen.push(bye.method === 'BYE' ? 'bye' : `bye(given ${bye.method})`),
      onCancel: (_c: Call, cancel) =>
        void seen.push(cancel.method === 'CANCEL' ? 'cancel' : `cancel(given ${cancel.method})`),
      onCallEnd: (_c: Call, reason) => void seen.push(`end:${reason}`),
      ...extra,
    }),
  };
}

/** Compares what the handler saw, once the call has ended. */
async function expectSeen(seen: string[], expected: string[]): Promise<string | undefined> {
  await eventually(() => seen.some((s) => s.startsWith('end:')));
  return seen.join(',') === expected.join(',')
    ? undefined
    : `handler saw [${seen.join(', ')}], expected [${expected.join(', ')}]`;
}

const ringThenAnswer = async (call: Call): Promise<void> => {
  await call.ring();
  await call.answer(SDP);
};

function basicCall(): Scenario {
  const j = journal();
  return {
    name: 'basic-call',
    description: 'INVITE (SDP) → 180 → 200 (SDP) → ACK → BYE → 200 (RFC 3261 §13, §12.1.1, §15.1.2)',
    parrot: () => {
      j.seen.length = 0;
      return {
        handler: j.handler({
          async onInvite(call) {
            j.seen.push(call.remoteSdp?.includes('m=audio') ? 'invite+sdp' : 'invite');
            await ringThenAnswer(call);
          },
        }),
      };
    },
    check: () => expectSeen(j.seen, ['invite+sdp', 'ack', 'start', 'bye', 'end:bye']),
  };
}

function parrotHangsUp(): Scenario {
  const j = journal();
  return {
    name: 'parrot-hangs-up',
    description: 'Parrot sends BYE 200 ms into the call; SIPp answers 200 (RFC 3261 §15.1.1)',
    parrot: () => {
      j.seen.length = 0;
      return {
        handler: j.handler({
          onInvite: (call) => call.answer(SDP),
          onCallStart: (call) => {
            j.seen.push('start');
            setTimeout(() => void call.hangup(), 200);
          },
        }),
      };
    },
    check: async (_p, wire) => {
      const problem = await expectSeen(j.seen, ['ack', 'start', 'end:hangup']);
      if (problem) return problem;
      const byes = wire.sentRequests('BYE');
      if (byes.length !== 1) return `Parrot sent ${byes.length} BYEs, expected 1 (SIPp answered the first)`;
      return undefined;
    },
  };
}

/**
 * §17.2.1: the ACK for a non-2xx final response (on the INVITE's branch, §17.1.1.3) moves the
 * INVITE server transaction to Confirmed, which stops Timer G: nothing is retransmitted after it.
 * (Before the ACK a retransmission is fine: an INVITE retransmitted by SIPp under load is
 * answered with the final response again.)
 */
function noFinalAfterAck(wire: Wire, status: number): string | undefined {
  const ack = wire.receivedRequests('ACK')[0];
  if (!ack) return 'Parrot never received the ACK';
  const late = wire.sentResponses(status, 'INVITE').filter((e) => e.at > ack.at);
  return late.length
    ? `Parrot sent ${status} ${late.length} more time(s) after the ACK (same branch, §17.1.1.3): the ACK did not reach the INVITE server transaction (§17.2.1)`
    : undefined;
}

function cancel(): Scenario {
  const j = journal();
  return {
    name: 'cancel',
    description: 'CANCEL of a ringing INVITE: 200 (CANCEL), 487 (INVITE), ACK (RFC 3261 §9.2, §17.1.1.3)',
    parrot: () => {
      j.seen.length = 0;
      return { handler: j.handler({ onInvite: (call) => call.ring() }) };
    },
    check: async (_p, wire) =>
      (await expectSeen(j.seen, ['cancel', 'end:cancel'])) ?? noFinalAfterAck(wire, 487),
  };
}

function busy(): Scenario {
  const j = journal();
  return {
    name: 'busy',
    description: '486 Busy Here → ACK on the INVITE branch (RFC 3261 §13.3.1.3, §17.1.1.3)',
    parrot: () => {
      j.seen.length = 0;
      return { handler: j.handler({ onInvite: () => ({ status: 486 }) }) };
    },
    check: async (_p, wire) => (await expectSeen(j.seen, ['end:rejected'])) ?? noFinalAfterAck(wire, 486),
  };
}

function reinvite(): Scenario {
  return {
    name: 'reinvite',
    description: 're-INVITE with an offer in the dialog → 200 with an answer → ACK (RFC 3261 §14, §13.2.1)',
    // No onReinvite: the documented default answers "200 with the last local SDP".
    parrot: () => ({ handler: { onInvite: ringThenAnswer } }),
  };
}

function infoMessage(): Scenario {
  const seen: string[] = [];
  return {
    name: 'info-message',
    description: 'INFO and MESSAGE in a confirmed dialog each get 200 (RFC 6086, RFC 3428, RFC 3261 §12.2.2)',
    parrot: () => {
      seen.length = 0;
      return {
        handler: {
          onInvite: (call) => call.answer(SDP),
          onInfo: ({ call, request }) =>
            void seen.push(
              `info ${call ? 'in dialog' : 'no dialog'} ${request.body.toString().split(/\r?\n/)[0]}`,
            ),
          onMessage: ({ call, request }) =>
            void seen.push(`message ${call ? 'in dialog' : 'no dialog'} ${request.body.toString().trim()}`),
        },
      };
    },
    check: () => {
      const expected = ['info in dialog Signal=5', 'message in dialog hello parrot'];
      return seen.join(',') === expected.join(',')
        ? undefined
        : `handler saw [${seen.join(', ')}], expected [${expected.join(', ')}]`;
    },
  };
}

function retransInvite(): Scenario {
  let invites = 0;
  return {
    name: 'retrans-invite',
    description:
      'a retransmitted INVITE is absorbed by its transaction: one call, one 200 (RFC 3261 §17.2.3)',
    args: ['-pause_msg_ign'],
    parrot: () => {
      invites = 0;
      return {
        handler: {
          async onInvite(call) {
            invites++;
            await sleep(300);
            await call.answer(SDP);
          },
        },
      };
    },
    check: (parrot, wire) => {
      const received = wire.receivedRequests('INVITE').length;
      if (received < 3) return `Parrot received ${received} INVITEs, expected the 3 SIPp sent`;
      if (invites !== 1) return `onInvite ran ${invites} times for one INVITE transaction`;
      const tags = new Set(wire.sentResponses(undefined, 'INVITE').map((e) => e.message.toTag));
      tags.delete(undefined); // 100 Trying carries none
      if (tags.size !== 1)
        return `INVITE responses carried ${tags.size} To tags (${[...tags].join(', ')}): more than one dialog`;
      if (parrot.stats.retransmissionsAbsorbed < 2)
        return `stats.retransmissionsAbsorbed = ${parrot.stats.retransmissionsAbsorbed}, expected ≥ 2`;
      return undefined;
    },
  };
}

function retransInviteAfter2xx(): Scenario {
  let invites = 0;
  return {
    name: 'retrans-invite-after-2xx',
    description: 'an INVITE retransmitted after the 200 is absorbed by the Accepted transaction (RFC 6026)',
    parrot: () => {
      invites = 0;
      return {
        handler: {
          onInvite: (call) => {
            invites++;
            return call.answer(SDP);
          },
        },
      };
    },
    check: (_p, wire) => {
      const received = wire.receivedRequests('INVITE').length;
      if (received < 2) return `Parrot received ${received} INVITEs, expected the 2 SIPp sent`;
      if (invites !== 1)
        return `onInvite ran ${invites} times: the retransmission after the 2xx reached the TU`;
      const responses = wire.sentResponses(undefined, 'INVITE');
      const other = responses.filter((e) => e.message.status !== 200 && e.message.status !== 100);
      if (other.length)
        return `Parrot answered the INVITE retransmission with ${other.map((e) => e.message.status).join(', ')}`;
      const tags = new Set(responses.map((e) => e.message.toTag));
      tags.delete(undefined);
      if (tags.size !== 1) return `INVITE responses carried ${tags.size} To tags: more than one dialog`;
      return undefined;
    },
  };
}

function lostAck(): Scenario {
  return {
    name: 'lost-ack',
    description:
      'without an ACK the 2xx is retransmitted at T1, 2·T1 … and stops on the ACK (RFC 3261 §13.3.1.4)',
    args: ['-nr'],
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
    check: (parrot, wire) => {
      const oks = wire.sentResponses(200, 'INVITE');
      if (oks.length !== 3)
        return `Parrot sent the 200 ${oks.length} times, expected 3 (original + 2 retransmissions, none after the ACK)`;
      if (new Set(oks.map((o) => o.text)).size !== 1)
        return 'the retransmitted 200s differ from the original';
      const t1 = parrot.core.timers.t1;
      const gaps = [oks[1]!.at - oks[0]!.at, oks[2]!.at - oks[1]!.at];
      const want = [t1, 2 * t1];
      if (gaps.some((g, i) => Math.abs(g - want[i]!) > Math.max(150, want[i]! * 0.3)))
        return `2xx retransmission gaps ${gaps.join(', ')} ms, expected ≈ ${want.join(', ')} ms`;
      const ack = wire.receivedRequests('ACK')[0];
      if (!ack) return 'Parrot never received the ACK';
      return undefined;
    },
  };
}

function outOfOrderCseq(): Scenario {
  return {
    name: 'out-of-order-cseq',
    description: 'a request with a CSeq below the dialog remote sequence gets 500 (RFC 3261 §12.2.2)',
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  };
}

function missingHeader(): Scenario {
  return {
    name: 'missing-header',
    description: 'requests without From, CSeq, Call-ID or To get 400 (RFC 3261 §8.1.1, §21.4.1)',
    // SIPp must not retransmit: a retransmitted malformed request gets a 400 with another To tag
    // (see malformed-retrans), which SIPp takes for an unexpected message.
    args: ['-nr'],
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
    check: async (_p, wire) => {
      const answered = (branchEnd: string): boolean =>
        wire
          .sentResponses(400)
          .some((e) => e.message.topVia?.params.get('branch')?.endsWith(branchEnd) ?? false);
      await eventually(() => answered('-nocallid') && answered('-noto'), 500);
      const missing = ['-nocallid', '-noto'].filter((b) => !answered(b));
      return missing.length
        ? `no 400 for the request without ${missing.map((b) => (b === '-noto' ? 'To' : 'Call-ID')).join(' and ')}`
        : undefined;
    },
  };
}

function malformedRetrans(): Scenario {
  return {
    name: 'malformed-retrans',
    description:
      'a retransmitted malformed request gets the same 400 (To tag) again (RFC 3261 §8.2.7, §17.2.3)',
    args: ['-nr'],
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  };
}

function concurrent10(): Scenario {
  let live = 0;
  let peak = 0;
  let ended = 0;
  return {
    name: 'concurrent-10',
    description: '10 overlapping basic calls, each its own dialog',
    calls: 10,
    limit: 10,
    rate: 100,
    parrot: () => {
      live = peak = ended = 0;
      return {
        handler: {
          async onInvite(call) {
            peak = Math.max(peak, ++live);
            await ringThenAnswer(call);
          },
          onCallEnd: (_c, reason) => {
            live--;
            if (reason === 'bye') ended++;
          },
        },
      };
    },
    check: async () => {
      await eventually(() => ended === 10);
      if (peak !== 10) return `at most ${peak} calls were live at once, expected 10`;
      if (ended !== 10) return `${ended} calls ended by BYE, expected 10`;
      return undefined;
    },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'options',
    description: 'OPTIONS is answered 200 with Allow (RFC 3261 §11.2)',
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  },
  basicCall(),
  parrotHangsUp(),
  cancel(),
  busy(),
  reinvite(),
  {
    name: 'options-in-dialog',
    description: 'OPTIONS inside a dialog gets 200 with Allow in that dialog (RFC 3261 §11.2, §12.2.2)',
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  },
  infoMessage(),
  {
    name: 'unknown-method',
    description: 'unknown method → 501; known but not served (SUBSCRIBE) → 405 with Allow (RFC 3261 §8.2.1)',
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  },
  {
    name: 'unknown-dialog',
    description: 'BYE / INFO for no dialog → 481; CANCEL for no transaction → 481 (RFC 3261 §12.2.2, §9.2)',
    parrot: () => ({ handler: { onInvite: (call) => call.answer(SDP) } }),
  },
  retransInvite(),
  retransInviteAfter2xx(),
  lostAck(),
  outOfOrderCseq(),
  missingHeader(),
  malformedRetrans(),
  concurrent10(),
];
