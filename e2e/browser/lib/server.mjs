// Builds and runs the real Parley server for the browser tests: a fresh data
// directory, a free loopback port, readiness awaited on /readyz.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** buildServer compiles ./cmd/parley into dir and returns the binary's path. */
export async function buildServer(dir) {
  const bin = path.join(dir, 'parley');
  await run('go', ['build', '-o', bin, './cmd/parley'], { cwd: repoRoot });
  return bin;
}

export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

export class Server {
  constructor(bin, { port, dataDir, env = {} }) {
    this.bin = bin;
    this.env = env;
    this.port = port;
    this.dataDir = dataDir;
    this.url = `http://127.0.0.1:${port}`;
    this.child = null;
    this.log = '';
  }

  /**
   * create makes a server with a fresh data directory under base; env adds
   * configuration (PARLEY_META_GRAPH_URL, PARLEY_ALLOW_PRIVATE_ADDRESSES…).
   */
  static async create(bin, base, { env = {} } = {}) {
    const dataDir = await mkdtemp(path.join(base, 'data-'));
    return new Server(bin, { port: await freePort(), dataDir, env });
  }

  async start() {
    const child = spawn(this.bin, ['serve'], {
      cwd: this.dataDir,
      env: {
        ...process.env,
        PARLEY_ADDR: `127.0.0.1:${this.port}`,
        PARLEY_DATA_DIR: this.dataDir,
        PARLEY_PUBLIC_URL: this.url,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (b) => {
      this.log += b.toString();
      if (this.log.length > 200_000) this.log = this.log.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`parley serve exited early (code ${code}):\n${this.log}`);
    });
    exited.catch(() => {});
    await Promise.race([this.waitReady(), exited]);
  }

  async waitReady(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    // /readyz is polled: the server offers no other readiness signal.
    for (;;) {
      try {
        const res = await fetch(this.url + '/readyz');
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`parley not ready after ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async setupToken() {
    return (await readFile(path.join(this.dataDir, 'setup-token'), 'utf8')).trim();
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}

export async function makeTempDir() {
  const base = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.tmp');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, 'run-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Api is a small REST client with a bearer token, for seeding and checking. */
export class Api {
  constructor(base, token = '') {
    this.base = base + '/api/v1';
    this.token = token;
  }

  async req(method, p, body) {
    const headers = { Accept: 'application/json' };
    if (this.token) headers.Authorization = 'Bearer ' + this.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return data;
  }

  async login(email, password) {
    const r = await this.req('POST', '/auth/login', { email, password });
    return new Api(this.base.replace(/\/api\/v1$/, ''), r.token);
  }

  /**
   * invite makes person ({name, email, password}) a member of workspace ws
   * the way a colleague joins: an invitation that they accept. It answers
   * the new member's user id.
   */
  async invite(ws, person, role = 'agent') {
    const inv = await this.req('POST', `/workspaces/${ws}/invites`, { email: person.email, role });
    const token = new URL(inv.link).searchParams.get('token');
    const accepted = await new Api(this.base.replace(/\/api\/v1$/, '')).req('POST', '/invites/accept', {
      token,
      name: person.name,
      password: person.password,
    });
    return accepted.user.id;
  }

  /** inbound injects a customer message through the API channel. */
  inbound(inboundToken, { sourceId, name, content, id }) {
    return this.req('POST', `/inbound/${inboundToken}/messages`, {
      contact: { source_id: sourceId, name },
      source_message_id: id ?? `${sourceId}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      content,
    });
  }
}

/**
 * startWorkspace starts the server built from this checkout, completes the
 * first-run set-up with adminUser and adds an API-channel inbox: what most
 * screen tests start from. stop() stops the server and removes its files.
 * @param {{name: string, email: string, password: string}} adminUser
 * @param {{env?: Record<string, string>}} options passed to Server.create
 */
export async function startWorkspace(adminUser, options = {}) {
  const tmp = await makeTempDir();
  const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
  const server = await Server.create(bin, tmp.dir, options);
  await server.start();
  const token = await server.setupToken();
  await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...adminUser });
  const admin = await new Api(server.url).login(adminUser.email, adminUser.password);
  admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
  const inbox = await admin.req('POST', `/workspaces/${admin.ws}/inboxes`, { name: 'Website API', channel: 'api', config: {} });
  return {
    server,
    admin,
    inbox,
    async stop() {
      await server.stop();
      await tmp.cleanup();
    },
  };
}
