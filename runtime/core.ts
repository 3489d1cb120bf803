/**
 * The SIP core: bytes in from transports → parse → route (RFC 3261 §18.2.1, §17.1.3, §17.2.3)
 * → transaction actors under the supervisor → the transaction user (TU). Everything the
 * machines emit as effects (`transport.send`, `tu.response` …) is carried out here.
 *
 * The core also gives the answers RFC 3261 asks of any UAS before a handler sees a request:
 * 400 for a malformed one, 505 for another SIP version, 416 for a URI scheme it cannot serve,
 * 420 for an unsupported Require, 483 when Max-Forwards is exhausted, 481 for a CANCEL that
 * matches nothing, 503 above the transaction limit.
 */
import {
  createRequest,
  createResponse,
  newBranch,
  newTag,
  parseSipMessage,
  serializeSipMessage,
  type SipMessage,
  type SipParseLimits,
  type SipRequest,
  type SipResponse,
  type Via,
} from '../codecs/sip';
import type { Actor } from 'xstate';
import { clientInviteTransactionMachine } from '../machines/clientInviteTransaction';
import { clientNonInviteTransactionMachine } from '../machines/clientNonInviteTransaction';
import { serverInviteTransactionMachine } from '../machines/serverInviteTransaction';
import { serverNonInviteTransactionMachine } from '../machines/serverNonInviteTransaction';
import { DEFAULT_TIMERS, type TransactionEffect, type TransactionTimers } from '../machines/transaction';
import { UDP_MTU_LIMIT, type Endpoint } from '../actors/transport/udp';
import {
  clientTransactionKey,
  clientTransactionKeyOf,
  Registry,
  serverTransactionKey,
  type ClientTransactionKey,
  type ServerTransactionKey,
} from './registry';
import { Supervisor } from './supervisor';

/** What the core needs of a transport. */
export interface SipTransport {
  readonly protocol: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
  readonly reliable: boolean;
  readonly local: Endpoint & { family: 'IPv4' | 'IPv6' };
  send(data: Buffer, to: Endpoint, onError?: (err: Error) => void): void;
  close(): Promise<void>;
}

/** A server transaction as the TU sees it. */
export interface ServerTransaction {
  readonly request: SipRequest;
  readonly source: Endpoint;
  readonly transport: SipTransport;
  /** Where responses go (§18.2.2, RFC 3581). */
  readonly responseTarget: Endpoint;
  /** The To tag this UAS uses in its responses (made once, on first use). */
  readonly toTag: string;
  /** Highest status sent so far (0 before any). */
  readonly status: number;
  /** Sends a response built by the caller. */
  respond(response: SipResponse): void;
  /** Builds and sends a response (To tag added for anything but 100). */
  reply(status: number, init?: Parameters<typeof createResponse>[2]): SipResponse;
}

/** A client transaction as the TU sees it. */
export interface ClientTransaction {
  readonly request: SipRequest;
  readonly destination: Endpoint;
  readonly key: ClientTransactionKey;
}

/** What a client transaction tells its TU. */
export interface ClientTransactionHandlers {
  onResponse?(response: SipResponse, tx: ClientTransaction): void;
  onTimeout?(tx: ClientTransaction): void;
  onTransportError?(error: unknown, tx: ClientTransaction): void;
  onTerminated?(tx: ClientTransaction): void;
}

/** The transaction user: what the core hands requests and stray messages to. */
export interface TransactionUser {
  /** A new request (not ACK, not CANCEL) that passed the core's checks. It must be answered. */
  onRequest(tx: ServerTransaction): void;
  /** An ACK that matched no server transaction: the ACK to a 2xx, for the dialog (§13.3.1.4). */
  onAck?(ack: SipRequest, source: Endpoint, transport: SipTransport): void;
  /**
   * A CANCEL matched the pending INVITE transaction `invite`; the core already answered the
   * CANCEL with 200 (§9.2). Unless this returns true, the core answers the INVITE with 487.
   */
  onCancel?(invite: ServerTransaction, cancel: SipRequest): boolean;
  /** A response that matched no client transaction (e.g. a retransmitted 2xx, §13.2.2.4). */
  onStrayResponse?(response: SipResponse, source: Endpoint, transport: SipTransport): void;
  /** A server transaction's TU was told of a timeout (Timer H: no ACK for a final response). */
  onServerTimeout?(tx: ServerTransaction): void;
}

