// The personal hub listens on the same port after a restart of hubtray whenever it can: the labs it serves keep its
// address in their environment (JUPYTERHUB_HOST, the OAuth URLs), and a lab cannot be told a new one.
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../state/atomic-file.js';

export async function rememberedPort(file: string): Promise<number> {
  try {
    const port = (JSON.parse(await readFile(file, 'utf8')) as { port?: unknown }).port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
  } catch {
    // First run, or a damaged file: any free port will do, and is remembered from now on.
    return 0;
  }
}

export function rememberPort(file: string, port: number): Promise<void> {
  return writeJsonAtomic(file, { port });
}
