import { createActor } from 'xstate';
import { handlerAdapterMachine, type HandlerAdapterEmitted } from '../../machines/handlerAdapter';

function start() {
  const actor = createActor(handlerAdapterMachine, { input: { call: { id: 'call-handle' } } });
  const log: HandlerAdapterEmitted[] = [];
  actor.on('*', (e) => log.push(e));
  actor.start();
  const states = () =>
    log.filter((e) => e.type === 'adapter.state').map((e) => (e as { state: string }).state);
  const responses = () =>
    log
      .filter((e) => e.type === 'adapter.respond')
      .map((e) => (e as { response: { status: number } }).response.status);
  return { actor, log, states, responses };
}

describe('handler adapter', () => {
  it('on start it asks the runtime to run onInvite with the call handle, in trying', () => {
    const a = start();
    expect(a.log[0]).toEqual({ type: 'adapter.invite', call: { id: 'call-handle' } });
    expect(a.states()).toEqual(['trying']);
  });

  it('a returned 2xx decision answers, waits for the ACK, then the call is up (onAck, onCallStart)', () => {
    const a = start();
    a.actor.send({ type: 'handler.done', output: { status: 200, body: 'v=0' } });
    expect(a.responses()).toEqual([200]);
    a.actor.send({ type: 'sip.ack' });
    expect(a.states()).toEqual(['trying', 'waitingForAck', 'inCall']);
    const callbacks = a.log
      .filter((e) => e.type === 'adapter.callback')
      .map((e) => (e as { name: string }).name);
    expect(callbacks).toEqual(['onAck', 'onCallStart']);
  });

  it('a returned non-2xx decision rejects the call: ended, reason rejected', () => {
    const a = start();
    a.actor.send({ type: 'handler.done', output: { status: 486 } });
    expect(a.responses()).toEqual([486]);
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'rejected' });
  });

  it('driving the handle: ring → 180, answer → 200; a decision returned after answering is ignored', () => {
    const a = start();
    a.actor.send({ type: 'call.ring' });
    a.actor.send({ type: 'call.answer', response: { status: 200 } });
    a.actor.send({ type: 'handler.done', output: { status: 500 } });
    expect(a.responses()).toEqual([180, 200]);
    expect(a.states()).toEqual(['trying', 'proceeding', 'waitingForAck']);
  });

  it('a void result leaves the call as the handler left it', () => {
    const a = start();
    a.actor.send({ type: 'call.ring' });
    a.actor.send({ type: 'handler.done', output: undefined });
    expect(a.states().at(-1)).toBe('proceeding');
  });

  it('a handler that throws before answering: 500, ended with reason error', () => {
    const a = start();
    a.actor.send({ type: 'handler.error', error: new Error('boom') });
    expect(a.responses()).toEqual([500]);
    expect(a.log.some((e) => e.type === 'adapter.error')).toBe(true);
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'error' });
  });

  it('a handler that throws after answering: the dialog hangs up (BYE), reason error', () => {
    const a = start();
    a.actor.send({ type: 'call.answer', response: { status: 200 } });
    a.actor.send({ type: 'sip.ack' });
    a.actor.send({ type: 'handler.error', error: new Error('late') });
    expect(a.log.some((e) => e.type === 'adapter.hangup')).toBe(true);
    a.actor.send({ type: 'dialog.ended' });
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'error' });
  });

  it('CANCEL while ringing ends the call with onCancel, reason cancel', () => {
    const a = start();
    a.actor.send({ type: 'call.ring' });
    a.actor.send({ type: 'sip.cancel' });
    expect(a.log.filter((e) => e.type === 'adapter.callback')).toEqual([
      { type: 'adapter.callback', name: 'onCancel' },
    ]);
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'cancel' });
  });

  it('the peer hangs up in a call: onBye, reason bye', () => {
    const a = start();
    a.actor.send({ type: 'call.answer', response: { status: 200 } });
    a.actor.send({ type: 'sip.ack' });
    a.actor.send({ type: 'sip.bye' });
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'bye' });
  });

  it('no ACK: the dialog reports ackTimeout and the call ends with that reason', () => {
    const a = start();
    a.actor.send({ type: 'call.answer', response: { status: 200 } });
    a.actor.send({ type: 'dialog.ackTimeout' });
    expect(a.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'ackTimeout' });
  });

  it('hangup before answer sends 480; shutdown sends 503 with Retry-After', () => {
    const a = start();
    a.actor.send({ type: 'call.hangup' });
    expect(a.responses()).toEqual([480]);
    const b = start();
    b.actor.send({ type: 'runtime.shutdown' });
    expect(b.log.find((e) => e.type === 'adapter.respond')).toEqual({
      type: 'adapter.respond',
      response: { status: 503, headers: { 'Retry-After': '5' } },
    });
    expect(b.log.at(-1)).toEqual({ type: 'adapter.ended', reason: 'shutdown' });
  });
});
