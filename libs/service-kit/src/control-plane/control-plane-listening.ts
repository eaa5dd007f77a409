/**
 * Settles once Nest has subscribed every controller's pattern (ControlPlaneServer marks it). Nest
 * subscribes only after every bootstrap hook has returned, so a service that asks for something
 * whose answer arrives as an event (a fleet resync, say) asks after this, or could miss the answer.
 */
export class ControlPlaneListening {
  private resolve!: () => void;
  readonly subscribed = new Promise<void>((resolve) => (this.resolve = resolve));

  markSubscribed(): void {
    this.resolve();
  }
}
