/**
 * TLS on the protocol sessions' node:net sockets, with node:tls: the
 * server side for a PostgreSQL client whose SSLRequest the sidecar answers
 * `S` with a configured certificate, and the client side for a backend
 * the sidecar asks for TLS (SSLRequest, then the handshake, verifying the
 * certificate as configured). Deno's own `startTls` takes only a
 * `Deno.TcpConn`, which cannot pass a reset on; node:tls runs over the
 * socket's `SocketConn`, which keeps reading it: given the socket itself,
 * Deno's node:tls reports a reset as a clean end (measured), so the
 * session could not pass it on.
 * @module
 */

import net from "node:net";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { SocketConn } from "../net/mod.ts";
import { type BackendTls, BackendTlsError, sslRequest } from "../protocol/mod.ts";

/** The certificate chain and key the sidecar presents to its clients (PEM text). */
export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

/**
 * Runs the server side of a TLS handshake over `raw` (whose SSLRequest was
 * just answered `S`); the session then reads and writes the returned conn.
 * @throws {Error} when the handshake fails (the caller closes `raw`)
 */
export function acceptClientTls(raw: SocketConn, identity: TlsIdentity): Promise<SocketConn> {
  const socket = new tls.TLSSocket(transportOver(raw) as net.Socket, {
    isServer: true,
    secureContext: tls.createSecureContext({ cert: identity.cert, key: identity.key }),
  });
  return handshake(socket, "secure", "client TLS handshake");
}

/**
 * Asks the backend on `raw` for TLS (SSLRequest) and runs the handshake,
 * verifying the chain against `caCerts` (the system roots when there are
 * none), and in verify-full the host name too.
 * @throws {BackendTlsError} when the backend refuses TLS or its certificate does not verify
 */
export async function connectBackendTls(raw: SocketConn, config: BackendTls): Promise<SocketConn> {
  await raw.write(sslRequest());
  const answer = new Uint8Array(1);
  const count = await raw.read(answer);
  if (count === null) throw new BackendTlsError("closed the connection at SSLRequest");
  if (answer[0] !== 0x53) {
    throw new BackendTlsError(
      `refused TLS (answered ${JSON.stringify(String.fromCharCode(answer[0] as number))})`,
    );
  }
  const name = config.serverName;
  const socket = tls.connect({
    socket: transportOver(raw) as net.Socket,
    // node takes no IP address as SNI; the certificate is then checked against `host`.
    ...(net.isIP(name) === 0 ? { servername: name } : { host: name }),
    // node's `ca` replaces the system roots. Adding them back would need
    // `tls.rootCertificates`, which needs --allow-sys: configured CAs are trusted alone.
    ...(config.caCerts.length > 0 ? { ca: [...config.caCerts] } : {}),
    rejectUnauthorized: true,
    ...(config.mode === "require" ? { checkServerIdentity: () => undefined } : {}),
  });
  try {
    return await handshake(socket, "secureConnect", "TLS handshake");
  } catch (error) {
    throw new BackendTlsError((error as Error).message, { cause: error });
  }
}

/**
 * A stream over `raw` for node:tls to run on: `raw` goes on reading the
 * socket (flow mode), so its reset is seen, and told, there.
 */
function transportOver(raw: SocketConn): Duplex {
  const transport = new Duplex({
    read() {
      if (raw.socket.isPaused() && !raw.socket.destroyed) raw.socket.resume();
    },
    write(chunk: Uint8Array, _encoding, done) {
      raw.write(chunk).then(() => done(), done);
    },
    final(done) {
      raw.closeWrite().then(() => done(), () => done());
    },
    destroy(error, done) {
      raw.close();
      done(error);
    },
  });
  void raw.flow((chunk) => {
    if (!transport.push(chunk)) raw.socket.pause();
  }).then((end) => {
    if (end === "eof") transport.push(null);
    else transport.destroy(raw.error ?? new Error("the connection failed"));
  });
  return transport;
}

function handshake(
  socket: tls.TLSSocket,
  done: "secure" | "secureConnect",
  what: string,
): Promise<SocketConn> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.destroy();
      reject(new Error(`${what}: ${error.message}`, { cause: error }));
    };
    socket.once("error", onError);
    socket.once(done, () => {
      socket.off("error", onError);
      resolve(new SocketConn(socket));
    });
  });
}