/** Limits with their defaults. */
export interface CoreLimits extends SipParseLimits {
  /** Server transactions alive at once before new requests get 503. Default 50,000. */
  maxServerTransactions: number;
}

export const DEFAULT_LIMITS: CoreLimits = {
  maxMessageSize: 65535,
  maxHeaderCount: 256,
  maxHeaderLength: 8192,
  maxServerTransactions: 50000,
};

export interface CoreOptions {
  timers?: Partial<TransactionTimers>;
  limits?: Partial<CoreLimits>;
  /** Option tags this UA supports (Supported, and checked against Require). */
  supported?: string[];
  /** Methods answered with Allow. */
  allow?: string[];
  /** Body types accepted. */
  accept?: string[];
  /** URI schemes served (§8.2.2.1). Default sip, sips, tel. */
  schemes?: string[];
  /** User-Agent / Server header value. */
  userAgent?: string;
  /** 100 Trying delay for INVITE server transactions (§17.2.1). Default 200 ms. */
  tryingDelay?: number;
  /** Supervisor to create actors under (tests pass one with a SimulatedClock). */
  supervisor?: Supervisor;
}

/** Counters, for tests and for the stats endpoint. */
export interface CoreStats {
  received: number;
  sent: number;
  parseErrors: number;
  /** Unparseable input with too little to answer: dropped. */
  dropped: number;
  statelessResponses: number;
  retransmissionsAbsorbed: number;
  strayResponses: number;
  crashes: number;
  tooLargeForUdp: number;
}

/** What the core needs of any transaction actor: its emitted effects. */
interface EffectSource {
  on<T extends TransactionEffect['type']>(
    type: T,
    handler: (e: Extract<TransactionEffect, { type: T }>) => void,
  ): unknown;
}

interface ServerEntry {
  actor: Actor<typeof serverInviteTransactionMachine> | Actor<typeof serverNonInviteTransactionMachine>;
  tx: ServerTx;
  linger?: undefined;
}

/** What is left of a server transaction after it handed its absorbing tail over (`transaction.linger`). */
interface LingerEntry {
  linger: true;
  /** The final response's bytes, replayed to each retransmission; undefined: absorb silently. */
  replay: Buffer | undefined;
  target: Endpoint;
  transport: SipTransport;
  /** The To tag of the transaction's responses (a CANCEL arriving now gets 200 with it, §9.2). */
  toTag: string;
}

interface ClientEntry {
  actor: Actor<typeof clientInviteTransactionMachine> | Actor<typeof clientNonInviteTransactionMachine>;
  tx: ClientTransaction;
}

class ServerTx implements ServerTransaction {
  status = 0;
  private tag: string | undefined;
  actor: ServerEntry['actor'] | undefined;
  constructor(
    readonly request: SipRequest,
    readonly source: Endpoint,
    readonly transport: SipTransport,
    readonly responseTarget: Endpoint,
  ) {}

  get toTag(): string {
    return (this.tag ??= this.request.toTag ?? newTag());
  }

  respond(response: SipResponse): void {
    if (response.status > this.status) this.status = response.status;
    this.actor?.send({ type: 'tu.respond', response });
  }

  reply(status: number, init?: Parameters<typeof createResponse>[2]): SipResponse {
    const res = createResponse(this.request, status, status === 100 ? init : { toTag: this.toTag, ...init });
    this.respond(res);
    return res;
  }
}

/**
 * §8.2.7: a tag for a response sent without a transaction, which "MUST be generated … in a
 * manner that will generate the same tag for the same request consistently": a hash of what
 * identifies the request (top Via branch and sent-by, Call-ID, From tag, CSeq).
 */
