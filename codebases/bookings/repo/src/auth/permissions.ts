/**
 * What each role may do. Checked by route handlers through `requirePermission`; member keys
 * are further limited to their own customer's data by the services.
 */
import { forbidden } from "../lib/errors";
import { Principal, Role } from "../models/types";

export type Permission =
  | "venues:read"
  | "venues:write"
  | "resources:read"
  | "resources:write"
  | "customers:read"
  | "customers:write"
  | "bookings:read"
  | "bookings:write"
  | "bookings:manage"
  | "waitlist:read"
  | "waitlist:write"
  | "notifications:read"
  | "reports:read"
  | "keys:manage"
  | "webhooks:manage";

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    "venues:read",
    "venues:write",
    "resources:read",
    "resources:write",
    "customers:read",
    "customers:write",
    "bookings:read",
    "bookings:write",
    "bookings:manage",
    "waitlist:read",
    "waitlist:write",
    "notifications:read",
    "reports:read",
    "keys:manage",
    "webhooks:manage",
  ],
  staff: [
    "venues:read",
    "resources:read",
    "customers:read",
    "customers:write",
    "bookings:read",
    "bookings:write",
    "bookings:manage",
    "waitlist:read",
    "waitlist:write",
    "notifications:read",
    "reports:read",
  ],
  member: [
    "venues:read",
    "resources:read",
    "bookings:read",
    "bookings:write",
    "waitlist:read",
    "waitlist:write",
    "notifications:read",
  ],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal.role, permission)) {
    throw forbidden(`role ${principal.role} lacks ${permission}`);
  }
}

/** Members act only as their own customer; staff and admins for anyone in the tenant. */
export function isScopedToCustomer(principal: Principal): boolean {
  return principal.role === "member";
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role] ?? [];
}
