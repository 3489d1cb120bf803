/**
 * The user agent: the transaction user that gives requests to dialogs and to the application's
 * handler. Per inbound call it runs a handler adapter actor and, once a response with a To tag
 * goes out, a dialog actor, registered by dialog ID; out-of-dialog requests go to the handler's
 * callbacks or get the core defaults.
 */
import { EventEmitter } from 'eventemitter3';
import type { Actor } from 'xstate';
import { createResponse, type NameAddr, type SipRequest, type SipResponse } from '../codecs/sip';
import { dialogMachine, type DialogEndReason, type DialogState } from '../machines/dialog';
import {
  handlerAdapterMachine,
  type AdapterResponse,
  type CallEndReason,
  type CallState,
  type HandlerResult,
} from '../machines/handlerAdapter';
import type { Endpoint } from '../actors/transport/udp';
import type { SipCore, ServerTransaction, TransactionUser } from './core';
import type { AnswerBody, Call, Handler, RequestContext } from './handler';
import { callKey, dialogKey, type DialogKey } from './registry';

/** Methods RFC 3261 and its extensions define: not serving one is 405, an unknown one is 501. */
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'CANCEL',
  'BYE',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

/** A live call as listed by `parrot.calls`. */
export interface CallInfo {
  id: string;
  callId: string;
  state: CallState;
  from: string;
  to: string;
  remote: Endpoint;
}

/** Events a Parrot instance emits. */
export interface ParrotEvents {
  /** A new inbound call (before the handler's onInvite runs). */
  'call.new': (call: Call) => void;
  /** A call changed state. */
  'call.state': (call: Call, state: CallState) => void;
  /** A call reached inCall. */
  'call.start': (call: Call) => void;
  /** A call ended. */
  'call.end': (call: Call, reason: CallEndReason) => void;
  /** A handler threw or rejected; the call was answered 500 or hung up. */
  'handler.error': (error: unknown, call: Call | undefined) => void;
}

/** Where log lines go. */
export interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  warn: (m, f) => console.warn(`parrot: ${m}`, f ?? ''),
  error: (m, f) => console.error(`parrot: ${m}`, f ?? ''),
};

function responseFields(body: AnswerBody | undefined, defaultType: string): Omit<AdapterResponse, 'status'> {
  if (body === undefined) return {};
  if (typeof body === 'string') return { body, contentType: defaultType };
  return {
    ...(body.body !== undefined ? { body: body.body, contentType: body.contentType ?? defaultType } : {}),
    ...(body.headers ? { headers: body.headers } : {}),
  };
}

/** The Call handle given to the application. */
class CallHandle implements Call {
  readonly data: Record<string, unknown> = {};
  state: CallState = 'trying';
  private abort: AbortController | undefined;
  adapter!: Actor<typeof handlerAdapterMachine>;
  dialog: Actor<typeof dialogMachine> | undefined;
  dialogKey: DialogKey | undefined;
  endReason: CallEndReason | undefined;
  /** The BYE that ended the call, when the peer hung up. */
  bye: SipRequest | undefined;
  /** The CANCEL that ended the call, when the caller gave up. */
  cancel: SipRequest | undefined;
  /** The last session description Parrot sent in this dialog (for re-INVITE answers, §14). */
  localSdp: { body: Buffer; contentType: string } | undefined;
  private waiters: Array<{ until: CallState; resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    readonly id: string,
    readonly tx: ServerTransaction,
  ) {}

  get callId(): string {
    return this.request.callId;
  }
  get request(): SipRequest {
    return this.tx.request;
  }
  get from(): NameAddr {
    return this.request.from;
  }
  get to(): NameAddr {
    return this.request.to;
  }
  get remote(): Endpoint {
    return this.tx.source;
  }
  get signal(): AbortSignal {
    this.abort ??= new AbortController();
    if (this.state === 'ended' && !this.abort.signal.aborted) this.abort.abort(new Error('call ended'));
    return this.abort.signal;
  }

  /** @internal aborts the signal, if anyone ever asked for it */
  end(reason: string): void {
    this.abort?.abort(new Error(`call ended: ${reason}`));
  }
  get remoteSdp(): string | undefined {
    const ct = this.request.contentType?.type;
    return this.request.body.length && (ct === undefined || ct === 'application/sdp')
      ? this.request.body.toString('utf8')
      : undefined;
  }

