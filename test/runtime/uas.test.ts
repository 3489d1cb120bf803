/**
 * Parrot as a UAS over real UDP on 127.0.0.1, driven by a raw peer playing the caller:
 * dialogs (RFC 3261 §12–§15), the handler API, CANCEL, crash isolation, graceful stop.
 */
import { createParrot, type ParrotOptions } from '../../runtime/parrot';
import type { Call, Handler } from '../../runtime/handler';
import type { SipResponse, SipRequest } from '../../codecs/sip';
import { request, sipText, UdpPeer } from '../helpers/udpPeer';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

async function setup(handler: Handler, extra: Partial<ParrotOptions> = {}) {
  const parrot = await createParrot({
    transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
    handler,
    logger: { warn: () => undefined, error: () => undefined },
    stopTimeout: 200,
    ...extra,
  });
  const peer = await UdpPeer.open();
  return { parrot, peer, port: parrot.addresses[0]!.port };
}

function invite(peerPort: number, callId: string, branch = 'z9hG4bKinv' + callId, cseq = 1): string {
  return request('INVITE', peerPort, {
    callId,
    branch,
    cseq,
    extra: [`Contact: <sip:peer@127.0.0.1:${peerPort}>`, 'Content-Type: application/sdp'],
  }).replace(/Content-Length: 0\r\n\r\n$/, `Content-Length: ${SDP.length}\r\n\r\n${SDP}`);
}

function inDialog(
  method: string,
  peerPort: number,
  res: SipResponse,
  cseq: number,
  extra: string[] = [],
  body = '',
): string {
  return sipText(
    [
      `${method} sip:parrot@127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bK${method}${cseq}${Math.random().toString(36).slice(2)};rport`,
      'Max-Forwards: 70',
      `To: ${res.get('to')!}`,
      `From: ${res.get('from')!}`,
      `Call-ID: ${res.callId}`,
      `CSeq: ${cseq} ${method}`,
      ...extra,
    ],
    body,
  );
}

/** How far each peer's datagrams have been looked at, so each wait finds the next match. */
const cursor = new WeakMap<UdpPeer, number>();

async function untilStatus(peer: UdpPeer, status: number, method?: string): Promise<SipResponse> {
  for (let n = (cursor.get(peer) ?? 0) + 1; n < 400; n++) {
    await peer.waitFor(n);
    const m = peer.received[n - 1]!.message as SipResponse;
    if (m.type === 'response' && m.status === status && (!method || m.cseq.method === method)) {
      cursor.set(peer, n);
      return m;
    }
  }
  throw new Error(`no ${status}`);
}

async function untilRequest(peer: UdpPeer, method: string): Promise<SipRequest> {
  for (let n = 1; n < 200; n++) {
    await peer.waitFor(n);
    const m = peer.received[n - 1]!.message as SipRequest;
    if (m.type === 'request' && m.method === method) return m;
  }
  throw new Error(`no ${method}`);
}

function replyTo(req: SipRequest, status: number): string {
  const lines = [`SIP/2.0 ${status} OK`];
  for (const h of req.headers)
    if (['via', 'from', 'to', 'call-id', 'cseq'].includes(h.key)) lines.push(`${h.name}: ${h.value}`);
  return sipText(lines);
}

