import { createResponse, type SipResponse } from '../../codecs/sip';
import { serverInviteTransactionMachine } from '../../machines/serverInviteTransaction';
import { ackFor, invite, run } from './harness';

const start = (
  reliable = false,
  extra: { timers?: { t1?: number; t2?: number; t4?: number }; tryingDelay?: number } = {},
) => {
  const request = invite();
  const r = run(serverInviteTransactionMachine, { request, reliable, ...extra });
  return { ...r, request };
};
const respond = (r: ReturnType<typeof start>, status: number): SipResponse => {
  const response = createResponse(r.request, status, { toTag: '8321234356' });
  r.actor.send({ type: 'tu.respond', response });
  return response;
};
const retransmit = (r: ReturnType<typeof start>) => r.actor.send({ type: 'sip.request', request: invite() });
const ack = (r: ReturnType<typeof start>) =>
  r.actor.send({ type: 'sip.request', request: ackFor(r.request) });
const statuses = (r: ReturnType<typeof start>) => r.sent().map((m) => m.type === 'response' && m.status);

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('§17.2.1 proceeding: entered on creation, nothing sent before the TU answers or 200 ms pass', () => {
    const r = start();
    expect(r.state()).toBe('proceeding');
    r.clock.advanceTo(199);
    expect(r.log).toEqual([]);
  });

  it('§17.2.1 "MUST generate a 100 (Trying)" when the TU has not answered within 200 ms', () => {
    const r = start();
    r.clock.advanceTo(200);
    expect(r.sendTimes()).toEqual([200]);
    const trying = r.sent()[0] as SipResponse;
    expect(trying.status).toBe(100);
    expect(trying.reason).toBe('Trying');
    // §8.2.6: Via, From, Call-ID, CSeq copied; no To tag added to the 100.
    expect(trying.getAll('via')).toEqual(r.request.getAll('via'));
    expect(trying.get('from')).toBe(r.request.get('from'));
    expect(trying.callId).toBe(r.request.callId);
    expect(trying.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(trying.toTag).toBeUndefined();
    expect(r.state()).toBe('proceeding');
  });

  it('§17.2.1 no 100 Trying when the TU sends a provisional response within 200 ms', () => {
    const r = start();
    r.clock.advanceTo(150);
    respond(r, 180);
    expect(r.clock.pending).toBe(0); // the 100 Trying timer is cancelled
    r.clock.advanceTo(10000);
    expect(statuses(r)).toEqual([180]);
    expect(r.sendTimes()).toEqual([150]);
  });

  it('§17.2.1 no 100 Trying when the TU sends a final response within 200 ms', () => {
    const ok = start();
    respond(ok, 200);
    ok.clock.advanceTo(1000);
    expect(statuses(ok)).toEqual([200]);
    const busy = start();
    busy.clock.advanceTo(199);
    respond(busy, 486);
    busy.clock.advanceTo(1000);
    expect(statuses(busy)).toEqual([486, 486]); // the first Timer G retransmission at 699, no 100
    expect(busy.sendTimes()).toEqual([199, 699]);
  });

  it('§17.2.1 the 100 Trying delay comes from input (tryingDelay)', () => {
    const r = start(false, { tryingDelay: 50 });
    r.clock.advanceTo(50);
    expect(r.sendTimes()).toEqual([50]);
    const now = start(false, { tryingDelay: 0 });
    now.clock.advanceTo(0);
    expect(statuses(now)).toEqual([100]);
  });

  it('§17.2.1 each provisional response from the TU is sent and the state stays proceeding', () => {
    const r = start();
    respond(r, 180);
    respond(r, 183);
    expect(statuses(r)).toEqual([180, 183]);
    expect(r.state()).toBe('proceeding');
  });

  it('§17.2.1 a retransmitted INVITE in proceeding gets the most recent provisional response again', () => {
    const r = start();
    retransmit(r); // nothing sent yet: absorbed
    expect(r.sent()).toEqual([]);
    r.clock.advanceTo(200);
    r.clock.advanceTo(500);
    retransmit(r);
    const [trying, again] = r.sent();
    expect(again).toBe(trying);
    const ringing = respond(r, 180);
    r.clock.advanceTo(1500);
    retransmit(r);
    expect(r.sent().at(-1)).toBe(ringing);
    expect(r.sendTimes()).toEqual([200, 500, 500, 1500]);
  });

  it('RFC 6026 §8.5 a 2xx from the TU is sent and the transaction moves to accepted', () => {
    const r = start();
    r.clock.advanceTo(100);
    const ok = respond(r, 200);
    expect(r.state()).toBe('accepted');
    expect(r.log).toEqual([{ at: 100, event: { type: 'transport.send', message: ok } }]);
  });

  it('RFC 6026 §8.7 accepted absorbs retransmitted INVITEs; the TU\u2019s 2xx retransmissions pass through', () => {
    const r = start();
    const ok = respond(r, 200);
    r.clock.advanceTo(500);
    retransmit(r);
    r.actor.send({ type: 'tu.respond', response: ok });
    r.clock.advanceTo(1500);
    retransmit(r);
    r.actor.send({ type: 'tu.respond', response: ok });
    expect(r.sendTimes()).toEqual([0, 500, 1500]);
    expect(r.sent().every((m) => m === ok)).toBe(true);
  });

  it('RFC 6026 §8.7 accepted: provisional and non-2xx responses from the TU are discarded', () => {
    const r = start();
    respond(r, 200);
    respond(r, 180);
    respond(r, 486);
    expect(statuses(r)).toEqual([200]);
    expect(r.state()).toBe('accepted');
  });

  it('RFC 6026 §8.7 accepted: an ACK matched to the transaction is passed up to the TU', () => {
    const r = start();
    respond(r, 200);
    const a = ackFor(r.request);
    r.actor.send({ type: 'sip.request', request: a });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.request', request: a } }]);
    expect(r.state()).toBe('accepted');
  });

  it('RFC 6026 §8.7 accepted: a transport error is reported to the TU and the state is kept', () => {
    const r = start();
    respond(r, 200);
    r.actor.send({ type: 'transport.error', error: 'EPIPE' });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error: 'EPIPE' } }]);
    expect(r.state()).toBe('accepted');
  });

  it('RFC 6026 §8.7 Timer L = 64·T1: accepted ends 32 s after the 2xx, silently', () => {
    const r = start();
    r.clock.advanceTo(1000);
    respond(r, 200);
    r.clock.advanceTo(32999);
    expect(r.state()).toBe('accepted');
    r.clock.advanceTo(33000);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.tu()).toEqual([]);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.1 a 300–699 response from the TU is sent and the transaction moves to completed', () => {
    const r = start();
    respond(r, 180);
    const busy = respond(r, 486);
    expect(r.state()).toBe('completed');
    expect(r.sent().at(-1)).toBe(busy);
  });

  it('§17.2.1 Timer G doubles up to T2: the final response is sent at 0, 0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s', () => {
    const r = start();
    const busy = respond(r, 486);
    r.clock.advanceTo(31999);
    expect(r.sendTimes()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(r.sent().every((m) => m === busy)).toBe(true);
  });

  it('§17.2.1 Timer H = 64·T1: no ACK within 32 s, the TU is told and the transaction terminates', () => {
    const r = start();
    r.clock.advanceTo(300);
    respond(r, 486);
    r.clock.advanceTo(32299);
    expect(r.state()).toBe('completed');
    r.clock.advanceTo(32300);
    expect(r.tu()).toEqual([{ at: 32300, event: { type: 'tu.timeout', timer: 'H' } }]);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.1 completed: a retransmitted INVITE gets the final response again; further TU responses are discarded', () => {
    const r = start();
    const busy = respond(r, 486);
    r.clock.advanceTo(200);
    retransmit(r);
    respond(r, 200);
    respond(r, 500);
    expect(r.sendTimes()).toEqual([0, 200]);
    expect(r.sent().every((m) => m === busy)).toBe(true);
  });

  it('§17.2.1 an ACK in completed moves to confirmed and stops Timer G and Timer H', () => {
    const r = start();
    respond(r, 486);
    r.clock.advanceTo(1000);
    ack(r);
    expect(r.state()).toBe('confirmed');
    r.clock.advanceTo(5999);
    expect(r.sendTimes()).toEqual([0, 500]);
    expect(r.tu()).toEqual([]);
  });

  it('§17.2.1 confirmed absorbs further ACKs and INVITE retransmissions', () => {
    const r = start();
    respond(r, 486);
    ack(r);
    ack(r);
    retransmit(r);
    respond(r, 486);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.state()).toBe('confirmed');
  });

  it('§17.2.1 Timer I = T4 over UDP: confirmed ends 5 s after the ACK, silently', () => {
    const r = start();
    respond(r, 486);
    r.clock.advanceTo(800);
    ack(r);
    r.clock.advanceTo(5799);
    expect(r.state()).toBe('confirmed');
    r.clock.advanceTo(5800);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.tu()).toEqual([]);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.1 reliable transport: Timer G is never armed, Timer H still fires at 64·T1', () => {
    const r = start(true);
    respond(r, 486);
    expect(r.clock.pending).toBe(1);
    r.clock.advanceTo(32000);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.tu()).toEqual([{ at: 32000, event: { type: 'tu.timeout', timer: 'H' } }]);
  });

  it('§17.2.1 reliable transport: Timer I is zero, the ACK terminates the transaction at once', () => {
    const r = start(true);
    respond(r, 486);
    ack(r);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.4 a transport error in proceeding informs the TU and terminates', () => {
    const r = start();
    respond(r, 180);
    const error = new Error('EHOSTUNREACH');
    r.actor.send({ type: 'transport.error', error });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error } }]);
    expect(r.done()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.4 a transport error in completed informs the TU and terminates', () => {
    const r = start();
    respond(r, 486);
    r.actor.send({ type: 'transport.error' });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error: undefined } }]);
    expect(r.done()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.1 custom T1/T2/T4 from input: G from 100 ms capped at 400 ms, H at 6.4 s, L at 6.4 s, I at 1 s', () => {
    const timers = { t1: 100, t2: 400, t4: 1000 };
    const g = start(false, { timers });
    respond(g, 486);
    g.clock.advanceTo(1600);
    expect(g.sendTimes()).toEqual([0, 100, 300, 700, 1100, 1500]);
    g.clock.advanceTo(6400);
    expect(g.tu()).toEqual([{ at: 6400, event: { type: 'tu.timeout', timer: 'H' } }]);

    const l = start(false, { timers });
    respond(l, 200);
    l.clock.advanceTo(6399);
    expect(l.state()).toBe('accepted');
    l.clock.advanceTo(6400);
    expect(l.done()).toBe(true);

    const i = start(false, { timers });
    respond(i, 486);
    ack(i);
    i.clock.advanceTo(999);
    expect(i.state()).toBe('confirmed');
    i.clock.advanceTo(1000);
    expect(i.done()).toBe(true);
  });
});

describe('INVITE server transaction with linger', () => {
  it('RFC 6026 accepted: the 2xx is sent, then transaction.linger absorbs INVITE retransmissions for Timer L (no replay)', () => {
    const request = invite();
    const r = run(serverInviteTransactionMachine, { request, reliable: false, linger: true });
    const ok = createResponse(request, 200, { toTag: 't' });
    r.actor.send({ type: 'tu.respond', response: ok });
    expect(r.log.map((l) => l.event)).toEqual([
      { type: 'transport.send', message: ok },
      { type: 'transaction.linger', replay: undefined, ms: 32000 },
    ]);
    expect(r.done()).toBe(true);
  });

  it('a non-2xx final still runs Timer G and waits for the ACK in the machine', () => {
    const request = invite();
    const r = run(serverInviteTransactionMachine, { request, reliable: false, linger: true });
    r.actor.send({ type: 'tu.respond', response: createResponse(request, 486, { toTag: 't' }) });
    expect(r.state()).toBe('completed');
  });
});
