import { createResponse, type SipResponse } from '../../codecs/sip';
import { serverNonInviteTransactionMachine } from '../../machines/serverNonInviteTransaction';
import { nonInvite, run } from './harness';

const start = (reliable = false, timers?: { t1?: number; t2?: number; t4?: number }) => {
  const request = nonInvite('REGISTER');
  const r = run(serverNonInviteTransactionMachine, { request, reliable, timers });
  return { ...r, request };
};
const respond = (r: ReturnType<typeof start>, status: number): SipResponse => {
  const response = createResponse(r.request, status, { toTag: 'z1' });
  r.actor.send({ type: 'tu.respond', response });
  return response;
};
const retransmit = (r: ReturnType<typeof start>) =>
  r.actor.send({ type: 'sip.request', request: nonInvite('REGISTER') });

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('§17.2.2 trying: entered on creation; retransmissions are discarded and no 100 is generated', () => {
    const r = start();
    expect(r.state()).toBe('trying');
    retransmit(r);
    r.clock.advanceTo(10000);
    retransmit(r);
    expect(r.log).toEqual([]);
    expect(r.state()).toBe('trying');
  });

  it('§17.2.2 a provisional response from the TU is sent and moves the transaction to proceeding', () => {
    const r = start();
    r.clock.advanceTo(100);
    const trying = respond(r, 100);
    expect(r.state()).toBe('proceeding');
    expect(r.log).toEqual([{ at: 100, event: { type: 'transport.send', message: trying } }]);
  });

  it('§17.2.2 proceeding: further provisionals are sent; a retransmission gets the most recent one again', () => {
    const r = start();
    respond(r, 100);
    r.clock.advanceTo(500);
    retransmit(r);
    const later = respond(r, 183);
    r.clock.advanceTo(1500);
    retransmit(r);
    const sent = r.sent();
    expect(sent.map((m) => m.type === 'response' && m.status)).toEqual([100, 100, 183, 183]);
    expect(sent[3]).toBe(later);
    expect(r.sendTimes()).toEqual([0, 500, 500, 1500]);
    expect(r.state()).toBe('proceeding');
  });

  it('§17.2.2 a final response in trying is sent and moves the transaction to completed', () => {
    const r = start();
    const ok = respond(r, 200);
    expect(r.state()).toBe('completed');
    expect(r.sent()).toEqual([ok]);
  });

  it('§17.2.2 a final response in proceeding (any of 200–699) is sent and moves the transaction to completed', () => {
    for (const status of [200, 302, 401, 500, 603]) {
      const r = start();
      respond(r, 100);
      respond(r, status);
      expect(r.state()).toBe('completed');
      expect(r.sent().map((m) => m.type === 'response' && m.status)).toEqual([100, status]);
    }
  });

  it('§17.2.2 completed: each retransmission gets the final response again; other TU responses are discarded', () => {
    const r = start();
    const ok = respond(r, 200);
    r.clock.advanceTo(500);
    retransmit(r);
    respond(r, 500);
    respond(r, 180);
    r.clock.advanceTo(4500);
    retransmit(r);
    expect(r.sendTimes()).toEqual([0, 500, 4500]);
    expect(r.sent().every((m) => m === ok)).toBe(true);
  });

  it('§17.2.2 Timer J = 64·T1 over UDP: completed ends 32 s after the final response, silently', () => {
    const r = start();
    r.clock.advanceTo(250);
    respond(r, 200);
    r.clock.advanceTo(32249);
    expect(r.state()).toBe('completed');
    r.clock.advanceTo(32250);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.sendTimes()).toEqual([250]);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.2 no timer runs in trying or proceeding: the TU may take as long as it likes', () => {
    const r = start();
    expect(r.clock.pending).toBe(0);
    respond(r, 100);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.2 reliable transport: Timer J is zero, the final response terminates the transaction at once', () => {
    const r = start(true);
    respond(r, 100);
    const ok = respond(r, 200);
    expect(r.sent().at(-1)).toBe(ok);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.2 reliable transport: a final response straight from trying terminates at once too', () => {
    const r = start(true);
    respond(r, 486);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.done()).toBe(true);
  });

  it('§17.2.4 a transport error in proceeding informs the TU and terminates', () => {
    const r = start();
    respond(r, 100);
    const error = new Error('EHOSTUNREACH');
    r.actor.send({ type: 'transport.error', error });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error } }]);
    expect(r.done()).toBe(true);
  });

  it('§17.2.4 a transport error in completed informs the TU and terminates', () => {
    const r = start();
    respond(r, 200);
    r.actor.send({ type: 'transport.error' });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error: undefined } }]);
    expect(r.done()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.2.2 trying: a transport error is absorbed (nothing has been sent yet)', () => {
    const r = start();
    r.actor.send({ type: 'transport.error' });
    expect(r.state()).toBe('trying');
    expect(r.log).toEqual([]);
  });

  it('§17.2.2 Timer J follows a custom T1 from input (64·T1)', () => {
    const r = start(false, { t1: 100 });
    respond(r, 200);
    r.clock.advanceTo(6399);
    expect(r.state()).toBe('completed');
    r.clock.advanceTo(6400);
    expect(r.done()).toBe(true);
  });
});

describe('non-INVITE server transaction with linger (the runtime absorbs the Completed tail)', () => {
  it('the final response is sent, then transaction.linger hands over that response and Timer J, and the machine ends', () => {
    const request = nonInvite('REGISTER');
    const r = run(serverNonInviteTransactionMachine, { request, reliable: false, linger: true });
    const ok = createResponse(request, 200, { toTag: 'z1' });
    r.actor.send({ type: 'tu.respond', response: ok });
    expect(r.log.map((l) => l.event)).toEqual([
      { type: 'transport.send', message: ok },
      { type: 'transaction.linger', replay: ok, ms: 32000 },
    ]);
    expect(r.done()).toBe(true);
  });

  it('over a reliable transport Timer J is zero: no linger at all', () => {
    const request = nonInvite('REGISTER');
    const r = run(serverNonInviteTransactionMachine, { request, reliable: true, linger: true });
    r.actor.send({ type: 'tu.respond', response: createResponse(request, 200, { toTag: 'z1' }) });
    expect(r.log.map((l) => l.event.type)).toEqual(['transport.send']);
    expect(r.done()).toBe(true);
  });
});
