// What the benchmarks that start `alyx serve` as a child process share (bench/startup.ts, bench/writes.ts):
// a free port, and the environment of a server on a given data directory and database.
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * The environment of `alyx serve` on loopback at `port`, with its data directory, the embedded
 * database (null) or a PostgreSQL URL, the request log off and the admin's password set.
 */
export function serverEnv(dataDir: string, databaseUrl: string | null, port: number, adminPassword: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ALYX_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ALYX_LOG: 'off',
    ALYX_ADMIN_PASSWORD: adminPassword,
    ALYX_FROM_SOURCE: '',
    ...extra,
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}
