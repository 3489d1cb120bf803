import fc from 'fast-check';
import type { HostType, SipUri, TelUri, Uri } from '../../../codecs/sip/types';
import {
  escapePercent,
  formatHost,
  parseHostPort,
  parseUri,
  serializeUri,
  unescapePercent,
  uriEquals,
} from '../../../codecs/sip/uri';

/** Parses and insists on success. */
function p(text: string): Uri {
  const u = parseUri(text);
  if (u === undefined) throw new Error(`expected ${JSON.stringify(text)} to parse`);
  return u;
}

/** Parses and insists on a SIP/SIPS URI. */
function sip(text: string): SipUri {
  const u = p(text);
  if (u.kind !== 'sip') throw new Error(`expected ${JSON.stringify(text)} to be a SIP URI, got ${u.kind}`);
  return u;
}

/** Parses and insists on a tel URI. */
function tel(text: string): TelUri {
  const u = p(text);
  if (u.kind !== 'tel') throw new Error(`expected ${JSON.stringify(text)} to be a tel URI, got ${u.kind}`);
  return u;
}

function eq(a: string, b: string): boolean {
  const ua = p(a);
  const ub = p(b);
  const ab = uriEquals(ua, ub);
  // Equality is symmetric whatever the answer.
  expect(uriEquals(ub, ua)).toBe(ab);
  return ab;
}

function sipUri(fields: Partial<SipUri> & { host: string; hostType: HostType }): SipUri {
  return { kind: 'sip', scheme: 'sip', params: new Map(), headers: [], ...fields };
}

describe('RFC 3261 §19.1.3 example SIP and SIPS URIs', () => {
  test('sip:alice@atlanta.com', () => {
    expect(p('sip:alice@atlanta.com')).toEqual(
      sipUri({ user: 'alice', host: 'atlanta.com', hostType: 'domain' }),
    );
  });

  test('sip:alice:secretword@atlanta.com;transport=tcp', () => {
    expect(p('sip:alice:secretword@atlanta.com;transport=tcp')).toEqual(
      sipUri({
        user: 'alice',
        password: 'secretword',
        host: 'atlanta.com',
        hostType: 'domain',
        params: new Map([['transport', 'tcp']]),
      }),
    );
  });

  test('sips:alice@atlanta.com?subject=project%20x&priority=urgent', () => {
    expect(p('sips:alice@atlanta.com?subject=project%20x&priority=urgent')).toEqual(
      sipUri({
        scheme: 'sips',
        user: 'alice',
        host: 'atlanta.com',
        hostType: 'domain',
        headers: [
          ['subject', 'project x'],
          ['priority', 'urgent'],
        ],
      }),
    );
  });

  test('sip:+1-212-555-1212:1234@gateway.com;user=phone', () => {
    expect(p('sip:+1-212-555-1212:1234@gateway.com;user=phone')).toEqual(
      sipUri({
        user: '+1-212-555-1212',
        password: '1234',
        host: 'gateway.com',
        hostType: 'domain',
        params: new Map([['user', 'phone']]),
      }),
    );
  });

  test('sips:1212@gateway.com', () => {
    expect(p('sips:1212@gateway.com')).toEqual(
      sipUri({ scheme: 'sips', user: '1212', host: 'gateway.com', hostType: 'domain' }),
    );
  });

  test('sip:alice@192.0.2.4', () => {
    expect(p('sip:alice@192.0.2.4')).toEqual(sipUri({ user: 'alice', host: '192.0.2.4', hostType: 'ipv4' }));
  });

  test('sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com', () => {
    expect(p('sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com')).toEqual(
      sipUri({
        host: 'atlanta.com',
        hostType: 'domain',
        params: new Map([['method', 'REGISTER']]),
        headers: [['to', 'alice@atlanta.com']],
      }),
    );
  });

  test('sip:alice;day=tuesday@atlanta.com — ";" belongs to the user part before "@"', () => {
    const u = sip('sip:alice;day=tuesday@atlanta.com');
    expect(u.user).toBe('alice;day=tuesday');
    expect(u.params.size).toBe(0);
    expect(u.host).toBe('atlanta.com');
  });

  test('every example round-trips through serializeUri unchanged', () => {
    for (const text of [
      'sip:alice@atlanta.com',
      'sip:alice:secretword@atlanta.com;transport=tcp',
      'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:+1-212-555-1212:1234@gateway.com;user=phone',
      'sips:1212@gateway.com',
      'sip:alice@192.0.2.4',
      'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
      'sip:alice;day=tuesday@atlanta.com',
    ]) {
      expect(serializeUri(p(text))).toBe(text);
    }
  });
});

