/**
 * A SIP dialog (RFC 3261 §12–§15): early → confirmed → terminated, with the UAS core's 2xx
 * retransmission (§13.3.1.4), in-dialog request handling (§12.2.2), re-INVITE glare (§14.2),
 * target refresh and BYE (§15).
 *
 * The machine holds the dialog state of §12 (Call-ID, tags, URIs, remote target, route set,
 * sequence numbers) and never does I/O: it emits effects the runtime carries out —
 * `dialog.reply` (answer this in-dialog request), `dialog.tuRequest` (hand it to the handler),
 * `dialog.send` (send this in-dialog request in a client transaction), `transport.send`
 * (retransmit the 2xx), `dialog.ack`, `dialog.ackTimeout`, `dialog.ended`.
 */
import { and, assign, cancel, emit, raise, setup } from 'xstate';
import { createRequest, type HeaderInput } from '../codecs/sip/serialize';
import type { SipRequest, SipResponse } from '../codecs/sip/message';
import type { NameAddr, Uri } from '../codecs/sip/types';
import { resolveTimers, type TransactionTimers } from './transaction';

/** Opaque reference to the server transaction a request arrived in; the runtime answers through it. */
export type TransactionRef = object;

/** Why a dialog ended. */
export type DialogEndReason = 'bye' | 'hangup' | 'ackTimeout' | 'rejected' | 'byeTimeout' | 'stopped';

/** The dialog state of §12.1: what is needed to send and recognise in-dialog requests. */
export interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our URI (From of our requests). */
  localUri: NameAddr;
  /** The peer's URI (To of our requests). */
  remoteUri: NameAddr;
  /** Where our in-dialog requests go: the peer's Contact (§12.1.1). */
  remoteTarget: Uri;
  /** Record-Route of the dialog-creating request, in order, for a UAS (§12.1.1). */
  routeSet: NameAddr[];
  /** Our CSeq; the first request we send uses localSeq + 1. */
  localSeq: number;
  /** The peer's last CSeq seen (§12.2.2). */
  remoteSeq: number;
  /** Our Contact, for target-refresh requests and responses. */
  localContact?: NameAddr;
}

export interface DialogInput {
  role: 'uas' | 'uac';
  state: DialogState;
  timers?: Partial<TransactionTimers>;
  /** True once a 2xx was already sent or received (dialog created confirmed). */
  confirmed?: boolean;
}

/** Events a dialog takes. */
export type DialogEvent =
  /** The UAS sent a 2xx to an INVITE of this dialog: retransmit it until the ACK (§13.3.1.4). */
  | { type: 'dialog.sent2xx'; response: SipResponse }
  /** The dialog-creating INVITE was answered with a non-2xx final: an early dialog ends. */
  | { type: 'dialog.rejected' }
  /** An ACK for a 2xx of this dialog. */
  | { type: 'sip.ack'; request: SipRequest }
  /** A request within this dialog (not ACK, not CANCEL) and its server transaction. */
  | { type: 'sip.request'; request: SipRequest; tx: TransactionRef }
  /** The TU answered a re-INVITE (any final status): the glare guard is released. */
  | { type: 'dialog.reinviteAnswered' }
  /** The application ends the dialog: BYE (§15.1.1). */
  | { type: 'dialog.hangup' }
  /** The application sends a request in the dialog (INFO, MESSAGE, UPDATE, re-INVITE …). */
  | {
      type: 'dialog.request';
      method: string;
      headers?: HeaderInput;
      body?: string | Buffer;
      contentType?: string;
    }
  /** The final response (or a timeout, as 408) of a request this dialog sent. */
  | { type: 'dialog.response'; method: string; status: number }
  /** Internal: the 2xx retransmission timer (raised by the machine to itself). */
  | { type: 'timer.retransmit2xx' };

/** Effects a dialog emits. */
export type DialogEmitted =
  | { type: 'transport.send'; message: SipResponse }
  | { type: 'dialog.reply'; tx: TransactionRef; status: number; reason?: string; headers?: HeaderInput }
  | { type: 'dialog.tuRequest'; tx: TransactionRef; request: SipRequest }
  | { type: 'dialog.send'; request: SipRequest }
  | { type: 'dialog.ack'; request: SipRequest }
  | { type: 'dialog.ackTimeout' }
  | { type: 'dialog.ended'; reason: DialogEndReason };

