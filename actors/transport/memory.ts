/**
 * An in-memory transport: it behaves like UDP to the core (unreliable, so every timer runs) but
 * writes into memory instead of a socket. For benchmarks and tests that drive the whole stack
 * without the kernel: feed datagrams with `core.receive(bytes, from, transport)`, read what
 * Parrot sent from `sent` / `last`.
 */
import type { Endpoint } from './udp';

export interface MemoryTransportOptions {
  /** The address the transport pretends to be bound to. Default 127.0.0.1:5060. */
  local?: Endpoint;
  /** Keep every datagram sent in `sent` (default true); otherwise only count them. */
  record?: boolean;
}

/**
 * @example
 * const t = new MemoryTransport();
 * core.addTransport(t);
 * core.receive(inviteBytes, { address: '127.0.0.2', port: 5070 }, t);
 * t.last?.toString(); // the response Parrot sent
 */
export class MemoryTransport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  readonly local: Endpoint & { family: 'IPv4' | 'IPv6' };
  /** Every datagram sent, oldest first (empty when `record` is off). */
  readonly sent: Buffer[] = [];
  /** The last datagram sent. */
  last: Buffer | undefined;
  /** How many datagrams were sent. */
  count = 0;
  private readonly record: boolean;

  constructor(options: MemoryTransportOptions = {}) {
    const local = options.local ?? { address: '127.0.0.1', port: 5060 };
    this.local = { ...local, family: local.address.includes(':') ? 'IPv6' : 'IPv4' };
    this.record = options.record ?? true;
  }

  send(data: Buffer, _to: Endpoint): void {
    this.last = data;
    this.count++;
    if (this.record) this.sent.push(data);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
