import { createServer, type Server, type Socket } from "node:net";

export interface BlackHole {
  /** `127.0.0.1:<port>`, as an image reference names a registry. */
  host: string;
  /** Connections accepted so far: whether anything was sent to it. */
  connections(): number;
  close(): Promise<void>;
}

/** A TCP server that accepts connections and never answers: a registry behind a dead proxy. */
export async function blackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