export function statelessTag(req: SipRequest): string {
  const via = req.topVia;
  const text =
    (via ? `${via.params.get('branch') ?? ''}|${via.host}|${via.port ?? ''}` : '') +
    `|${req.get('call-id') ?? ''}|${req.fromTag ?? ''}|${req.get('cseq') ?? ''}`;
  // FNV-1a, 2 × 32 bits (§19.3 asks for at least 32 bits of randomness; this is as unique as the request).
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return h1.toString(36) + h2.toString(36);
}

/** The bytes a final response was last sent as, so a lingering transaction replays them without serializing again. */
const lastBytes = new WeakMap<SipMessage, Buffer>();

/** RFC 3581 / §18.2.2: where responses to this request go. */
export function responseTarget(via: Via): Endpoint {
  const maddr = via.params.get('maddr');
  if (maddr) return { address: maddr, port: via.port ?? 5060 };
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  if (received) {
    const port = rport ? Number(rport) : (via.port ?? 5060);
    return { address: received, port };
  }
  return { address: via.host, port: via.port ?? 5060 };
}

/**
 * The core. One per Parrot instance.
 *
 * @example
 * const core = new SipCore({}, tu);
 * core.addTransport(await UdpTransport.bind({ port: 5060 }, (d, s) => core.receive(d, s, udp)));
 */
export class SipCore {
  /** Transactions are the core's; dialogs and calls belong to the transaction user. */
  readonly registry = new Registry<ClientEntry, ServerEntry | LingerEntry, unknown, unknown>();
  readonly supervisor: Supervisor;
  readonly stats: CoreStats = {
    received: 0,
    sent: 0,
    parseErrors: 0,
    dropped: 0,
    statelessResponses: 0,
    retransmissionsAbsorbed: 0,
    strayResponses: 0,
    crashes: 0,
    tooLargeForUdp: 0,
  };
  readonly timers: TransactionTimers;
  readonly limits: CoreLimits;
  /** Methods answered with Allow (the transaction user may widen or narrow it). */
  allow: string[];
  readonly supported: string[];
  readonly accept: string[];
  private readonly schemes: Set<string>;
  private readonly userAgent: string;
  private readonly tryingDelay: number;
  readonly transports: SipTransport[] = [];
  tu: TransactionUser;
  /** When set, new requests are refused with this status (e.g. 503 while stopping). */
  refuseNew: number | undefined;

  constructor(options: CoreOptions, tu: TransactionUser) {
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.allow = options.allow ?? ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'];
    this.supported = options.supported ?? [];
    this.accept = options.accept ?? ['application/sdp'];
    this.schemes = new Set(options.schemes ?? ['sip', 'sips', 'tel']);
    this.userAgent = options.userAgent ?? 'Parrot';
    this.tryingDelay = options.tryingDelay ?? 200;
    this.supervisor = options.supervisor ?? new Supervisor();
    this.tu = tu;
  }

  addTransport(t: SipTransport): void {
    this.transports.push(t);
  }

  /** The transport for a destination: the first of the right address family. */
  transportFor(dest: Endpoint): SipTransport {
    const v6 = dest.address.includes(':');
    const t = this.transports.find((x) => (x.local.family === 'IPv6') === v6) ?? this.transports[0];
    if (!t) throw new Error('no transport');
    return t;
  }

  // ---- inbound ------------------------------------------------------------------------------

  /** Entry point for every datagram or framed stream message. Never throws. */
  receive(data: Buffer, source: Endpoint, transport: SipTransport): void {
    this.stats.received++;
    const r = parseSipMessage(data, this.limits);
    if (!r.ok) {
      this.stats.parseErrors++;
      const p = r.error.partial;
      if (r.error.code === 'EMPTY') {
        this.stats.dropped++; // CRLF keep-alive
        return;
      }
      if (p && p.type === 'request' && p.method !== 'ACK' && p.via.length > 0) {
        const status = r.error.code === 'BAD_VERSION' ? 505 : 400;
        this.prepareInbound(p, source);
        const res = createResponse(p, status, {
          toTag: p.toTag ?? statelessTag(p),
          reason: status === 400 ? r.error.reason : undefined,
        });
        this.sendStateless(res, responseTarget(p.topVia!), transport);
        return;
      }
      this.stats.dropped++;
      return;
    }
    const m = r.message;
    if (m.type === 'response') this.receiveResponse(m, source, transport);
    else this.receiveRequest(m, source, transport);
  }

