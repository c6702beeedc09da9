// A `which`: where a command would be found on PATH. Synchronous because it only stats a handful of files.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export type Which = (command: string) => string | null;

export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const api = platform === 'win32' ? path.win32 : path.posix;
  // Windows runs `jupyter` as jupyter.exe or jupyter.cmd, so each PATHEXT suffix is tried.
  const suffixes = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';') : [''];
  const dirs = (env.PATH ?? env.Path ?? '').split(api.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    for (const suffix of suffixes) {
      const candidate = api.join(dir, command + suffix);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
