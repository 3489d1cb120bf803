/**
 * The handler API: what an application writes to answer calls. Every callback is optional and
 * may be sync or async. A callback either returns a response decision or drives the typed
 * `Call` handle; user code is only ever called from the handler adapter, which turns what it
 * does into events for the transactions and the dialog.
 */
import type { NameAddr, SipRequest } from '../codecs/sip';
import type { Endpoint } from '../actors/transport/udp';

import type { CallEndReason, CallState, HandlerResult, ResponseDecision } from '../machines/handlerAdapter';

export type { CallEndReason, CallState, HandlerResult, ResponseDecision };
export type MaybePromise<T> = T | Promise<T>;

/** Body and headers for `progress`/`answer`: an SDP string, or the parts. */
export type AnswerBody =
  string | { body?: string | Buffer; contentType?: string; headers?: Record<string, string | string[]> };

/**
 * One inbound call (an INVITE server dialog). Obtained in `onInvite`; valid until `onCallEnd`.
 */
export interface Call {
  /** Parrot's id of the call (unique per instance). */
  readonly id: string;
  /** The Call-ID header. */
  readonly callId: string;
  /** The initial INVITE. */
  readonly request: SipRequest;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** Where the INVITE came from. */
  readonly remote: Endpoint;
  /** The current state. */
  readonly state: CallState;
  /** Aborted when the call ends, for whatever reason. */
  readonly signal: AbortSignal;
  /** Free per-call state for the application. */
  readonly data: Record<string, unknown>;
  /** The remote SDP offer (INVITE body), if any. */
  readonly remoteSdp: string | undefined;
  /** Sends 180 Ringing. */
  ring(): Promise<void>;
  /** Sends 183 Session Progress, with early media SDP when given. */
  progress(sdp?: AnswerBody): Promise<void>;
  /** Sends 200 OK (with SDP when given) and resolves once the ACK arrives. */
  answer(sdp?: AnswerBody): Promise<void>;
  /** Sends a final non-2xx response (default 486 Busy Here). */
  reject(status?: number, reason?: string, headers?: Record<string, string | string[]>): Promise<void>;
  /** Sends a 3xx (default 302) with these Contact URIs. */
  redirect(contacts: string[], status?: number): Promise<void>;
  /** Ends the call: BYE when answered, 480 when not yet answered. Resolves when it is over. */
  hangup(): Promise<void>;
}

/** An in-dialog or out-of-dialog request given to a handler callback. */
export interface RequestContext {
  readonly request: SipRequest;
  /** The call it belongs to, when in a dialog. */
  readonly call?: Call;
  readonly remote: Endpoint;
}

/**
 * The application's handler. All callbacks are optional. Without `onInvite`, INVITE is not
 * in Allow and gets 405; without `onOptions`, OPTIONS gets 200 with Allow/Accept/Supported.
 *
 * @example
 * const handler: Handler = {
 *   async onInvite(call) { await call.ring(); await call.answer(sdp); },
 *   onBye(call) { console.log('caller hung up', call.callId); },
 * };
 */
export interface Handler {
  /** A new call. Return a decision (`{ status: 486 }`), or drive `call` (ring/answer/reject). */
  onInvite?(call: Call): MaybePromise<HandlerResult>;
  /** The ACK to our 2xx arrived: the call is up. */
  onAck?(call: Call, ack: SipRequest): MaybePromise<void>;
  /** The remote party hung up (Parrot already answered 200). */
  onBye?(call: Call, bye: SipRequest): MaybePromise<void>;
  /** The caller cancelled before answer (Parrot already answered 200 to CANCEL and 487 to INVITE). */
  onCancel?(call: Call, cancel: SipRequest): MaybePromise<void>;
  /** OPTIONS, in or out of a dialog. Default: 200 with capabilities. */
  onOptions?(ctx: RequestContext): MaybePromise<HandlerResult>;
  /** INFO in a dialog. Default 200. */
  onInfo?(ctx: RequestContext): MaybePromise<HandlerResult>;
  /** MESSAGE, in or out of a dialog. Default 200. */
  onMessage?(ctx: RequestContext): MaybePromise<HandlerResult>;
  /** UPDATE in a dialog (RFC 3311). Default 200 (echoing no SDP). */
  onUpdate?(ctx: RequestContext): MaybePromise<HandlerResult>;
  /** re-INVITE in a confirmed dialog. Default 200 with the last local SDP. */
  onReinvite?(ctx: RequestContext): MaybePromise<HandlerResult>;
  /** A call reached `inCall` (ACK received). */
  onCallStart?(call: Call): MaybePromise<void>;
  /** A call ended. */
  onCallEnd?(call: Call, reason: CallEndReason): MaybePromise<void>;
}
