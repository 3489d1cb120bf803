/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5), with the Accepted state of
 * RFC 6026 §8.4. States: calling, proceeding, accepted, completed, terminated.
 */
import { assign, cancel, emit, enqueueActions, raise, setup } from 'xstate';
import type { SipRequest, SipResponse } from '../codecs/sip/message';
import { buildNon2xxAck } from '../codecs/sip/transactionMessages';
import {
  resolveTimers,
  type TransactionInput,
  type SipResponseEvent,
  type TransportErrorEvent,
  type TransportSendEffect,
  type TuResponseEffect,
  type TuTimeoutEffect,
  type TuTransportErrorEffect,
} from './transaction';

/** What a client INVITE transaction is created with. */
export type ClientInviteTransactionInput = TransactionInput;

/** Events a client INVITE transaction takes. */
export type ClientInviteTransactionEvent = SipResponseEvent | TransportErrorEvent;

/** Effect events a client INVITE transaction emits. */
export type ClientInviteTransactionEmitted =
  TransportSendEffect | TuResponseEffect | TuTimeoutEffect | TuTransportErrorEffect;

/** The machine's context: built once from input, then only Timer A's interval and the ACK change. */
export interface ClientInviteTransactionContext {
  request: SipRequest;
  reliable: boolean;
  /** Timer A's next interval: T1, doubling on each firing (§17.1.1.2; no T2 cap for INVITE). */
  timerA: number;
  /** 64·T1 */
  timerB: number;
  /** At least 32 s (here max(32 s, 64·T1)) over unreliable transports, zero over reliable ones. */
  timerD: number;
  /** 64·T1 (RFC 6026 §8.4) */
  timerM: number;
  /** The ACK sent for the non-2xx final response, resent for each retransmission of it. */
  ack: SipRequest | undefined;
}

/** Timer A firing: a delayed event this machine raises to itself. */
type TimerAEvent = { type: 'timer.A' };
type MachineEvent = ClientInviteTransactionEvent | TimerAEvent;

const TIMER_A: TimerAEvent = { type: 'timer.A' };

/** Only referenced from `sip.response` transitions. */
const responseOf = (event: MachineEvent): SipResponse => (event as SipResponseEvent).response;

/**
 * The INVITE client transaction. On start it sends the INVITE; the runtime routes the matching
 * responses to it as `sip.response` and transport failures as `transport.error`, and carries out
 * what it emits.
 *
 * @example
 * const tx = createActor(clientInviteTransactionMachine, { input: { request: invite, reliable: false } });
 * tx.on('transport.send', ({ message }) => udp.send(serializeSipMessage(message)));
 * tx.on('tu.response', ({ response }) => dialog.send({ type: 'sip.response', response }));
 * tx.start();
 */
