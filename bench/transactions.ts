/**
 * Transaction benchmark: server non-INVITE transactions per second through the whole inbound
 * path (parse → route → registry → serverNonInviteTransaction actor → TU → response serialized
 * and handed to the transport), over an in-memory transport, and heap bytes per live
 * transaction (actor alive, awaiting its TU) and per lingering one (answered, absorbing). Prints one JSON line. Run with `npm run bench:transactions`.
 */
import { SimulatedClock } from 'xstate';
import { MemoryTransport } from '../actors/transport/memory';
import { SipCore } from '../runtime/core';
import { defaultTransactionUser } from '../runtime/parrot';
import { Supervisor } from '../runtime/supervisor';

function options(i: number): Buffer {
  return Buffer.from(
    `OPTIONS sip:parrot@127.0.0.1 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-bench-${i};rport\r\n` +
      `Max-Forwards: 70\r\nTo: <sip:parrot@127.0.0.1>\r\nFrom: <sip:bench@127.0.0.2>;tag=b${i}\r\n` +
      `Call-ID: bench-${i}@127.0.0.2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  );
}

function makeCore(clock: SimulatedClock): { core: SipCore; transport: MemoryTransport } {
  const supervisor = new Supervisor({ clock });
  const core: SipCore = new SipCore(
    { supervisor },
    defaultTransactionUser(() => core),
  );
  const transport = new MemoryTransport({ record: false });
  core.addTransport(transport);
  return { core, transport };
}

const source = { address: '127.0.0.2', port: 5070 };
const N = 40000;
const messages = Array.from({ length: N }, (_, i) => options(i));

// Throughput: each transaction runs to completion (Timer J fires on the simulated clock).
function throughput(): number {
  const clock = new SimulatedClock();
  const { core, transport } = makeCore(clock);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    core.receive(messages[i]!, source, transport);
    if (i % 1000 === 999) clock.increment(32000); // Timer J: transactions complete and unregister
  }
  clock.increment(32000);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (transport.count !== N || !core.registry.isEmpty)
    throw new Error(`sent ${transport.count}, registry ${JSON.stringify(core.registry.sizes)}`);
  return N / s;
}

throughput(); // warm-up
const rate = Math.max(throughput(), throughput());

// Memory, two figures: a transaction whose TU has not answered yet (its actor is alive), and
// one that answered and lingers (absorbing retransmissions until Timer J, see
// TransactionLingerEffect). Neither is let go: the clock does not advance.
const gc = (globalThis as { gc?: () => void }).gc;
const LIVE = 10000;
function heapPer(tu: 'silent' | 'answering'): number | null {
  if (!gc) return null;
  const clock = new SimulatedClock();
  const supervisor = new Supervisor({ clock });
  const core: SipCore = new SipCore(
    { supervisor },
    tu === 'silent' ? { onRequest: () => undefined } : defaultTransactionUser(() => core),
  );
  const transport = new MemoryTransport({ record: false });
  core.addTransport(transport);
  const live = Array.from({ length: LIVE }, (_, i) => options(N + i));
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const m of live) core.receive(m, source, transport);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (core.registry.serverTransactions.size !== LIVE) throw new Error('transactions did not stay live');
  return Math.round((after - before) / LIVE);
}
const heapAwaitingTu = heapPer('silent');
const heapLingering = heapPer('answering');

console.log(
  JSON.stringify({
    name: 'server-non-invite-transactions',
    transactions: N,
    ops_per_s: Math.round(rate),
    us_per_transaction: +(1e6 / rate).toFixed(1),
    heap_bytes_per_transaction_awaiting_tu: heapAwaitingTu,
    heap_bytes_per_lingering_transaction: heapLingering,
  }),
);
