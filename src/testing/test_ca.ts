/**
 * A throwaway certificate authority for TLS tests, made with `openssl`: a
 * self-signed CA and one server certificate it signed for 127.0.0.1 and
 * localhost.
 * @module
 */

/** The files made, as PEM paths, and the CA's PEM text. */
export interface TestCa {
  readonly caCertFile: string;
  readonly caCertPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

/**
 * Writes a CA and a server certificate into `dir`.
 * @param names the server certificate's subject alternative names
 * @throws {Error} when openssl fails (with its output)
 */
export async function makeTestCa(
  dir: string,
  names: readonly string[] = ["IP:127.0.0.1", "DNS:localhost"],
): Promise<TestCa> {
  const path = (name: string) => `${dir}/${name}`;
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=iaido test CA",
    "-keyout",
    path("ca.key"),
    "-out",
    path("ca.crt"),
  ]);
  await openssl([
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    path("server.key"),
    "-out",
    path("server.csr"),
  ]);
  await Deno.writeTextFile(path("server.ext"), `subjectAltName=${names.join(",")}\n`);
  await openssl([
    "x509",
    "-req",
    "-in",
    path("server.csr"),
    "-CA",
    path("ca.crt"),
    "-CAkey",
    path("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    path("server.ext"),
    "-out",
    path("server.crt"),
  ]);
  return {
    caCertFile: path("ca.crt"),
    caCertPem: await Deno.readTextFile(path("ca.crt")),
    serverCertFile: path("server.crt"),
    serverKeyFile: path("server.key"),
  };
}

async function openssl(args: readonly string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`openssl ${args[0]} exited ${code}: ${new TextDecoder().decode(stderr)}`);
  }
}
