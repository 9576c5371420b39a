// `tctop commit [-c CHANGE] [-m MSG] [-a AUTHOR] [-p=false] <container> [name[:tag]]`, as docker commit.
import type { Command } from 'commander';

interface CommitFlags {
  change: string[];
  message?: string;
  author?: string;
  pause: boolean;
}

export function registerCommit(program: Command): void {
  program
    .command('commit')
    .description("create a new image from a container's changes")
    .argument('<container>', 'container name or ID')
    .argument('[ref]', 'name[:tag] for the new image')
    .option(
      '-c, --change <instruction>',
      'apply a Dockerfile instruction to the image (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('-m, --message <text>', 'commit message')
    .option('-a, --author <name>', 'author (e.g. "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-p, --pause', 'pause the container during the commit (default)', true)
    .option('--no-pause', 'do not pause the container')
    .action(async (container: string, ref: string | undefined, flags: CommitFlags) => {
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { abandonStaging } = await import('../../../engine/images/staging.js');
      const { withInterruptCleanup } = await import('../images/interrupt.js');
      const { commitContainer } = await import('../../../engine/build/commit-container.js');
      const root = tctopRoot();
      const image = await withInterruptCleanup(
        () => abandonStaging(root),
        () =>
          commitContainer(root, container, {
            ref,
            changes: flags.change,
            message: flags.message,
            author: flags.author,
            pause: flags.pause,
          }),
      );
      process.stdout.write(image.id + '\n');
    });
}