  /** §18.2.1: note where a request really came from in its top Via (`received`, RFC 3581 `rport`). */
  private prepareInbound(req: SipRequest, source: Endpoint): void {
    const via = req.topVia;
    if (!via) return;
    const hasRport = via.params.has('rport');
    if (via.host !== source.address || hasRport) {
      via.params.set('received', source.address);
      if (hasRport) via.params.set('rport', String(source.port));
      const vias = req.via;
      req.via = vias; // re-serialize the Via fields with the new parameters
    }
  }

  private receiveResponse(res: SipResponse, source: Endpoint, transport: SipTransport): void {
    const key = clientTransactionKeyOf(res);
    const entry = key && this.registry.clientTransactions.get(key);
    if (entry) {
      entry.actor.send({ type: 'sip.response', response: res });
      return;
    }
    this.stats.strayResponses++;
    this.tu.onStrayResponse?.(res, source, transport);
  }

  private receiveRequest(req: SipRequest, source: Endpoint, transport: SipTransport): void {
    this.prepareInbound(req, source);
    const key = serverTransactionKey(req);
    if (!key) return;
    const existing = this.registry.serverTransactions.get(key);
    if (existing) {
      // A retransmission, or the ACK for a non-2xx final response (§17.2.1).
      if (req.method !== 'ACK') this.stats.retransmissionsAbsorbed++;
      if (!existing.linger) existing.actor.send({ type: 'sip.request', request: req });
      else if (req.method === 'ACK') this.tu.onAck?.(req, source, transport);
      else if (existing.replay) {
        this.stats.sent++;
        existing.transport.send(existing.replay, existing.target);
      }
      return;
    }
    if (req.method === 'ACK') {
      this.tu.onAck?.(req, source, transport);
      return;
    }
    if (this.registry.serverTransactions.size >= this.limits.maxServerTransactions) {
      this.replyStateless(req, source, transport, 503, { headers: { 'Retry-After': '5' } });
      return;
    }
    const tx = this.createServerTransaction(req, key, source, transport);
    if (req.method === 'CANCEL') return this.receiveCancel(tx);
    if (this.refuseNew !== undefined && req.method !== 'BYE' && req.toTag === undefined) {
      tx.reply(this.refuseNew, { headers: { 'Retry-After': '5' } });
      return;
    }
    if (!this.coreChecks(tx)) return;
    try {
      this.tu.onRequest(tx);
    } catch (e) {
      this.stats.crashes++;
      if (tx.status < 200) tx.reply(500, { reason: 'Server Internal Error' });
      process.emitWarning(`parrot: transaction user threw on ${req.method} ${req.callId}: ${String(e)}`);
    }
  }

  /** The UAS checks of §8.2 that need no handler. Returns false when it already answered. */
  private coreChecks(tx: ServerTx): boolean {
    const req = tx.request;
    // §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416".
    if (!this.schemes.has(req.uri.scheme)) {
      tx.reply(416);
      return false;
    }
    // §16.3 / §8.1.1.6: a request whose Max-Forwards is 0 goes no further; OPTIONS may be answered here.
    if (req.maxForwards === 0 && req.method !== 'OPTIONS') {
      tx.reply(483);
      return false;
    }
    // §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header field, it MUST respond by
    // generating a response with status code 420 (Bad Extension). The UAS MUST add an Unsupported header field".
    const require = req.require;
    if (require.length) {
      const unsupported = require.filter((t) => !this.supported.includes(t));
      if (unsupported.length) {
        tx.reply(420, { headers: { Unsupported: unsupported.join(', ') } });
        return false;
      }
    }
    return true;
  }

