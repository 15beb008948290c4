/** What `meltano-temporal codec-server` does when it runs (its flags are in command.ts): serve until a signal. */
import { UsageError } from '../../errors.js';

export interface CodecServerFlags {
  port: string;
  host: string;
  uiOrigin: string[];
  namespace?: string[];
}

export async function serveCodec(flags: CodecServerFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, not '${flags.port}'`);
  const { CODEC_TOKEN_ENV, startCodecServerFromEnv } = await import('../../temporal/codec-server.js');
  const server = await startCodecServerFromEnv({
    port,
    host: flags.host,
    uiOrigins: flags.uiOrigin,
    ...(flags.namespace ? { namespaces: flags.namespace } : {}),
    log: (line) => process.stderr.write(`codec-server: ${line}\n`),
  });
  const say = (text: string): void => {
    process.stderr.write(`codec-server: ${text}\n`);
  };
  say(`listening on ${server.url} (POST /decode, /encode)`);
  say(
    flags.uiOrigin.length
      ? `Web UI origins allowed: ${flags.uiOrigin.join(', ')}`
      : 'no --ui-origin: browsers are refused, CLIs only',
  );
  say(
    process.env[CODEC_TOKEN_ENV]
      ? 'bearer token required'
      : `no token required (set ${CODEC_TOKEN_ENV} to require one)`,
  );
  say(`temporal CLI: temporal workflow show -w ID --codec-endpoint ${server.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  say('stopped');
}
