import type http from "node:http";

/** The port or address cannot be had: one line for the operator, naming the setting to change. */
export class ListenError extends Error {}

export function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      server.off("listening", listening);
      reject(explain(error, port, host));
    };
    const listening = () => {
      server.off("error", failed);
      resolve();
    };
    server.once("error", failed);
    server.once("listening", listening);
    server.listen(port, host);
  });
}

function explain(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError(
        `Port ${port} is already in use by another program. Stop that program, or choose another port with PORT ` +
          `(for example PORT=${port === 65535 ? 3001 : port + 1} npm start).`,
      );
    case "EACCES":
      return new ListenError(
        `Port ${port} needs privileges this process does not have. Choose a port above 1023 with PORT (for example PORT=3000).`,
      );
    case "EADDRNOTAVAIL":
      return new ListenError(
        `HOST ${host} is not an address of this machine. Set HOST to one of its addresses, or 0.0.0.0.`,
      );
    default:
      return error;
  }
}

/**
 * The address to open in a browser: a wildcard HOST (all interfaces) is reached as localhost, an
 * IPv6 address goes in brackets. `port` is the port actually bound (PORT=0 picks a free one).
 */
export function browserUrl(host: string, port: number): string {
  const name = ["0.0.0.0", "::", "[::]"].includes(host)
    ? "localhost"
    : host.includes(":")
      ? `[${host}]`
      : host;
  return `http://${name}:${port}`;
}

/** The start log's line: where the server listens, and what to open there first. */
export function startMessage(url: string, needsFirstAdmin: boolean): string {
  return needsFirstAdmin
    ? `Claimant is listening on ${url}. No admin exists yet: open ${url}/setup to create the first admin.`
    : `Claimant is listening on ${url}. Open ${url}/ and log in.`;
}