  /** @internal */
  setState(state: CallState): void {
    this.state = state;
    const order: CallState[] = ['trying', 'proceeding', 'waitingForAck', 'inCall', 'terminating', 'ended'];
    for (const w of [...this.waiters]) {
      if (state === w.until) {
        w.resolve();
        this.waiters.splice(this.waiters.indexOf(w), 1);
      } else if (state === 'ended' || order.indexOf(state) > order.indexOf(w.until)) {
        w.reject(
          new Error(
            `call ${this.callId} ${state === 'ended' ? `ended (${this.endReason ?? 'unknown'})` : `is ${state}`}`,
          ),
        );
        this.waiters.splice(this.waiters.indexOf(w), 1);
      }
    }
  }

  private until(state: CallState): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ until: state, resolve, reject }));
  }

  private expect(states: CallState[], action: string): void {
    if (!states.includes(this.state))
      throw new Error(`cannot ${action} call ${this.callId} in state ${this.state}`);
  }

  ring(): Promise<void> {
    this.expect(['trying', 'proceeding'], 'ring');
    this.adapter.send({ type: 'call.ring' });
    return Promise.resolve();
  }

  progress(sdp?: AnswerBody): Promise<void> {
    this.expect(['trying', 'proceeding'], 'progress');
    this.adapter.send({
      type: 'call.progress',
      response: { status: 183, ...responseFields(sdp, 'application/sdp') },
    });
    return Promise.resolve();
  }

  answer(sdp?: AnswerBody): Promise<void> {
    try {
      this.expect(['trying', 'proceeding'], 'answer');
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const done = this.until('inCall');
    this.adapter.send({
      type: 'call.answer',
      response: { status: 200, ...responseFields(sdp, 'application/sdp') },
    });
    return done;
  }

  reject(status = 486, reason?: string, headers?: Record<string, string | string[]>): Promise<void> {
    if (status < 300 || status > 699)
      return Promise.reject(new RangeError(`reject needs a 3xx-6xx status, got ${status}`));
    try {
      this.expect(['trying', 'proceeding'], 'reject');
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.adapter.send({
      type: 'call.reject',
      response: { status, ...(reason ? { reason } : {}), ...(headers ? { headers } : {}) },
    });
    return Promise.resolve();
  }

  redirect(contacts: string[], status = 302): Promise<void> {
    if (status < 300 || status > 399)
      return Promise.reject(new RangeError(`redirect needs a 3xx status, got ${status}`));
    return this.reject(status, undefined, {
      Contact: contacts.map((c) => (c.startsWith('<') ? c : `<${c}>`)).join(', '),
    });
  }

  hangup(): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    const done = this.until('ended');
    this.adapter.send({ type: 'call.hangup' });
    return done;
  }

  info(): CallInfo {
    return {
      id: this.id,
      callId: this.callId,
      state: this.state,
      from: this.request.get('from') ?? '',
      to: this.request.get('to') ?? '',
      remote: this.remote,
    };
  }
}

function decisionToResponse(
  tx: ServerTransaction,
  d: HandlerResult,
  fallback: number,
  defaultType: string,
): SipResponse {
  const status = d?.status ?? fallback;
  return createResponse(tx.request, status, {
    toTag: tx.toTag,
    ...(d?.reason ? { reason: d.reason } : {}),
    ...(d?.headers ? { headers: d.headers } : {}),
    ...(d?.body !== undefined ? { body: d.body, contentType: d.contentType ?? defaultType } : {}),
  });
}

/**
 * The UAS transaction user.
 */
export class UserAgent implements TransactionUser {
  readonly calls = new Map<string, CallHandle>();
  private readonly byInvite = new Map<ServerTransaction, CallHandle>();
  private readonly adapterLogic = handlerAdapterMachine;
  private nextCall = 0;

  constructor(
    private readonly core: SipCore,
    private readonly handler: Handler,
    readonly events: EventEmitter<ParrotEvents>,
    private readonly log: Logger,
  ) {}

