/**
 * The API server: `node dist/server.js [--port N] [--host H]` (else PORT, HOST). On SIGTERM or SIGINT it stops taking new
 * connections, answers /ready with 503, lets requests in flight finish (up to
 * SHUTDOWN_TIMEOUT_MS), closes the database pool and Redis, and exits 0.
 */
import { createServer, Server } from "node:http";
import { buildApp } from "./app";
import { closeDeps, makeDeps } from "./bootstrap";
import { loadConfig } from "./config";
import { Deps } from "./deps";
import { Lifecycle } from "./lib/lifecycle";
import { configureLogger, logger } from "./lib/logger";

export async function startServer(deps: Deps, lifecycle: Lifecycle): Promise<Server> {
  const app = buildApp(deps, lifecycle);
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.config.port, deps.config.host, () => resolve());
  });
  return server;
}

export function installShutdown(server: Server, deps: Deps, lifecycle: Lifecycle): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const log = logger();
    log.info("shutting down", { signal, in_flight: lifecycle.requestsInFlight });
    lifecycle.startDraining();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // keep-alive connections go idle when their last response is sent: close them as they do
    server.closeIdleConnections();
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    const drained = await lifecycle.waitIdle(deps.config.shutdownTimeoutMs);
    if (!drained) {
      log.warn("requests still in flight at the shutdown deadline; closing their connections", {
        in_flight: lifecycle.requestsInFlight,
      });
      server.closeAllConnections();
    }
    await closed;
    clearInterval(reaper);
    await lifecycle.runHooks();
    await closeDeps(deps);
    log.info("stopped", { clean: drained });
    process.exit(drained ? 0 : 1);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** `--port N` and `--host H` on the command line win over PORT and HOST. */
export function argvOverrides(argv: string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = inline ?? argv[i + 1];
    if (flag === "--port" || flag === "--host") {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      overrides[flag === "--port" ? "PORT" : "HOST"] = value;
      if (inline === undefined) i += 1;
    } else {
      throw new Error(`unknown argument ${argv[i]} (usage: node dist/server.js [--port N] [--host H])`);
    }
  }
  return overrides;
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, ...argvOverrides(process.argv.slice(2)) });
  configureLogger(config.logLevel, { process: "server" });
  const deps = await makeDeps(config, { name: "bookings-api" });
  const lifecycle = new Lifecycle();
  const server = await startServer(deps, lifecycle);
  installShutdown(server, deps, lifecycle);
  const address = server.address();
  logger().info("listening", {
    port: typeof address === "object" && address ? address.port : config.port,
    host: config.host,
    payment_gateway: deps.gateway.name,
  });
}

if (require.main === module) {
  main().catch((err) => {
    logger().error("server failed to start", { error: err as Error });
    process.exit(1);
  });
}
