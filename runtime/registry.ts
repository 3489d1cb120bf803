/**
 * The registry: how actors find each other. Three maps keyed by branded strings, each key built
 * by exactly one function, following RFC 3261 §17.1.3 (client transactions), §17.2.3 (server
 * transactions) and §12 (dialogs). An entry is removed when its actor stops.
 */
import type { SipRequest, SipResponse, Via } from '../codecs/sip';
import { formatHost } from '../codecs/sip';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** §17.1.3: the top Via branch and the CSeq method. */
export type ClientTransactionKey = Brand<string, 'ClientTransactionKey'>;
/** §17.2.3: branch, sent-by and method (ACK counts as INVITE). */
export type ServerTransactionKey = Brand<string, 'ServerTransactionKey'>;
/** §12: Call-ID, local tag, remote tag. */
export type DialogKey = Brand<string, 'DialogKey'>;
/** A Call-ID, for media sessions. */
export type CallKey = Brand<string, 'CallKey'>;

/** The RFC 3261 branch magic cookie (§8.1.1.7). */
export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * §17.1.3: "the response matches a client transaction if … the branch parameter in the top Via
 * of the response [equals] the one in the top Via of the request that created the transaction
 * [and] the method parameter in the CSeq header field matches the method of the request".
 */
export function clientTransactionKey(branch: string, method: string): ClientTransactionKey {
  return (branch + '\n' + method) as ClientTransactionKey;
}

/** The client transaction key of a response, or undefined when its top Via has no branch. */
export function clientTransactionKeyOf(res: SipResponse): ClientTransactionKey | undefined {
  const branch = res.topVia?.params.get('branch');
  if (!branch) return undefined;
  return clientTransactionKey(branch, res.cseq.method);
}

function sentBy(via: Via): string {
  return formatHost(via.host, via.hostType) + ':' + (via.port ?? '');
}

/**
 * §17.2.3: a request matches a server transaction by the top Via branch, the sent-by, and the
 * method — "except for ACK, where the method of the request that created the transaction is
 * INVITE". `asMethod` overrides the method, e.g. to find the INVITE a CANCEL cancels (§9.2).
 * Without the magic cookie (RFC 2543 peers) the key falls back to Call-ID, From tag, CSeq
 * number and the top Via, which is what §17.2.3 compares for such requests.
 */
export function serverTransactionKey(req: SipRequest, asMethod?: string): ServerTransactionKey | undefined {
  const via = req.topVia;
  if (!via) return undefined;
  const method = asMethod ?? (req.method === 'ACK' ? 'INVITE' : req.method);
  const branch = via.params.get('branch');
  if (branch && branch.startsWith(MAGIC_COOKIE)) {
    return (branch + '\n' + sentBy(via) + '\n' + method) as ServerTransactionKey;
  }
  return ('2543\n' +
    req.callId +
    '\n' +
    (req.fromTag ?? '') +
    '\n' +
    req.cseq.seq +
    '\n' +
    sentBy(via) +
    '\n' +
    (branch ?? '') +
    '\n' +
    method) as ServerTransactionKey;
}

/** §12: a dialog is identified by Call-ID, local tag and remote tag. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): DialogKey {
  return (callId + '\n' + localTag + '\n' + remoteTag) as DialogKey;
}

/** The key of a media session: the Call-ID. */
export function callKey(callId: string): CallKey {
  return callId as CallKey;
}

/**
 * The three maps. Values are whatever the runtime keeps per actor; the registry only
 * guarantees uniqueness of keys and cleanup.
 */
export class Registry<TClient, TServer, TDialog, TCall = never> {
  readonly clientTransactions = new Map<ClientTransactionKey, TClient>();
  readonly serverTransactions = new Map<ServerTransactionKey, TServer>();
  readonly dialogs = new Map<DialogKey, TDialog>();
  readonly calls = new Map<CallKey, TCall>();

  /** Live entries, per map. */
  get sizes(): { clientTransactions: number; serverTransactions: number; dialogs: number; calls: number } {
    return {
      clientTransactions: this.clientTransactions.size,
      serverTransactions: this.serverTransactions.size,
      dialogs: this.dialogs.size,
      calls: this.calls.size,
    };
  }

  /** True when every map is empty: nothing is left running. */
  get isEmpty(): boolean {
    return (
      this.clientTransactions.size === 0 &&
      this.serverTransactions.size === 0 &&
      this.dialogs.size === 0 &&
      this.calls.size === 0
    );
  }
}
