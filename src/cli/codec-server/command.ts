/** `meltano-temporal codec-server`: decode (and encode) payloads for the Web UI and the `temporal` CLI. */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { action } from '../program/action.js';

interface CodecServerFlags {
  port: string;
  host: string;
  uiOrigin: string[];
  namespace?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function codecServerCommand(): Command {
  return new Command('codec-server')
    .description(
      'Serve the payload codec (MELTANO_TEMPORAL_ENCRYPTION_KEY) over HTTP, so the Temporal Web UI and `temporal --codec-endpoint` show decoded inputs and results. Set MELTANO_TEMPORAL_CODEC_TOKEN to require `Authorization: Bearer <token>`.',
    )
    .option('--port <port>', 'port to listen on', '8081')
    .option('--host <ip>', 'interface to listen on (keep it private: the server holds the key)', '127.0.0.1')
    .option(
      '--ui-origin <url>',
      'origin of a Web UI allowed to call from the browser, e.g. http://localhost:8233 (repeatable)',
      collect,
      [],
    )
    .option('-n, --namespace <name>', 'serve only this namespace (X-Namespace header; repeatable)', collect)
    .action(
      action(async (flags: CodecServerFlags) => {
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
      }),
    );
}
