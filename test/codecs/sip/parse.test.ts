import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  createRequest,
  createResponse,
  parseSipMessage,
  serializeSipMessage,
  SipStreamFramer,
  splitMultipart,
  type SipMessage,
  type SipRequest,
  type SipUri,
} from '../../../codecs/sip';

const DIR = join(__dirname, '../../fixtures/sip');
type Verdict = { verdict: string } & Record<string, unknown>;
const verdicts = JSON.parse(readFileSync(join(DIR, 'verdicts.json'), 'utf8')) as Record<string, Verdict>;
const fixture = (name: string): Buffer => readFileSync(join(DIR, name + '.sip'));

/** Structural view of a message, for round-trip equality. */
function view(m: SipMessage): unknown {
  return {
    start: m.type === 'request' ? [m.method, m.uri] : [m.status, m.reason],
    headers: m.headers.filter((h) => h.key !== 'content-length').map((h) => [h.key, h.value]),
    via: m.via,
    from: m.from,
    to: m.to,
    callId: m.callId,
    cseq: m.cseq,
    body: m.body.toString('hex'),
  };
}

describe('fixtures: every file has a verdict and gets it', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sip'));
  it('has a verdict for every fixture file', () => {
    expect(files.map((f) => f.replace(/\.sip$/, '')).sort()).toEqual(Object.keys(verdicts).sort());
  });

  for (const [name, v] of Object.entries(verdicts)) {
    it(`${name} → ${v.verdict}`, () => {
      const r = parseSipMessage(fixture(name));
      if (v.verdict !== 'ok') {
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.code).toBe(v.verdict);
        expect(r.error.offset).toBeGreaterThanOrEqual(0);
        expect(r.error.offset).toBeLessThanOrEqual(fixture(name).length);
        const p = r.error.partial;
        const answerable = p?.type === 'request' && p.via.length > 0;
        expect(answerable).toBe(v['answerable']);
        return;
      }
      if (!r.ok) throw new Error(`${r.error.code} at ${r.error.offset}: ${r.error.reason}`);
      const m = r.message;
      if ('method' in v) expect(m.type === 'request' && m.method).toBe(v['method']);
      if ('status' in v) expect(m.type === 'response' && m.status).toBe(v['status']);
      if ('vias' in v) expect(m.via).toHaveLength(v['vias'] as number);
      if ('callId' in v) expect(m.callId).toBe(v['callId']);
      if ('cseq' in v) expect(m.cseq.seq).toBe(v['cseq']);
      if ('bodyLength' in v) expect(m.body.length).toBe(v['bodyLength']);
      if ('fromTag' in v) expect(m.fromTag).toBe(v['fromTag']);
      if ('toTag' in v) expect(m.toTag).toBe(v['toTag']);
      if ('fromDisplayName' in v) expect(m.from.displayName).toBe(v['fromDisplayName']);
      if ('toDisplayName' in v) expect(m.to.displayName).toBe(v['toDisplayName']);
      if ('maxForwards' in v) expect(m.maxForwards).toBe(v['maxForwards']);
      if ('transport' in v) expect(m.topVia?.transport).toBe(v['transport']);
      if ('branches' in v) expect(m.via.map((x) => x.params.get('branch'))).toEqual(v['branches']);
      if ('viaHost' in v) expect([m.topVia?.host, m.topVia?.port]).toEqual([v['viaHost'], v['viaPort']]);
      if ('viaParams' in v) expect(m.topVia?.params.size).toBe(v['viaParams']);
      if ('contacts' in v) expect(m.contact).toHaveLength(v['contacts'] as number);
      if ('contactStar' in v) expect(m.contact).toBe('*');
      if ('expires' in v) expect(m.expires).toBe(v['expires']);
      if ('requestScheme' in v) expect((m as SipRequest).uri.scheme).toBe(v['requestScheme']);
      if ('requestUser' in v) expect(((m as SipRequest).uri as SipUri).user).toBe(v['requestUser']);
      if ('requestHost' in v) expect(((m as SipRequest).uri as SipUri).host).toBe(v['requestHost']);
      if ('toUser' in v) expect((m.to.uri as SipUri).user).toBe(v['toUser']);
      if ('fromUser' in v) expect((m.from.uri as SipUri).user).toBe(v['fromUser']);
      if ('parts' in v) {
        const parts = splitMultipart(m.body, m.get('content-type')!);
        expect(parts).toHaveLength(v['parts'] as number);
        expect(parts![0]!.body.toString()).toContain('m=audio 49170');
      }
      // Round trip: parse(serialize(m)) equals m.
      const again = parseSipMessage(serializeSipMessage(m));
      expect(again.ok).toBe(true);
      if (again.ok) expect(view(again.message)).toEqual(view(m));
    });
  }
});

