/**
 * `createParrot`: the public entry. Binds transports, starts the core under a supervisor, and
 * routes requests to the transaction user.
 */
import { isIP } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { createRequest, type SipRequest, type SipResponse } from '../codecs/sip';
import type { TransactionTimers } from '../machines/transaction';
import { UdpTransport, type Endpoint } from '../actors/transport/udp';
import { TrackedClock } from './clock';
import {
  SipCore,
  type ClientTransaction,
  type CoreLimits,
  type CoreStats,
  type ServerTransaction,
  type TransactionUser,
} from './core';
import { Supervisor } from './supervisor';
import type { Handler } from './handler';
import { consoleLogger, UserAgent, type CallInfo, type Logger, type ParrotEvents } from './ua';

/** One transport to listen on. */
export interface TransportConfig {
  protocol: 'udp';
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 5060. */
  port?: number;
  /** UDP receive/send buffer sizes (default 4 MiB each). */
  recvBufferSize?: number;
  sendBufferSize?: number;
}

/** Options of `createParrot`. */
export interface ParrotOptions {
  /** Default: one UDP transport on 127.0.0.1:5060. */
  transports?: TransportConfig[];
  /** RFC 3261 timer bases; defaults T1 500 ms, T2 4 s, T4 5 s. */
  timers?: Partial<TransactionTimers>;
  /** Parser and transaction limits. */
  limits?: Partial<CoreLimits>;
  /** Replaces the default transaction user (advanced; the handler API sits on top of this). */
  transactionUser?: TransactionUser;
  /** Server / User-Agent header value. Default `Parrot`. */
  userAgent?: string;
  /** Option tags supported. */
  supported?: string[];
  /** The application: callbacks for INVITE, BYE, OPTIONS … (all optional). */
  handler?: Handler;
  /** Where warnings and handler errors are logged. Default: the console. */
  logger?: Logger;
  /** How long `stop()` waits for calls to end gracefully before cutting them off. Default 5,000 ms. */
  stopTimeout?: number;
}

/** The typed error of a request that failed without a final response. */
export class TransactionTimeoutError extends Error {
  /** The status a TU should report for it (§8.1.3.1: a timeout is treated as 408). */
  readonly status = 408;
  constructor(readonly request: SipRequest) {
    super(`${request.method} ${request.uriText}: no final response (transaction timeout)`);
    this.name = 'TransactionTimeoutError';
  }
}

/** The typed error of a transport failure (§8.1.3.1: treated as 503). */
export class TransportError extends Error {
  readonly status = 503;
  constructor(
    readonly request: SipRequest,
    override readonly cause?: unknown,
  ) {
    super(
      `${request.method} ${request.uriText}: transport error${cause instanceof Error ? ': ' + cause.message : ''}`,
    );
    this.name = 'TransportError';
  }
}

/** Options of `Parrot.request`. */
export interface RequestOptions {
  /** Where to send; default the Request-URI's host and port. */
  destination?: Endpoint;
  from?: string;
  to?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  contentType?: string;
}

/**
 * A running Parrot instance.
 */
export class Parrot extends EventEmitter<ParrotEvents> {
  readonly core: SipCore;
  readonly clock: TrackedClock;
  /** @internal */
  ua: UserAgent | undefined;
  private stopping: Promise<void> | undefined;
  private readonly stopTimeout: number;

  /** @internal use createParrot */
  constructor(core: SipCore, clock: TrackedClock, stopTimeout = 5000) {
    super();
    this.core = core;
    this.clock = clock;
    this.stopTimeout = stopTimeout;
  }

  /** The live calls and their states. */
  get calls(): CallInfo[] {
    return this.ua ? [...this.ua.calls.values()].map((c) => c.info()) : [];
  }

  /** Where each transport listens. */
  get addresses(): Array<Endpoint & { protocol: string }> {
    return this.core.transports.map((t) => ({
      protocol: t.protocol,
      address: t.local.address,
      port: t.local.port,
    }));
  }

  /** Message counters. */
  get stats(): CoreStats {
    return { ...this.core.stats };
  }

