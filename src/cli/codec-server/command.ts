/** `meltano-temporal codec-server`: decode (and encode) payloads for the Web UI and the `temporal` CLI. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';

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
    .action(lazyAction(async () => (await import('./action.js')).serveCodec));
}
