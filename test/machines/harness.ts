/**
 * Test harness for the transaction machines: XState's SimulatedClock, stepped deadline by
 * deadline, and a log of every emitted effect with the simulated time it was emitted at.
 */
import {
  createActor,
  SimulatedClock,
  type Actor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EmittedFrom,
  type InputFrom,
} from 'xstate';
import { createRequest, parseSipMessage, type SipMessage, type SipRequest, type Via } from '../../codecs/sip';

/**
 * A SimulatedClock that knows its pending deadlines, so `advanceTo` can stop at each one: a
 * timer re-armed when it fires then starts from its exact firing time, as on a real clock.
 * (`increment(32000)` in one go would fire a 500 ms timer once, late, at 32 s.)
 */
export class SteppingClock extends SimulatedClock {
  private readonly deadlines = new Map<number, number>();

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id: number = super.setTimeout(() => {
      this.deadlines.delete(id);
      fn();
    }, timeout);
    this.deadlines.set(id, this.now() + timeout);
    return id;
  }

  override clearTimeout(id: number): void {
    this.deadlines.delete(id);
    super.clearTimeout(id);
  }

  /** Number of timers pending. */
  get pending(): number {
    return this.deadlines.size;
  }

  /** Moves simulated time to `t`, firing every timer due on the way at its own deadline. */
  advanceTo(t: number): void {
    for (;;) {
      let next = Infinity;
      for (const d of this.deadlines.values()) if (d < next) next = d;
      if (next > t) break;
      this.set(Math.max(next, this.now()));
    }
    if (t > this.now()) this.set(t);
  }

  /** Moves simulated time on by `ms`. */
  advance(ms: number): void {
    this.advanceTo(this.now() + ms);
  }
}

export interface Logged<E> {
  at: number;
  event: E;
}

export interface Run<TLogic extends AnyStateMachine> {
  actor: Actor<TLogic>;
  clock: SteppingClock;
  log: Array<Logged<EmittedFrom<TLogic>>>;
  /** Times of every `transport.send`. */
  sendTimes(): number[];
  /** Messages of every `transport.send`. */
  sent(): SipMessage[];
  /** Every emitted event but `transport.send`. */
  tu(): Array<Logged<EmittedFrom<TLogic>>>;
  state(): unknown;
  done(): boolean;
  /** True once the `complete` observer has fired. */
  completed(): boolean;
}

/** Creates and starts `logic` on a stepping clock at t = 0, logging every emitted event. */
export function run<TLogic extends AnyStateMachine>(logic: TLogic, input: InputFrom<TLogic>): Run<TLogic> {
  const clock = new SteppingClock();
  const actor: Actor<TLogic> = createActor(logic, { input, clock });
  const log: Array<Logged<EmittedFrom<TLogic>>> = [];
  let completed = false;
  actor.on('*', (event) => log.push({ at: clock.now(), event }));
  actor.subscribe({ complete: () => (completed = true) });
  actor.start();
  const sends = (): Array<Logged<{ type: 'transport.send'; message: SipMessage }>> => {
    const out: Array<Logged<{ type: 'transport.send'; message: SipMessage }>> = [];
    for (const l of log) if (l.event.type === 'transport.send') out.push(l);
    return out;
  };
  return {
    actor,
    clock,
    log,
    sendTimes: () => sends().map((l) => l.at),
    sent: () => sends().map((l) => l.event.message),
    tu: () => log.filter((l) => l.event.type !== 'transport.send'),
    state: (): unknown => (actor.getSnapshot() as AnyMachineSnapshot).value,
    done: () => (actor.getSnapshot() as AnyMachineSnapshot).status === 'done',
    completed: () => completed,
  };
}

// ---- messages -------------------------------------------------------------------------------

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n\r\n');

function parseRequest(lines: string[]): SipRequest {
  const r = parseSipMessage(crlf(lines));
  if (!r.ok || r.message.type !== 'request') throw new Error('bad test request');
  return r.message;
}

/** An INVITE as a proxy would forward it: two Vias, a Route set, a body. */
export function invite(): SipRequest {
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
  const lines = [
    'INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0',
    'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    'Max-Forwards: 69',
    'Route: <sip:p1.example.com;lr>',
    'Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  const r = parseSipMessage(Buffer.from(lines.join('\r\n') + '\r\n\r\n' + sdp));
  if (!r.ok || r.message.type !== 'request') throw new Error('bad test INVITE');
  return r.message;
}

/** An ACK for a non-2xx response, as the peer would send it to our INVITE server transaction. */
export function ackFor(req: SipRequest): SipRequest {
  return parseRequest([
    `ACK ${req.uriText} SIP/2.0`,
    `Via: ${req.get('via')}`,
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>;tag=8321234356',
    `From: ${req.get('from')}`,
    `Call-ID: ${req.callId}`,
    `CSeq: ${req.cseq.seq} ACK`,
  ]);
}

const VIA: Via = {
  protocol: 'SIP/2.0',
  transport: 'UDP',
  host: '192.0.2.10',
  hostType: 'ipv4',
  port: 5060,
  params: new Map([['branch', 'z9hG4bKoptions1']]),
};

/** A non-INVITE request (OPTIONS by default) with one Via. */
export function nonInvite(method = 'OPTIONS'): SipRequest {
  return createRequest({
    method,
    uri: 'sip:bob@biloxi.example.com',
    from: 'sip:alice@atlanta.example.com',
    to: 'sip:bob@biloxi.example.com',
    callId: 'nonInvite-1@atlanta.example.com',
    cseq: 7,
    via: [VIA],
  });
}
