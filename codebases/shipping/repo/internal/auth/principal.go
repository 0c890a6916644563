package auth

import "context"

// Principal is who a request acts as: a tenant, through one of its keys.
type Principal struct {
	TenantID   int64
	TenantSlug string
	KeyID      int64
	Role       string
}

type principalKey struct{}

// WithPrincipal puts the principal in the context.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext is the request's principal; ok is false on unauthenticated routes.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
