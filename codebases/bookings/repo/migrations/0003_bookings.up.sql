-- Bookings (a hold until paid), their payments and refunds. Money is integer cents.
CREATE TABLE bookings (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id             uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    resource_id        uuid NOT NULL REFERENCES resources (id),
    customer_id        uuid NOT NULL REFERENCES customers (id),
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    status             text NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled', 'expired')),
    hold_expires_at    timestamptz,
    price_cents        integer NOT NULL CHECK (price_cents >= 0),
    currency           char(3) NOT NULL,
    notes              text,
    created_by_key_id  uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    confirmed_at       timestamptz,
    cancelled_at       timestamptz,
    cancel_reason      text,
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (status <> 'held' OR hold_expires_at IS NOT NULL)
);

CREATE TABLE payments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    booking_id      uuid NOT NULL REFERENCES bookings (id),
    amount_cents    integer NOT NULL CHECK (amount_cents >= 0),
    refunded_cents  integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
    currency        char(3) NOT NULL,
    status          text NOT NULL CHECK (status IN ('captured', 'partially_refunded', 'refunded')),
    gateway_ref     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (refunded_cents <= amount_cents)
);

CREATE TABLE refunds (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    payment_id    uuid NOT NULL REFERENCES payments (id),
    booking_id    uuid NOT NULL REFERENCES bookings (id),
    amount_cents  integer NOT NULL CHECK (amount_cents >= 0),
    reason        text,
    gateway_ref   text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