export const clientInviteTransactionMachine = setup({
  types: {
    context: {} as ClientInviteTransactionContext,
    events: {} as MachineEvent,
    input: {} as ClientInviteTransactionInput,
    emitted: {} as ClientInviteTransactionEmitted,
  },
  delays: {
    timerA: ({ context }) => context.timerA,
    timerB: ({ context }) => context.timerB,
    timerD: ({ context }) => context.timerD,
    timerM: ({ context }) => context.timerM,
  },
  guards: {
    isProvisional: ({ event }) => responseOf(event).status < 200,
    is2xx: ({ event }) => {
      const status = responseOf(event).status;
      return status >= 200 && status < 300;
    },
    isNon2xxFinal: ({ event }) => responseOf(event).status >= 300,
    // Over a reliable transport Timer D is zero: the final response ends the transaction at once.
    timerDIsZero: ({ context }) => context.timerD === 0,
  },
  actions: {
    sendRequest: emit(({ context }) => ({ type: 'transport.send' as const, message: context.request })),
    // "If an unreliable transport is being used, the client transaction MUST start timer A with a
    // value of T1. If a reliable transport is being used, the client transaction SHOULD NOT start
    // timer A" (§17.1.1.2).
    startTimerA: enqueueActions(({ context, enqueue }) => {
      if (!context.reliable) enqueue.raise(TIMER_A, { id: 'A', delay: 'timerA' });
    }),
    // "When timer A fires, the client transaction MUST retransmit the request ... and MUST reset
    // the timer with a value of 2*T1" — and so on, doubling each time.
    doubleTimerA: assign({ timerA: ({ context }) => context.timerA * 2 }),
    restartTimerA: raise(TIMER_A, { id: 'A', delay: 'timerA' }),
    stopTimerA: cancel('A'),
    passResponse: emit(({ event }) => ({ type: 'tu.response' as const, response: responseOf(event) })),
    // §17.1.1.3: the ACK for a 300–699 response is built by the transaction from the INVITE.
    buildAck: assign({ ack: ({ context, event }) => buildNon2xxAck(context.request, responseOf(event)) }),
    sendAck: emit(({ context }) => ({ type: 'transport.send' as const, message: context.ack as SipRequest })),
    reportTimeoutB: emit({ type: 'tu.timeout', timer: 'B' }),
    reportTransportError: emit(({ event }) => ({
      type: 'tu.transportError' as const,
      error: (event as TransportErrorEvent).error,
    })),
  },
}).createMachine({
  id: 'clientInviteTransaction',
  context: ({ input }) => {
    const { t1 } = resolveTimers(input.timers);
    return {
      request: input.request,
      reliable: input.reliable,
      timerA: t1,
      timerB: 64 * t1,
      timerD: input.reliable ? 0 : Math.max(32000, 64 * t1),
      timerM: 64 * t1,
      ack: undefined,
    };
  },
  initial: 'calling',
  states: {
    // "The initial state, 'calling', MUST be entered when the TU initiates a new client
    // transaction with an INVITE request. The client transaction MUST pass the request to the
    // transport layer for transmission" (§17.1.1.2).
    calling: {
      entry: ['sendRequest', 'startTimerA'],
      exit: 'stopTimerA',
      on: {
        'timer.A': { actions: ['sendRequest', 'doubleTimerA', 'restartTimerA'] },
        'sip.response': [
          { guard: 'isProvisional', target: 'proceeding', actions: 'passResponse' },
          { guard: 'is2xx', target: 'accepted', actions: 'passResponse' },
          { guard: 'timerDIsZero', target: 'terminated', actions: ['buildAck', 'sendAck', 'passResponse'] },
          { target: 'completed', actions: ['buildAck', 'sendAck', 'passResponse'] },
        ],
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
      // "If the client transaction is still in the 'Calling' state when timer B fires, the client
      // transaction SHOULD inform the TU that a timeout has occurred."
      after: { timerB: { target: 'terminated', actions: 'reportTimeoutB' } },
    },
    // "Any further provisional responses MUST be passed up to the TU while in the 'Proceeding'
    // state." No timer runs here: the TU ends a call attempt that rings forever with CANCEL.
    proceeding: {
      on: {
        'sip.response': [
          { guard: 'isProvisional', actions: 'passResponse' },
          { guard: 'is2xx', target: 'accepted', actions: 'passResponse' },
          { guard: 'timerDIsZero', target: 'terminated', actions: ['buildAck', 'sendAck', 'passResponse'] },
          { target: 'completed', actions: ['buildAck', 'sendAck', 'passResponse'] },
        ],
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
    },
    // RFC 6026 §8.4: "Any 2xx responses that match this client transaction and that are received
    // while in the 'Accepted' state MUST be passed up to the TU. The client transaction MUST NOT
    // generate an ACK to the 2xx response." Other responses are absorbed.
    accepted: {
      on: {
        'sip.response': { guard: 'is2xx', actions: 'passResponse' },
      },
      after: { timerM: 'terminated' },
    },
    // "Any retransmissions of the final response that are received while in the 'Completed'
    // state MUST cause the ACK to be re-passed to the transport layer for retransmission, but the
    // newly received response MUST NOT be passed up to the TU." Over a reliable transport Timer D
    // is zero and the transaction goes straight to terminated instead.
    completed: {
      on: {
        'sip.response': { guard: 'isNon2xxFinal', actions: 'sendAck' },
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
      after: { timerD: 'terminated' },
    },
    terminated: { type: 'final' },
  },
});