describe('UAS calls', () => {
  let ctx: Awaited<ReturnType<typeof setup>> | undefined;
  afterEach(async () => {
    await ctx?.parrot.stop();
    await ctx?.peer.close();
    ctx = undefined;
  });

  it('basic call: INVITE → 180 → 200 (SDP) → ACK → BYE → 200; handler sees it all and the registry empties', async () => {
    const seen: string[] = [];
    ctx = await setup({
      async onInvite(call) {
        seen.push(`invite ${call.remoteSdp ? 'with sdp' : 'no sdp'}`);
        await call.ring();
        await call.answer(SDP);
        seen.push('answered');
      },
      onAck: () => void seen.push('ack'),
      onCallStart: () => void seen.push('start'),
      onBye: (_c, bye) => void seen.push(bye.method.toLowerCase()),
      onCallEnd: (_c, reason) => void seen.push(`end ${reason}`),
    });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'basic-1'), port);
    const ringing = await untilStatus(peer, 180);
    expect(ringing.toTag).toBeDefined();
    const ok = await untilStatus(peer, 200, 'INVITE');
    expect(ok.toTag).toBe(ringing.toTag);
    expect(ok.body.toString()).toBe(SDP);
    expect(ok.contact).toHaveLength(1);
    expect(parrot.calls.map((c) => c.state)).toEqual(['waitingForAck']);
    peer.send(inDialog('ACK', peer.port, ok, 1), port);
    await peer.settle(30);
    expect(parrot.calls.map((c) => c.state)).toEqual(['inCall']);
    peer.send(inDialog('BYE', peer.port, ok, 2), port);
    const byeOk = await untilStatus(peer, 200, 'BYE');
    expect(byeOk.toTag).toBe(ok.toTag);
    await peer.settle(30);
    expect(seen).toEqual(['invite with sdp', 'ack', 'start', 'answered', 'bye', 'end bye']);
    expect(parrot.calls).toEqual([]);
    expect(parrot.core.registry.dialogs.size).toBe(0);
    expect(parrot.core.registry.calls.size).toBe(0);
  });

  it('a returned decision answers: { status: 486 } → 486 Busy Here, and ACK is absorbed by the transaction', async () => {
    ctx = await setup({ onInvite: () => ({ status: 486 }) });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'busy-1', 'z9hG4bKbusy1'), port);
    const busy = await untilStatus(peer, 486);
    expect(busy.reason).toBe('Busy Here');
    await peer.settle(30);
    expect(parrot.calls).toEqual([]);
  });

  it('redirect: 302 with the Contacts given', async () => {
    ctx = await setup({ onInvite: (call) => call.redirect(['sip:elsewhere@127.0.0.1:5999']) });
    const { peer, port } = ctx;
    peer.send(invite(peer.port, 'redir-1'), port);
    const r = await untilStatus(peer, 302);
    expect(r.get('contact')).toBe('<sip:elsewhere@127.0.0.1:5999>');
  });

  it('Parrot hangs up first: BYE goes to the Contact of the INVITE, call ends on its 200', async () => {
    let theCall: Call | undefined;
    ctx = await setup({
      async onInvite(call) {
        theCall = call;
        await call.answer(SDP);
      },
    });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'hangup-1'), port);
    const ok = await untilStatus(peer, 200, 'INVITE');
    peer.send(inDialog('ACK', peer.port, ok, 1), port);
    await peer.settle(30);
    const ended = theCall!.hangup();
    const bye = await untilRequest(peer, 'BYE');
    expect(bye.callId).toBe('hangup-1');
    expect(bye.fromTag).toBe(ok.toTag);
    expect(bye.toTag).toBe('peer1');
    peer.send(replyTo(bye, 200), port);
    await ended;
    expect(parrot.calls).toEqual([]);
  });

  it('§9.2 CANCEL before answer: 200 to CANCEL, 487 to INVITE, onCancel called, call.signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const seen: string[] = [];
    ctx = await setup({
      async onInvite(call) {
        signal = call.signal;
        await call.ring();
      },
      onCancel: (_c, cancel) => void seen.push(cancel.method.toLowerCase()),
      onCallEnd: (_c, r) => void seen.push(`end ${r}`),
    });
    const { peer, port } = ctx;
    peer.send(invite(peer.port, 'cancel-1', 'z9hG4bKcan1'), port);
    await untilStatus(peer, 180);
    peer.send(request('CANCEL', peer.port, { callId: 'cancel-1', branch: 'z9hG4bKcan1' }), port);
    await untilStatus(peer, 487, 'INVITE');
    await peer.settle(30);
    expect(
      peer.received.some(
        (r) => (r.message as SipResponse).status === 200 && r.message!.cseq.method === 'CANCEL',
      ),
    ).toBe(true);
    expect(seen).toEqual(['cancel', 'end cancel']);
    expect(signal?.aborted).toBe(true);
  });

  it('§15.1.2: a BYE on an early dialog gets 200 and the pending INVITE gets 487', async () => {
    const ended: string[] = [];
    ctx = await setup({ onInvite: (call) => call.ring(), onCallEnd: (_c, r) => void ended.push(r) });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'early-bye'), port);
    const ringing = await untilStatus(peer, 180);
    peer.send(inDialog('BYE', peer.port, ringing, 2), port);
    await untilStatus(peer, 200, 'BYE');
    await untilStatus(peer, 487, 'INVITE');
    await peer.settle(30);
    expect(ended).toEqual(['bye']);
    expect(parrot.calls).toEqual([]);
    expect(parrot.core.registry.dialogs.size).toBe(0);
  });

  it('§12.2.2: a request for an unknown dialog gets 481', async () => {
    ctx = await setup({ onInvite: () => ({ status: 200 }) });
    const { peer, port } = ctx;
    peer.send(request('BYE', peer.port, { toTag: 'nosuch' }), port);
    expect((await untilStatus(peer, 481)).cseq.method).toBe('BYE');
  });

  it('§12.2.2: a lower CSeq in the dialog gets 500', async () => {
    ctx = await setup({ onInvite: (call) => call.answer(SDP) });
    const { peer, port } = ctx;
    peer.send(invite(peer.port, 'cseq-1', undefined, 10), port);
    const ok = await untilStatus(peer, 200, 'INVITE');
    peer.send(inDialog('ACK', peer.port, ok, 10), port);
    peer.send(inDialog('INFO', peer.port, ok, 5), port);
    const r = await untilStatus(peer, 500, 'INFO');
    expect(r.reason).toBe('CSeq Out Of Order');
  });

  it('INFO and MESSAGE in a dialog reach their handlers; re-INVITE is answered 200 and its 2xx ACKed', async () => {
    const seen: string[] = [];
    ctx = await setup({
      onInvite: (call) => call.answer(SDP),
      onInfo: ({ request }) => void seen.push(`info ${request.body.toString()}`),
      onMessage: ({ call }) => {
        seen.push(`message in ${call ? 'dialog' : 'no dialog'}`);
        return { status: 202 };
      },
    });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'indialog-1'), port);
    const ok = await untilStatus(peer, 200, 'INVITE');
    peer.send(inDialog('ACK', peer.port, ok, 1), port);
    peer.send(inDialog('INFO', peer.port, ok, 2, ['Content-Type: application/dtmf-relay'], 'Signal=5'), port);
    await untilStatus(peer, 200, 'INFO');
    peer.send(inDialog('MESSAGE', peer.port, ok, 3, ['Content-Type: text/plain'], 'hi'), port);
    await untilStatus(peer, 202, 'MESSAGE');
    peer.send(inDialog('INVITE', peer.port, ok, 4, ['Content-Type: application/sdp'], SDP), port);
    const reOk = await untilStatus(peer, 200, 'INVITE');
    expect(reOk.cseq.seq).toBe(4);
    // §14.2 / §13.2.1: without onReinvite, the answer is the session description in force.
    expect(reOk.body.toString()).toBe(SDP);
    expect(reOk.contentType?.type).toBe('application/sdp');
    peer.send(inDialog('ACK', peer.port, ok, 4), port);
    // RFC 3311: an UPDATE with an offer gets the session description in force by default.
    peer.send(inDialog('UPDATE', peer.port, ok, 5, ['Content-Type: application/sdp'], SDP), port);
    const updOk = await untilStatus(peer, 200, 'UPDATE');
    expect(updOk.body.toString()).toBe(SDP);
    await peer.settle(30);
    expect(seen).toEqual(['info Signal=5', 'message in dialog']);
    expect(parrot.calls[0]!.state).toBe('inCall');
  });

  it('§13.3.1.4: without an ACK the 2xx is retransmitted (T1 doubling) and after 64·T1 the dialog sends BYE', async () => {
    const ended: string[] = [];
    ctx = await setup(
      { onInvite: (call) => call.answer(SDP), onCallEnd: (_c, r) => void ended.push(r) },
      { timers: { t1: 20, t2: 80 } },
    );
    const { peer, port } = ctx;
    peer.send(invite(peer.port, 'noack-1'), port);
    const bye = await untilRequest(peer, 'BYE');
    const oks = peer.received.filter(
      (r) => (r.message as SipResponse).status === 200 && r.message!.cseq.method === 'INVITE',
    );
    // Retransmitted until 64·T1 (the exact schedule is proven on a simulated clock in test/machines/dialog.test.ts).
    expect(oks.length).toBeGreaterThan(1);
    expect(new Set(oks.map((o) => o.text)).size).toBe(1);
    peer.send(replyTo(bye, 200), port);
    await peer.settle(50);
    expect(ended).toEqual(['ackTimeout']);
  });

  it('a retransmitted INVITE is absorbed: one call, one dialog', async () => {
    let invites = 0;
    ctx = await setup({
      onInvite: async (call) => {
        invites++;
        await new Promise((r) => setTimeout(r, 50));
        await call.answer(SDP);
      },
    });
    const { peer, port, parrot } = ctx;
    const text = invite(peer.port, 'retrans-inv');
    peer.send(text, port);
    peer.send(text, port);
    peer.send(text, port);
    const ok = await untilStatus(peer, 200, 'INVITE');
    peer.send(inDialog('ACK', peer.port, ok, 1), port);
    await peer.settle(30);
    expect(invites).toBe(1);
    expect(parrot.calls).toHaveLength(1);
    expect(parrot.core.registry.dialogs.size).toBe(1);
  });

  it('a handler that throws: that call gets 500, 100 concurrent others are answered', async () => {
    const errors: unknown[] = [];
    ctx = await setup({
      onInvite: (call) => {
        if (call.callId === 'conc-42') throw new Error('boom');
        return { status: 200, body: SDP };
      },
    });
    const { peer, port, parrot } = ctx;
    parrot.on('handler.error', (e) => errors.push(e));
    for (let i = 0; i < 100; i++) peer.send(invite(peer.port, `conc-${i}`), port);
    const finals = new Map<string, number>();
    for (let n = 1; finals.size < 100; n++) {
      await peer.waitFor(n);
      const m = peer.received[n - 1]!.message as SipResponse;
      if (m.type === 'response' && m.status >= 200) finals.set(m.callId, m.status);
    }
    expect(finals.get('conc-42')).toBe(500);
    expect([...finals.entries()].filter(([id, s]) => id !== 'conc-42' && s === 200)).toHaveLength(99);
    expect(errors).toHaveLength(1);
  });

  it('an INVITE without onInvite gets 405 and Allow does not list INVITE', async () => {
    ctx = await setup({});
    const { peer, port } = ctx;
    peer.send(invite(peer.port, 'noinv-1'), port);
    const r = await untilStatus(peer, 405);
    expect(r.allow).not.toContain('INVITE');
  });

  it('an unknown extension method gets 501; a known one not served gets 405', async () => {
    ctx = await setup({});
    const { peer, port } = ctx;
    peer.send(request('FOOBAR', peer.port), port);
    await untilStatus(peer, 501);
    peer.send(request('SUBSCRIBE', peer.port), port);
    await untilStatus(peer, 405);
  });

  it('stop() is graceful: a live call gets BYE, new INVITEs during shutdown get 503', async () => {
    ctx = await setup({ onInvite: (call) => call.answer(SDP) }, { stopTimeout: 2000 });
    const { peer, port, parrot } = ctx;
    peer.send(invite(peer.port, 'grace-1'), port);
    const ok = await untilStatus(peer, 200, 'INVITE');
    peer.send(inDialog('ACK', peer.port, ok, 1), port);
    await peer.settle(30);
    const stopping = parrot.stop();
    const bye = await untilRequest(peer, 'BYE');
    peer.send(invite(peer.port, 'grace-2'), port);
    await untilStatus(peer, 503);
    peer.send(replyTo(bye, 200), port);
    await stopping;
    expect(parrot.calls).toEqual([]);
    expect(parrot.core.registry.isEmpty).toBe(true);
    expect(parrot.clock.size).toBe(0);
  });
});
