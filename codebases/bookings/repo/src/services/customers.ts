import { Deps } from "../deps";
import { conflict, forbidden, notFound, PG, pgCode } from "../lib/errors";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { customerView } from "../models/views";
import { Principal } from "../models/types";
import { customers } from "../repositories/customers";

type CustomerView = ReturnType<typeof customerView>;

export async function createCustomer(
  deps: Deps,
  principal: Principal,
  input: { email: string; name: string; phone?: string | null },
): Promise<CustomerView> {
  try {
    const row = await customers.create(deps.db, { org_id: principal.orgId, ...input });
    return customerView(row);
  } catch (err) {
    if (pgCode(err) === PG.uniqueViolation) throw conflict("customer_exists", "a customer with this email already exists");
    throw err;
  }
}

export async function getCustomer(deps: Deps, principal: Principal, id: string): Promise<CustomerView> {
  if (principal.role === "member" && principal.customerId !== id) throw forbidden("a member key sees only its own customer");
  const row = await customers.findById(deps.db, principal.orgId, id);
  if (!row) throw notFound("customer");
  return customerView(row);
}

export async function listCustomers(
  deps: Deps,
  principal: Principal,
  options: { limit: number; cursor?: string; email?: string },
): Promise<Page<CustomerView>> {
  const after = decodeCursor(options.cursor) ?? undefined;
  const rows = await customers.list(deps.db, principal.orgId, { limit: options.limit, after, email: options.email });
  const page = pageOf(rows, options.limit, (c) => ({ k: c.id, id: c.id }));
  return { data: page.data.map(customerView), next_cursor: page.next_cursor };
}
