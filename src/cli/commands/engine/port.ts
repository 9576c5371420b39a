// `tctop port <container> [PRIVATE_PORT[/PROTO]]`: the published ports, as docker port prints them.
import type { Command } from 'commander';
import { print } from './each-container.js';

export function registerPort(program: Command): void {
  program
    .command('port')
    .description("list a container's published ports, or the host address of one")
    .argument('<container>', 'name, ID or unique ID prefix')
    .argument('[private-port]', 'PRIVATE_PORT[/tcp|udp]')
    .action(async (ref: string, privatePort: string | undefined) => {
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { resolveContainer } = await import('../../../engine/containers/store.js');
      const { portLines } = await import('../../../engine/network/port-list.js');
      for (const line of portLines(resolveContainer(tctopRoot(), ref), privatePort)) print(line);
    });
}
