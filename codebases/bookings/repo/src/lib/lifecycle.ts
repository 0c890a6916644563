/**
 * The process's life: whether it is draining (SIGTERM received: /ready answers 503 so the load
 * balancer stops sending work, requests in flight finish) and the hooks run on the way out.
 */
import { logger } from "./logger";

type Hook = { name: string; run: () => Promise<void> };

export class Lifecycle {
  private draining = false;
  private readonly hooks: Hook[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  get isDraining(): boolean {
    return this.draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  requestStarted(): void {
    this.inFlight += 1;
  }

  requestFinished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (false then). */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Registers work to do at shutdown; hooks run in reverse order of registration. */
  onShutdown(name: string, run: () => Promise<void>): void {
    this.hooks.push({ name, run });
  }

  startDraining(): void {
    this.draining = true;
  }

  async runHooks(): Promise<void> {
    for (const hook of [...this.hooks].reverse()) {
      try {
        await hook.run();
      } catch (err) {
        logger().error("shutdown step failed", { step: hook.name, error: err as Error });
      }
    }
  }
}
