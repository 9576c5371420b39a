// Which of tctop's own containers use an image: <root>/containers/*/state.json, key imageId (the engine's contract).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containersDir } from './store-paths.js';

export interface ImageUser {
  id: string;
  name?: string;
}

export function containersUsing(root: string, imageHex: string): ImageUser[] {
  let dirs: string[];
  try {
    dirs = readdirSync(containersDir(root));
  } catch {
    return [];
  }
  const users: ImageUser[] = [];
  for (const dir of dirs) {
    let state: { imageId?: unknown; name?: unknown; id?: unknown };
    try {
      state = JSON.parse(readFileSync(join(containersDir(root), dir, 'state.json'), 'utf8'));
    } catch {
      continue; // not a container dir, or one being created/removed
    }
    const imageId = typeof state.imageId === 'string' ? state.imageId.replace(/^sha256:/, '') : '';
    if (imageId === imageHex)
      users.push({ id: typeof state.id === 'string' ? state.id : dir, name: typeof state.name === 'string' ? state.name : undefined });
  }
  return users;
}
