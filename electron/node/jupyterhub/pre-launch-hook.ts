// The Launcher's pre_launch_hook as a command: run on this computer before each launch, without a shell, and a
// non-zero exit stops the launch with what the command said. It learns what is being launched from its environment
// (never the API token), the way the Launcher's hook gets (username, server_name).
import { execFile } from 'node:child_process';

export interface HookContext {
  hubUrl: string;
  user: string;
  server: string;
  userOptions: Record<string, unknown>;
}

export function runPreLaunchHook(command: string | string[], context: HookContext, signal: AbortSignal): Promise<void> {
  const [file, ...args] = typeof command === 'string' ? [command] : command;
  const env = {
    ...process.env,
    JUPYTERHUB_URL: context.hubUrl,
    JUPYTERHUB_USER: context.user,
    JUPYTERHUB_SERVER_NAME: context.server,
    JUPYTERHUB_USER_OPTIONS: JSON.stringify(context.userOptions),
  };
  return new Promise((resolve, reject) => {
    execFile(file as string, args, { env, signal, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if (signal.aborted) return reject(signal.reason as Error);
      const said = stderr.trim().split('\n').pop() ?? '';
      const how = typeof error.code === 'number' ? `exit status ${error.code}` : error.message;
      reject(new Error(`pre_launch_hook ${file} refused the launch (${how})${said ? `: ${said}` : ''}`));
    });
  });
}
