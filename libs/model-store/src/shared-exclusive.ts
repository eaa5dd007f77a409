/**
 * Many shared holders at once, or one exclusive holder alone: the model store's puts are shared
 * (any number of loads publish side by side) and its sweep is exclusive, so that no object is
 * deleted between a load finding it stored and the load's record naming it.
 */
export class SharedExclusive {
  private holders = 0;
  private exclusive: Promise<void> | undefined;
  private drained: (() => void)[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    this.holders++;
    try {
      return await work();
    } finally {
      if (--this.holders === 0) for (const resume of this.drained.splice(0)) resume();
    }
  }

  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.holders > 0) await new Promise<void>((resume) => this.drained.push(resume));
      return await work();
    } finally {
      this.exclusive = undefined;
      release();
    }
  }
}
