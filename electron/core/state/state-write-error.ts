// A save of state.json that did not reach disk. Its first line is what the user can do something about (free space,
// fix permissions), not errno jargon: before, a full disk reached the user as "internal error".
import { CodedError } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';

const causes: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
};

export class StateWriteError extends CodedError {
  constructor(
    readonly file: string,
    cause: unknown,
    doing = 'save state',
  ) {
    super('failed', `cannot ${doing}: ${describeCause(cause)} in HUBTRAY_HOME (${file})`, { cause });
    this.name = 'StateWriteError';
  }
}

function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return (code && causes[code]) ?? errorMessage(cause);
}
