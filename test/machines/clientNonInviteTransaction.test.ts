import { createResponse } from '../../codecs/sip';
import { clientNonInviteTransactionMachine } from '../../machines/clientNonInviteTransaction';
import { nonInvite, run } from './harness';

const start = (reliable = false, timers?: { t1?: number; t2?: number; t4?: number }) => {
  const request = nonInvite();
  const r = run(clientNonInviteTransactionMachine, { request, reliable, timers });
  return { ...r, request };
};
const respond = (r: ReturnType<typeof start>, status: number) =>
  r.actor.send({ type: 'sip.response', response: createResponse(r.request, status, { toTag: 'x9' }) });
const statuses = (r: ReturnType<typeof start>) =>
  r.tu().map((l) => (l.event.type === 'tu.response' ? l.event.response.status : l.event.type));

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('§17.1.2.2 trying: the request is passed to the transport on start', () => {
    const r = start();
    expect(r.state()).toBe('trying');
    expect(r.log).toEqual([{ at: 0, event: { type: 'transport.send', message: r.request } }]);
  });

  it('§17.1.2.2 Timer E doubles up to T2: request sent at 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5 … 31.5 s', () => {
    const r = start();
    r.clock.advanceTo(31999);
    expect(r.sendTimes()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(r.sent().every((m) => m === r.request)).toBe(true);
    expect(r.state()).toBe('trying');
  });

  it('§17.1.2.2 Timer F = 64·T1: the TU is told of the timeout at 32 s and the transaction terminates', () => {
    const r = start();
    r.clock.advanceTo(32000);
    expect(r.tu()).toEqual([{ at: 32000, event: { type: 'tu.timeout', timer: 'F' } }]);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.2.2 a 1xx in trying moves to proceeding and is passed to the TU', () => {
    const r = start();
    r.clock.advanceTo(600);
    respond(r, 100);
    expect(r.state()).toBe('proceeding');
    expect(r.tu()).toEqual([
      { at: 600, event: { type: 'tu.response', response: expect.objectContaining({ status: 100 }) } },
    ]);
  });

  it('§17.1.2.2 proceeding: Timer E keeps its running value, then retransmits every T2', () => {
    const r = start();
    r.clock.advanceTo(600);
    respond(r, 100); // Timer E was set at 500 for 1000 ms: it still fires at 1500, then every 4 s
    r.clock.advanceTo(31999);
    expect(r.sendTimes()).toEqual([0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
  });

  it('§17.1.2.2 Timer F keeps running in proceeding: timeout at 32 s from the start', () => {
    const r = start();
    r.clock.advanceTo(10000);
    respond(r, 180);
    r.clock.advanceTo(32000);
    expect(r.tu().at(-1)).toEqual({ at: 32000, event: { type: 'tu.timeout', timer: 'F' } });
    expect(r.done()).toBe(true);
  });

  it('§17.1.2.2 further provisional responses in proceeding are passed to the TU', () => {
    const r = start();
    respond(r, 100);
    respond(r, 180);
    respond(r, 199);
    expect(statuses(r)).toEqual([100, 180, 199]);
    expect(r.state()).toBe('proceeding');
  });

  it('§17.1.2.2 a final response in trying moves to completed, is passed to the TU, and stops Timers E and F', () => {
    const r = start();
    r.clock.advanceTo(700);
    respond(r, 200);
    expect(r.state()).toBe('completed');
    expect(statuses(r)).toEqual([200]);
    r.clock.advanceTo(4000);
    expect(r.sendTimes()).toEqual([0, 500]);
    expect(r.clock.pending).toBe(1); // Timer K alone
  });

  it('§17.1.2.2 a final response in proceeding (any of 200–699) moves to completed', () => {
    for (const status of [200, 302, 404, 503, 603]) {
      const r = start();
      respond(r, 100);
      respond(r, status);
      expect(r.state()).toBe('completed');
      expect(statuses(r)).toEqual([100, status]);
    }
  });

  it('§17.1.2.2 completed buffers response retransmissions: nothing more goes to the TU or the wire', () => {
    const r = start();
    respond(r, 404);
    respond(r, 404);
    respond(r, 200);
    respond(r, 180);
    expect(statuses(r)).toEqual([404]);
    expect(r.sendTimes()).toEqual([0]);
  });

  it('§17.1.2.2 Timer K = T4 over UDP: completed ends 5 s after the final response', () => {
    const r = start();
    r.clock.advanceTo(1000);
    respond(r, 200);
    r.clock.advanceTo(5999);
    expect(r.state()).toBe('completed');
    r.clock.advanceTo(6000);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.2.2 reliable transport: Timer E is never armed, Timer F still fires at 64·T1', () => {
    const r = start(true);
    expect(r.clock.pending).toBe(1);
    r.clock.advanceTo(32000);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.tu()).toEqual([{ at: 32000, event: { type: 'tu.timeout', timer: 'F' } }]);
    expect(r.done()).toBe(true);
  });

  it('§17.1.2.2 reliable transport: Timer K is zero, a final response terminates the transaction at once', () => {
    const r = start(true);
    respond(r, 100);
    respond(r, 200);
    expect(statuses(r)).toEqual([100, 200]);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.4 a transport error in trying informs the TU and terminates', () => {
    const r = start();
    const error = new Error('ENETUNREACH');
    r.actor.send({ type: 'transport.error', error });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error } }]);
    expect(r.done()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.4 a transport error in proceeding informs the TU and terminates', () => {
    const r = start();
    respond(r, 180);
    r.actor.send({ type: 'transport.error' });
    expect(statuses(r)).toEqual([180, 'tu.transportError']);
    expect(r.done()).toBe(true);
  });

  it('§17.1.2.2 completed: a late transport error is absorbed (nothing is sent there)', () => {
    const r = start();
    respond(r, 200);
    r.actor.send({ type: 'transport.error' });
    expect(r.state()).toBe('completed');
    expect(statuses(r)).toEqual([200]);
  });

  it('§17.1.2.2 custom T1/T2/T4 from input: E from 100 ms capped at 400 ms, F at 6.4 s, K at 1 s', () => {
    const r = start(false, { t1: 100, t2: 400, t4: 1000 });
    r.clock.advanceTo(6400);
    expect(r.sendTimes()).toEqual([
      0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300,
    ]);
    expect(r.tu()).toEqual([{ at: 6400, event: { type: 'tu.timeout', timer: 'F' } }]);

    const k = start(false, { t4: 1000 });
    respond(k, 200);
    k.clock.advanceTo(999);
    expect(k.state()).toBe('completed');
    k.clock.advanceTo(1000);
    expect(k.done()).toBe(true);
  });

  it('§17.1.2.2 custom T2 caps Timer E in proceeding too', () => {
    const r = start(false, { t1: 100, t2: 1000 });
    respond(r, 100); // E still fires at 100, then every T2
    r.clock.advanceTo(3500);
    expect(r.sendTimes()).toEqual([0, 100, 1100, 2100, 3100]);
  });
});