  /** Runs the application's onInvite for the adapter and reports the outcome back to it. */
  private runInvite(call: CallHandle): void {
    const adapter = call.adapter;
    const done = (output: HandlerResult): void => {
      if (adapter.getSnapshot().status === 'active') adapter.send({ type: 'handler.done', output });
    };
    const failed = (error: unknown): void => {
      if (adapter.getSnapshot().status === 'active') adapter.send({ type: 'handler.error', error });
    };
    try {
      const r = this.handler.onInvite?.(call);
      // Settle asynchronously either way, so the adapter never re-enters itself mid-transition.
      if (r && typeof (r as Promise<HandlerResult>).then === 'function')
        (r as Promise<HandlerResult>).then(done, failed);
      else queueMicrotask(() => done(r as HandlerResult));
    } catch (e) {
      queueMicrotask(() => failed(e));
    }
  }

  /** The methods this UA answers, for Allow. */
  get allow(): string[] {
    const h = this.handler;
    const m = ['ACK', 'CANCEL', 'BYE', 'OPTIONS'];
    if (h.onInvite) m.unshift('INVITE');
    if (h.onInvite) m.push('INFO', 'UPDATE');
    if (h.onInvite || h.onMessage) m.push('MESSAGE');
    return m;
  }

  // ---- TransactionUser --------------------------------------------------------------------

  onRequest(tx: ServerTransaction): void {
    const req = tx.request;
    const toTag = req.toTag;
    if (toTag !== undefined) return this.inDialog(tx, toTag);
    switch (req.method) {
      case 'INVITE':
        if (!this.handler.onInvite) return void tx.reply(405, { headers: { Allow: this.allow.join(', ') } });
        return this.newCall(tx);
      case 'OPTIONS':
        return this.runCallback('onOptions', { request: req, remote: tx.source }, tx, undefined, () =>
          this.capabilities(tx),
        );
      case 'MESSAGE':
        if (!this.handler.onMessage) return void tx.reply(405, { headers: { Allow: this.allow.join(', ') } });
        return this.runCallback('onMessage', { request: req, remote: tx.source }, tx, undefined, () => ({
          status: 200,
        }));
      case 'BYE':
      case 'INFO':
      case 'UPDATE':
      case 'PRACK':
        // These only exist inside a dialog (§12.2.2, RFC 3311, RFC 6086).
        return void tx.reply(481);
      default:
        if (KNOWN_METHODS.has(req.method)) tx.reply(405, { headers: { Allow: this.allow.join(', ') } });
        else tx.reply(501, { headers: { Allow: this.allow.join(', ') } });
    }
  }

  onAck(ack: SipRequest): void {
    const toTag = ack.toTag;
    const fromTag = ack.fromTag;
    if (!toTag || !fromTag) return;
    const call = this.core.registry.dialogs.get(dialogKey(ack.callId, toTag, fromTag)) as
      CallHandle | undefined;
    call?.dialog?.send({ type: 'sip.ack', request: ack });
  }

  onCancel(invite: ServerTransaction, cancel: SipRequest): boolean {
    const call = this.byInvite.get(invite);
    if (call) {
      call.cancel = cancel;
      // The core answers 487 as soon as this returns; the adapter learns it was cancelled.
      queueMicrotask(() => call.adapter.send({ type: 'sip.cancel' }));
    }
    return false;
  }

  // ---- calls --------------------------------------------------------------------------------

  private capabilities(tx: ServerTransaction): HandlerResult {
    const headers: Record<string, string> = {
      Allow: this.allow.join(', '),
      Accept: this.core.accept.join(', '),
    };
    if (this.core.supported.length) headers['Supported'] = this.core.supported.join(', ');
    void tx;
    return { status: 200, headers };
  }

