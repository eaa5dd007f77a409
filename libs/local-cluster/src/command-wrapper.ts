/**
 * Runs a command some other way than directly: inside a network namespace (`ip netns exec`), a
 * container, over ssh… It takes the command and its arguments and returns what to spawn instead.
 * The wrapper must `exec` the command in the end (so the spawned pid is the command's own, and a
 * signal to it reaches the command), as `ip netns exec`, `nsenter` and `sh -c 'exec "$@"'` do.
 */
export type CommandWrapper = (command: string, args: readonly string[]) => { readonly command: string; readonly args: readonly string[] };

/** Runs the command as it is. */
export const directly: CommandWrapper = (command, args) => ({ command, args });
