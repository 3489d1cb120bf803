/**
 * The handler adapter: one per inbound call, the only place user code is called from. It
 * invokes the application's `onInvite` (an actor the runtime provides, so this machine stays
 * pure) and turns what the application does — a returned decision, or `call.ring()`,
 * `call.answer()` … on the call handle — into effects for the INVITE transaction and the dialog.
 *
 * idle → trying → proceeding → waitingForAck → inCall → terminating → ended
 */
import { assign, emit, not, setup } from 'xstate';

/** A response decided by a handler, like the seed's `{:respond, 200, "OK", headers, body}`. */
export interface ResponseDecision {
  status: number;
  reason?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Content-Type of the body; default `application/sdp` for INVITE bodies, `text/plain` otherwise. */
  contentType?: string;
}

/** What a handler callback may return. */
export type HandlerResult = ResponseDecision | void | undefined;

/** The life of a call as the handler adapter sees it. */
export type CallState = 'trying' | 'proceeding' | 'waitingForAck' | 'inCall' | 'terminating' | 'ended';

/** Why a call ended. */
export type CallEndReason =
  | 'bye' // the remote party sent BYE
  | 'hangup' // the application hung up
  | 'cancel' // the caller cancelled before answer (CANCEL)
  | 'rejected' // answered with a non-2xx final response
  | 'ackTimeout' // 2xx sent, no ACK within 64·T1 (§13.3.1.4): BYE sent
  | 'error' // the handler threw; 500 or BYE sent
  | 'shutdown'; // Parrot stopped

/** The parts of a response the adapter asks the runtime to send on the INVITE transaction. */
export interface AdapterResponse {
  status: number;
  reason?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  contentType?: string;
}

export interface HandlerAdapterInput {
  /** The call handle passed to the application's callbacks (opaque to the machine). */
  call: unknown;
}

/** Events the adapter takes: from the call handle, the dialog, the transaction layer, the runtime. */
export type HandlerAdapterEvent =
  | { type: 'call.ring' }
  | { type: 'call.progress'; response: AdapterResponse }
  | { type: 'call.answer'; response: AdapterResponse }
  | { type: 'call.reject'; response: AdapterResponse }
  | { type: 'call.hangup' }
  | { type: 'sip.ack' }
  | { type: 'sip.cancel' }
  | { type: 'sip.bye' }
  | { type: 'dialog.ackTimeout' }
  | { type: 'dialog.ended' }
  | { type: 'runtime.shutdown' }
  /** The application's onInvite returned (or its promise resolved) with this result. */
  | { type: 'handler.done'; output: HandlerResult }
  /** The application's onInvite threw or rejected. */
  | { type: 'handler.error'; error: unknown };

/** Effects the adapter emits. */
export type HandlerAdapterEmitted =
  /** Run the application's onInvite with the call handle; report back with handler.done / handler.error. */
  | { type: 'adapter.invite'; call: unknown }
  | { type: 'adapter.respond'; response: AdapterResponse }
  | { type: 'adapter.hangup' }
  | { type: 'adapter.state'; state: CallState }
  | { type: 'adapter.callback'; name: 'onAck' | 'onCallStart' | 'onBye' | 'onCancel' }
  | { type: 'adapter.error'; error: unknown }
  | { type: 'adapter.ended'; reason: CallEndReason };

export interface HandlerAdapterContext {
  call: unknown;
  /** A final response went out on the INVITE transaction. */
  finalSent: boolean;
  endReason: CallEndReason | undefined;
}

type Ev = HandlerAdapterEvent;
type Decision = ResponseDecision;

const responseOf = (e: Ev): AdapterResponse => (e as Extract<Ev, { response: AdapterResponse }>).response;
const decisionOf = (e: Ev): Decision => (e as Extract<Ev, { type: 'handler.done' }>).output as Decision;

/** The peer's BYE ends the call, whatever state it was in (ringing or up). */
const peerHungUp = {
  target: '#handlerAdapter.ended',
  actions: [
    { type: 'callback', params: 'onBye' },
    { type: 'endBecause', params: 'bye' },
  ],
} as const;

const handlingInvite = {
  'call.ring': { target: 'proceeding', actions: 'respond180' },
  'call.progress': { target: 'proceeding', actions: 'respondFromEvent' },
  'call.answer': { target: 'waitingForAck', actions: ['respondFromEvent', 'markFinal'] },
  'call.reject': {
    target: '#handlerAdapter.ended',
    actions: ['respondFromEvent', 'markFinal', { type: 'endBecause', params: 'rejected' }],
  },
  'call.hangup': {
    target: '#handlerAdapter.ended',
    actions: ['respond480', 'markFinal', { type: 'endBecause', params: 'hangup' }],
  },
  'runtime.shutdown': {
    target: '#handlerAdapter.ended',
    actions: ['respond503', 'markFinal', { type: 'endBecause', params: 'shutdown' }],
  },
  // §15.1.2: a BYE on the early dialog ends the call; the runtime answers the INVITE 487.
  'sip.bye': peerHungUp,
  // §9.2: the core already answered 200 to the CANCEL and 487 to the INVITE.
  'sip.cancel': {
    target: '#handlerAdapter.ended',
    actions: [
      'markFinal',
      { type: 'callback', params: 'onCancel' },
      { type: 'endBecause', params: 'cancel' },
    ],
  },
} as const;

/**
 * How a call in a dialog ends: the peer's BYE, or ours. Before the ACK the dialog holds our BYE
 * back until the ACK arrives or times out (§15: "MUST NOT send a BYE on a confirmed dialog until
 * it has received an ACK for its 2xx response or until the server transaction times out").
 */