describe('§7.3.1 header fields', () => {
  it('unknown headers with odd whitespace and folding go back out byte for byte', () => {
    const raw = fixture('unknown-headers-preserved');
    const r = parseSipMessage(raw);
    if (!r.ok) throw new Error(r.error.reason);
    expect(serializeSipMessage(r.message).equals(raw)).toBe(true);
    expect(r.message.get('x-weird')).toBe('value   with   odd    spacing');
    expect(r.message.get('X-Folded')).toBe('first second');
  });

  it('compact forms and long forms name the same header', () => {
    const r = parseSipMessage(fixture('compact-forms'));
    if (!r.ok) throw new Error(r.error.reason);
    const m = r.message;
    expect(m.get('Call-ID')).toBe(m.get('i'));
    expect(m.get('subject')).toBe('compact subject');
    expect(m.supported).toEqual(['timer']);
    expect(m.contentType?.type).toBe('text/plain');
    expect(m.contact).toHaveLength(1);
  });

  it('getAll splits list headers across lines and commas but not inside quotes', () => {
    const r = parseSipMessage(fixture('quoted-display-names'));
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.message.getAll('contact')).toEqual([
      '"Doe, John" <sip:j@192.0.2.5>',
      '<sip:k@192.0.2.6;lr>;q=0.5',
    ]);
    const c = r.message.contact;
    expect(Array.isArray(c) && c[1]!.params.get('q')).toBe('0.5');
    expect(Array.isArray(c) && c[0]!.displayName).toBe('Doe, John');
  });

  it('typed accessors cover the common headers', () => {
    const text =
      'INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n' +
      'To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n' +
      'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nRecord-Route: <sip:rr.example.com;lr>\r\n' +
      'Require: 100rel\r\nProxy-Require: foo\r\nUnsupported: bar\r\nAccept: application/sdp, application/*;q=0.5\r\n' +
      'Expires: 300\r\nMin-Expires: 60\r\nAllow: INVITE,ACK , BYE\r\nEvent: refer;id=3\r\nRefer-To: <sip:c@example.com>\r\n' +
      'RSeq: 988789\r\nRAck: 776656 1 INVITE\r\nSession-Expires: 1800;refresher=uac\r\nMin-SE: 90\r\n' +
      'WWW-Authenticate: Digest realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", qop="auth"\r\n' +
      'Authorization: Digest username="bob", realm="atlanta.com", nonce="n", uri="sip:b@example.com", response="abc"\r\n' +
      'Content-Length: 0\r\n\r\n';
    const r = parseSipMessage(Buffer.from(text));
    if (!r.ok) throw new Error(r.error.reason);
    const m = r.message;
    expect(m.route?.map((x) => (x.uri as SipUri).host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(m.recordRoute).toHaveLength(1);
    expect(m.require).toEqual(['100rel']);
    expect(m.proxyRequire).toEqual(['foo']);
    expect(m.unsupported).toEqual(['bar']);
    expect(m.accept?.map((a) => a.type)).toEqual(['application/sdp', 'application/*']);
    expect([m.expires, m.minExpires]).toEqual([300, 60]);
    expect(m.allow).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(m.event?.value).toBe('refer');
    expect((m.referTo?.uri as SipUri).user).toBe('c');
    expect(m.rseq).toBe(988789);
    expect(m.rack).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(m.sessionExpires?.seconds).toBe(1800);
    expect(m.sessionExpires?.refresher).toBe('uac');
    expect(m.minSE).toBe(90);
    expect(m.wwwAuthenticate[0]?.params.get('realm')).toBe('atlanta.com');
    expect(m.authorization[0]?.params.get('response')).toBe('abc');
    expect(m.maxForwards).toBe(70);
  });

  it('changing a header invalidates its cached typed value', () => {
    const r = parseSipMessage(fixture('bye'));
    if (!r.ok) throw new Error(r.error.reason);
    const m = r.message;
    expect(m.expires).toBeUndefined();
    m.set('Expires', '120');
    expect(m.expires).toBe(120);
    const via = m.via;
    via[0]!.params.set('received', '192.0.2.99');
    m.via = via;
    const again = parseSipMessage(serializeSipMessage(m));
    if (!again.ok) throw new Error(again.error.reason);
    expect(again.message.topVia?.params.get('received')).toBe('192.0.2.99');
  });
});

describe('§18.3 framing', () => {
  it('a datagram body longer than Content-Length is truncated', () => {
    const r = parseSipMessage(fixture('body-longer-than-content-length'));
    expect(r.ok && r.message.body.toString()).toBe('hello');
  });

  it('over a stream, Content-Length is mandatory', () => {
    const r = parseSipMessage(fixture('no-content-length-datagram'), { stream: true });
    expect(!r.ok && r.error.code).toBe('MISSING_HEADER');
  });

  it('limits: message size, header count and header length are enforced', () => {
    const raw = fixture('long-values');
    expect(!parseSipMessage(raw, { maxMessageSize: 1000 }).ok).toBe(true);
    const tooLong = parseSipMessage(raw, { maxHeaderLength: 1000 });
    expect(!tooLong.ok && tooLong.error.code).toBe('HEADER_TOO_LONG');
    const tooMany = parseSipMessage(raw, { maxHeaderCount: 3 });
    expect(!tooMany.ok && tooMany.error.code).toBe('TOO_MANY_HEADERS');
    const big = parseSipMessage(Buffer.alloc(70000, 65));
    expect(!big.ok && big.error.code).toBe('MESSAGE_TOO_LARGE');
  });
});

describe('stream framer', () => {
  const a = fixture('invite-sdp');
  const b = fixture('bye');

  it('returns several messages from one chunk and skips CRLF keep-alives', () => {
    const f = new SipStreamFramer();
    const items = f.push(Buffer.concat([Buffer.from('\r\n\r\n'), a, Buffer.from('\r\n'), b]));
    expect(items.map((i) => i.kind)).toEqual(['ping', 'message', 'message']);
    expect(f.pending).toBe(0);
  });

  it('keeps partial input until the message is whole, byte by byte', () => {
    const f = new SipStreamFramer();
    const all = Buffer.concat([a, b, a]);
    const got: string[] = [];
    for (let i = 0; i < all.length; i++) {
      for (const item of f.push(all.subarray(i, i + 1))) {
        if (item.kind === 'message' && item.message.type === 'request') got.push(item.message.method);
      }
    }
    expect(got).toEqual(['INVITE', 'BYE', 'INVITE']);
    expect(f.pending).toBe(0);
  });

  it('a message without Content-Length loses framing: fatal', () => {
    const f = new SipStreamFramer();
    const items = f.push(fixture('no-content-length-datagram'));
    expect(items.map((i) => i.kind)).toEqual(['fatal']);
  });

  it('an oversized header block is fatal rather than buffered for ever', () => {
    const f = new SipStreamFramer({ maxMessageSize: 2000 });
    expect(f.push(Buffer.alloc(1500, 65))).toEqual([]);
    expect(f.push(Buffer.alloc(1500, 65)).map((i) => i.kind)).toEqual(['fatal']);
  });

  it('a framed but invalid message is reported and the stream stays in sync', () => {
    const f = new SipStreamFramer();
    const items = f.push(Buffer.concat([fixture('cseq-method-mismatch'), b]));
    expect(items.map((i) => i.kind)).toEqual(['invalid', 'message']);
  });
});

describe('builders (§8.1.1, §8.2.6)', () => {
  it('createRequest builds the mandatory headers and a From tag, and round-trips', () => {
    const req = createRequest({
      method: 'OPTIONS',
      uri: 'sip:bob@biloxi.example.com',
      from: 'sip:alice@atlanta.example.com',
      to: 'sip:bob@biloxi.example.com',
      via: [
        {
          protocol: 'SIP/2.0',
          transport: 'UDP',
          host: '192.0.2.1',
          hostType: 'ipv4',
          port: 5060,
          params: new Map([['branch', 'z9hG4bKabc']]),
        },
      ],
      headers: { Accept: 'application/sdp' },
    });
    const bytes = serializeSipMessage(req).toString();
    expect(bytes).toMatch(
      /^OPTIONS sip:bob@biloxi.example.com SIP\/2.0\r\nVia: SIP\/2.0\/UDP 192.0.2.1:5060;branch=z9hG4bKabc\r\n/,
    );
    expect(bytes).toContain('Max-Forwards: 70\r\n');
    expect(bytes).toContain('CSeq: 1 OPTIONS\r\n');
    expect(bytes).toContain('Content-Length: 0\r\n\r\n');
    expect(req.fromTag).toMatch(/^[A-Za-z0-9]{8}$/);
    const r = parseSipMessage(Buffer.from(bytes));
    if (!r.ok) throw new Error(r.error.reason);
    expect(view(r.message)).toEqual(view(req));
  });

  it('createResponse copies Via, From, To, Call-ID and CSeq and adds the To tag', () => {
    const r = parseSipMessage(fixture('invite-sdp'));
    if (!r.ok || r.message.type !== 'request') throw new Error('fixture');
    const res = createResponse(r.message, 486, { toTag: 'xyz' });
    const text = serializeSipMessage(res).toString();
    expect(text.startsWith('SIP/2.0 486 Busy Here\r\n')).toBe(true);
    const back = parseSipMessage(Buffer.from(text));
    if (!back.ok) throw new Error(back.error.reason);
    expect(back.message.via).toEqual(r.message.via);
    expect(back.message.toTag).toBe('xyz');
    expect(back.message.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(back.message.callId).toBe(r.message.callId);
    expect(res.toTag).toBe('xyz');
    expect(back.message.has('contact')).toBe(false);
  });
});

describe('wire input never throws (fast-check)', () => {
  const all = Object.keys(verdicts).map(fixture);

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        parseSipMessage(Buffer.from(bytes));
        new SipStreamFramer().push(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated fixtures: flipped, deleted and inserted bytes', () => {
    const printable = ' :;,<>"\\\r\n\t@=/%[]abcSIP0123456789'.split('').map((c) => c.charCodeAt(0));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...printable), fc.constantFrom('set', 'del', 'ins')), {
          maxLength: 8,
        }),
        (which, edits) => {
          let b = Buffer.from(all[which]!);
          for (const [pos, ch, op] of edits) {
            const p = pos % (b.length || 1);
            if (op === 'set') b[p] = ch;
            else if (op === 'del') b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1)]);
            else b = Buffer.concat([b.subarray(0, p), Buffer.from([ch]), b.subarray(p)]);
          }
          const r = parseSipMessage(b);
          if (r.ok) {
            // and whatever parses also serializes and parses again to the same thing
            const again = parseSipMessage(serializeSipMessage(r.message));
            expect(again.ok).toBe(true);
            if (again.ok) expect(view(again.message)).toEqual(view(r.message));
            // every lazy accessor is total
            const m = r.message;
            void [
              m.contact,
              m.route,
              m.recordRoute,
              m.accept,
              m.allow,
              m.supported,
              m.wwwAuthenticate,
              m.authorization,
            ];
            void [m.event, m.referTo, m.rseq, m.rack, m.sessionExpires, m.minSE, m.expires, m.contentType];
          }
          new SipStreamFramer().push(b);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
