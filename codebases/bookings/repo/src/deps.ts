/** What the services need, made once per process and passed down (tests make their own). */
import { Knex } from "knex";
import { Config } from "./config";
import { Metrics } from "./lib/metrics";
import { Clock } from "./lib/time";
import { PaymentGateway } from "./payments/gateway";
import { RedisClient } from "./redis/client";
import { RedisKeys } from "./redis/keys";

export interface Deps {
  config: Config;
  db: Knex;
  redis: RedisClient;
  keys: RedisKeys;
  metrics: Metrics;
  clock: Clock;
  gateway: PaymentGateway;
}
