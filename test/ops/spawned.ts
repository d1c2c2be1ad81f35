// A server started as a real process (`alyx serve` or `npm start`): its output collected, and the
// port it says it listens on, once it says so.
import type { ChildProcess } from 'node:child_process';

export async function listeningPort(child: ChildProcess): Promise<{ port: number; output: () => string }> {
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
      else if (child.exitCode !== null) reject(new Error(`server exited:\n${out}`));
      else setTimeout(check, 100);
    };
    check();
  });
  return { port, output: () => out };
}