  private newCall(tx: ServerTransaction): void {
    const call = new CallHandle('c' + ++this.nextCall, tx);
    this.calls.set(call.id, call);
    this.byInvite.set(tx, call);
    this.core.registry.calls.set(callKey(call.callId), call);
    const adapter = this.core.supervisor.spawn(
      this.adapterLogic,
      { call },
      {
        onDone: () => this.callEnded(call),
        onCrash: (error) => {
          this.log.error('handler adapter crashed', { callId: call.callId, error: String(error) });
          if (tx.status < 200) tx.reply(500);
          else call.dialog?.send({ type: 'dialog.hangup' });
          call.endReason ??= 'error';
        },
      },
      (a) => {
        call.adapter = a;
        a.on('adapter.state', (e) => {
          call.setState(e.state);
          this.events.emit('call.state', call, e.state);
        });
        a.on('adapter.invite', () => this.runInvite(call));
        a.on('adapter.respond', (e) => this.respond(call, e.response));
        a.on('adapter.hangup', () => call.dialog?.send({ type: 'dialog.hangup' }));
        a.on('adapter.callback', (e) => this.callback(call, e.name));
        a.on('adapter.error', (e) => {
          this.log.error('handler failed', {
            callId: call.callId,
            error: e.error instanceof Error ? e.error.message : String(e.error),
          });
          this.events.emit('handler.error', e.error, call);
        });
        a.on('adapter.ended', (e) => {
          call.endReason ??= e.reason;
        });
      },
      'ha',
    );
    this.events.emit('call.new', call);
    void adapter;
  }

  /** Sends a response the adapter decided on the INVITE transaction; creates the dialog on the first tagged one. */
  private respond(call: CallHandle, r: AdapterResponse): void {
    const tx = call.tx;
    if (tx.status >= 200) return; // already final (e.g. a CANCEL won the race)
    const res = decisionToResponse(tx, r, r.status, 'application/sdp');
    const status = res.status;
    if (status > 100 && status < 300) {
      if (!res.has('contact')) res.append('Contact', this.contactFor(tx));
      if (!call.dialog) this.createDialog(call, res);
    }
    if (status >= 200 && status < 300 && res.body.length)
      call.localSdp = { body: res.body, contentType: res.get('content-type') ?? 'application/sdp' };
    tx.respond(res);
    if (status >= 200 && status < 300) call.dialog?.send({ type: 'dialog.sent2xx', response: res });
    else if (status >= 300) call.dialog?.send({ type: 'dialog.rejected' });
  }

  private contactFor(tx: ServerTransaction): string {
    const l = tx.transport.local;
    const host = l.family === 'IPv6' ? `[${l.address}]` : l.address;
    return `<sip:parrot@${host}:${l.port}>`;
  }

  /** §12.1.1: the UAS's dialog state from the INVITE and our response. */
  private createDialog(call: CallHandle, res: SipResponse): void {
    const req = call.request;
    const contact = req.contact;
    const remoteTarget = Array.isArray(contact) && contact[0] ? contact[0].uri : req.from.uri;
    const ourContact = res.contact;
    const state: DialogState = {
      callId: req.callId,
      localTag: call.tx.toTag,
      remoteTag: req.fromTag ?? '',
      localUri: { ...req.to, params: new Map() },
      remoteUri: { ...req.from, params: new Map() },
      remoteTarget,
      routeSet: req.recordRoute ?? [],
      localSeq: Math.floor(Math.random() * 10000),
      remoteSeq: req.cseq.seq,
      ...(Array.isArray(ourContact) && ourContact[0] ? { localContact: ourContact[0] } : {}),
    };
    const key = dialogKey(state.callId, state.localTag, state.remoteTag);
    call.dialogKey = key;
    const transport = call.tx.transport;
    const responseTarget = call.tx.responseTarget;
    call.dialog = this.core.supervisor.spawn(
      dialogMachine,
      { role: 'uas', state, timers: this.core.timers },
      {
        onDone: () => {
          if (this.core.registry.dialogs.get(key) === call) this.core.registry.dialogs.delete(key);
        },
        onCrash: (error) => {
          this.log.error('dialog crashed', { callId: call.callId, error: String(error) });
          call.adapter.send({ type: 'dialog.ended' });
        },
      },
      (d) => {
        d.on('transport.send', (e) => this.core.send(e.message, responseTarget, transport));
        d.on('dialog.reply', (e) => {
          const stx = e.tx as ServerTransaction;
          stx.reply(e.status, {
            ...(e.reason ? { reason: e.reason } : {}),
            ...(e.headers ? { headers: e.headers } : {}),
          });
        });
        d.on('dialog.tuRequest', (e) => this.dialogRequest(call, e.tx as ServerTransaction, e.request));
        d.on('dialog.ack', () => call.adapter.send({ type: 'sip.ack' }));
        d.on('dialog.ackTimeout', () => call.adapter.send({ type: 'dialog.ackTimeout' }));
        d.on('dialog.send', (e) => this.sendInDialog(call, e.request));
        d.on('dialog.ended', (e) => this.dialogEnded(call, e.reason));
      },
      'dlg',
    );
    this.core.registry.dialogs.set(key, call);
  }

