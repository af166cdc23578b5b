// Child processes and loopback ports, for the test beds (Prosody's and ejabberd's).
import { execFile } from "node:child_process";
import net from "node:net";

export function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Distinct free loopback ports (all held open at once, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((res, rej) => {
      const s = net.createServer();
      s.once("error", rej);
      s.listen(0, "127.0.0.1", () => res(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => { sock.destroy(); res(true); });
    sock.once("error", () => res(false));
  });
}
