/**
 * The worker's loop: each tick runs every task once (a failing task is logged and does not stop
 * the others); ticks repeat every WORKER_INTERVAL_MS until stop() is called, which lets the
 * current tick finish.
 */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { expireHolds } from "./holdExpiry";
import { purgeIdempotencyKeys } from "./housekeeping";
import { consumeEvents } from "./notifier";
import { relayOutbox } from "./outboxRelay";
import { dispatchWebhooks } from "./webhookDispatcher";

export interface Task {
  name: string;
  /** run at most once every `everyMs` (default: every tick) */
  everyMs?: number;
  run: (deps: Deps) => Promise<number>;
}

export const TASKS: Task[] = [
  { name: "expire-holds", run: expireHolds },
  { name: "relay-outbox", run: relayOutbox },
  { name: "consume-events", run: consumeEvents },
  { name: "dispatch-webhooks", run: dispatchWebhooks },
  { name: "purge-idempotency-keys", everyMs: 60_000, run: purgeIdempotencyKeys },
];

export class WorkerRunner {
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly lastRun = new Map<string, number>();
  private current: Promise<void> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly tasks: Task[] = TASKS,
  ) {}

  /** One pass over every task; returns what each did. */
  async tick(force = false): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const task of this.tasks) {
      const last = this.lastRun.get(task.name) ?? 0;
      if (!force && task.everyMs && Date.now() - last < task.everyMs) continue;
      this.lastRun.set(task.name, Date.now());
      try {
        done[task.name] = await task.run(this.deps);
      } catch (err) {
        logger().error("worker task failed", { task: task.name, error: err as Error });
        done[task.name] = -1;
      }
    }
    try {
      await this.deps.redis.set(this.deps.keys.workerHeartbeat(this.deps.config.worker.consumerName), new Date().toISOString(), "EX", 30);
    } catch {
      // the heartbeat is informative only
    }
    return done;
  }

  async runForever(): Promise<void> {
    logger().info("worker started", { interval_ms: this.deps.config.worker.intervalMs, consumer: this.deps.config.worker.consumerName });
    while (!this.stopping) {
      this.current = this.tick().then(() => undefined);
      await this.current;
      this.current = null;
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.deps.config.worker.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Asks the loop to end after the tick in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.current) await this.current;
  }
}
