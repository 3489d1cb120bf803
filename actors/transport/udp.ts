/**
 * UDP transport (RFC 3261 §18 over datagrams). Binds IPv4 or IPv6, asks the kernel for large
 * socket buffers (the default drops packets above a few thousand calls per second), hands every
 * datagram up, and writes whatever it is given. It knows nothing of SIP beyond bytes: parsing
 * and routing happen above it.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Where a datagram came from or goes to. */
export interface Endpoint {
  address: string;
  port: number;
}

export interface UdpTransportOptions {
  /** Address to bind. Default `127.0.0.1`; `::1`, `0.0.0.0`, `::` work too. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 5060. */
  port?: number;
  /** Receive buffer in bytes. Default 4 MiB. */
  recvBufferSize?: number;
  /** Send buffer in bytes. Default 4 MiB. */
  sendBufferSize?: number;
}

export type DatagramHandler = (data: Buffer, source: Endpoint) => void;

/** Largest UDP payload that may be sent without a congestion-controlled transport (§18.1.1). */
export const UDP_MTU_LIMIT = 1300;

/** A bound UDP socket. */
export class UdpTransport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  private readonly socket: Socket;
  private closed = false;
  /** Datagrams the kernel refused to send (error callback). */
  sendErrors = 0;
  private constructor(
    socket: Socket,
    readonly local: Endpoint & { family: 'IPv4' | 'IPv6' },
  ) {
    this.socket = socket;
  }

  /**
   * Binds a socket and resolves once it listens.
   *
   * @example
   * const udp = await UdpTransport.bind({ host: '127.0.0.1', port: 5060 }, (data, from) => router.receive(data, from));
   */
  static bind(options: UdpTransportOptions, onDatagram: DatagramHandler): Promise<UdpTransport> {
    const host = options.host ?? '127.0.0.1';
    const ipv6 = isIPv6(host);
    const socket = createSocket({
      type: ipv6 ? 'udp6' : 'udp4',
      recvBufferSize: options.recvBufferSize ?? 4 * 1024 * 1024,
      sendBufferSize: options.sendBufferSize ?? 4 * 1024 * 1024,
      ipv6Only: ipv6,
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.bind(options.port ?? 5060, host, () => {
        socket.off('error', onError);
        const a = socket.address();
        const t = new UdpTransport(socket, {
          address: a.address,
          port: a.port,
          family: a.family === 'IPv6' ? 'IPv6' : 'IPv4',
        });
        socket.on('message', (data: Buffer, rinfo: RemoteInfo) => {
          onDatagram(data, { address: rinfo.address, port: rinfo.port });
        });
        // A send to an unreachable port reports ICMP errors here; never let them crash.
        socket.on('error', () => {
          t.sendErrors++;
        });
        resolve(t);
      });
    });
  }

  /** The buffer sizes the kernel actually granted (Linux doubles the request, capped by rmem_max). */
  get bufferSizes(): { recv: number; send: number } {
    return { recv: this.socket.getRecvBufferSize(), send: this.socket.getSendBufferSize() };
  }

  /**
   * Sends one datagram. Errors are counted, never thrown. Without `onError` no callback is
   * allocated per datagram (errors then surface on the socket's 'error' event, counted there).
   */
  send(data: Buffer, to: Endpoint, onError?: (err: Error) => void): void {
    if (this.closed) return;
    if (!onError) {
      this.socket.send(data, to.port, to.address);
      return;
    }
    this.socket.send(data, to.port, to.address, (err) => {
      if (err) {
        this.sendErrors++;
        onError(err);
      }
    });
  }

  /** Closes the socket. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
