/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7), with the Accepted state of
 * RFC 6026 §8.5–8.7. States: proceeding, accepted, completed, confirmed, terminated.
 */
import { and, assign, cancel, emit, enqueueActions, raise, setup } from 'xstate';
import type { SipRequest, SipResponse } from '../codecs/sip/message';
import { createResponse } from '../codecs/sip/serialize';
import {
  resolveTimers,
  type TransactionInput,
  type SipRequestEvent,
  type TransportErrorEvent,
  type TransactionLingerEffect,
  type TransportSendEffect,
  type TuRequestEffect,
  type TuRespondEvent,
  type TuTimeoutEffect,
  type TuTransportErrorEffect,
} from './transaction';

/** What an INVITE server transaction is created with. */
export interface ServerInviteTransactionInput extends TransactionInput {
  /**
   * How long to wait for the TU's first response before sending 100 Trying ourselves, in ms.
   * Default 200 (§17.2.1).
   */
  tryingDelay?: number;
  /** Hand the Accepted state's absorbing to the runtime (`transaction.linger`) and end at once. */
  linger?: boolean;
}

/** Events an INVITE server transaction takes. */
export type ServerInviteTransactionEvent = TuRespondEvent | SipRequestEvent | TransportErrorEvent;

/** Effect events an INVITE server transaction emits. */
export type ServerInviteTransactionEmitted =
  TransportSendEffect | TuRequestEffect | TuTimeoutEffect | TuTransportErrorEffect | TransactionLingerEffect;

/** The machine's context: built once from input, then only Timer G's interval and the last response change. */
export interface ServerInviteTransactionContext {
  request: SipRequest;
  reliable: boolean;
  tryingDelay: number;
  /** Timer G's next interval: T1, doubling up to T2. */
  timerG: number;
  t2: number;
  /** 64·T1 */
  timerH: number;
  /** T4 over unreliable transports, zero over reliable ones. */
  timerI: number;
  /** 64·T1 (RFC 6026 §8.7) */
  timerL: number;
  /** The last provisional (in proceeding) or the final non-2xx (in completed) response sent. */
  lastResponse: SipResponse | undefined;
  linger: boolean;
}

/** Timer G and the 100 Trying timer: delayed events the machine raises to itself. */
type TimerEvent = { type: 'timer.G' } | { type: 'timer.trying' };
type MachineEvent = ServerInviteTransactionEvent | TimerEvent;

const TIMER_G = { type: 'timer.G' } as const;
const TIMER_TRYING = { type: 'timer.trying' } as const;

/** Only referenced from `tu.respond` transitions. */
const responseOf = (event: MachineEvent): SipResponse => (event as TuRespondEvent).response;
/** Only referenced from `sip.request` transitions. */
const requestOf = (event: MachineEvent): SipRequest => (event as SipRequestEvent).request;

/**
 * The INVITE server transaction. The runtime creates it for a new INVITE and hands the INVITE to
 * the TU; the TU answers with `tu.respond`; retransmissions and the ACK for a non-2xx final
 * response arrive as `sip.request`.
 *
 * @example
 * const tx = createActor(serverInviteTransactionMachine, { input: { request: invite, reliable: false } });
 * tx.on('transport.send', ({ message }) => udp.send(serializeSipMessage(message), source));
 * tx.start();
 * tx.send({ type: 'tu.respond', response: createResponse(invite, 180, { toTag }) });
 */
