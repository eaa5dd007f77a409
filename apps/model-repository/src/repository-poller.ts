import type { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { listModelDirectories, modelFingerprint } from '@flotilla/repository';

/** What a poll found: the folders now, and which models to (re)load or unload. */
export interface PollListener {
  folders(names: readonly string[]): void;
  changed(name: string): void;
  removed(name: string): void;
}

/**
 * Control mode `poll`: reads the repository folder every `pollSecs` and reports each model folder
 * that appeared or changed (config.pbtxt text, version folders, model files' size and time:
 * `modelFingerprint`) and each one that went. It only reports; the repository service loads and
 * unloads, one operation per model at a time, so a slow load never delays the next poll.
 */
export class RepositoryPoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly fingerprints = new Map<string, string>();
  private known: readonly string[] = [];

  constructor(
    private readonly repository: string,
    private readonly pollSecs: number,
    private readonly listener: PollListener,
    private readonly logger: Logger,
  ) {}

  /** `loaded`: the folders the startup load found; changes are counted from there. */
  async start(loaded: readonly string[]): Promise<void> {
    this.known = loaded;
    for (const name of loaded) this.fingerprints.set(name, await this.fingerprint(name));
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.poll()
        .catch((error: Error) => this.logger.error(`poll of ${this.repository} failed: ${error.message}`))
        .finally(() => this.timer && this.schedule());
    }, this.pollSecs * 1000);
  }

  private async poll(): Promise<void> {
    const now = await listModelDirectories(this.repository);
    const removed = this.known.filter((name) => !now.includes(name));
    this.known = now;
    this.listener.folders(now);
    for (const name of removed) {
      this.fingerprints.delete(name);
      this.listener.removed(name);
    }
    for (const name of now) {
      const fingerprint = await this.fingerprint(name);
      if (this.fingerprints.get(name) === fingerprint) continue;
      this.fingerprints.set(name, fingerprint);
      this.listener.changed(name);
    }
  }

  private fingerprint(name: string): Promise<string> {
    return modelFingerprint(join(this.repository, name));
  }
}