  /** §9.2: answer a CANCEL and cancel the INVITE it matches. */
  private receiveCancel(cancelTx: ServerTx): void {
    const inviteKey = serverTransactionKey(cancelTx.request, 'INVITE');
    const invite = inviteKey && this.registry.serverTransactions.get(inviteKey);
    if (!invite) {
      // "If the UAS did not find a matching transaction for the CANCEL …, it SHOULD respond to the CANCEL with a 481"
      cancelTx.reply(481);
      return;
    }
    // The To tag of the 200 to CANCEL is the one of the INVITE's responses.
    if (invite.linger) return void cancelTx.reply(200, { toTag: invite.toTag }); // already answered
    cancelTx.reply(200, { toTag: invite.tx.toTag });
    if (invite.tx.status >= 200) return; // final response already sent: nothing else changes
    let handled: boolean;
    try {
      handled = this.tu.onCancel?.(invite.tx, cancelTx.request) ?? false;
    } catch {
      handled = false;
    }
    if (!handled && invite.tx.status < 200) invite.tx.reply(487);
  }

  private createServerTransaction(
    req: SipRequest,
    key: ServerTransactionKey,
    source: Endpoint,
    transport: SipTransport,
  ): ServerTx {
    const tx = new ServerTx(req, source, transport, responseTarget(req.topVia!));
    const invite = req.method === 'INVITE';
    const input = {
      request: req,
      reliable: transport.reliable,
      timers: this.timers,
      tryingDelay: this.tryingDelay,
      linger: true,
    };
    const hooks = {
      onDone: () => {
        const entry = this.registry.serverTransactions.get(key);
        if (entry && !entry.linger && entry.tx === tx) this.registry.serverTransactions.delete(key);
      },
      onCrash: (error: unknown) => {
        this.stats.crashes++;
        process.emitWarning(
          `parrot: server transaction for ${req.method} ${req.callId} crashed: ${String(error)}`,
        );
        // The actor is gone; answer for it so the peer is not left waiting.
        if (tx.status < 200 && req.method !== 'ACK') {
          const res = createResponse(req, 500, { toTag: tx.toTag });
          tx.status = 500;
          this.sendStateless(res, tx.responseTarget, transport);
        }
      },
    };
    const wire = (actor: ServerEntry['actor']): void => {
      tx.actor = actor;
      const fx = actor as unknown as EffectSource;
      fx.on('tu.request', (e) => this.tu.onAck?.(e.request, source, transport));
      fx.on('transport.send', (e) => this.send(e.message, tx.responseTarget, transport));
      fx.on('tu.timeout', () => this.tu.onServerTimeout?.(tx));
      fx.on('transaction.linger', (e) => this.linger(key, tx, e.replay, e.ms));
    };
    const actor = invite
      ? this.supervisor.spawn(serverInviteTransactionMachine, input, hooks, wire, 'sit')
      : this.supervisor.spawn(serverNonInviteTransactionMachine, input, hooks, wire, 'snt');
    this.registry.serverTransactions.set(key, { actor, tx });
    return tx;
  }

  /** Keeps absorbing retransmissions for a transaction that ended early (see TransactionLingerEffect). */
  private linger(key: ServerTransactionKey, tx: ServerTx, replay: SipResponse | undefined, ms: number): void {
    const entry: LingerEntry = {
      linger: true,
      replay: replay ? (lastBytes.get(replay) ?? serializeSipMessage(replay)) : undefined,
      target: tx.responseTarget,
      transport: tx.transport,
      toTag: tx.toTag,
    };
    const map = this.registry.serverTransactions;
    map.set(key, entry);
    this.supervisor.clock.setTimeout(() => {
      if (map.get(key) === entry) map.delete(key);
    }, ms);
  }

  // ---- outbound -----------------------------------------------------------------------------

  /** The Via this UA puts on requests it sends over `t` (§18.1.1, RFC 3581 rport). */
  viaFor(t: SipTransport, branch = newBranch()): Via {
    const v6 = t.local.family === 'IPv6';
    return {
      protocol: 'SIP/2.0',
      transport: t.protocol.toUpperCase(),
      host: t.local.address,
      hostType: v6 ? 'ipv6' : /^[\d.]+$/.test(t.local.address) ? 'ipv4' : 'domain',
      port: t.local.port,
      params: new Map<string, string | null>([
        ['branch', branch],
        ['rport', null],
      ]),
    };
  }