export interface DialogContext extends DialogState {
  role: 'uas' | 'uac';
  t1: number;
  t2: number;
  /** The 2xx being retransmitted while waiting for its ACK. */
  pending2xx: SipResponse | undefined;
  /** Next 2xx retransmission interval: T1 doubling to T2. */
  retransmitInterval: number;
  /** A re-INVITE from the peer is being handled by the TU (§14.2). */
  reinvitePending: boolean;
  /** Why it ended, once it has. */
  endReason: DialogEndReason | undefined;
  /** Created from a 2xx (a UAC's dialog): starts confirmed. */
  confirmedAtStart: boolean;
  /** The application hung up while our 2xx awaited its ACK: BYE once the ACK comes (§15). */
  hangupRequested: boolean;
}

type Ev = DialogEvent;
const requestOf = (e: Ev): SipRequest => (e as Extract<Ev, { type: 'sip.request' }>).request;
const txOf = (e: Ev): TransactionRef => (e as Extract<Ev, { type: 'sip.request' }>).tx;

/** A number 0–10 that varies from request to request (Call-ID and CSeq), without randomness. */
function spread(req: SipRequest): number {
  let h = req.cseq.seq;
  const id = req.callId;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % 11;
}

/**
 * Builds a request within the dialog (§12.2.1.1): Request-URI = remote target, To = remote URI
 * with the remote tag, From = local URI with the local tag, Call-ID of the dialog, CSeq = the
 * local sequence number (already incremented), Route = the route set (loose routing).
 */
export function buildInDialogRequest(
  d: DialogState,
  method: string,
  extra: { headers?: HeaderInput; body?: string | Buffer; contentType?: string } = {},
): SipRequest {
  return createRequest({
    method,
    uri: d.remoteTarget,
    from: { ...d.localUri, params: new Map(d.localUri.params).set('tag', d.localTag) },
    to: { ...d.remoteUri, params: new Map(d.remoteUri.params).set('tag', d.remoteTag) },
    callId: d.callId,
    cseq: d.localSeq,
    route: d.routeSet,
    contact: method === 'INVITE' || method === 'UPDATE' ? d.localContact : undefined,
    headers: extra.headers,
    body: extra.body,
    contentType: extra.contentType,
  });
}

/**
 * The dialog machine.
 *
 * @example
 * const dialog = createActor(dialogMachine, { input: { role: 'uas', state } });
 * dialog.on('dialog.reply', ({ tx, status }) => reply(tx, status));
 * dialog.start();
 * dialog.send({ type: 'dialog.sent2xx', response: ok });
 */
