// The Launcher's pre_launch_hook as a function of HUBTRAY_HOME/hooks.mjs (like OutpostSpawner's callables): called
// before anything on the hub changes, with the Launcher's arguments as they apply to hubtray (a description of the
// launcher, the user, the server name, the user options). Throwing refuses the launch; returning an object changes
// those arguments, which are then checked like the system's own settings before anything is sent.
import { z } from 'zod';
import { describeZodError } from '../../../../shared/api.js';
import { JupyterHubSystem, type JupyterHubSystemConfig } from '../../../../shared/config.js';
import { HookError, type Hooks } from '../../hooks/hooks.js';

export interface LaunchArgs {
  user: string;
  server: string;
  userOptions: Record<string, unknown>;
}

/** What the hook may return: any of the arguments to replace, under the Launcher's names. */
const HookAnswer = z
  .object({
    username: z.string().min(1).optional(),
    server_name: JupyterHubSystem.shape.server_name.unwrap().optional(),
    user_options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .optional();

export async function runPreLaunchHook(config: JupyterHubSystemConfig, hooks: Hooks, args: LaunchArgs): Promise<LaunchArgs> {
  const ref = config.pre_launch_hook;
  if (!ref) return args;
  // A snapshot, as the Launcher's `self` would show these traits; the token is not among them.
  const launcher = {
    hub_url: config.hub_url,
    hub_url_local: config.hub_url_local ?? '',
    create_user: config.create_user,
    allow_named_servers: config.allow_named_servers,
    named_server_limit_per_user: config.named_server_limit_per_user,
    launch_timeout: config.launch_timeout,
    retries: config.retries,
    retry_delay: config.retry_delay,
  };
  const answer = await hooks.call('pre_launch_hook', ref.hook, [launcher, args.user, args.server, structuredClone(args.userOptions)]);
  const parsed = HookAnswer.safeParse(answer ?? undefined);
  if (!parsed.success) {
    throw new HookError(`hook pre_launch_hook (${ref.hook}) returned ${JSON.stringify(answer)?.slice(0, 200)}, which is not {username, server_name, user_options}: ${describeZodError(parsed.error)}`);
  }
  const changed = parsed.data ?? {};
  const server = changed.server_name ?? args.server;
  if (server && !config.allow_named_servers) throw new HookError(`hook pre_launch_hook (${ref.hook}) chose the named server ${server}, but allow_named_servers is off`);
  return { user: changed.username ?? args.user, server, userOptions: changed.user_options ?? args.userOptions };
}
