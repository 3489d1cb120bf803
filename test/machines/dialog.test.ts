import { createResponse, parseUri, type SipRequest, type SipResponse, type Uri } from '../../codecs/sip';
import { buildInDialogRequest, dialogMachine, type DialogState } from '../../machines/dialog';
import { invite, nonInvite, run } from './harness';

const uri = (s: string): Uri => parseUri(s)!;

function state(): DialogState {
  return {
    callId: 'dlg-1@example.com',
    localTag: 'local1',
    remoteTag: 'remote1',
    localUri: { uri: uri('sip:parrot@127.0.0.1'), params: new Map() },
    remoteUri: { uri: uri('sip:alice@example.com'), params: new Map() },
    remoteTarget: uri('sip:alice@192.0.2.5:5070'),
    routeSet: [{ uri: uri('sip:proxy.example.com;lr'), params: new Map() }],
    localSeq: 100,
    remoteSeq: 1,
  };
}

const start = (timers?: { t1?: number; t2?: number }) =>
  run(dialogMachine, { role: 'uas', state: state(), timers });
const ok = (): SipResponse => createResponse(invite(), 200, { toTag: 'local1' });
const inDialog = (method: string, seq: number): SipRequest => {
  const r = nonInvite(method);
  r.cseq = { seq, method };
  return r;
};
const tx = {};

