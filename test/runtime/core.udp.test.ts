/**
 * The transaction layer over real UDP sockets on 127.0.0.1: routing, core answers, absorption
 * of retransmissions, client timeouts, crash isolation, registry cleanup.
 */
import { SimulatedClock } from 'xstate';
import { createRequest } from '../../codecs/sip';
import { UdpTransport } from '../../actors/transport/udp';
import { SipCore, type ServerTransaction, type TransactionUser } from '../../runtime/core';
import {
  createParrot,
  defaultTransactionUser,
  TransactionTimeoutError,
  type Parrot,
} from '../../runtime/parrot';
import { Supervisor } from '../../runtime/supervisor';
import { request, sipText, UdpPeer } from '../helpers/udpPeer';

describe('Parrot over UDP with the default transaction user', () => {
  let parrot: Parrot;
  let peer: UdpPeer;
  let port: number;

  beforeEach(async () => {
    parrot = await createParrot({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    port = parrot.addresses[0]!.port;
    peer = await UdpPeer.open();
  });
  afterEach(async () => {
    await parrot.stop();
    await peer.close();
  });

  it('answers OPTIONS with 200 carrying Allow, Accept and the request identifiers', async () => {
    peer.send(request('OPTIONS', peer.port, { callId: 'opt-1' }), port);
    await peer.waitFor(1);
    const res = peer.received[0]!.message!;
    expect(res.type === 'response' && res.status).toBe(200);
    expect(res.callId).toBe('opt-1');
    expect(res.allow).toEqual(['ACK', 'CANCEL', 'BYE', 'OPTIONS']);
    expect(res.get('accept')).toBe('application/sdp');
    expect(res.toTag).toBeDefined();
  });

  it('§18.2.1 / RFC 3581: the response carries received and rport and goes to the source port', async () => {
    // The Via claims port 9 and a different host; rport makes the response come back to us anyway.
    const text = request('OPTIONS', 9, { callId: 'rport-1' }).replace(
      'Via: SIP/2.0/UDP 127.0.0.1:9',
      'Via: SIP/2.0/UDP peer.invalid:9',
    );
    peer.send(text, port);
    await peer.waitFor(1);
    const via = peer.received[0]!.message!.topVia!;
    expect(via.params.get('received')).toBe('127.0.0.1');
    expect(via.params.get('rport')).toBe(String(peer.port));
  });

  it('§17.2.2: a retransmitted non-INVITE request is absorbed and the response replayed', async () => {
    const calls: string[] = [];
    parrot.core.tu = {
      onRequest(tx) {
        calls.push(tx.request.method);
        tx.reply(200);
      },
    };
    const text = request('OPTIONS', peer.port, { branch: 'z9hG4bKretrans1', callId: 'retrans-1' });
    peer.send(text, port);
    await peer.waitFor(1);
    peer.send(text, port);
    await peer.waitFor(2);
    expect(calls).toEqual(['OPTIONS']);
    expect(peer.received[1]!.text).toBe(peer.received[0]!.text);
    expect(parrot.stats.retransmissionsAbsorbed).toBe(1);
  });

  it('§8.2.1: a method the core does not serve gets 405 with Allow', async () => {
    peer.send(request('SUBSCRIBE', peer.port), port);
    await peer.waitFor(1);
    const res = peer.received[0]!.message!;
    expect(res.type === 'response' && res.status).toBe(405);
    expect(res.allow).toContain('OPTIONS');
  });

  it('Max-Forwards 0 on a request other than OPTIONS gets 483', async () => {
    peer.send(request('MESSAGE', peer.port).replace('Max-Forwards: 70', 'Max-Forwards: 0'), port);
    await peer.waitFor(1);
    expect(
      peer.received[0]!.message!.type === 'response' &&
        (peer.received[0]!.message as { status: number }).status,
    ).toBe(483);
  });

  it('§8.2.2.3: an unsupported Require gets 420 with Unsupported', async () => {
    peer.send(request('MESSAGE', peer.port, { extra: ['Require: 100rel, foo'] }), port);
    await peer.waitFor(1);
    const res = peer.received[0]!.message!;
    expect(res.type === 'response' && res.status).toBe(420);
    expect(res.unsupported).toEqual(['100rel', 'foo']);
  });

  it('§8.2.2.1: an unsupported URI scheme gets 416', async () => {
    peer.send(request('MESSAGE', peer.port, { uri: 'urn:service:sos' }), port);
    await peer.waitFor(1);
    expect((peer.received[0]!.message as { status: number }).status).toBe(416);
  });

  it('a missing mandatory header gets 400 with a reason phrase naming it', async () => {
    const text = request('OPTIONS', peer.port).replace(/Call-ID: .*\r\n/, '');
    peer.send(text, port);
    await peer.waitFor(1);
    expect(peer.received[0]!.text.split('\r\n')[0]).toBe('SIP/2.0 400 missing Call-ID');
  });

  it('a bad CSeq gets 400', async () => {
    peer.send(request('OPTIONS', peer.port).replace(/CSeq: .*\r\n/, 'CSeq: 99999999999 OPTIONS\r\n'), port);
    await peer.waitFor(1);
    expect(peer.received[0]!.text).toMatch(/^SIP\/2.0 400 malformed CSeq/);
  });

  it('another SIP version gets 505', async () => {
    peer.send(request('OPTIONS', peer.port).replace('SIP/2.0\r\n', 'SIP/3.0\r\n'), port);
    await peer.waitFor(1);
    expect(peer.received[0]!.text).toMatch(/^SIP\/2.0 505 /);
  });

  it('garbage without enough headers to answer is counted and dropped; the process goes on', async () => {
    peer.send(Buffer.from([0, 1, 2, 3, 255, 254]), port);
    peer.send('INVITE\r\n\r\n', port);
    peer.send(request('OPTIONS', peer.port, { callId: 'after-garbage' }), port);
    await peer.waitFor(1);
    await peer.settle();
    expect(peer.received).toHaveLength(1);
    expect(peer.received[0]!.message!.callId).toBe('after-garbage');
    expect(parrot.stats.dropped).toBe(2);
    expect(parrot.stats.parseErrors).toBe(2);
  });

  it('§9.2: a CANCEL that matches no transaction gets 481', async () => {
    peer.send(request('CANCEL', peer.port), port);
    await peer.waitFor(1);
    expect((peer.received[0]!.message as { status: number }).status).toBe(481);
  });

  it('§9.2: CANCEL of a pending INVITE: 200 to the CANCEL, 487 to the INVITE', async () => {
    parrot.core.tu = { onRequest: () => undefined }; // never answers the INVITE itself
    const branch = 'z9hG4bKcancel1';
    peer.send(request('INVITE', peer.port, { branch, callId: 'cancel-1' }), port);
    await peer.settle(20);
    peer.send(request('CANCEL', peer.port, { branch, callId: 'cancel-1' }), port);
    await peer.waitFor(2);
    const statuses = peer.received.map(
      (r) => `${(r.message as { status: number }).status} ${r.message!.cseq.method}`,
    );
    expect(statuses).toContain('200 CANCEL');
    expect(statuses).toContain('487 INVITE');
  });

  it('parrot.request: OPTIONS from one Parrot to another resolves with the 200', async () => {
    const other = await createParrot({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    try {
      const res = await parrot.request('OPTIONS', `sip:x@127.0.0.1:${other.addresses[0]!.port}`);
      expect(res.status).toBe(200);
      expect(res.cseq.method).toBe('OPTIONS');
    } finally {
      await other.stop();
    }
  });
});

describe('timers over real sockets, time driven by a SimulatedClock', () => {
  async function simulatedCore(tu?: TransactionUser) {
    const clock = new SimulatedClock();
    const supervisor = new Supervisor({ clock });
    const core: SipCore = new SipCore({ supervisor }, tu ?? defaultTransactionUser(() => core));
    const t: UdpTransport = await UdpTransport.bind({ host: '127.0.0.1', port: 0 }, (d, s) =>
      core.receive(d, s, t),
    );
    core.addTransport(t);
    return { core, clock, port: t.local.port };
  }

  it('§17.1.2.2: a client non-INVITE transaction against a silent peer retransmits per Timer E and times out with Timer F', async () => {
    const { core, clock } = await simulatedCore();
    const silent = await UdpPeer.open();
    try {
      const req = createRequest({
        method: 'OPTIONS',
        uri: `sip:silent@127.0.0.1:${silent.port}`,
        from: 'sip:p@127.0.0.1',
        to: 'sip:silent@127.0.0.1',
      });
      let timedOut = false;
      core.sendRequest(
        req,
        { address: '127.0.0.1', port: silent.port },
        { onTimeout: () => (timedOut = true) },
      );
      // Retransmissions at 0, 0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s (T1 doubling, capped at T2): 11 sends.
      for (let ms = 0; ms < 32000; ms += 250) {
        clock.increment(250);
      }
      await silent.waitFor(11);
      await silent.settle();
      expect(silent.received).toHaveLength(11);
      expect(new Set(silent.received.map((r) => r.text)).size).toBe(1);
      expect(timedOut).toBe(true);
      expect(core.registry.isEmpty).toBe(true);
    } finally {
      await silent.close();
      await core.close();
    }
  });

  it('the registry is empty once traffic ends and Timer J has fired', async () => {
    const { core, clock, port } = await simulatedCore();
    const peer = await UdpPeer.open();
    try {
      for (let i = 0; i < 20; i++) peer.send(request('OPTIONS', peer.port, { callId: `empty-${i}` }), port);
      await peer.waitFor(20);
      expect(core.registry.serverTransactions.size).toBe(20);
      clock.increment(32000); // Timer J = 64·T1
      expect(core.registry.isEmpty).toBe(true);
      expect(core.supervisor.size).toBe(0);
    } finally {
      await peer.close();
      await core.close();
    }
  });

  it('a transaction that throws is answered 500 and no other transaction is touched', async () => {
    const pending: ServerTransaction[] = [];
    const { core, port } = await simulatedCore({
      onRequest(tx) {
        pending.push(tx);
      },
    });
    const peer = await UdpPeer.open();
    try {
      for (let i = 0; i < 5; i++) peer.send(request('MESSAGE', peer.port, { callId: `crash-${i}` }), port);
      await peer.settle(100);
      expect(pending).toHaveLength(5);
      // A bug reaches one transaction actor: an event it cannot handle makes its machine throw.
      (pending[2] as unknown as { actor: { send(e: unknown): void } }).actor.send({
        type: 'tu.respond',
        response: null,
      });
      for (const [i, tx] of pending.entries()) if (i !== 2) tx.reply(202);
      await peer.waitFor(5);
      const byCall = new Map(
        peer.received.map((r) => [r.message!.callId, (r.message as { status: number }).status]),
      );
      expect(byCall.get('crash-2')).toBe(500);
      for (const i of [0, 1, 3, 4]) expect(byCall.get(`crash-${i}`)).toBe(202);
      expect(core.stats.crashes).toBe(1);
      expect(core.supervisor.stats.crashed).toBe(1);
    } finally {
      await peer.close();
      await core.close();
    }
  });
});

describe('client transactions', () => {
  it('TransactionTimeoutError carries the 408 a TU should report', async () => {
    const parrot = await createParrot({
      transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      timers: { t1: 5, t2: 20 },
    });
    const silent = await UdpPeer.open();
    try {
      const err = await parrot.request('OPTIONS', `sip:s@127.0.0.1:${silent.port}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransactionTimeoutError);
      expect((err as TransactionTimeoutError).status).toBe(408);
    } finally {
      await silent.close();
      await parrot.stop();
    }
  });

  it('builds request text the peer can parse', () => {
    expect(sipText(['OPTIONS sip:a@b SIP/2.0'])).toBe('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n');
  });
});

describe('§8.2.7 stateless responses', () => {
  it('the same malformed request gets the same To tag each time; another request gets another', async () => {
    const parrot = await createParrot({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    const peer = await UdpPeer.open();
    try {
      const port = parrot.addresses[0]!.port;
      const bad = request('OPTIONS', peer.port, { branch: 'z9hG4bKsame1' }).replace(/From: .*\r\n/, '');
      peer.send(bad, port);
      peer.send(bad, port);
      peer.send(request('OPTIONS', peer.port, { branch: 'z9hG4bKother1' }).replace(/From: .*\r\n/, ''), port);
      await peer.waitFor(3);
      const tags = peer.received.map((r) => /To: .*;tag=([^\r;]+)/.exec(r.text)?.[1]);
      expect(tags[0]).toBeDefined();
      expect(tags[1]).toBe(tags[0]);
      expect(tags[2]).not.toBe(tags[0]);
    } finally {
      await peer.close();
      await parrot.stop();
    }
  });
});
