/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6). States: trying, proceeding,
 * completed, terminated.
 */
import { assign, cancel, emit, enqueueActions, raise, setup } from 'xstate';
import type { SipRequest, SipResponse } from '../codecs/sip/message';
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

/** What a client non-INVITE transaction is created with. */
export type ClientNonInviteTransactionInput = TransactionInput;

/** Events a client non-INVITE transaction takes. */
export type ClientNonInviteTransactionEvent = SipResponseEvent | TransportErrorEvent;

/** Effect events a client non-INVITE transaction emits. */
export type ClientNonInviteTransactionEmitted =
  TransportSendEffect | TuResponseEffect | TuTimeoutEffect | TuTransportErrorEffect;

/** The machine's context: built once from input, then only Timer E's interval changes. */
export interface ClientNonInviteTransactionContext {
  request: SipRequest;
  reliable: boolean;
  /** Timer E's next interval: T1, doubling up to T2 in trying, T2 in proceeding. */
  timerE: number;
  t2: number;
  /** 64·T1 */
  timerF: number;
  /** T4 over unreliable transports, zero over reliable ones. */
  timerK: number;
}

/**
 * Timers E and F run from the start across trying and proceeding, so they are delayed events the
 * machine raises to itself rather than `after` transitions of one state.
 */
type TimerEvent = { type: 'timer.E' } | { type: 'timer.F' };
type MachineEvent = ClientNonInviteTransactionEvent | TimerEvent;

const TIMER_E = { type: 'timer.E' } as const;
const TIMER_F = { type: 'timer.F' } as const;

/** Only referenced from `sip.response` transitions. */
const responseOf = (event: MachineEvent): SipResponse => (event as SipResponseEvent).response;

/**
 * The non-INVITE client transaction. On start it sends the request; the runtime routes the
 * matching responses to it as `sip.response` and transport failures as `transport.error`.
 *
 * @example
 * const tx = createActor(clientNonInviteTransactionMachine, { input: { request: options, reliable: false } });
 * tx.on('transport.send', ({ message }) => udp.send(serializeSipMessage(message)));
 * tx.on('tu.response', ({ response }) => console.log(response.status));
 * tx.start();
 */
export const clientNonInviteTransactionMachine = setup({
  types: {
    context: {} as ClientNonInviteTransactionContext,
    events: {} as MachineEvent,
    input: {} as ClientNonInviteTransactionInput,
    emitted: {} as ClientNonInviteTransactionEmitted,
  },
  delays: {
    timerE: ({ context }) => context.timerE,
    timerF: ({ context }) => context.timerF,
    timerK: ({ context }) => context.timerK,
  },
  guards: {
    isProvisional: ({ event }) => responseOf(event).status < 200,
    // Over a reliable transport Timer K is zero: the final response ends the transaction at once.
    timerKIsZero: ({ context }) => context.timerK === 0,
  },
  actions: {
    sendRequest: emit(({ context }) => ({ type: 'transport.send' as const, message: context.request })),
    // "If an unreliable transport is in use, the client transaction MUST set timer E to fire in
    // T1 seconds." "For any transport, the client transaction MUST set timer F to fire in 64*T1."
    startTimers: enqueueActions(({ context, enqueue }) => {
      enqueue.raise(TIMER_F, { id: 'F', delay: 'timerF' });
      if (!context.reliable) enqueue.raise(TIMER_E, { id: 'E', delay: 'timerE' });
    }),
    // Trying: "timer E is reset with a value of MIN(2*T1, T2)" and then doubles up to T2.
    backOffTimerE: assign({ timerE: ({ context }) => Math.min(2 * context.timerE, context.t2) }),
    // Proceeding: "Timer E MUST be reset with a value of T2 seconds."
    holdTimerEAtT2: assign({ timerE: ({ context }) => context.t2 }),
    restartTimerE: raise(TIMER_E, { id: 'E', delay: 'timerE' }),
    stopTimerE: cancel('E'),
    stopTimerF: cancel('F'),
    passResponse: emit(({ event }) => ({ type: 'tu.response' as const, response: responseOf(event) })),
    reportTimeoutF: emit({ type: 'tu.timeout', timer: 'F' }),
    reportTransportError: emit(({ event }) => ({
      type: 'tu.transportError' as const,
      error: (event as TransportErrorEvent).error,
    })),
  },
}).createMachine({
  id: 'clientNonInviteTransaction',
  context: ({ input }) => {
    const { t1, t2, t4 } = resolveTimers(input.timers);
    return {
      request: input.request,
      reliable: input.reliable,
      timerE: t1,
      t2,
      timerF: 64 * t1,
      timerK: input.reliable ? 0 : t4,
    };
  },
  initial: 'trying',
  states: {
    // "The 'Trying' state is entered when the TU initiates a new client transaction with a
    // request. When entering this state, the client transaction SHOULD set timer F to fire in
    // 64*T1 seconds. The request MUST be passed to the transport layer for transmission."
    trying: {
      entry: ['sendRequest', 'startTimers'],
      on: {
        'timer.E': { actions: ['sendRequest', 'backOffTimerE', 'restartTimerE'] },
        'timer.F': { target: 'terminated', actions: 'reportTimeoutF' },
        'sip.response': [
          { guard: 'isProvisional', target: 'proceeding', actions: 'passResponse' },
          { guard: 'timerKIsZero', target: 'terminated', actions: 'passResponse' },
          { target: 'completed', actions: 'passResponse' },
        ],
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
    },
    // Timers E and F keep running from trying: E retransmits every T2 from its next firing on,
    // F still bounds the whole transaction.
    proceeding: {
      on: {
        'timer.E': { actions: ['sendRequest', 'holdTimerEAtT2', 'restartTimerE'] },
        'timer.F': { target: 'terminated', actions: 'reportTimeoutF' },
        'sip.response': [
          { guard: 'isProvisional', actions: 'passResponse' },
          { guard: 'timerKIsZero', target: 'terminated', actions: 'passResponse' },
          { target: 'completed', actions: 'passResponse' },
        ],
        'transport.error': { target: 'terminated', actions: 'reportTransportError' },
      },
    },
    // "The 'Completed' state exists to buffer any additional response retransmissions that may be
    // received": responses here are absorbed. Over a reliable transport Timer K is zero and the
    // transaction goes straight to terminated instead.
    completed: {
      entry: ['stopTimerE', 'stopTimerF'],
      after: { timerK: 'terminated' },
    },
    terminated: { type: 'final' },
  },
});
