/** The HTTP application: middleware order matters and is all here. */
import express, { Express, NextFunction, Request, Response } from "express";
import { Deps } from "./deps";
import { Lifecycle } from "./lib/lifecycle";
import { accessLog } from "./middleware/accessLog";
import { errorHandler, notFoundHandler } from "./middleware/errors";
import { requestId } from "./middleware/requestId";
import { healthRoutes } from "./routes/health";
import { apiRoutes } from "./routes/index";

/** Counts requests in flight (graceful shutdown waits for them) and asks clients not to reuse connections while draining. */
function inFlight(lifecycle: Lifecycle) {
  return (_req: Request, res: Response, next: NextFunction) => {
    lifecycle.requestStarted();
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        lifecycle.requestFinished();
      }
    };
    res.on("finish", finish);
    res.on("close", finish);
    if (lifecycle.isDraining) res.setHeader("Connection", "close");
    next();
  };
}

export function buildApp(deps: Deps, lifecycle: Lifecycle = new Lifecycle()): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.set("etag", false);
  app.use(requestId());
  app.use(inFlight(lifecycle));
  app.use(accessLog(deps.metrics));
  app.use(express.json({ limit: deps.config.requestBodyLimit }));
  app.use(healthRoutes(deps, lifecycle));
  app.use("/v1", apiRoutes(deps));
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
