/**
 * The background worker: `node dist/worker.js` runs until SIGTERM (then finishes its current
 * pass and exits 0); `node dist/worker.js --once` runs every task once and exits.
 */
import { closeDeps, makeDeps } from "./bootstrap";
import { loadConfig } from "./config";
import { configureLogger, logger } from "./lib/logger";
import { WorkerRunner } from "./worker/runner";

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  configureLogger(config.logLevel, { process: "worker" });
  const once = argv.includes("--once");
  // signal handlers first: a SIGTERM during start-up is a clean stop too, not a kill
  let stopRequested: string | null = null;
  let stop: (signal: string) => Promise<void> = async (signal) => {
    stopRequested = signal;
  };
  if (!once) {
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
  }
  const deps = await makeDeps(config, { name: "bookings-worker" });
  const runner = new WorkerRunner(deps);
  if (once) {
    const done = await runner.tick(true);
    logger().info("worker pass done", done);
    await closeDeps(deps);
    return;
  }
  let stopping = false;
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info("worker stopping", { signal });
    await runner.stop();
    await closeDeps(deps);
    logger().info("worker stopped");
    process.exit(0);
  };
  if (stopRequested) {
    await stop(stopRequested);
    return;
  }
  await runner.runForever();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    logger().error("worker failed", { error: err as Error });
    process.exit(1);
  });
}