describe('dialog (RFC 3261 §12–§15)', () => {
  it('§12.1: starts early; a 2xx sent makes it confirmed and awaiting the ACK', () => {
    const r = start();
    expect(r.state()).toBe('early');
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    expect(r.state()).toEqual({ confirmed: 'awaitingAck' });
  });

  it('§13.3.1.4: the 2xx is retransmitted at T1, doubling to T2, until the ACK; then no more', () => {
    const r = start();
    const res = ok();
    r.actor.send({ type: 'dialog.sent2xx', response: res });
    r.clock.advanceTo(12000);
    // 0.5, 1.5, 3.5, 7.5, 11.5 s: intervals 500, 1000, 2000, 4000, 4000 (T2 cap)
    expect(r.sendTimes()).toEqual([500, 1500, 3500, 7500, 11500]);
    expect(r.sent().every((m) => m === res)).toBe(true);
    r.actor.send({ type: 'sip.ack', request: inDialog('ACK', 1) });
    r.clock.advanceTo(40000);
    expect(r.sendTimes()).toHaveLength(5);
    expect(r.state()).toEqual({ confirmed: 'established' });
    expect(r.tu().map((l) => l.event.type)).toEqual(['dialog.ack']);
  });

  it('§13.3.1.4: no ACK in 64·T1: ackTimeout, a BYE in the dialog, then terminated when the BYE completes', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.clock.advanceTo(32000);
    const effects = r.tu().map((l) => l.event);
    expect(effects.map((e) => e.type)).toEqual(['dialog.ackTimeout', 'dialog.send']);
    const bye = (effects[1] as { request: SipRequest }).request;
    expect(bye.method).toBe('BYE');
    r.actor.send({ type: 'dialog.response', method: 'BYE', status: 200 });
    expect(r.done()).toBe(true);
    expect(r.log.at(-1)?.event).toEqual({ type: 'dialog.ended', reason: 'ackTimeout' });
  });

  it('§12.2.1.1: an in-dialog request goes to the remote target with tags, Call-ID, the next CSeq and the route set', () => {
    const bye = buildInDialogRequest({ ...state(), localSeq: 101 }, 'BYE');
    expect(bye.uriText).toBe('sip:alice@192.0.2.5:5070');
    expect(bye.fromTag).toBe('local1');
    expect(bye.toTag).toBe('remote1');
    expect(bye.callId).toBe('dlg-1@example.com');
    expect(bye.cseq).toEqual({ seq: 101, method: 'BYE' });
    expect(bye.get('route')).toBe('<sip:proxy.example.com;lr>');
  });

  it('§15.1.2: a BYE from the peer is answered 200 and ends the dialog', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.actor.send({ type: 'sip.ack', request: inDialog('ACK', 1) });
    r.actor.send({ type: 'sip.request', request: inDialog('BYE', 2), tx });
    expect(r.tu().map((l) => l.event)).toContainEqual({ type: 'dialog.reply', tx, status: 200 });
    expect(r.log.at(-1)?.event).toEqual({ type: 'dialog.ended', reason: 'bye' });
    expect(r.done()).toBe(true);
  });

  it('§12.2.2: a request with a lower CSeq than the last one is rejected with 500', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.actor.send({ type: 'sip.request', request: inDialog('INFO', 5), tx });
    r.actor.send({ type: 'sip.request', request: inDialog('INFO', 3), tx });
    const replies = r
      .tu()
      .filter((l) => l.event.type === 'dialog.reply' || l.event.type === 'dialog.tuRequest');
    expect(replies.map((l) => l.event.type)).toEqual(['dialog.tuRequest', 'dialog.reply']);
    expect(replies[1]!.event).toMatchObject({ status: 500, reason: 'CSeq Out Of Order' });
  });

  it('§14.2: a re-INVITE while the previous one is unanswered gets 500 with Retry-After; while our 2xx awaits its ACK, 491', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    const reinvite = (seq: number): SipRequest => {
      const i = invite();
      i.cseq = { seq, method: 'INVITE' };
      return i;
    };
    r.actor.send({ type: 'sip.request', request: reinvite(2), tx });
    expect(r.tu().at(-1)?.event).toMatchObject({ type: 'dialog.reply', status: 491 });
    r.actor.send({ type: 'sip.ack', request: inDialog('ACK', 1) });
    r.actor.send({ type: 'sip.request', request: reinvite(3), tx });
    expect(r.tu().at(-1)?.event.type).toBe('dialog.tuRequest');
    r.actor.send({ type: 'sip.request', request: reinvite(4), tx });
    expect(r.tu().at(-1)?.event).toMatchObject({ type: 'dialog.reply', status: 500 });
    r.actor.send({ type: 'dialog.reinviteAnswered' });
    r.actor.send({ type: 'sip.request', request: reinvite(5), tx });
    expect(r.tu().at(-1)?.event.type).toBe('dialog.tuRequest');
  });

  it('§15: a hangup before the ACK waits for it, then sends BYE', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.actor.send({ type: 'dialog.hangup' });
    expect(r.tu().some((l) => l.event.type === 'dialog.send')).toBe(false);
    r.actor.send({ type: 'sip.ack', request: inDialog('ACK', 1) });
    const sends = r.tu().filter((l) => l.event.type === 'dialog.send');
    expect(sends).toHaveLength(1);
    expect((sends[0]!.event as { request: SipRequest }).request.cseq).toEqual({ seq: 101, method: 'BYE' });
  });

  it('§15: a hangup before an ACK that never comes still ends with a BYE at 64·T1, retransmissions going on until then', () => {
    const r = start();
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.clock.advanceTo(1000);
    r.actor.send({ type: 'dialog.hangup' });
    r.clock.advanceTo(32000);
    expect(r.sendTimes()).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    const sends = r.tu().filter((l) => l.event.type === 'dialog.send');
    expect(sends.map((l) => l.at)).toEqual([32000]);
    expect((sends[0]!.event as { request: SipRequest }).request.method).toBe('BYE');
  });

  it('an INVITE on an early dialog (the first still unanswered) gets 491', () => {
    const r = start();
    const i = invite();
    i.cseq = { seq: 2, method: 'INVITE' };
    r.actor.send({ type: 'sip.request', request: i, tx });
    expect(r.tu().at(-1)?.event).toMatchObject({ type: 'dialog.reply', status: 491 });
    expect(r.state()).toBe('early');
  });

  it('an early dialog ends when the INVITE is rejected', () => {
    const r = start();
    r.actor.send({ type: 'dialog.rejected' });
    expect(r.done()).toBe(true);
    expect(r.log.at(-1)?.event).toEqual({ type: 'dialog.ended', reason: 'rejected' });
  });

  it('custom T1/T2 from input drive the retransmission schedule', () => {
    const r = start({ t1: 100, t2: 400 });
    r.actor.send({ type: 'dialog.sent2xx', response: ok() });
    r.clock.advanceTo(1500);
    expect(r.sendTimes()).toEqual([100, 300, 700, 1100, 1500]);
  });
});