export const serverInviteTransactionMachine = setup({
  types: {
    context: {} as ServerInviteTransactionContext,
    events: {} as MachineEvent,
    input: {} as ServerInviteTransactionInput,
    emitted: {} as ServerInviteTransactionEmitted,
  },
  delays: {
    trying: ({ context }) => context.tryingDelay,
    timerG: ({ context }) => context.timerG,
    timerH: ({ context }) => context.timerH,
    timerI: ({ context }) => context.timerI,
    timerL: ({ context }) => context.timerL,
  },
  guards: {
    isProvisional: ({ event }) => responseOf(event).status < 200,
    is2xx: ({ event }) => {
      const status = responseOf(event).status;
      return status >= 200 && status < 300;
    },
    isAck: ({ event }) => requestOf(event).method === 'ACK',
    lingers: ({ context }) => context.linger,
    // Over a reliable transport Timer I is zero: the ACK ends the transaction at once.
    isAckAndTimerIIsZero: ({ context, event }) => context.timerI === 0 && requestOf(event).method === 'ACK',
    isRetransmissionWithAnswer: ({ context, event }) =>
      context.lastResponse !== undefined && requestOf(event).method !== 'ACK',
  },
  actions: {
    startTryingTimer: raise(TIMER_TRYING, { id: 'trying', delay: 'trying' }),
    stopTryingTimer: cancel('trying'),
    // "The 100 (Trying) response is constructed according to the procedures in Section 8.2.6,
    // except that the insertion of tags in the To header field of the response ... is downgraded
    // from MAY to SHOULD NOT."
    buildTrying: assign({ lastResponse: ({ context }) => createResponse(context.request, 100) }),
    keepResponse: assign({ lastResponse: ({ event }) => responseOf(event) }),
    sendResponse: emit(({ event }) => ({ type: 'transport.send' as const, message: responseOf(event) })),
    sendLastResponse: emit(({ context }) => ({
      type: 'transport.send' as const,
      message: context.lastResponse as SipResponse,
    })),
    // "For unreliable transports, timer G is set to fire in T1 seconds, and is not set to fire
    // for reliable transports."
    startTimerG: enqueueActions(({ context, enqueue }) => {
      if (!context.reliable) enqueue.raise(TIMER_G, { id: 'G', delay: 'timerG' });
    }),
    // "timer G is set to fire in MIN(2*T1, T2) seconds. From then on ... reset with a value that
    // doubles, unless that value exceeds T2, in which case it is reset with the value of T2."
    backOffTimerG: assign({ timerG: ({ context }) => Math.min(2 * context.timerG, context.t2) }),
    restartTimerG: raise(TIMER_G, { id: 'G', delay: 'timerG' }),
    stopTimerG: cancel('G'),
    // The 2xx's own retransmissions belong to the TU (RFC 6026); absorbing INVITE retransmissions
    // for Timer L is all an accepted transaction does, so the runtime can do it.
    lingerAccepted: emit(({ context }) => ({
      type: 'transaction.linger' as const,
      replay: undefined,
      ms: context.timerL,
    })),
    passRequest: emit(({ event }) => ({ type: 'tu.request' as const, request: requestOf(event) })),
    reportTimeoutH: emit({ type: 'tu.timeout', timer: 'H' }),
    reportTransportError: emit(({ event }) => ({
      type: 'tu.transportError' as const,
      error: (event as TransportErrorEvent).error,
    })),
  },
}).createMachine({
  id: 'serverInviteTransaction',
  context: ({ input }) => {
    const { t1, t2, t4 } = resolveTimers(input.timers);
    return {
      request: input.request,
      reliable: input.reliable,
      tryingDelay: input.tryingDelay ?? 200,
      timerG: t1,
      t2,
      timerH: 64 * t1,
      timerI: input.reliable ? 0 : t4,
      timerL: 64 * t1,
      lastResponse: undefined,
      linger: input.linger ?? false,
    };
  },
  initial: 'proceeding',
  states: {
    // "When a server transaction is constructed for a request, it enters the 'Proceeding' state.
    // The server transaction MUST generate a 100 (Trying) response unless it knows that the TU
    // will generate a provisional or final response within 200 ms."
    proceeding: {
      entry: 'startTryingTimer',
      exit: 'stopTryingTimer',
      on: {
        'timer.trying': { actions: ['buildTrying', 'sendLastResponse'] },
        'tu.respond': [
          // "So long as the server transaction is in the 'Proceeding' state, each of these MUST
          // be passed to the transport layer for transmission."
          { guard: 'isProvisional', actions: ['stopTryingTimer', 'keepResponse', 'sendResponse'] },
          // RFC 6026 §8.5: "If, while in the 'Proceeding' state, the TU passes a 2xx response to
          // the server transaction, the server transaction MUST pass this response to the
          // transport layer for transmission ... and move to the 'Accepted' state."
          {
            guard: and(['is2xx', 'lingers']),
            target: 'terminated',
            actions: ['sendResponse', 'lingerAccepted'],
          },
          { guard: 'is2xx', target: 'accepted', actions: 'sendResponse' },
          // "If, while in the 'Proceeding' state, the TU passes a response with status code from
          // 300 to 699 ..., the response MUST be passed to the transport layer for transmission,
          // and the state machine MUST enter the 'Completed' state."
          { target: 'completed', actions: ['keepResponse', 'sendResponse'] },
        ],
        // "If a request retransmission is received while in the 'Proceeding' state, the most
        // recent provisional response that was received from the TU MUST be passed to the
        // transport layer for retransmission." (Our own 100 Trying counts as one.)
        'sip.request': { guard: 'isRetransmissionWithAnswer', actions: 'sendLastResponse' },
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
    },
    // RFC 6026 §8.7: "The purpose of the 'Accepted' state is to absorb retransmissions of an
    // accepted INVITE request." 2xx retransmissions are the TU's job and pass straight through;
    // an ACK is passed up to the TU; a transport error is reported and the state kept (Figure 5).
    accepted: {
      on: {
        'tu.respond': { guard: 'is2xx', actions: 'sendResponse' },
        'sip.request': { guard: 'isAck', actions: 'passRequest' },
        'transport.error': { actions: 'reportTransportError' },
      },
      after: { timerL: 'terminated' },
    },
    // "while in the 'Completed' state, if a request retransmission is received, the server
    // SHOULD pass the response to the transport for retransmission. If an ACK is received while
    // the server transaction is in the 'Completed' state, the server transaction MUST transition
    // to the 'Confirmed' state." Over a reliable transport Timer I is zero: straight to terminated.
    completed: {
      entry: 'startTimerG',
      exit: 'stopTimerG',
      on: {
        'timer.G': { actions: ['sendLastResponse', 'backOffTimerG', 'restartTimerG'] },
        'sip.request': [
          { guard: 'isAckAndTimerIIsZero', target: 'terminated' },
          { guard: 'isAck', target: 'confirmed' },
          { actions: 'sendLastResponse' },
        ],
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
      // "If timer H fires while in the 'Completed' state, it implies that the ACK was never
      // received. In this case, the server transaction MUST transition to the 'Terminated' state,
      // and MUST indicate to the TU that a transaction failure has occurred."
      after: { timerH: { target: 'terminated', actions: 'reportTimeoutH' } },
    },
    // "The purpose of the 'Confirmed' state is to absorb any additional ACK messages that arrive,
    // triggered from retransmissions of the final response."
    confirmed: {
      after: { timerI: 'terminated' },
    },
    terminated: { type: 'final' },
  },
});
