/**
 * Requests the transaction layer builds from the request it sent: the ACK to a non-2xx final
 * response (RFC 3261 §17.1.1.3) and CANCEL (§9.1). Pure: no I/O, no state.
 */
import type { SipRequest, SipResponse } from './message';
import { createRequest, type RequestInit } from './serialize';

/**
 * Builds the request both ACK and CANCEL are made of: the original's Request-URI, Call-ID, From
 * and CSeq number, one Via equal to its top Via, its Route values, Max-Forwards 70, no body.
 */
function sameTransactionRequest(method: string, request: SipRequest, to: SipRequest['to']): SipRequest {
  const top = request.topVia;
  const init: RequestInit = {
    method,
    uri: request.uri,
    from: request.from,
    to,
    callId: request.callId,
    cseq: request.cseq.seq,
    via: top ? [top] : [],
  };
  const route = request.route;
  if (route) {
    if (route.length) init.route = route;
  } else {
    // Route values that do not parse go out as they came.
    init.headers = request.getAll('route').map((v): [string, string] => ['Route', v]);
  }
  const tagless = request.fromTag === undefined;
  // createRequest gives a tagless From a fresh tag (on the object it is handed): give it a copy,
  // then put the original From back, since these requests must carry it unchanged.
  if (tagless) init.from = { ...request.from };
  const out = createRequest(init);
  if (tagless) out.from = request.from;
  return out;
}

/**
 * The ACK a client INVITE transaction sends for a 300–699 response (§17.1.1.3): Request-URI,
 * Call-ID, From and the CSeq number of the INVITE with method ACK; To of the response being
 * acknowledged (so with its tag); a single Via equal to the INVITE's top Via; the INVITE's Route
 * header fields; Max-Forwards 70; no body.
 *
 * @example
 * const ack = buildNon2xxAck(invite, busyHere);
 * transport.send(serializeSipMessage(ack));
 */
export function buildNon2xxAck(request: SipRequest, response: SipResponse): SipRequest {
  return sameTransactionRequest('ACK', request, response.to);
}

/**
 * The CANCEL for a pending request (§9.1): Request-URI, Call-ID, To (no tag added), From and the
 * CSeq number of the request with method CANCEL; a single Via equal to the request's top Via (so
 * the CANCEL matches its transaction, §17.2.3); the request's Route header fields; Max-Forwards 70.
 *
 * @example
 * const cancel = buildCancel(invite);
 */
export function buildCancel(request: SipRequest): SipRequest {
  return sameTransactionRequest('CANCEL', request, request.to);
}