  private dialogEnded(call: CallHandle, reason: DialogEndReason): void {
    if (reason === 'bye') call.adapter.send({ type: 'sip.bye' });
    call.adapter.send({ type: 'dialog.ended' });
  }

  /** Sends a request the dialog built (BYE, re-INVITE …) in a client transaction. */
  private sendInDialog(call: CallHandle, req: SipRequest): void {
    const next = req.route?.[0]?.uri ?? req.uri;
    const dest: Endpoint =
      next.kind === 'sip' ? { address: next.host, port: next.port ?? 5060 } : call.remote;
    const method = req.method;
    const report = (status: number): void => call.dialog?.send({ type: 'dialog.response', method, status });
    this.core.sendRequest(req, dest, {
      onResponse: (res) => {
        if (res.status >= 200) report(res.status);
      },
      onTimeout: () => report(408),
      onTransportError: () => report(503),
    });
  }

  /** An in-dialog request from the peer. */
  private inDialog(tx: ServerTransaction, toTag: string): void {
    const req = tx.request;
    const call = this.core.registry.dialogs.get(dialogKey(req.callId, toTag, req.fromTag ?? '')) as
      CallHandle | undefined;
    // §12.2.2: "If the UAS receives a request … for which no dialog matches … it SHOULD respond with 481".
    if (!call?.dialog) return void tx.reply(481);
    if (req.method === 'BYE') call.bye ??= req;
    call.dialog.send({ type: 'sip.request', request: req, tx });
  }

  /** An in-dialog request the dialog handed to the TU: INFO, MESSAGE, UPDATE, OPTIONS, re-INVITE … */
  private dialogRequest(call: CallHandle, tx: ServerTransaction, req: SipRequest): void {
    const ctx: RequestContext = { request: req, call, remote: tx.source };
    switch (req.method) {
      case 'INVITE':
        // §14.2 with §13.2.1: the 2xx to a re-INVITE carries an answer to its offer (or, without
        // one, an offer): by default, the session description already in force.
        return this.runCallback(
          'onReinvite',
          ctx,
          tx,
          call,
          () =>
            call.localSdp
              ? { status: 200, body: call.localSdp.body, contentType: call.localSdp.contentType }
              : { status: 200 },
          true,
        );
      case 'INFO':
        return this.runCallback('onInfo', ctx, tx, call, () => ({ status: 200 }));
      case 'MESSAGE':
        return this.runCallback('onMessage', ctx, tx, call, () => ({ status: 200 }));
      case 'UPDATE':
        // RFC 3311 §5.2: an UPDATE with an offer gets its answer in the 2xx; by default, the
        // session description in force.
        return this.runCallback('onUpdate', ctx, tx, call, () =>
          req.body.length && call.localSdp
            ? { status: 200, body: call.localSdp.body, contentType: call.localSdp.contentType }
            : { status: 200 },
        );
      case 'OPTIONS':
        return this.runCallback('onOptions', ctx, tx, call, () => this.capabilities(tx));
      default:
        if (KNOWN_METHODS.has(req.method)) tx.reply(405, { headers: { Allow: this.allow.join(', ') } });
        else tx.reply(501, { headers: { Allow: this.allow.join(', ') } });
    }
  }

