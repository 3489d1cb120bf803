import {
  createRequest,
  createResponse,
  parseSipMessage,
  serializeSipMessage,
  type SipRequest,
} from '../../../codecs/sip';
import { buildCancel, buildNon2xxAck } from '../../../codecs/sip/transactionMessages';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function parse(text: string): SipRequest {
  const r = parseSipMessage(Buffer.from(text));
  if (!r.ok || r.message.type !== 'request') throw new Error('bad fixture');
  return r.message;
}

/** An INVITE as a proxy's client transaction sends it: its own Via on top, a Route set, a body. */
function invite(extra: string[] = []): SipRequest {
  return parse(
    [
      'INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0',
      'v: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8',
      'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
      'Max-Forwards: 69',
      'Route: <sip:p1.example.com;lr>',
      'Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>',
      'To: "Bob" <sip:bob@biloxi.example.com>',
      'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:alice@pc33.atlanta.example.com>',
      'Supported: replaces',
      'Content-Type: application/sdp',
      ...extra,
      `Content-Length: ${SDP.length}`,
      '',
      SDP,
    ].join('\r\n'),
  );
}

/** The header names of a message, in order, as they go on the wire. */
const names = (m: SipRequest) => m.headers.map((h) => h.key);

describe('buildNon2xxAck (RFC 3261 §17.1.1.3)', () => {
  const req = invite();
  const res = createResponse(req, 486, { toTag: '8321234356' });
  const ack = buildNon2xxAck(req, res);

  it('§17.1.1.3 method ACK and the Request-URI of the INVITE', () => {
    expect(ack.method).toBe('ACK');
    expect(ack.uriText).toBe('sip:bob@biloxi.example.com;transport=udp');
  });

  it('§17.1.1.3 Call-ID and From (with its tag) equal the INVITE\u2019s', () => {
    expect(ack.callId).toBe(req.callId);
    expect(ack.from).toEqual(req.from);
    expect(ack.fromTag).toBe('1928301774');
  });

  it('§17.1.1.3 CSeq: the INVITE\u2019s number with method ACK', () => {
    expect(ack.cseq).toEqual({ seq: 314159, method: 'ACK' });
    expect(ack.get('cseq')).toBe('314159 ACK');
  });

  it('§17.1.1.3 To equals the To of the response being acknowledged, tag included', () => {
    expect(ack.to).toEqual(res.to);
    expect(ack.toTag).toBe('8321234356');
  });

  it('§17.1.1.3 a single Via equal to the top Via of the INVITE', () => {
    expect(ack.via).toEqual([req.topVia]);
    expect(ack.getAll('via')).toEqual(['SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8']);
  });

  it('§17.1.1.3 the INVITE\u2019s Route header fields, in order', () => {
    expect(ack.route).toEqual(req.route);
    expect(ack.getAll('route')).toEqual([
      '<sip:p1.example.com;lr>',
      '<sip:p2.example.com;lr>',
      '<sip:p3.example.com;lr>',
    ]);
  });

  it('§8.1.1.6 Max-Forwards 70; no body, Contact, Content-Type or other INVITE headers', () => {
    expect(ack.maxForwards).toBe(70);
    expect(ack.body.length).toBe(0);
    expect(names(ack)).toEqual([
      'via',
      'max-forwards',
      'route',
      'route',
      'route',
      'to',
      'from',
      'call-id',
      'cseq',
    ]);
  });

  it('§17.1.1.3 the exact bytes, and they parse back to the same ACK', () => {
    const text = serializeSipMessage(ack).toString();
    expect(text).toBe(
      [
        'ACK sip:bob@biloxi.example.com;transport=udp SIP/2.0',
        'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8',
        'Max-Forwards: 70',
        'Route: <sip:p1.example.com;lr>',
        'Route: <sip:p2.example.com;lr>',
        'Route: <sip:p3.example.com;lr>',
        'To: "Bob" <sip:bob@biloxi.example.com>;tag=8321234356',
        'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
        'CSeq: 314159 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const back = parse(text);
    expect(back.to).toEqual(ack.to);
    expect(back.via).toEqual(ack.via);
  });

  it('§17.1.1.3 no Route in the INVITE, none in the ACK', () => {
    const plain = createRequest({
      method: 'INVITE',
      uri: 'sip:bob@biloxi.example.com',
      from: 'sip:alice@atlanta.example.com',
      to: 'sip:bob@biloxi.example.com',
      via: [invite().topVia!],
    });
    const a = buildNon2xxAck(plain, createResponse(plain, 404, { toTag: 't' }));
    expect(a.has('route')).toBe(false);
    expect(a.toTag).toBe('t');
  });

  it('leaves the INVITE untouched', () => {
    const before = serializeSipMessage(invite()).toString();
    const r = invite();
    buildNon2xxAck(r, createResponse(r, 500, { toTag: 'x' }));
    expect(serializeSipMessage(r).toString()).toBe(before);
  });
});

describe('buildCancel (RFC 3261 §9.1)', () => {
  const req = invite();
  const cancel = buildCancel(req);

  it('§9.1 method CANCEL and the Request-URI of the request being cancelled', () => {
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.uriText).toBe(req.uriText);
  });

  it('§9.1 Call-ID, To (no tag added), From (with tag) identical; CSeq number with method CANCEL', () => {
    expect(cancel.callId).toBe(req.callId);
    expect(cancel.to).toEqual(req.to);
    expect(cancel.toTag).toBeUndefined();
    expect(cancel.from).toEqual(req.from);
    expect(cancel.cseq).toEqual({ seq: 314159, method: 'CANCEL' });
  });

  it('§9.1 a single Via matching the top Via of the request being cancelled', () => {
    expect(cancel.getAll('via')).toEqual([
      'SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8',
    ]);
  });

  it('§9.1 the Route header field values of the request being cancelled', () => {
    expect(cancel.getAll('route')).toEqual(req.getAll('route'));
  });

  it('§8.1.1.6 Max-Forwards 70, no body, nothing else from the INVITE', () => {
    expect(cancel.maxForwards).toBe(70);
    expect(cancel.body.length).toBe(0);
    expect(names(cancel)).toEqual([
      'via',
      'max-forwards',
      'route',
      'route',
      'route',
      'to',
      'from',
      'call-id',
      'cseq',
    ]);
  });

  it('§9.1 a To that already has a tag (re-INVITE) keeps it', () => {
    const reinvite = createRequest({
      method: 'INVITE',
      uri: 'sip:bob@192.0.2.4',
      from: { uri: req.from.uri, params: new Map([['tag', 'a']]) },
      to: { uri: req.to.uri, params: new Map([['tag', 'b']]) },
      via: [req.topVia!],
      cseq: 2,
    });
    const c = buildCancel(reinvite);
    expect(c.toTag).toBe('b');
    expect(c.fromTag).toBe('a');
    expect(c.cseq).toEqual({ seq: 2, method: 'CANCEL' });
  });

  it('§9.1 a From without a tag (RFC 2543 peer) stays without one, and the original is not changed', () => {
    const old = parse(
      [
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'Via: SIP/2.0/UDP proxy.atlanta.example.com;branch=1234',
        'To: <sip:bob@biloxi.example.com>',
        'From: <sip:alice@atlanta.example.com>',
        'Call-ID: 2543',
        'CSeq: 1 INVITE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const c = buildCancel(old);
    expect(c.fromTag).toBeUndefined();
    expect(c.get('from')).toBe('<sip:alice@atlanta.example.com>');
    expect(old.fromTag).toBeUndefined();
    expect(old.from.params.size).toBe(0);
  });

  it('Route values that do not parse are copied as they are', () => {
    const odd = invite(['Route: <sip:broken']);
    // the parser keeps the field; the typed accessor reports it malformed
    expect(odd.route).toBeUndefined();
    const c = buildCancel(odd);
    expect(c.getAll('route')).toEqual(odd.getAll('route'));
  });
});
