// The plan of `COPY . /app/` from a context directory onto a stage's image directory, for tests of COPY's cache key.
import { planCopy } from '../../src/engine/build/copy-layer.js';
import { resolveSources } from '../../src/engine/build/copy-sources.js';
import { MergedView } from '../../src/engine/build/merged-view.js';

export function planCopyAll(contextDir: string, imageDir: string): ReturnType<typeof planCopy> {
  const root = { view: new MergedView([contextDir], false), contextDir, what: 'build context' };
  const { sources } = resolveSources(['.'], root, 'COPY');
  return planCopy({
    sources,
    dest: '/app/',
    multiple: false,
    stageView: new MergedView([imageDir], false),
    owner: { uid: 0, gid: 0 },
    add: false,
    keyword: 'COPY',
  });
}
