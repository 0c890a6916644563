import { Config } from "../config";
import { PaymentGateway } from "./gateway";
import { HttpGateway } from "./httpGateway";
import { LocalGateway } from "./localGateway";

export function createGateway(config: Config): PaymentGateway {
  if (config.payments.gatewayUrl) {
    return new HttpGateway(config.payments.gatewayUrl, config.payments.timeoutMs, config.payments.retries);
  }
  return new LocalGateway();
}