export const dialogMachine = setup({
  types: {
    context: {} as DialogContext,
    events: {} as DialogEvent,
    input: {} as DialogInput,
    emitted: {} as DialogEmitted,
  },
  delays: {
    retransmit2xx: ({ context }) => context.retransmitInterval,
    // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without receiving
    // an ACK, the dialog is confirmed, but the session SHOULD be terminated."
    ackTimeout: ({ context }) => 64 * context.t1,
    // A BYE we sent that never completes: the non-INVITE client transaction reports a timeout
    // within 64·T1; this is a last resort so a dialog can never outlive its peer.
    byeTimeout: ({ context }) => 64 * context.t1 + 1000,
  },
  guards: {
    // §12.2.2: "If the remote sequence number was not empty, but the sequence number of the
    // request is lower than the remote sequence number, the request is out of order and MUST be
    // rejected with a 500 (Server Internal Error) response."
    outOfOrder: ({ context, event }) =>
      requestOf(event).cseq.seq <= context.remoteSeq && context.remoteSeq > 0,
    isBye: ({ event }) => requestOf(event).method === 'BYE',
    isInvite: ({ event }) => requestOf(event).method === 'INVITE',
    // §14.2: "A UAS that receives a second INVITE before it sends the final response to a first
    // INVITE with a lower CSeq sequence number on the same dialog MUST return a 500"; an INVITE
    // while our own 2xx still awaits its ACK is answered 491 (glare, the offer/answer is not done).
    reinviteWhilePending: ({ context }) => context.reinvitePending,
    reinviteWhileAwaitingAck: ({ context }) => context.pending2xx !== undefined,
    hangupRequested: ({ context }) => context.hangupRequested,
  },
  actions: {
    trackRemoteSeq: assign({ remoteSeq: ({ event }) => requestOf(event).cseq.seq }),
    // §12.2.2: a target refresh request (re-INVITE, UPDATE) with a Contact replaces the remote target.
    refreshTarget: assign({
      remoteTarget: ({ context, event }) => {
        const c = requestOf(event).contact;
        return Array.isArray(c) && c[0] ? c[0].uri : context.remoteTarget;
      },
    }),
    reply200: emit(({ event }) => ({ type: 'dialog.reply' as const, tx: txOf(event), status: 200 })),
    reply500OutOfOrder: emit(({ event }) => ({
      type: 'dialog.reply' as const,
      tx: txOf(event),
      status: 500,
      reason: 'CSeq Out Of Order',
    })),
    reply500Pending: emit(({ event }) => ({
      type: 'dialog.reply' as const,
      tx: txOf(event),
      status: 500,
      // §14.2: "a Retry-After header field with a randomly chosen value of between 0 and 10
      // seconds". A machine draws no random numbers: the value is spread by the request instead.
      headers: { 'Retry-After': String(spread(requestOf(event))) },
    })),
    reply491: emit(({ event }) => ({ type: 'dialog.reply' as const, tx: txOf(event), status: 491 })),
    passToTu: emit(({ event }) => ({
      type: 'dialog.tuRequest' as const,
      tx: txOf(event),
      request: requestOf(event),
    })),
    markReinvite: assign({ reinvitePending: true }),
    clearReinvite: assign({ reinvitePending: false }),
    keep2xx: assign({
      pending2xx: ({ event }) => (event as Extract<Ev, { type: 'dialog.sent2xx' }>).response,
      retransmitInterval: ({ context }) => context.t1,
    }),
    // §13.3.1.4: "the 2xx response is passed to the transport with an interval that starts at T1
    // seconds and doubles for each retransmission until it reaches T2 seconds"
    armRetransmit: raise({ type: 'timer.retransmit2xx' }, { id: 'retransmit2xx', delay: 'retransmit2xx' }),
    disarmRetransmit: cancel('retransmit2xx'),
    requestHangup: assign({ hangupRequested: true }),
    retransmit2xx: emit(({ context }) => ({ type: 'transport.send' as const, message: context.pending2xx! })),
    backOff: assign({
      retransmitInterval: ({ context }) => Math.min(2 * context.retransmitInterval, context.t2),
    }),
    clear2xx: assign({ pending2xx: undefined }),
    passAck: emit(({ event }) => ({
      type: 'dialog.ack' as const,
      request: (event as Extract<Ev, { type: 'sip.ack' }>).request,
    })),
    reportAckTimeout: emit({ type: 'dialog.ackTimeout' }),
    sendBye: emit(({ context }) => ({
      type: 'dialog.send' as const,
      request: buildInDialogRequest(context, 'BYE'),
    })),
    sendRequest: emit(({ context, event }) => {
      const e = event as Extract<Ev, { type: 'dialog.request' }>;
      return { type: 'dialog.send' as const, request: buildInDialogRequest(context, e.method, e) };
    }),
    nextLocalSeq: assign({ localSeq: ({ context }) => context.localSeq + 1 }),
    endBecause: assign({ endReason: ({ context }, reason: DialogEndReason) => context.endReason ?? reason }),
    reportEnded: emit(({ context }) => ({
      type: 'dialog.ended' as const,
      reason: context.endReason ?? 'stopped',
    })),
  },
}).createMachine({
  id: 'dialog',
  context: ({ input }) => {
    const t = resolveTimers(input.timers);
    return {
      ...input.state,
      role: input.role,
      t1: t.t1,
      t2: t.t2,
      pending2xx: undefined,
      retransmitInterval: t.t1,
      reinvitePending: false,
      endReason: undefined,
      confirmedAtStart: input.confirmed ?? false,
      hangupRequested: false,
    };
  },
  initial: 'early',
  states: {
    early: {
      always: { guard: ({ context }) => context.confirmedAtStart, target: 'confirmed' },
      on: {
        'dialog.sent2xx': { target: 'confirmed.awaitingAck', actions: 'keep2xx' },
        'dialog.rejected': { target: 'terminated', actions: { type: 'endBecause', params: 'rejected' } },
        'sip.request': [
          { guard: 'outOfOrder', actions: 'reply500OutOfOrder' },
          // A BYE in an early dialog ends it (§15: the caller may BYE an early dialog).
          {
            guard: 'isBye',
            target: 'terminated',
            actions: ['trackRemoteSeq', 'reply200', { type: 'endBecause', params: 'bye' }],
          },
          // The dialog-creating INVITE is still unanswered: another INVITE on the early dialog
          // is refused with 491 (Request Pending); offers in early dialogs go in UPDATE (RFC 3311).
          { guard: 'isInvite', actions: ['trackRemoteSeq', 'reply491'] },
          { actions: ['trackRemoteSeq', 'passToTu'] },
        ],
        'dialog.hangup': { target: 'terminated', actions: { type: 'endBecause', params: 'hangup' } },
      },
    },
    confirmed: {
      initial: 'established',
      on: {
        'sip.request': [
          { guard: 'outOfOrder', actions: 'reply500OutOfOrder' },
          {
            guard: 'isBye',
            target: 'terminated',
            actions: ['trackRemoteSeq', 'reply200', { type: 'endBecause', params: 'bye' }],
          },
          {
            guard: and(['isInvite', 'reinviteWhilePending']),
            actions: ['trackRemoteSeq', 'reply500Pending'],
          },
          { guard: and(['isInvite', 'reinviteWhileAwaitingAck']), actions: ['trackRemoteSeq', 'reply491'] },
          { guard: 'isInvite', actions: ['trackRemoteSeq', 'refreshTarget', 'markReinvite', 'passToTu'] },
          { actions: ['trackRemoteSeq', 'refreshTarget', 'passToTu'] },
        ],
        'dialog.reinviteAnswered': { actions: 'clearReinvite' },
        'dialog.request': { actions: ['nextLocalSeq', 'sendRequest'] },
      },
      states: {
        established: {
          on: {
            'dialog.sent2xx': { target: 'awaitingAck', actions: 'keep2xx' },
            'sip.ack': { actions: 'passAck' },
            'dialog.hangup': { target: '#dialog.terminating', actions: ['nextLocalSeq', 'sendBye'] },
          },
        },
        // §13.3.1.4: the 2xx goes out again at T1, 2·T1 … capped at T2 until the ACK arrives.
        // The retransmission timer is a delayed event the state raises to itself, so re-arming it
        // never restarts ackTimeout (an `after` in a re-entered state would).
        awaitingAck: {
          entry: 'armRetransmit',
          exit: 'disarmRetransmit',
          after: {
            ackTimeout: {
              target: '#dialog.terminating',
              actions: [
                'clear2xx',
                'reportAckTimeout',
                'nextLocalSeq',
                'sendBye',
                { type: 'endBecause', params: 'ackTimeout' },
              ],
            },
          },
          on: {
            'timer.retransmit2xx': { actions: ['retransmit2xx', 'backOff', 'armRetransmit'] },
            'sip.ack': [
              {
                guard: 'hangupRequested',
                target: '#dialog.terminating',
                actions: ['clear2xx', 'passAck', 'nextLocalSeq', 'sendBye'],
              },
              { target: 'established', actions: ['clear2xx', 'passAck'] },
            ],
            // "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an
            // ACK for its 2xx response or until the server transaction times out" (§15): remember it.
            'dialog.hangup': { actions: 'requestHangup' },
          },
        },
      },
    },
    terminating: {
      entry: { type: 'endBecause', params: 'hangup' },
      after: { byeTimeout: 'terminated' },
      on: {
        'dialog.response': {
          guard: ({ event }) => event.method === 'BYE' && event.status >= 200,
          target: 'terminated',
        },
        // The peer's BYE crossing ours: answer it, we are done either way.
        'sip.request': [
          { guard: 'isBye', target: 'terminated', actions: ['trackRemoteSeq', 'reply200'] },
          { actions: emit(({ event }) => ({ type: 'dialog.reply' as const, tx: txOf(event), status: 481 })) },
        ],
        'sip.ack': {},
      },
    },
    terminated: {
      type: 'final',
      entry: 'reportEnded',
    },
  },
});
