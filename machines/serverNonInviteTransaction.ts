/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8). States: trying, proceeding,
 * completed, terminated.
 */
import { assign, emit, setup } from 'xstate';
import type { SipRequest, SipResponse } from '../codecs/sip/message';
import {
  resolveTimers,
  type TransactionInput,
  type SipRequestEvent,
  type TransportErrorEvent,
  type TransactionLingerEffect,
  type TransportSendEffect,
  type TuRespondEvent,
  type TuTransportErrorEffect,
} from './transaction';

/** What a non-INVITE server transaction is created with. */
export interface ServerNonInviteTransactionInput extends TransactionInput {
  /** Hand the Completed state's absorbing to the runtime (`transaction.linger`) and end at once. */
  linger?: boolean;
}

/** Events a non-INVITE server transaction takes. */
export type ServerNonInviteTransactionEvent = TuRespondEvent | SipRequestEvent | TransportErrorEvent;

/** Effect events a non-INVITE server transaction emits. */
export type ServerNonInviteTransactionEmitted =
  TransportSendEffect | TuTransportErrorEffect | TransactionLingerEffect;

/** The machine's context: built once from input, then only the last response changes. */
export interface ServerNonInviteTransactionContext {
  request: SipRequest;
  reliable: boolean;
  /** 64·T1 over unreliable transports, zero over reliable ones. */
  timerJ: number;
  /** The last provisional (in proceeding) or the final (in completed) response sent. */
  lastResponse: SipResponse | undefined;
  linger: boolean;
}

/** Only referenced from `tu.respond` transitions. */
const responseOf = (event: ServerNonInviteTransactionEvent): SipResponse =>
  (event as TuRespondEvent).response;

/**
 * The non-INVITE server transaction. The runtime creates it for a new request and hands the
 * request to the TU; the TU answers with `tu.respond`; retransmissions arrive as `sip.request`.
 *
 * @example
 * const tx = createActor(serverNonInviteTransactionMachine, { input: { request: options, reliable: false } });
 * tx.on('transport.send', ({ message }) => udp.send(serializeSipMessage(message), source));
 * tx.start();
 * tx.send({ type: 'tu.respond', response: createResponse(options, 200, { toTag: newTag() }) });
 */
export const serverNonInviteTransactionMachine = setup({
  types: {
    context: {} as ServerNonInviteTransactionContext,
    events: {} as ServerNonInviteTransactionEvent,
    input: {} as ServerNonInviteTransactionInput,
    emitted: {} as ServerNonInviteTransactionEmitted,
  },
  delays: {
    timerJ: ({ context }) => context.timerJ,
  },
  guards: {
    isProvisional: ({ event }) => responseOf(event).status < 200,
    // Over a reliable transport Timer J is zero: the final response ends the transaction at once.
    timerJIsZero: ({ context }) => context.timerJ === 0,
    lingers: ({ context }) => context.linger,
  },
  actions: {
    keepResponse: assign({ lastResponse: ({ event }) => responseOf(event) }),
    sendResponse: emit(({ event }) => ({ type: 'transport.send' as const, message: responseOf(event) })),
    sendLastResponse: emit(({ context }) => ({
      type: 'transport.send' as const,
      message: context.lastResponse as SipResponse,
    })),
    lingerWithFinal: emit(({ context, event }) => ({
      type: 'transaction.linger' as const,
      replay: responseOf(event),
      ms: context.timerJ,
    })),
    reportTransportError: emit(({ event }) => ({
      type: 'tu.transportError' as const,
      error: (event as TransportErrorEvent).error,
    })),
  },
}).createMachine({
  id: 'serverNonInviteTransaction',
  context: ({ input }) => ({
    request: input.request,
    reliable: input.reliable,
    timerJ: input.reliable ? 0 : 64 * resolveTimers(input.timers).t1,
    lastResponse: undefined,
    linger: input.linger ?? false,
  }),
  initial: 'trying',
  states: {
    // "Once in the 'Trying' state, any further request retransmissions are discarded."
    trying: {
      on: {
        'tu.respond': [
          { guard: 'isProvisional', target: 'proceeding', actions: ['keepResponse', 'sendResponse'] },
          { guard: 'timerJIsZero', target: 'terminated', actions: 'sendResponse' },
          { guard: 'lingers', target: 'terminated', actions: ['sendResponse', 'lingerWithFinal'] },
          { target: 'completed', actions: ['keepResponse', 'sendResponse'] },
        ],
      },
    },
    // "If a retransmission of the request is received while in the 'Proceeding' state, the most
    // recently sent provisional response MUST be passed to the transport layer for retransmission."
    proceeding: {
      on: {
        'tu.respond': [
          { guard: 'isProvisional', actions: ['keepResponse', 'sendResponse'] },
          { guard: 'timerJIsZero', target: 'terminated', actions: 'sendResponse' },
          { guard: 'lingers', target: 'terminated', actions: ['sendResponse', 'lingerWithFinal'] },
          { target: 'completed', actions: ['keepResponse', 'sendResponse'] },
        ],
        'sip.request': { actions: 'sendLastResponse' },
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
    },
    // "While in the 'Completed' state, the server transaction MUST pass the final response to the
    // transport layer for retransmission whenever a retransmission of the request is received.
    // Any other final responses passed by the TU to the server transaction MUST be discarded."
    // Over a reliable transport Timer J is zero and the transaction goes straight to terminated.
    completed: {
      on: {
        'sip.request': { actions: 'sendLastResponse' },
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
      after: { timerJ: 'terminated' },
    },
    terminated: { type: 'final' },
  },
});
