// startStack runs what the channel browser tests need: the loopback
// provider fakes, the server pointed at them (and allowed to fetch media
// from them), and a completed first-run set-up signed in as the admin.
import { Providers } from './providers.mjs';
import { Api, buildServer, makeTempDir, Server } from './server.mjs';

/**
 * @param {{name: string, email: string, password: string}} adminUser
 * @param {{accessToken?: string, phoneNumberId?: string, wabaId?: string, templates?: any[]}} wa the WhatsApp account the Graph fake serves
 */
export async function startStack(adminUser, wa = {}) {
  const tmp = await makeTempDir();
  const providers = await new Providers().start();
  Object.assign(providers, wa);
  const bin = process.env.PARLEY_BIN || (await buildServer(tmp.dir));
  const server = await Server.create(bin, tmp.dir, {
    env: {
      PARLEY_META_GRAPH_URL: providers.graphURL,
      PARLEY_TWILIO_API_URL: providers.twilioURL,
      // Media downloads come from the loopback fakes.
      PARLEY_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1/8',
    },
  });
  await server.start();
  const token = await server.setupToken();
  await new Api(server.url).req('POST', '/setup', { token, workspace_name: 'Acme Support', ...adminUser });
  const admin = await new Api(server.url).login(adminUser.email, adminUser.password);
  admin.ws = (await admin.req('GET', '/me')).workspaces[0].id;
  return {
    tmp,
    providers,
    server,
    admin,
    async stop() {
      await server.stop();
      await providers.stop();
      await tmp.cleanup();
    },
  };
}
