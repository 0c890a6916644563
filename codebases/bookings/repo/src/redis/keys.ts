/** Every Redis key the service uses, in one place. All are scoped by tenant where they hold tenant data. */

export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** cached availability of one resource on one UTC day */
  availability(orgId: string, resourceId: string, day: string, generation: number): string {
    return `${this.prefix}avail:${orgId}:${resourceId}:${generation}:${day}`;
  }

  /** bumped when a resource's settings change: every cached day of it becomes unreachable */
  availabilityGeneration(orgId: string, resourceId: string): string {
    return `${this.prefix}avail-gen:${orgId}:${resourceId}`;
  }

  rateLimit(scope: string, subject: string): string {
    return `${this.prefix}rl:${scope}:${subject}`;
  }

  /** the stream the outbox relay publishes domain events to */
  eventsStream(): string {
    return `${this.prefix}events`;
  }

  deadLetterStream(): string {
    return `${this.prefix}events:dead`;
  }

  notifierGroup(): string {
    return "notifier";
  }

  workerHeartbeat(name: string): string {
    return `${this.prefix}worker:${name}:heartbeat`;
  }
}