const endingInDialog = {
  'sip.bye': peerHungUp,
  'call.hangup': {
    target: 'terminating',
    actions: ['hangupDialog', { type: 'endBecause', params: 'hangup' }],
  },
  'runtime.shutdown': {
    target: 'terminating',
    actions: ['hangupDialog', { type: 'endBecause', params: 'shutdown' }],
  },
} as const;

/**
 * The handler adapter machine. On start it emits `adapter.invite`; the runtime runs the
 * application's onInvite with the call handle and reports the outcome as `handler.done` or
 * `handler.error` (an invoked promise actor would do the same at the cost of one more actor and
 * its system per call).
 *
 * @example
 * const adapter = createActor(provided, { input: { call } });
 * adapter.on('adapter.respond', ({ response }) => inviteTx.reply(response.status, …));
 * adapter.start();
 */
export const handlerAdapterMachine = setup({
  types: {
    context: {} as HandlerAdapterContext,
    events: {} as HandlerAdapterEvent,
    input: {} as HandlerAdapterInput,
    emitted: {} as HandlerAdapterEmitted,
  },
  guards: {
    noDecision: ({ event }) => decisionOf(event) === undefined || decisionOf(event) === null,
    decisionIsProvisional: ({ event }) => decisionOf(event).status < 200,
    decisionIs2xx: ({ event }) => decisionOf(event).status >= 200 && decisionOf(event).status < 300,
    finalSent: ({ context }) => context.finalSent,
  },
  actions: {
    respondFromEvent: emit(({ event }) => ({
      type: 'adapter.respond' as const,
      response: responseOf(event),
    })),
    respondDecision: emit(({ event }) => ({ type: 'adapter.respond' as const, response: decisionOf(event) })),
    markFinal: assign({ finalSent: true }),
    endBecause: assign({ endReason: ({ context }, reason: CallEndReason) => context.endReason ?? reason }),
    reportError: emit(({ event }) => ({
      type: 'adapter.error' as const,
      error: (event as { error?: unknown }).error,
    })),
    respond500: emit({ type: 'adapter.respond', response: { status: 500 } }),
    respond180: emit({ type: 'adapter.respond', response: { status: 180 } }),
    respond480: emit({ type: 'adapter.respond', response: { status: 480 } }),
    respond503: emit({ type: 'adapter.respond', response: { status: 503, headers: { 'Retry-After': '5' } } }),
    callback: emit((_, name: 'onAck' | 'onCallStart' | 'onBye' | 'onCancel') => ({
      type: 'adapter.callback' as const,
      name,
    })),
    hangupDialog: emit({ type: 'adapter.hangup' }),
    runInvite: emit(({ context }) => ({ type: 'adapter.invite' as const, call: context.call })),
    enterState: emit((_, state: CallState) => ({ type: 'adapter.state' as const, state })),
  },
}).createMachine({
  id: 'handlerAdapter',
  context: ({ input }) => ({ call: input.call, finalSent: false, endReason: undefined }),
  initial: 'idle',
  states: {
    idle: {
      always: 'active',
    },
    active: {
      initial: 'trying',
      entry: 'runInvite',
      on: {
        'handler.done': [
          { guard: 'noDecision' },
          { guard: 'finalSent' }, // decided after answering: nothing left to decide
          { guard: 'decisionIsProvisional', target: '.proceeding', actions: 'respondDecision' },
          { guard: 'decisionIs2xx', target: '.waitingForAck', actions: ['respondDecision', 'markFinal'] },
          {
            target: 'ended',
            actions: ['respondDecision', 'markFinal', { type: 'endBecause', params: 'rejected' }],
          },
        ],
        // The handler threw: "that call gets 500 (or BYE if answered)".
        'handler.error': [
          {
            guard: not('finalSent'),
            target: 'ended',
            actions: ['reportError', 'respond500', 'markFinal', { type: 'endBecause', params: 'error' }],
          },
          {
            target: '.terminating',
            actions: ['reportError', 'hangupDialog', { type: 'endBecause', params: 'error' }],
          },
        ],
        'dialog.ended': { target: 'ended' },
      },
      states: {
        trying: {
          entry: { type: 'enterState', params: 'trying' },
          on: handlingInvite,
        },
        proceeding: {
          entry: { type: 'enterState', params: 'proceeding' },
          on: {
            ...handlingInvite,
            'call.ring': { actions: 'respond180' },
            'call.progress': { actions: 'respondFromEvent' },
          },
        },
        waitingForAck: {
          entry: { type: 'enterState', params: 'waitingForAck' },
          on: {
            ...endingInDialog,
            'sip.ack': {
              target: 'inCall',
              actions: [
                { type: 'callback', params: 'onAck' },
                { type: 'callback', params: 'onCallStart' },
              ],
            },
            // §13.3.1.4: no ACK within 64·T1; the dialog sends BYE.
            'dialog.ackTimeout': {
              target: '#handlerAdapter.ended',
              actions: { type: 'endBecause', params: 'ackTimeout' },
            },
          },
        },
        inCall: {
          entry: { type: 'enterState', params: 'inCall' },
          on: {
            ...endingInDialog,
            'sip.ack': {},
          },
        },
        terminating: {
          entry: { type: 'enterState', params: 'terminating' },
          on: {
            'sip.bye': { target: '#handlerAdapter.ended' },
          },
        },
      },
    },
    ended: {
      type: 'final',
      entry: [
        { type: 'enterState', params: 'ended' },
        emit(({ context }) => ({ type: 'adapter.ended' as const, reason: context.endReason ?? 'hangup' })),
      ],
    },
  },
});
