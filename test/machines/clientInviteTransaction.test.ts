import { createResponse, serializeSipMessage, type SipRequest } from '../../codecs/sip';
import { clientInviteTransactionMachine } from '../../machines/clientInviteTransaction';
import { invite, run } from './harness';

const start = (reliable = false, timers?: { t1?: number; t2?: number; t4?: number }) => {
  const request = invite();
  const r = run(clientInviteTransactionMachine, { request, reliable, timers });
  return { ...r, request };
};
const respond = (r: ReturnType<typeof start>, status: number, toTag = 'as83kd9bs') =>
  r.actor.send({ type: 'sip.response', response: createResponse(r.request, status, { toTag }) });

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('§17.1.1.2 calling: the INVITE is passed to the transport on start', () => {
    const r = start();
    expect(r.state()).toBe('calling');
    expect(r.log).toEqual([{ at: 0, event: { type: 'transport.send', message: r.request } }]);
  });

  it('§17.1.1.2 Timer A doubles: INVITE sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s', () => {
    const r = start();
    r.clock.advanceTo(31999);
    expect(r.sendTimes()).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(r.sent().every((m) => m === r.request)).toBe(true);
    expect(r.state()).toBe('calling');
  });

  it('§17.1.1.2 Timer B = 64·T1: the TU is told of the timeout at 32 s and the transaction terminates', () => {
    const r = start();
    r.clock.advanceTo(32000);
    expect(r.tu()).toEqual([{ at: 32000, event: { type: 'tu.timeout', timer: 'B' } }]);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.1.2 a 1xx in calling moves to proceeding, goes to the TU, and stops Timers A and B', () => {
    const r = start();
    r.clock.advanceTo(700);
    respond(r, 100);
    expect(r.state()).toBe('proceeding');
    expect(r.tu()).toEqual([
      { at: 700, event: { type: 'tu.response', response: expect.objectContaining({ status: 100 }) } },
    ]);
    r.clock.advanceTo(120000);
    expect(r.sendTimes()).toEqual([0, 500]);
    expect(r.tu()).toHaveLength(1);
    expect(r.state()).toBe('proceeding');
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.1.2 every further provisional response in proceeding is passed up to the TU', () => {
    const r = start();
    respond(r, 100);
    respond(r, 180);
    respond(r, 183);
    expect(r.tu().map((l) => l.event.type === 'tu.response' && l.event.response.status)).toEqual([
      100, 180, 183,
    ]);
    expect(r.state()).toBe('proceeding');
  });

  it('RFC 6026 §8.4 a 2xx in calling moves to accepted, goes to the TU, and no ACK is sent by the transaction', () => {
    const r = start();
    r.clock.advanceTo(200);
    respond(r, 200);
    expect(r.state()).toBe('accepted');
    expect(r.tu()).toEqual([
      { at: 200, event: { type: 'tu.response', response: expect.objectContaining({ status: 200 }) } },
    ]);
    r.clock.advanceTo(10000);
    expect(r.sendTimes()).toEqual([0]);
  });

  it('RFC 6026 §8.4 a 2xx in proceeding moves to accepted', () => {
    const r = start();
    respond(r, 180);
    respond(r, 200);
    expect(r.state()).toBe('accepted');
    expect(r.tu()).toHaveLength(2);
  });

  it('RFC 6026 §8.4 accepted: every further 2xx (retransmission or fork) goes to the TU, which ACKs it; others are absorbed', () => {
    const r = start();
    respond(r, 200, 'one');
    r.clock.advanceTo(500);
    respond(r, 200, 'one');
    respond(r, 200, 'two');
    respond(r, 180);
    respond(r, 486);
    const tags = r.tu().map((l) => l.event.type === 'tu.response' && l.event.response.toTag);
    expect(tags).toEqual(['one', 'one', 'two']);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.state()).toBe('accepted');
  });

  it('RFC 6026 §8.4 Timer M = 64·T1: accepted ends 32 s after the first 2xx, silently', () => {
    const r = start();
    r.clock.advanceTo(1000);
    respond(r, 200);
    r.clock.advanceTo(32999);
    expect(r.state()).toBe('accepted');
    r.clock.advanceTo(33000);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.tu()).toHaveLength(1);
  });

  it('§17.1.1.2 a 300–699 response in calling: completed, ACK sent, response to the TU, Timer A stopped', () => {
    const r = start();
    r.clock.advanceTo(600);
    respond(r, 486);
    expect(r.state()).toBe('completed');
    const [ack] = r.log.slice(-2);
    expect(ack).toEqual({
      at: 600,
      event: { type: 'transport.send', message: expect.objectContaining({ method: 'ACK' }) },
    });
    expect(r.tu()).toEqual([
      { at: 600, event: { type: 'tu.response', response: expect.objectContaining({ status: 486 }) } },
    ]);
    r.clock.advanceTo(20000);
    expect(r.sendTimes()).toEqual([0, 500, 600]);
  });

  it('§17.1.1.2 a 300–699 response in proceeding: completed, ACK sent, response to the TU', () => {
    const r = start();
    respond(r, 180);
    respond(r, 603);
    expect(r.state()).toBe('completed');
    expect(r.sent().map((m) => m.type === 'request' && m.method)).toEqual(['INVITE', 'ACK']);
    expect(r.tu().map((l) => l.event.type === 'tu.response' && l.event.response.status)).toEqual([180, 603]);
  });

  it('§17.1.1.3 the ACK to a non-2xx response: Request-URI, Call-ID, From, CSeq number of the INVITE, To of the response, top Via only, Route copied, Max-Forwards 70, no body', () => {
    const r = start();
    respond(r, 404, 'resp-tag');
    const ack = r.sent()[1] as SipRequest;
    const inv = r.request;
    expect(ack.method).toBe('ACK');
    expect(ack.uriText).toBe(inv.uriText);
    expect(ack.callId).toBe(inv.callId);
    expect(ack.cseq).toEqual({ seq: 314159, method: 'ACK' });
    expect(ack.fromTag).toBe('1928301774');
    expect(ack.toTag).toBe('resp-tag');
    expect(ack.getAll('via')).toEqual(['SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bKnashds8']);
    expect(ack.getAll('route')).toEqual([
      '<sip:p1.example.com;lr>',
      '<sip:p2.example.com;lr>',
      '<sip:p3.example.com;lr>',
    ]);
    expect(ack.maxForwards).toBe(70);
    expect(ack.body.length).toBe(0);
    expect(ack.has('contact')).toBe(false);
    expect(ack.has('content-type')).toBe(false);
    expect(serializeSipMessage(ack).toString()).toMatch(
      /^ACK sip:bob@biloxi\.example\.com;transport=udp SIP\/2\.0\r\n/,
    );
  });

  it('§17.1.1.2 completed: a retransmitted final response resends the same ACK and is not passed to the TU', () => {
    const r = start();
    respond(r, 486);
    r.clock.advanceTo(400);
    respond(r, 486);
    r.clock.advanceTo(2400);
    respond(r, 486);
    respond(r, 180); // a late provisional: neither ACKed nor passed up
    const sent = r.sent();
    expect(r.sendTimes()).toEqual([0, 0, 400, 2400]);
    expect(sent[2]).toBe(sent[1]);
    expect(sent[3]).toBe(sent[1]);
    expect(r.tu()).toHaveLength(1);
  });

  it('§17.1.1.2 Timer D is 32 s over UDP: completed ends 32 s after the final response, silently', () => {
    const r = start();
    r.clock.advanceTo(1000);
    respond(r, 500);
    r.clock.advanceTo(32999);
    expect(r.state()).toBe('completed');
    r.clock.advanceTo(33000);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
    expect(r.tu()).toHaveLength(1);
  });

  it('§17.1.1.2 reliable transport: Timer A is never armed, Timer B still fires at 64·T1', () => {
    const r = start(true);
    r.clock.advanceTo(31999);
    expect(r.sendTimes()).toEqual([0]);
    expect(r.clock.pending).toBe(1);
    r.clock.advanceTo(32000);
    expect(r.tu()).toEqual([{ at: 32000, event: { type: 'tu.timeout', timer: 'B' } }]);
    expect(r.done()).toBe(true);
  });

  it('§17.1.1.2 reliable transport: Timer D is zero, a non-2xx final response is ACKed and the transaction terminates at once', () => {
    const r = start(true);
    respond(r, 180);
    respond(r, 486);
    expect(r.sent().map((m) => m.type === 'request' && m.method)).toEqual(['INVITE', 'ACK']);
    expect(r.tu().map((l) => l.event.type === 'tu.response' && l.event.response.status)).toEqual([180, 486]);
    expect(r.done()).toBe(true);
    expect(r.completed()).toBe(true);
  });

  it('§17.1.1.2 reliable transport: a 2xx still goes to accepted for Timer M', () => {
    const r = start(true);
    respond(r, 200);
    expect(r.state()).toBe('accepted');
    r.clock.advanceTo(32000);
    expect(r.done()).toBe(true);
  });

  it('§17.1.4 a transport error in calling informs the TU and terminates', () => {
    const r = start();
    const error = new Error('EHOSTUNREACH');
    r.actor.send({ type: 'transport.error', error });
    expect(r.tu()).toEqual([{ at: 0, event: { type: 'tu.transportError', error } }]);
    expect(r.done()).toBe(true);
    expect(r.clock.pending).toBe(0);
  });

  it('§17.1.4 a transport error in proceeding informs the TU and terminates', () => {
    const r = start();
    respond(r, 180);
    r.actor.send({ type: 'transport.error' });
    expect(r.tu().at(-1)).toEqual({ at: 0, event: { type: 'tu.transportError', error: undefined } });
    expect(r.done()).toBe(true);
  });

  it('§17.1.1.2 a transport error in completed (the ACK could not be sent) informs the TU and terminates', () => {
    const r = start();
    respond(r, 486);
    r.actor.send({ type: 'transport.error', error: 'ECONNREFUSED' });
    expect(r.tu().at(-1)).toEqual({ at: 0, event: { type: 'tu.transportError', error: 'ECONNREFUSED' } });
    expect(r.done()).toBe(true);
  });

  it('RFC 6026 §8.4 accepted: a late transport error (the transaction sends nothing there) is absorbed', () => {
    const r = start();
    respond(r, 200);
    r.actor.send({ type: 'transport.error' });
    expect(r.state()).toBe('accepted');
    expect(r.tu()).toHaveLength(1);
  });

  it('§17.1.1.1 custom T1 from input: Timer A at T1 = 100 ms doubles from there, Timer B at 6.4 s', () => {
    const r = start(false, { t1: 100 });
    r.clock.advanceTo(6400);
    expect(r.sendTimes()).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect(r.tu()).toEqual([{ at: 6400, event: { type: 'tu.timeout', timer: 'B' } }]);
  });

  it('§17.1.1.2 Timer D is at least 32 s: max(32 s, 64·T1) for a custom T1', () => {
    const small = start(false, { t1: 100 });
    respond(small, 486);
    small.clock.advanceTo(31999);
    expect(small.state()).toBe('completed');
    small.clock.advanceTo(32000);
    expect(small.done()).toBe(true);

    const large = start(false, { t1: 1000 });
    respond(large, 486);
    large.clock.advanceTo(63999);
    expect(large.state()).toBe('completed');
    large.clock.advanceTo(64000);
    expect(large.done()).toBe(true);
  });

  it('§17.1.1.2 RFC 6026 Timer M follows a custom T1 (64·T1)', () => {
    const r = start(false, { t1: 250 });
    respond(r, 200);
    r.clock.advanceTo(15999);
    expect(r.state()).toBe('accepted');
    r.clock.advanceTo(16000);
    expect(r.done()).toBe(true);
  });
});
