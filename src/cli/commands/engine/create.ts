// `tctop create`: a container ready to start; prints its ID.
import type { Command } from 'commander';
import { addCreateOptions, createRequest, readyImage, type CreateFlags } from './create-options.js';

export function registerCreate(program: Command): void {
  addCreateOptions(program.command('create').description('create a container from an image without starting it')).action(
    async (image: string, command: string[], flags: CreateFlags) => {
      const req = await createRequest(image, command, flags);
      await readyImage(image, flags);
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { createContainer } = await import('../../../engine/containers/create.js');
      const state = await createContainer(tctopRoot(), req);
      process.stdout.write(state.id + '\n');
    },
  );
}
