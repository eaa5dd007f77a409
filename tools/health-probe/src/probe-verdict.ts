import type { ControlReply, ServiceHealth } from '@flotilla/contracts';

export interface ProbeVerdict {
  /** 0: the probe passes; 1: it fails. */
  readonly exitCode: 0 | 1;
  readonly line: string;
}

/**
 * What a probe concludes from the service's answer (`undefined`: none came). Live: it answered.
 * Ready (with `requireReady`): it also says it is ready; otherwise its reasons are the message.
 */
export function probeVerdict(service: string, answer: ControlReply<ServiceHealth> | undefined, requireReady: boolean): ProbeVerdict {
  if (!answer) return { exitCode: 1, line: `${service}: no instance answers flotilla.health.${service} (not running, or not on this NATS server)` };
  if (!answer.ok) return { exitCode: 1, line: `${service}: answered with an error: ${answer.error.message}` };
  const health = answer.value;
  const state = health.ready ? 'live and ready' : `live, not ready: ${health.reasons.join('; ')}`;
  return { exitCode: requireReady && !health.ready ? 1 : 0, line: `${service} ${health.instance} (pid ${health.pid}): ${state}` };
}
