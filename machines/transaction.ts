/**
 * What the four RFC 3261 §17 transaction machines share: the timer base values, the events they
 * take in, and the effect events they emit.
 *
 * A transaction machine never touches a socket or a clock. It takes events (`sip.response`,
 * `sip.request`, `tu.respond`, `transport.error`) and answers with emitted effect events
 * (`transport.send`, `tu.response`, `tu.timeout`, `tu.transportError`), which the runtime hears
 * with `actor.on(type, handler)`. Time comes from the actor's clock through named delays.
 *
 * Timers that live in one state only (B, D, H, I, J, K, L, M) are `after` transitions. Timers
 * that re-arm themselves while a sibling timer keeps running (A beside B, G beside H), or that
 * keep running across states (E and F over Trying and Proceeding), and the 100 Trying timer,
 * which the TU's first response cancels, are delayed events raised with the same named delays
 * (`raise({ type: 'timer.A' }, { id: 'A', delay: 'timerA' })`) so that re-arming one never
 * restarts another.
 */
import type { SipMessage, SipRequest, SipResponse } from '../codecs/sip/message';

/**
 * The base values every §17 timer derives from, in milliseconds (§17.1.1.1, Table 4).
 * `t1` is the round-trip estimate, `t2` the cap on non-INVITE request and INVITE response
 * retransmission intervals, `t4` the longest a message stays in the network.
 */
export interface TransactionTimers {
  t1: number;
  t2: number;
  t4: number;
}

/** RFC 3261 defaults: T1 = 500 ms, T2 = 4 s, T4 = 5 s. */
export const DEFAULT_TIMERS: Readonly<TransactionTimers> = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

/**
 * The defaults with the given values laid over them.
 *
 * @example
 * resolveTimers({ t1: 100 }) // { t1: 100, t2: 4000, t4: 5000 }
 */
export function resolveTimers(timers: Partial<TransactionTimers> | undefined): TransactionTimers {
  return {
    t1: timers?.t1 ?? DEFAULT_TIMERS.t1,
    t2: timers?.t2 ?? DEFAULT_TIMERS.t2,
    t4: timers?.t4 ?? DEFAULT_TIMERS.t4,
  };
}

/** What every transaction is created with. */
export interface TransactionInput {
  /** The request that created the transaction (a client's with its top Via, whose branch keys it, in place). */
  request: SipRequest;
  /** True over TCP, TLS, SCTP, WS: Timers A, E and G are not armed and D, I, J and K are zero (§17). */
  reliable: boolean;
  /** T1, T2, T4 in ms; defaults 500, 4000, 5000. */
  timers?: Partial<TransactionTimers>;
}

// ---- events a transaction takes in ----------------------------------------------------------

/** A response the transport matched to this client transaction (§17.1.3). */
export interface SipResponseEvent {
  type: 'sip.response';
  response: SipResponse;
}

/** A request the transport matched to this server transaction (§17.2.3): a retransmission or an ACK. */
export interface SipRequestEvent {
  type: 'sip.request';
  request: SipRequest;
}

/** A response the TU passes to its server transaction for sending. */
export interface TuRespondEvent {
  type: 'tu.respond';
  response: SipResponse;
}

/** The transport could not send a message this transaction emitted (§17.1.4, §17.2.4). */
export interface TransportErrorEvent {
  type: 'transport.error';
  error?: unknown;
}

// ---- effects a transaction emits ------------------------------------------------------------

/** Pass this message to the transport layer for (re)transmission. */
export interface TransportSendEffect {
  type: 'transport.send';
  message: SipMessage;
}

/** Pass this response up to the TU. */
export interface TuResponseEffect {
  type: 'tu.response';
  response: SipResponse;
}

/** Pass this request up to the TU (RFC 6026 §8.7: an ACK reaching an Accepted INVITE server transaction). */
export interface TuRequestEffect {
  type: 'tu.request';
  request: SipRequest;
}

/** The transaction timed out: B and F (no final response), H (no ACK). The TU treats it as a 408 (§8.1.3.1). */
export interface TuTimeoutEffect {
  type: 'tu.timeout';
  timer: 'B' | 'F' | 'H';
}

/** The transport failed; the TU treats it as a 503 (§8.1.3.1). */
export interface TuTransportErrorEffect {
  type: 'tu.transportError';
  error?: unknown;
}

/**
 * The transaction hands its absorbing tail to the runtime and terminates (input `linger: true`).
 *
 * Once a server transaction has sent its final response, all that is left for it to do until
 * its last timer (J for non-INVITE, L for an accepted INVITE) is to absorb retransmissions of
 * the request, replaying the final response for non-INVITE. An actor kept alive 32 s for that
 * costs ~10 KB each, which at thousands of requests per second is gigabytes. With `linger`, the
 * machine emits this effect instead and ends; the runtime keeps a small record under the same
 * key that replays `replay` (when given) to each retransmission for `ms` milliseconds. The wire
 * behaviour is the RFC's; the default (`linger` off) keeps the RFC timer inside the machine.
 */
export interface TransactionLingerEffect {
  type: 'transaction.linger';
  /** The response to send again for each retransmitted request; undefined: absorb silently. */
  replay: SipResponse | undefined;
  /** How long to absorb: the remaining timer. */
  ms: number;
}

/** Every effect event a transaction machine emits. */
export type TransactionEffect =
  | TransportSendEffect
  | TuResponseEffect
  | TuRequestEffect
  | TuTimeoutEffect
  | TuTransportErrorEffect
  | TransactionLingerEffect;
