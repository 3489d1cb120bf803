/**
 * A tap on one Parrot instance under test: every datagram it receives and every message it
 * sends, timestamped, so a scenario's `check` can assert what SIPp cannot see (how many times a
 * response was sent, how far apart, whether a request SIPp cannot correlate was answered) and a
 * failing run can dump the whole exchange from Parrot's side.
 */
import {
  parseSipMessage,
  serializeSipMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../codecs/sip';
import type { Endpoint } from '../actors/transport/udp';
import type { Parrot } from '../runtime';

export interface WireEntry {
  dir: 'in' | 'out';
  /** ms since the tap was attached. */
  at: number;
  peer: Endpoint;
  /** The parsed message (undefined for input that does not parse). */
  message: SipMessage | undefined;
  /** The bytes as text (for out: serialized when sent). */
  text: string;
}

export class Wire {
  readonly entries: WireEntry[] = [];
  private readonly t0 = Date.now();

  /** Wraps `parrot.core.send` and `parrot.core.receive` (instance properties shadow the methods). */
  static attach(parrot: Parrot): Wire {
    const wire = new Wire();
    const core = parrot.core;
    const send = core.send.bind(core);
    const receive = core.receive.bind(core);
    core.send = (m, to, transport) => {
      const ok = send(m, to, transport);
      wire.entries.push({
        dir: 'out',
        at: Date.now() - wire.t0,
        peer: to,
        message: m,
        text: serializeSipMessage(m).toString('utf8'),
      });
      return ok;
    };
    core.receive = (data, source, transport) => {
      const r = parseSipMessage(data);
      wire.entries.push({
        dir: 'in',
        at: Date.now() - wire.t0,
        peer: source,
        message: r.ok ? r.message : undefined,
        text: data.toString('utf8'),
      });
      receive(data, source, transport);
    };
    return wire;
  }

  /** Responses Parrot sent, optionally only of this status and to this CSeq method. */
  sentResponses(status?: number, method?: string): Array<WireEntry & { message: SipResponse }> {
    return this.entries.filter(
      (e): e is WireEntry & { message: SipResponse } =>
        e.dir === 'out' &&
        e.message?.type === 'response' &&
        (status === undefined || e.message.status === status) &&
        (method === undefined || e.message.cseq.method === method),
    );
  }

  /** Requests Parrot sent (BYE …). */
  sentRequests(method?: string): Array<WireEntry & { message: SipRequest }> {
    return this.entries.filter(
      (e): e is WireEntry & { message: SipRequest } =>
        e.dir === 'out' &&
        e.message?.type === 'request' &&
        (method === undefined || e.message.method === method),
    );
  }

  /** Requests Parrot received (that parsed). */
  receivedRequests(method?: string): Array<WireEntry & { message: SipRequest }> {
    return this.entries.filter(
      (e): e is WireEntry & { message: SipRequest } =>
        e.dir === 'in' &&
        e.message?.type === 'request' &&
        (method === undefined || e.message.method === method),
    );
  }

  /** The exchange as text, for the failure log. */
  dump(): string {
    return this.entries
      .map(
        (e) =>
          `----- ${String(e.at).padStart(6)} ms ${e.dir === 'in' ? '<<< from' : '>>> to'} ${e.peer.address}:${e.peer.port}\n${e.text}`,
      )
      .join('\n');
  }
}