  /**
   * Sends a request outside a dialog in its own client transaction and resolves with the final
   * response (any status); rejects with `TransactionTimeoutError` or `TransportError`.
   *
   * @example
   * const res = await parrot.request('OPTIONS', 'sip:bob@127.0.0.1:5070');
   */
  request(method: string, target: string, options: RequestOptions = {}): Promise<SipResponse> {
    const req = createRequest({
      method,
      uri: target,
      from: options.from ?? `sip:parrot@${this.addresses[0]?.address ?? 'localhost'}`,
      to: options.to ?? target,
      headers: options.headers,
      body: options.body,
      contentType: options.contentType,
    });
    const uri = req.uri;
    const destination =
      options.destination ?? (uri.kind === 'sip' ? { address: uri.host, port: uri.port ?? 5060 } : undefined);
    if (!destination || !isIP(destination.address))
      return Promise.reject(new TypeError(`no IP destination for ${target}; pass options.destination`));
    return new Promise((resolve, reject) => {
      this.core.sendRequest(req, destination, {
        onResponse: (res: SipResponse) => {
          if (res.status >= 200) resolve(res);
        },
        onTimeout: (tx: ClientTransaction) => reject(new TransactionTimeoutError(tx.request)),
        onTransportError: (err: unknown, tx: ClientTransaction) =>
          reject(new TransportError(tx.request, err)),
      });
    });
  }

  /**
   * Stops gracefully: new calls get 503, live calls end (BYE when answered, 503 when not),
   * then every actor ends, every timer is cleared and every socket closes.
   */
  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.core.refuseNew = 503;
    const ua = this.ua;
    if (ua && ua.calls.size) {
      const ended = new Promise<void>((resolve) => {
        const check = (): void => {
          if (ua.calls.size === 0) {
            this.off('call.end', check);
            resolve();
          }
        };
        this.on('call.end', check);
      });
      ua.shutdown();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, this.stopTimeout)))]);
      clearTimeout(timer);
      // Let the last BYE transactions finish (their 200s) before the sockets close.
      await this.drainClientTransactions(Math.min(1000, this.stopTimeout));
    }
    await this.core.close();
    this.clock.clearAll();
  }

  private async drainClientTransactions(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (
      Date.now() < deadline &&
      [...this.core.registry.clientTransactions.values()].some((e) => e.tx.request.method === 'BYE')
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The default transaction user: OPTIONS → 200 with capabilities, anything else → 405 with Allow. */
export function defaultTransactionUser(core: () => SipCore): TransactionUser {
  return {
    onRequest(tx: ServerTransaction) {
      const c = core();
      const capabilities = {
        Allow: c.allow.join(', '),
        Accept: c.accept.join(', '),
        ...(c.supported.length ? { Supported: c.supported.join(', ') } : {}),
      };
      if (tx.request.method === 'OPTIONS') tx.reply(200, { headers: capabilities });
      else tx.reply(405, { headers: { Allow: c.allow.join(', ') } });
    },
  };
}

/**
 * Starts a Parrot instance.
 *
 * @example
 * const parrot = await createParrot({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 5060 }] });
 * // … later
 * await parrot.stop();
 */
export async function createParrot(options: ParrotOptions = {}): Promise<Parrot> {
  const clock = new TrackedClock();
  const supervisor = new Supervisor({ clock });
  const core: SipCore = new SipCore(
    {
      timers: options.timers,
      limits: options.limits,
      supervisor,
      userAgent: options.userAgent,
      supported: options.supported,
    },
    options.transactionUser ?? defaultTransactionUser(() => core),
  );
  const parrot = new Parrot(core, clock, options.stopTimeout);
  if (!options.transactionUser) {
    const ua = new UserAgent(core, options.handler ?? {}, parrot, options.logger ?? consoleLogger);
    parrot.ua = ua;
    core.tu = ua;
    core.allow = ua.allow;
  }
  const configs = options.transports ?? [{ protocol: 'udp' as const }];
  try {
    for (const cfg of configs) {
      const t: UdpTransport = await UdpTransport.bind(cfg, (data, source) => core.receive(data, source, t));
      core.addTransport(t);
    }
  } catch (e) {
    await core.close();
    throw e;
  }
  return parrot;
}