  /**
   * Sends a request in a new client transaction (§17.1). A top Via with a fresh branch is added.
   */
  sendRequest(
    req: SipRequest,
    destination: Endpoint,
    handlers: ClientTransactionHandlers = {},
  ): ClientTransaction {
    const transport = this.transportFor(destination);
    const via = this.viaFor(transport);
    req.via = [via, ...req.via];
    const key = clientTransactionKey(via.params.get('branch')!, req.method);
    const tx: ClientTransaction = { request: req, destination, key };
    const input = { request: req, reliable: transport.reliable, timers: this.timers };
    const hooks = {
      onDone: () => {
        if (this.registry.clientTransactions.get(key)?.tx === tx)
          this.registry.clientTransactions.delete(key);
        handlers.onTerminated?.(tx);
      },
      onCrash: (error: unknown) => {
        this.stats.crashes++;
        handlers.onTransportError?.(error, tx);
      },
    };
    const wire = (actor: ClientEntry['actor']): void => {
      const fx = actor as unknown as EffectSource;
      fx.on('transport.send', (e) => {
        if (!this.send(e.message, destination, transport))
          actor.send({ type: 'transport.error', error: new Error('message too large for UDP') });
      });
      fx.on('tu.response', (e) => handlers.onResponse?.(e.response, tx));
      fx.on('tu.timeout', () => handlers.onTimeout?.(tx));
      fx.on('tu.transportError', (e) => handlers.onTransportError?.(e.error, tx));
    };
    // Register before start: the first send happens on entry.
    const placeholder = { tx } as ClientEntry;
    this.registry.clientTransactions.set(key, placeholder);
    placeholder.actor =
      req.method === 'INVITE'
        ? this.supervisor.spawn(clientInviteTransactionMachine, input, hooks, wire, 'cit')
        : this.supervisor.spawn(clientNonInviteTransactionMachine, input, hooks, wire, 'cnt');
    return tx;
  }

  /** Sends a request outside any transaction (the ACK to a 2xx, §13.2.2.4). A top Via is added. */
  sendAck(ack: SipRequest, destination: Endpoint): void {
    const transport = this.transportFor(destination);
    ack.via = [this.viaFor(transport)];
    this.send(ack, destination, transport);
  }

  /** Builds and sends a response without a transaction (for requests that got none). */
  replyStateless(
    req: SipRequest,
    source: Endpoint,
    transport: SipTransport,
    status: number,
    init?: Parameters<typeof createResponse>[2],
  ): void {
    const res = createResponse(req, status, { toTag: req.toTag ?? statelessTag(req), ...init });
    this.sendStateless(res, responseTarget(req.topVia!), transport);
  }

  sendStateless(m: SipMessage, to: Endpoint, transport: SipTransport): void {
    this.stats.statelessResponses++;
    this.send(m, to, transport);
  }

  /**
   * Serializes once and writes. Returns false when a request is too large for UDP
   * (§18.1.1: it "MUST be sent using an RFC 2914 congestion controlled transport protocol").
   */
  send(m: SipMessage, to: Endpoint, transport: SipTransport): boolean {
    if (m.type === 'response' && !m.has('server') && this.userAgent) m.append('Server', this.userAgent);
    const bytes = serializeSipMessage(m);
    if (m.type === 'response' && m.status >= 200) lastBytes.set(m, bytes);
    if (!transport.reliable && m.type === 'request' && bytes.length > UDP_MTU_LIMIT) {
      this.stats.tooLargeForUdp++;
      return false;
    }
    this.stats.sent++;
    transport.send(bytes, to);
    return true;
  }

  /** A request built from the API, addressed from this UA (helper for the TU). */
  newRequest(init: Parameters<typeof createRequest>[0]): SipRequest {
    return createRequest(init);
  }

  /** Stops every actor and closes every transport. */
  async close(): Promise<void> {
    this.supervisor.stopAll();
    this.registry.serverTransactions.clear();
    await Promise.all(this.transports.map((t) => t.close()));
  }
}