describe('RFC 3261 §19.1.4 URI comparison: the equal pairs', () => {
  test('sip:%61lice@atlanta.com;transport=TCP equals sip:alice@AtLanTa.CoM;Transport=tcp', () => {
    expect(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp')).toBe(true);
  });

  test('SIP:carol@chicago.com equals sip:carol@chicago.com;newparam=5 equals sip:carol@chicago.com;security=on', () => {
    expect(eq('SIP:carol@chicago.com', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(eq('SIP:carol@chicago.com', 'sip:carol@chicago.com;security=on')).toBe(true);
    expect(eq('sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on')).toBe(true);
  });

  test('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com equals the reordered form', () => {
    expect(
      eq(
        'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
        'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
      ),
    ).toBe(true);
  });

  test('sip:alice@atlanta.com?subject=project%20x&priority=urgent equals the header-reordered form', () => {
    expect(
      eq(
        'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
        'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
      ),
    ).toBe(true);
  });
});

describe('RFC 3261 §19.1.4 URI comparison: the not-equal pairs', () => {
  test('SIP:ALICE@AtLanTa.CoM;Transport=udp vs sip:alice@AtLanTa.CoM;Transport=UDP (different usernames)', () => {
    expect(eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP')).toBe(false);
  });

  test('sip:bob@biloxi.com vs sip:bob@biloxi.com:5060 (can resolve to different ports)', () => {
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060')).toBe(false);
  });

  test('sip:bob@biloxi.com vs sip:bob@biloxi.com;transport=udp (can resolve to different transports)', () => {
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp')).toBe(false);
  });

  test('sip:bob@biloxi.com vs sip:bob@biloxi.com:6000;transport=tcp (different port and transport)', () => {
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp')).toBe(false);
  });

  test('sip:carol@chicago.com vs sip:carol@chicago.com?Subject=next%20meeting (different header component)', () => {
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting')).toBe(false);
  });

  test('sip:bob@phone21.boxesbybob.com vs sip:bob@192.0.2.4 (a hostname never equals an IP address)', () => {
    expect(eq('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4')).toBe(false);
  });
});

describe('RFC 3261 §19.1.4 URI comparison: the rules', () => {
  test('"A SIP and SIPS URI are never equivalent."', () => {
    expect(eq('sip:alice@atlanta.com', 'sips:alice@atlanta.com')).toBe(false);
  });

  test('"Comparison of the userinfo of SIP and SIPS URIs is case-sensitive" — passwords too', () => {
    expect(eq('sip:alice:secret@atlanta.com', 'sip:alice:SECRET@atlanta.com')).toBe(false);
    expect(eq('sip:alice:secret@atlanta.com', 'sip:alice:secret@atlanta.com')).toBe(true);
  });

  test('escaped and unescaped unreserved characters are equivalent in userinfo, params and headers', () => {
    expect(eq('sip:al%69ce:p%61ss@atlanta.com', 'sip:alice:pass@atlanta.com')).toBe(true);
    expect(eq('sip:a@h;f%6Fo=b%61r', 'sip:a@h;foo=bar')).toBe(true);
    expect(eq('sip:a@h?Subj%65ct=x%79', 'sip:a@h?subject=xy')).toBe(true);
  });

  test('"A URI omitting the user component will not match a URI that includes one."', () => {
    expect(eq('sip:atlanta.com', 'sip:alice@atlanta.com')).toBe(false);
  });

  test('"A URI omitting the password component will not match a URI that includes one."', () => {
    expect(eq('sip:alice@atlanta.com', 'sip:alice:pw@atlanta.com')).toBe(false);
    expect(eq('sip:alice@atlanta.com', 'sip:alice:@atlanta.com')).toBe(false);
  });

  test('host comparison is case-insensitive', () => {
    expect(eq('sip:ATLANTA.com', 'sip:atlanta.COM')).toBe(true);
    const a = sipUri({ host: 'Atlanta.Com', hostType: 'domain' });
    const b = sipUri({ host: 'atlanta.com', hostType: 'domain' });
    expect(uriEquals(a, b)).toBe(true);
  });

  test('"For two URIs to be equal, the user, password, host, and port components must match."', () => {
    expect(eq('sip:alice@atlanta.com:5060', 'sip:alice@atlanta.com:5060')).toBe(true);
    expect(eq('sip:alice@atlanta.com:5060', 'sip:alice@atlanta.com:5061')).toBe(false);
    expect(eq('sip:alice@atlanta.com', 'sip:alice@biloxi.com')).toBe(false);
    expect(eq('sip:alice@192.0.2.4', 'sip:alice@192.0.2.5')).toBe(false);
  });

  test('"Any uri-parameter appearing in both URIs must match." (values case-insensitive)', () => {
    expect(eq('sip:a@h;foo=bar', 'sip:a@h;FOO=BAR')).toBe(true);
    expect(eq('sip:a@h;foo=bar', 'sip:a@h;foo=baz')).toBe(false);
    expect(eq('sip:a@h;lr', 'sip:a@h;lr=on')).toBe(false);
    expect(eq('sip:a@h;lr', 'sip:a@h;LR')).toBe(true);
  });

  test('"A user, ttl, or method uri-parameter appearing in only one URI never matches, even if it contains the default value."', () => {
    expect(eq('sip:a@h', 'sip:a@h;user=ip')).toBe(false);
    expect(eq('sip:a@h', 'sip:a@h;ttl=1')).toBe(false);
    expect(eq('sip:a@h', 'sip:a@h;method=INVITE')).toBe(false);
    expect(eq('sip:a@h;user=phone', 'sip:a@h')).toBe(false);
  });

  test('"A URI that includes an maddr parameter will not match a URI that contains no maddr parameter."', () => {
    expect(eq('sip:a@h;maddr=239.255.255.1', 'sip:a@h')).toBe(false);
    expect(eq('sip:a@h;maddr=239.255.255.1', 'sip:a@h;maddr=239.255.255.1')).toBe(true);
  });

  test('a transport parameter in only one URI never matches (default-value rule)', () => {
    expect(eq('sip:a@h;transport=udp', 'sip:a@h')).toBe(false);
  });

  test('"All other uri-parameters appearing in only one URI are ignored when comparing the URIs."', () => {
    expect(eq('sip:a@h;lr', 'sip:a@h')).toBe(true);
    expect(eq('sip:a@h;x=1;transport=tcp', 'sip:a@h;transport=TCP;y=2')).toBe(true);
  });

  test('"URI header components are never ignored." — present in both and matching, order irrelevant', () => {
    expect(eq('sip:a@h?x=1', 'sip:a@h')).toBe(false);
    expect(eq('sip:a@h?x=1', 'sip:a@h?X=1')).toBe(true);
    expect(eq('sip:a@h?x=1', 'sip:a@h?x=2')).toBe(false);
    expect(eq('sip:a@h?x=1&x=2', 'sip:a@h?x=2&x=1')).toBe(true);
    expect(eq('sip:a@h?x=1&x=1', 'sip:a@h?x=1&y=1')).toBe(false);
    expect(eq('sip:a@h?x=1&x=1', 'sip:a@h?x=1')).toBe(false);
  });

  test('"The ordering of parameters and header fields is not significant"', () => {
    expect(eq('sip:a@h;a=1;b=2?c=3&d=4', 'sip:a@h;b=2;a=1?d=4&c=3')).toBe(true);
  });

  test('a SIP URI never equals a tel or absolute URI', () => {
    expect(eq('sip:+12125551212@gw.example.com;user=phone', 'tel:+12125551212')).toBe(false);
    expect(eq('sip:a@h', 'urn:a@h')).toBe(false);
  });

  test('RFC 5954: IPv6 references compare by address, not by text', () => {
    expect(eq('sip:[2001:db8::9:01]', 'sip:[2001:DB8:0:0:0:0:9:1]')).toBe(true);
    expect(eq('sip:[::ffff:192.0.2.1]', 'sip:[::ffff:c000:201]')).toBe(true);
    expect(eq('sip:[2001:db8::9:1]', 'sip:[2001:db8::9:2]')).toBe(false);
    expect(eq('sip:[::ffff:192.0.2.1]', 'sip:192.0.2.1')).toBe(false);
  });
});

describe('RFC 3261 §25.1 grammar: scheme and userinfo', () => {
  test('scheme is case-insensitive and stored lower-case', () => {
    expect(sip('SIP:alice@atlanta.com').scheme).toBe('sip');
    expect(sip('SiPs:alice@atlanta.com').scheme).toBe('sips');
  });

  test('user = 1*( unreserved / escaped / user-unreserved ): "sip:@host" is invalid', () => {
    expect(parseUri('sip:@atlanta.com')).toBeUndefined();
    expect(parseUri('sip::pw@atlanta.com')).toBeUndefined();
  });

  test('user and password are stored unescaped', () => {
    const u = sip('sip:I%20have%20spaces:p%40ss@example.net');
    expect(u.user).toBe('I have spaces');
    expect(u.password).toBe('p@ss');
  });

  test('password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ): may be empty, no ";"', () => {
    expect(sip('sip:alice:@atlanta.com').password).toBe('');
    expect(parseUri('sip:alice:a;b@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:alice:a:b@atlanta.com')).toBeUndefined();
  });

  test('characters outside the user set must be escaped', () => {
    expect(parseUri('sip:al ice@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:al"ice@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:al<ice@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:al#ice@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:alicé@atlanta.com')).toBeUndefined();
  });

  test('a malformed escape or escaped non-UTF-8 bytes are invalid', () => {
    expect(parseUri('sip:al%6@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:al%zzice@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:%FF@atlanta.com')).toBeUndefined();
    expect(parseUri('sip:%C3@atlanta.com')).toBeUndefined();
  });

  test('escaped UTF-8 in the user part is decoded', () => {
    expect(sip('sip:%C3%A9l%C3%A8ve@example.com').user).toBe('élève');
    expect(sip('sip:%F0%9F%98%80@example.com').user).toBe('😀');
  });

  test('the userinfo ends at the first "@" ("@" is never literal after it)', () => {
    expect(parseUri('sip:a@b@c.com')).toBeUndefined();
    expect(sip('sip:a%40b@c.com').user).toBe('a@b');
    expect(parseUri('sip:c.com?to=a@b')?.kind).toBe('sip'); // the grammar reads user "c.com?to=a", host "b"
    expect(sip('sip:c.com?to=a@b').host).toBe('b');
  });
});

describe('RFC 3261 §25.1 grammar: host', () => {
  test('hostname is lower-cased; labels may hold "-" inside; optional trailing dot', () => {
    expect(sip('sip:Alice@AtLanTa.CoM').host).toBe('atlanta.com');
    expect(sip('sip:a@chair-dnrc.example.com').host).toBe('chair-dnrc.example.com');
    expect(sip('sip:a@example.com.').host).toBe('example.com.');
    expect(sip('sip:a@localhost').hostType).toBe('domain');
    expect(sip('sip:a@3com.com').host).toBe('3com.com');
  });

  test('hostname labels: no leading/trailing "-", no empty label, only alphanum and "-"', () => {
    for (const bad of [
      'sip:a@-atlanta.com',
      'sip:a@atlanta-.com',
      'sip:a@atlanta.-com',
      'sip:a@atlanta.com-',
      'sip:a@atlanta..com',
      'sip:a@.atlanta.com',
      'sip:a@.',
      'sip:a@atlanta.com..',
      'sip:a@at_lanta.com',
      'sip:a@atlänta.com',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });

  test('toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum: "1.2.3" and "example.123" are invalid', () => {
    expect(parseUri('sip:a@1.2.3')).toBeUndefined();
    expect(parseUri('sip:a@example.123')).toBeUndefined();
    expect(parseUri('sip:a@1.2.3.256')).toBeUndefined();
    expect(parseUri('sip:a@1.2.3.4.5')).toBeUndefined();
    expect(parseUri('sip:a@1234')).toBeUndefined();
  });

  test('IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT (octets 0-255)', () => {
    expect(sip('sip:a@0.0.0.0').hostType).toBe('ipv4');
    expect(sip('sip:a@255.255.255.255').hostType).toBe('ipv4');
    expect(sip('sip:a@10.0.0.1:5060').port).toBe(5060);
    expect(parseUri('sip:a@256.1.1.1')).toBeUndefined();
    expect(parseUri('sip:a@1.2.3.0004')).toBeUndefined();
  });

  test('IPv6reference = "[" IPv6address "]": stored without brackets, lower-cased', () => {
    const u = sip('sip:alice@[2001:DB8::10]:5070');
    expect(u.host).toBe('2001:db8::10');
    expect(u.hostType).toBe('ipv6');
    expect(u.port).toBe(5070);
    expect(serializeUri(u)).toBe('sip:alice@[2001:db8::10]:5070');
  });

  test('IPv6address forms: full, "::" compression anywhere, embedded IPv4', () => {
    for (const ok of [
      '2001:db8:0:0:0:0:0:1',
      '::',
      '::1',
      '1::',
      '2001:db8::',
      'fe80::1:2:3:4:5:6',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
      '1:2:3:4:5:6:1.2.3.4',
      '::1.2.3.4',
      '::ffff:192.0.2.1',
      '1::5:6:1.2.3.4',
      '2001:db8::9:255',
    ]) {
      expect(sip(`sip:[${ok}]`).host).toBe(ok);
    }
  });

  test('invalid IPv6 references are rejected', () => {
    for (const bad of [
      '[]',
      '[:]',
      '[:::]',
      '[1:2:3:4:5:6:7]',
      '[1:2:3:4:5:6:7:8:9]',
      '[1::2::3]',
      '[12345::1]',
      '[1:2:3:4:5:6:7:8::]',
      '[::1:2:3:4:5:6:7:8]',
      '[1:]',
      '[:1]',
      '[1::2:]',
      '[g::1]',
      '[::1.2.3]',
      '[::1.2.3.256]',
      '[1:2:3:4:5:6:7:1.2.3.4]',
      '[::1.2.3.4:5]',
      '[fe80::1%25eth0]',
      '[::1',
      '::1]',
    ]) {
      expect(parseUri(`sip:${bad}`)).toBeUndefined();
    }
  });
});

describe('RFC 3261 §25.1 grammar: port', () => {
  test('port = 1*DIGIT, 1-65535', () => {
    expect(sip('sip:a@h:1').port).toBe(1);
    expect(sip('sip:a@h:65535').port).toBe(65535);
    expect(sip('sip:a@h:05060').port).toBe(5060);
    expect(sip('sip:a@h').port).toBeUndefined();
  });

  test('an empty, non-numeric or out-of-range port is invalid', () => {
    for (const bad of [
      'sip:a@h:',
      'sip:a@h:0',
      'sip:a@h:65536',
      'sip:user@host:99999',
      'sip:a@h:99999999999999999999',
      'sip:a@h:-1',
      'sip:a@h:50x',
      'sip:a@h:5060:5060',
      'sip:a@h: 5060',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });
});

describe('RFC 3261 §25.1 grammar: uri-parameters', () => {
  test('names lower-cased, values unescaped, flags are null, first occurrence wins', () => {
    const u = sip('sip:a@h;Transport=TCP;LR;maddr=239.255.255.1;x=a%20b;transport=udp');
    expect([...u.params]).toEqual([
      ['transport', 'TCP'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
      ['x', 'a b'],
    ]);
  });

  test('paramchar = param-unreserved / unreserved / escaped — "[ ] / : & + $" allowed literally', () => {
    const u = sip("sip:a@h;x=[1]/:&+$-_.!~*'()");
    expect(u.params.get('x')).toBe("[1]/:&+$-_.!~*'()");
  });

  test('an empty value ";name=" is accepted as the empty string', () => {
    expect(sip('sip:a@h;x=').params.get('x')).toBe('');
  });

  test('an empty parameter name, a stray "=" or an illegal character is invalid', () => {
    for (const bad of [
      'sip:a@h;',
      'sip:a@h;;lr',
      'sip:a@h;=x',
      'sip:a@h;x=a=b',
      'sip:a@h;x=a"b',
      'sip:a@h;x=%G0',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });
});

describe('RFC 3261 §25.1 grammar: headers', () => {
  test('hname "=" hvalue pairs: names as written, values unescaped, kept in order', () => {
    const u = sip('sip:a@h?Subject=Hi%20there&Priority=urgent&Subject=again');
    expect(u.headers).toEqual([
      ['Subject', 'Hi there'],
      ['Priority', 'urgent'],
      ['Subject', 'again'],
    ]);
  });

  test('hvalue may be empty; hnv-unreserved "[ ] / ? : + $" allowed literally', () => {
    expect(sip('sip:a@h?body=').headers).toEqual([['body', '']]);
    expect(sip('sip:a@h?x=[a]/?:+$').headers).toEqual([['x', '[a]/?:+$']]);
  });

  test('a header without "=", an empty name, or a trailing "&" is invalid', () => {
    for (const bad of [
      'sip:a@h?',
      'sip:a@h?x',
      'sip:a@h?=1',
      'sip:a@h?x=1&',
      'sip:a@h?x=1&&y=2',
      'sip:a@h?x=a=b',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });

  test('parameters must come before headers', () => {
    expect(parseUri('sip:a@h?x=1;lr')).toBeUndefined();
  });
});

describe('whitespace is never trimmed', () => {
  test('leading, trailing or embedded whitespace makes the URI invalid', () => {
    for (const bad of [
      ' sip:a@h',
      'sip:a@h ',
      'sip:a@h\r\n',
      'sip:user@ho st',
      'sip: a@h',
      'sip:a @h',
      'sip:a@h;x= 1',
      'sip:a@h?x=1 ',
      'tel:+1 201',
      'urn:service: sos',
      'urn:service:sos\t',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });
});

describe('RFC 4475 torture-test URIs', () => {
  test('§3.1.1.2 intmeth: the wide range of valid characters in userinfo', () => {
    const u = sip(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    );
    expect(u.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(u.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(u.host).toBe('example.com');
  });

  test('§3.1.1.3 esc01: valid use of the % escaping mechanism', () => {
    expect(sip('sip:sips%3Auser%40example.com@example.net').user).toBe('sips:user@example.com');
    expect(sip('sip:%75se%72@example.com').user).toBe('user');
    expect(sip('sip:I%20have%20spaces@example.net').user).toBe('I have spaces');
    const c = sip('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
    expect(c.user).toBe('caller');
    expect([...c.params]).toEqual([
      ['lr', null],
      ['name', 'value%41'],
    ]);
    expect(serializeUri(c)).toBe('sip:caller@host5.example.net;lr;name=value%2541');
  });

  test('§3.1.1.4 escnull: escaped nulls in URIs are well formed', () => {
    const u = sip('sip:null-%00-null@example.com');
    expect(u.user).toBe('null-\u0000-null');
    expect(serializeUri(u)).toBe('sip:null-%00-null@example.com');
  });

  test('§3.1.1.9 semiuri: a semicolon-separated parameter in the userinfo ("@" escaped)', () => {
    const u = sip('sip:user;par=u%40example.net@example.com');
    expect(u.user).toBe('user;par=u@example.net');
    expect(u.host).toBe('example.com');
    expect(u.params.size).toBe(0);
  });

  test('§3.1.1.10 transports: varied and unknown transport types', () => {
    for (const t of ['udp', 'sctp', 'tls', 'UNKNOWN', 'tcp']) {
      expect(sip(`sip:user@example.com;transport=${t}`).params.get('transport')).toBe(t);
    }
  });

  test('§3.1.1.11 unkscm: unknown URI schemes are kept opaque', () => {
    expect(p('nobodyKnowsThisScheme:totallyopaquecontent')).toEqual({
      kind: 'absolute',
      scheme: 'nobodyknowsthisscheme',
      opaque: 'totallyopaquecontent',
    });
    expect(p('isbn:2983792873')).toEqual({ kind: 'absolute', scheme: 'isbn', opaque: '2983792873' });
  });

  test('§3.1.1.1 wsinv / longreq: unknown and long parameters', () => {
    const u = sip('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(u.params.get('unknownparam')).toBeNull();
    const long = 'amazinglylongcallername'.repeat(20);
    const v = sip(`sip:${long}@example.net;unknownparam=${long}`);
    expect(v.user).toBe(long);
  });

  test('§3.1.2.5 ltgtruri: a Request-URI with <> is not a URI', () => {
    expect(parseUri('<sip:user@example.com>')).toBeUndefined();
  });

  test('§3.1.2.6 lwsruri: embedded LWS in a Request-URI is invalid', () => {
    expect(parseUri('sip:user@example.com; lr')).toBeUndefined();
  });

  test('§3.1.2.11 escruri: escaped headers in a SIP URI', () => {
    const u = sip('sip:user@example.com?Route=%3Csip:example.com%3E');
    expect(u.headers).toEqual([['Route', '<sip:example.com>']]);
    expect(serializeUri(u)).toBe('sip:user@example.com?Route=%3Csip:example.com%3E');
  });

  test('scalar overflow: port 99999 and 65536 are invalid', () => {
    expect(parseUri('sip:user@host:99999')).toBeUndefined();
    expect(parseUri('sip:user@host129.example.com:65536')).toBeUndefined();
  });

  test('truncated URIs: "sip:user@", "sip:", "sips:" are invalid', () => {
    expect(parseUri('sip:user@')).toBeUndefined();
    expect(parseUri('sip:')).toBeUndefined();
    expect(parseUri('sips:')).toBeUndefined();
    expect(parseUri('sip')).toBeUndefined();
    expect(parseUri('')).toBeUndefined();
  });

  test('embedded space in the host: "sip:user@ho st" is invalid', () => {
    expect(parseUri('sip:user@ho st')).toBeUndefined();
  });
});

describe('RFC 5118 IPv6 torture tests', () => {
  test('§4.1 ipv6-good: sip:[2001:db8::10]', () => {
    expect(p('sip:[2001:db8::10]')).toEqual(sipUri({ host: '2001:db8::10', hostType: 'ipv6' }));
  });

  test('§4.2 ipv6-bad: sip:2001:db8::10 (no brackets) is invalid', () => {
    expect(parseUri('sip:2001:db8::10')).toBeUndefined();
  });

  test('§4.3 port-ambiguous: sip:[2001:db8::10:5070] is an address without port', () => {
    const u = sip('sip:[2001:db8::10:5070]');
    expect(u.host).toBe('2001:db8::10:5070');
    expect(u.port).toBeUndefined();
  });

  test('§4.4 port-unambiguous: sip:[2001:db8::10]:5070', () => {
    const u = sip('sip:[2001:db8::10]:5070');
    expect(u.host).toBe('2001:db8::10');
    expect(u.port).toBe(5070);
  });

  test('IPv4-mapped: sip:[::ffff:192.0.2.1]', () => {
    expect(sip('sip:[::ffff:192.0.2.1]')).toEqual(sipUri({ host: '::ffff:192.0.2.1', hostType: 'ipv6' }));
  });

  test('RFC 5954 ABNF correction: sip:[2001:db8::9:255] and sip:[2001:db8::9:1] parse', () => {
    expect(sip('sip:[2001:db8::9:255]').host).toBe('2001:db8::9:255');
    expect(sip('sip:[2001:db8::9:1]').host).toBe('2001:db8::9:1');
  });

  test('unterminated reference: sip:[2001:db8::10 is invalid', () => {
    expect(parseUri('sip:[2001:db8::10')).toBeUndefined();
    expect(parseUri('sip:user@[2001:db8::10:5070')).toBeUndefined();
  });
});

describe('RFC 3966 tel URIs', () => {
  test('global number with visual separators and parameters', () => {
    expect(p('tel:+1-201-555-0123;ext=1234;ISUB=foo')).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '+1-201-555-0123',
      params: new Map([
        ['ext', '1234'],
        ['isub', 'foo'],
      ]),
    });
  });

  test('local number with phone-context; scheme case-insensitive', () => {
    const u = tel('TEL:7042;phone-context=example.com');
    expect(u.scheme).toBe('tel');
    expect(u.number).toBe('7042');
    expect(u.params.get('phone-context')).toBe('example.com');
  });

  test('number characters: digits, hex digits, * # + - . ( )', () => {
    expect(tel('tel:*67#').number).toBe('*67#');
    expect(tel('tel:+1(201)555.0123').number).toBe('+1(201)555.0123');
    expect(tel('tel:ABCDef').number).toBe('ABCDef');
  });

  test('an empty number or an illegal character is invalid', () => {
    for (const bad of [
      'tel:',
      'tel:;ext=1',
      'tel:+1 201',
      'tel:+1/201',
      'tel:12x',
      'tel:+1;',
      'tel:+1?x=1',
    ]) {
      expect(parseUri(bad)).toBeUndefined();
    }
  });

  test('§4 comparison: visual separators ignored, parameters order-free and case-insensitive', () => {
    expect(eq('tel:+1-201-555-0123', 'tel:+1.201.555.0123')).toBe(true);
    expect(eq('tel:+1(201)5550123', 'tel:+12015550123')).toBe(true);
    expect(eq('tel:+12015550123;ext=1-2;isub=X', 'tel:+12015550123;ISUB=x;ext=12')).toBe(true);
    expect(eq('tel:7042;phone-context=Example.COM', 'tel:7042;phone-context=example.com')).toBe(true);
    expect(eq('tel:7042;phone-context=+1-201', 'tel:7042;phone-context=+1201')).toBe(true);
    expect(eq('tel:7042;phone-context=ex-ample.com', 'tel:7042;phone-context=example.com')).toBe(false);
    expect(eq('tel:abc', 'tel:ABC')).toBe(true);
  });

  test('§4 comparison: "If one URI has a parameter name not found in the other, the two URIs are not equal."', () => {
    expect(eq('tel:+12015550123', 'tel:+12015550123;ext=1')).toBe(false);
    expect(eq('tel:+12015550123;x', 'tel:+12015550123;x=1')).toBe(false);
  });

  test('§4 comparison: a global number never equals a local one', () => {
    expect(eq('tel:+7042;phone-context=example.com', 'tel:7042;phone-context=example.com')).toBe(false);
  });

  test('tel URIs round-trip', () => {
    for (const t of ['tel:+1-201-555-0123', 'tel:7042;phone-context=example.com', 'tel:+1;x;y=a%20b']) {
      expect(serializeUri(p(t))).toBe(t);
    }
  });
});

describe('RFC 3986 absolute URIs (other schemes)', () => {
  test('urn:service:sos', () => {
    expect(p('urn:service:sos')).toEqual({ kind: 'absolute', scheme: 'urn', opaque: 'service:sos' });
  });

  test('http://example.com/x — scheme lower-cased, opaque kept as written', () => {
    expect(p('HTTP://Example.com/X')).toEqual({
      kind: 'absolute',
      scheme: 'http',
      opaque: '//Example.com/X',
    });
    expect(serializeUri(p('HTTP://Example.com/X'))).toBe('http://Example.com/X');
  });

  test('scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )', () => {
    expect(p('a+b-c.d9:x')).toEqual({ kind: 'absolute', scheme: 'a+b-c.d9', opaque: 'x' });
    expect(p('sipx:foo').kind).toBe('absolute');
    expect(p('sips2:foo').kind).toBe('absolute');
    expect(parseUri('9ab:x')).toBeUndefined();
    expect(parseUri(':x')).toBeUndefined();
    expect(parseUri('a_b:x')).toBeUndefined();
    expect(parseUri('noscheme')).toBeUndefined();
  });

  test('the opaque part is non-empty and has no whitespace or control characters', () => {
    expect(parseUri('urn:')).toBeUndefined();
    expect(parseUri('urn:a b')).toBeUndefined();
    expect(parseUri('urn:a\u0000b')).toBeUndefined();
    expect(parseUri('urn:a\u007fb')).toBeUndefined();
    expect(parseUri('urn:a\u00a0b')).toBeUndefined();
    expect(parseUri('urn:a\u2028b')).toBeUndefined();
  });

  test('comparison: same scheme (case-insensitive) and identical opaque part', () => {
    expect(eq('urn:service:sos', 'URN:service:sos')).toBe(true);
    expect(eq('urn:service:sos', 'urn:service:SOS')).toBe(false);
    expect(eq('urn:service:sos', 'urx:service:sos')).toBe(false);
  });
});

describe('serializeUri canonical form', () => {
  test('escapes what its position does not allow, with upper-case hex and UTF-8 bytes', () => {
    const u = sipUri({
      user: 'a b@c:d%é',
      password: 'p;w@',
      host: 'example.com',
      hostType: 'domain',
      params: new Map<string, string | null>([
        ['x y', 'a=b;c'],
        ['lr', null],
      ]),
      headers: [['Sub ject', 'a&b=c😀']],
    });
    expect(serializeUri(u)).toBe(
      'sip:a%20b%40c%3Ad%25%C3%A9:p%3Bw%40@example.com;x%20y=a%3Db%3Bc;lr?Sub%20ject=a%26b%3Dc%F0%9F%98%80',
    );
    expect(parseUri(serializeUri(u))).toStrictEqual(u);
  });

  test('canonicalizes case and escapes', () => {
    expect(serializeUri(p('SIP:%61lice@AtLanTa.CoM;Transport=TCP?Subject=a%2fb'))).toBe(
      'sip:alice@atlanta.com;transport=TCP?Subject=a/b',
    );
  });

  test('IPv6 host in brackets, port when set', () => {
    expect(serializeUri(sipUri({ scheme: 'sips', host: '::1', hostType: 'ipv6', port: 5061 }))).toBe(
      'sips:[::1]:5061',
    );
    expect(serializeUri(sipUri({ host: '192.0.2.4', hostType: 'ipv4' }))).toBe('sip:192.0.2.4');
  });

  test('a lone surrogate, which has no UTF-8 form, is written as U+FFFD', () => {
    expect(serializeUri(sipUri({ user: 'a\ud800b', host: 'h', hostType: 'domain' }))).toBe(
      'sip:a%EF%BF%BDb@h',
    );
  });
});

describe('parseHostPort and formatHost (Via sent-by)', () => {
  test('host [ ":" port ] with all three host types', () => {
    expect(parseHostPort('Example.COM:5060')).toEqual({
      host: 'example.com',
      hostType: 'domain',
      port: 5060,
    });
    expect(parseHostPort('example.com')).toEqual({ host: 'example.com', hostType: 'domain' });
    expect(parseHostPort('192.0.2.4')).toEqual({ host: '192.0.2.4', hostType: 'ipv4' });
    expect(parseHostPort('192.0.2.4:5070')).toEqual({ host: '192.0.2.4', hostType: 'ipv4', port: 5070 });
    expect(parseHostPort('[2001:DB8::1]:5070')).toEqual({
      host: '2001:db8::1',
      hostType: 'ipv6',
      port: 5070,
    });
    expect(parseHostPort('[::1]')).toEqual({ host: '::1', hostType: 'ipv6' });
  });

  test('anything else is invalid', () => {
    for (const bad of [
      '',
      ':5060',
      'host:',
      'host:0',
      'host:65536',
      'host;x',
      'host ',
      ' host',
      '2001:db8::1',
      '[2001:db8::1',
      '[2001:db8::1]5060',
      '1.2.3',
      'a@b',
    ]) {
      expect(parseHostPort(bad)).toBeUndefined();
    }
  });

  test('formatHost adds brackets for IPv6 only', () => {
    expect(formatHost('2001:db8::1', 'ipv6')).toBe('[2001:db8::1]');
    expect(formatHost('192.0.2.4', 'ipv4')).toBe('192.0.2.4');
    expect(formatHost('atlanta.com', 'domain')).toBe('atlanta.com');
  });
});

describe('unescapePercent and escapePercent', () => {
  test('decodes %XX (either hex case) and UTF-8 sequences', () => {
    expect(unescapePercent('project%20x')).toBe('project x');
    expect(unescapePercent('%2f%2F')).toBe('//');
    expect(unescapePercent('%C3%A9t%C3%A9')).toBe('été');
    expect(unescapePercent('%E2%82%AC')).toBe('€');
    expect(unescapePercent('%F0%9F%98%80')).toBe('😀');
    expect(unescapePercent('plain')).toBe('plain');
    expect(unescapePercent('')).toBe('');
  });

  test('a bad %-sequence or ill-formed UTF-8 gives undefined', () => {
    for (const bad of [
      '%',
      '%4',
      'a%zz',
      '%FF',
      '%80',
      '%C3',
      '%C3%41',
      '%C0%AF', // overlong '/'
      '%E0%80%AF', // overlong
      '%ED%A0%80', // UTF-16 surrogate
      '%F4%90%80%80', // above U+10FFFF
      '%F0%9F%98',
    ]) {
      expect(unescapePercent(bad)).toBeUndefined();
    }
  });

  test('escapePercent leaves allowed characters, escapes the rest per component', () => {
    expect(escapePercent('alice smith', 'user')).toBe('alice%20smith');
    expect(escapePercent('+1-212;x=y?/', 'user')).toBe('+1-212;x=y?/');
    expect(escapePercent('a;b', 'password')).toBe('a%3Bb');
    expect(escapePercent('a:b=c', 'param')).toBe('a:b%3Dc');
    expect(escapePercent('a?b&c', 'header')).toBe('a?b%26c');
    expect(escapePercent('100%', 'header')).toBe('100%25');
    expect(escapePercent('é', 'param')).toBe('%C3%A9');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Characters that stress the escaping rules. */
const oddChar = fc.constantFrom(
  '@',
  ' ',
  ':',
  ';',
  '?',
  '&',
  '=',
  '%',
  '/',
  '#',
  '<',
  '>',
  '"',
  '[',
  ']',
  '+',
  '$',
  ',',
  '\u0000',
  '\r',
  '\n',
  'é',
  '€',
  '😀',
  '\u00a0',
);
const unitChar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: oddChar },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const oddString = (minLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: unitChar, minLength, maxLength: 12 });

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const topLabel = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const domainHost = fc
  .tuple(fc.array(label, { maxLength: 3 }), topLabel, fc.boolean())
  .map(([labels, top, dot]) => [...labels, top].join('.') + (dot ? '.' : ''));

const hostArb: fc.Arbitrary<{ host: string; hostType: HostType }> = fc.oneof(
  domainHost.map((host) => ({ host, hostType: 'domain' as const })),
  fc.ipV4().map((host) => ({ host, hostType: 'ipv4' as const })),
  fc.ipV6().map((host) => ({ host: host.toLowerCase(), hostType: 'ipv6' as const })),
);

const paramName = oddString(1)
  .map((s) => s.toLowerCase())
  .filter((s) => s.length > 0 && s === s.toLowerCase());

const sipUriArb: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    userinfo: fc.option(fc.tuple(oddString(1), fc.option(oddString(0), { nil: undefined })), {
      nil: undefined,
    }),
    host: hostArb,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: fc.uniqueArray(fc.tuple(paramName, fc.option(oddString(0), { nil: null })), {
      selector: ([name]) => name,
      maxLength: 4,
    }),
    headers: fc.array(fc.tuple(oddString(1), oddString(0)), { maxLength: 3 }),
  })
  .map(({ scheme, userinfo, host, port, params, headers }) => {
    const u: SipUri = {
      kind: 'sip',
      scheme,
      host: host.host,
      hostType: host.hostType,
      params: new Map(params),
      headers,
    };
    if (userinfo) {
      u.user = userinfo[0];
      if (userinfo[1] !== undefined) u.password = userinfo[1];
    }
    if (port !== undefined) u.port = port;
    return u;
  });

const telUriArb: fc.Arbitrary<TelUri> = fc
  .record({
    number: fc.string({ unit: fc.constantFrom(...'0123456789aF*#+-.()'), minLength: 1, maxLength: 15 }),
    params: fc.uniqueArray(fc.tuple(paramName, fc.option(oddString(0), { nil: null })), {
      selector: ([name]) => name,
      maxLength: 3,
    }),
  })
  .map(({ number, params }) => ({
    kind: 'tel' as const,
    scheme: 'tel' as const,
    number,
    params: new Map(params),
  }));

const SEEDS = [
  'sip:alice@atlanta.com',
  'sip:alice:secretword@atlanta.com;transport=tcp',
  'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
  'sip:+1-212-555-1212:1234@gateway.com;user=phone',
  'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
  'sip:user;par=u%40example.net@example.com',
  'sip:[2001:db8::10]:5070',
  'sip:[::ffff:192.0.2.1];lr',
  'sip:%C3%A9@192.0.2.4:5060;maddr=239.1.1.1',
  'tel:+1-201-555-0123;ext=1234',
  'urn:service:sos',
];
const MUTATION_CHARS = '@:;?&=%[]./-+ \u0000\uD800é9aZ';

/** Random point mutations (insert / delete / replace) of a valid URI. */
const mutatedUri = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(fc.constantFrom('insert', 'delete', 'replace'), fc.nat(), fc.constantFrom(...MUTATION_CHARS)),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, edits]) => {
    let s = seed;
    for (const [op, pos, ch] of edits) {
      const i = s.length === 0 ? 0 : pos % (s.length + 1);
      if (op === 'insert') s = s.slice(0, i) + ch + s.slice(i);
      else if (op === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + ch + s.slice(i + 1);
    }
    return s;
  });

/** Every code unit, lone surrogates included. */
const anyCodeUnitString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

describe('properties', () => {
  test('parseUri never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          anyCodeUnitString,
          fc.string().map((s) => 'sip:' + s),
          fc.string({ unit: 'binary' }).map((s) => 'sips:' + s),
          anyCodeUnitString.map((s) => 'tel:' + s),
          anyCodeUnitString.map((s) => 'sip:a@' + s),
        ),
        (s) => {
          expect(() => parseUri(s)).not.toThrow();
          expect(() => parseHostPort(s)).not.toThrow();
          expect(() => unescapePercent(s)).not.toThrow();
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('parseUri never throws on mutations of valid URIs, and whatever parses round-trips', () => {
    fc.assert(
      fc.property(mutatedUri, (s) => {
        const u = parseUri(s);
        if (u !== undefined) {
          const text = serializeUri(u);
          const again = parseUri(text);
          expect(again).toStrictEqual(u);
          expect(serializeUri(again!)).toBe(text);
          expect(uriEquals(u, again!)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('round trip: parseUri(serializeUri(u)) deep-equals u for generated SIP URIs', () => {
    fc.assert(
      fc.property(sipUriArb, (u) => {
        const text = serializeUri(u);
        const back = parseUri(text);
        expect(back).toStrictEqual(u);
        expect(back !== undefined && uriEquals(back, u)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('round trip: parseUri(serializeUri(u)) deep-equals u for generated tel URIs', () => {
    fc.assert(
      fc.property(telUriArb, (u) => {
        expect(parseUri(serializeUri(u))).toStrictEqual(u);
      }),
      { numRuns: 500 },
    );
  });

  test('serialized SIP URIs contain only printable ASCII', () => {
    fc.assert(
      fc.property(sipUriArb, (u) => {
        expect(serializeUri(u)).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 500 },
    );
  });

  test('uriEquals is reflexive and symmetric', () => {
    fc.assert(
      fc.property(sipUriArb, sipUriArb, (a, b) => {
        expect(uriEquals(a, a)).toBe(true);
        expect(uriEquals(a, b)).toBe(uriEquals(b, a));
      }),
      { numRuns: 500 },
    );
  });

  test('uriEquals ignores parameter and header order', () => {
    fc.assert(
      fc.property(sipUriArb, (u) => {
        const shuffled: SipUri = {
          ...u,
          params: new Map([...u.params].reverse()),
          headers: [...u.headers].reverse(),
        };
        expect(uriEquals(u, shuffled)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('parseHostPort agrees with the host and port parseUri finds', () => {
    fc.assert(
      fc.property(hostArb, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (h, port) => {
        const text = formatHost(h.host, h.hostType) + (port === undefined ? '' : ':' + port);
        const r = parseHostPort(text);
        expect(r).toEqual(port === undefined ? h : { ...h, port });
        const u = sip('sip:' + text);
        expect([u.host, u.hostType, u.port]).toEqual([h.host, h.hostType, port]);
      }),
      { numRuns: 500 },
    );
  });

  test('escapePercent / unescapePercent round-trip any well-formed string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('user' as const, 'password' as const, 'param' as const, 'header' as const),
        (s, component) => {
          expect(unescapePercent(escapePercent(s, component))).toBe(s);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