  /**
   * Runs a request callback of the handler (or the default) and answers with what it decides;
   * a throw or rejection answers 500.
   */
  private runCallback(
    name: 'onOptions' | 'onInfo' | 'onMessage' | 'onUpdate' | 'onReinvite',
    ctx: RequestContext,
    tx: ServerTransaction,
    call: CallHandle | undefined,
    fallback: () => HandlerResult,
    reinvite = false,
  ): void {
    const finish = (d: HandlerResult): void => {
      if (tx.status >= 200) return;
      const decision = d ?? fallback();
      const res = decisionToResponse(tx, decision, 200, reinvite ? 'application/sdp' : 'text/plain');
      if (reinvite && res.status >= 200 && res.status < 300 && !res.has('contact'))
        res.append('Contact', this.contactFor(tx));
      if (reinvite && call && res.status >= 200 && res.status < 300 && res.body.length)
        call.localSdp = { body: res.body, contentType: res.get('content-type') ?? 'application/sdp' };
      tx.respond(res);
      if (reinvite && call?.dialog) {
        call.dialog.send({ type: 'dialog.reinviteAnswered' });
        if (res.status >= 200 && res.status < 300)
          call.dialog.send({ type: 'dialog.sent2xx', response: res });
      }
    };
    const fail = (e: unknown): void => {
      this.log.error(`${name} failed`, {
        callId: tx.request.callId,
        error: e instanceof Error ? e.message : String(e),
      });
      this.events.emit('handler.error', e, call);
      if (tx.status < 200) tx.reply(500);
      if (reinvite) call?.dialog?.send({ type: 'dialog.reinviteAnswered' });
    };
    const handler = this.handler;
    if (!handler[name]) return finish(undefined);
    try {
      const r = handler[name](ctx);
      if (r && typeof (r as Promise<HandlerResult>).then === 'function')
        (r as Promise<HandlerResult>).then(finish, fail);
      else finish(r as HandlerResult);
    } catch (e) {
      fail(e);
    }
  }

  /** Calls onAck / onCallStart / onBye / onCancel; errors are logged, never thrown. */
  private callback(call: CallHandle, name: 'onAck' | 'onCallStart' | 'onBye' | 'onCancel'): void {
    if (name === 'onCallStart') this.events.emit('call.start', call);
    const h = this.handler;
    const run = (): unknown => {
      switch (name) {
        case 'onAck':
          return h.onAck?.(call, call.request);
        case 'onCallStart':
          return h.onCallStart?.(call);
        case 'onBye':
          return h.onBye?.(call, call.bye ?? call.request);
        case 'onCancel':
          return h.onCancel?.(call, call.cancel ?? call.request);
      }
    };
    this.safely(name, call, run);
  }

  private safely(name: string, call: CallHandle, run: () => unknown): void {
    try {
      const r = run();
      if (r && typeof (r as Promise<unknown>).then === 'function')
        (r as Promise<unknown>).catch((e: unknown) => this.reportCallbackError(name, call, e));
    } catch (e) {
      this.reportCallbackError(name, call, e);
    }
  }

  private reportCallbackError(name: string, call: CallHandle, e: unknown): void {
    this.log.error(`${name} failed`, {
      callId: call.callId,
      error: e instanceof Error ? e.message : String(e),
    });
    this.events.emit('handler.error', e, call);
  }

  private callEnded(call: CallHandle): void {
    const reason = call.endReason ?? 'hangup';
    // §15.1.2: a dialog ended by BYE while its INVITE is unanswered (an early dialog) "MUST still
    // respond to any pending requests … It is RECOMMENDED that a 487 (Request Terminated)
    // response be generated". The same holds for any other way a call ends unanswered.
    if (call.tx.status < 200) call.tx.reply(487);
    call.setState('ended');
    this.calls.delete(call.id);
    this.byInvite.delete(call.tx);
    if (this.core.registry.calls.get(callKey(call.callId)) === call)
      this.core.registry.calls.delete(callKey(call.callId));
    call.end(reason);
    // The dialog ends with the call: an early one at once, a confirmed one with a BYE (after
    // the ACK, §15); one already ending or ended ignores this.
    if (call.dialog && call.dialog.getSnapshot().status === 'active')
      call.dialog.send({ type: 'dialog.hangup' });
    this.events.emit('call.end', call, reason);
    this.safely('onCallEnd', call, () => this.handler.onCallEnd?.(call, reason));
  }

  /** Ends every live call (graceful stop). */
  shutdown(): void {
    for (const call of this.calls.values()) call.adapter.send({ type: 'runtime.shutdown' });
  }
}
