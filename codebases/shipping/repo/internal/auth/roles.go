package auth

// Permission is one thing a key may do.
type Permission string

// The permissions the API checks.
const (
	ParcelsRead    Permission = "parcels:read"
	ParcelsWrite   Permission = "parcels:write"
	ShipmentsRead  Permission = "shipments:read"
	ShipmentsWrite Permission = "shipments:write"
	LabelsBuy      Permission = "labels:buy"
	TrackingWrite  Permission = "tracking:write"
	WebhooksManage Permission = "webhooks:manage"
	KeysManage     Permission = "keys:manage"
)

// Roles a key can have.
const (
	RoleAdmin    = "admin"
	RoleOperator = "operator"
	RoleViewer   = "viewer"
)

var read = []Permission{ParcelsRead, ShipmentsRead}

var operate = append([]Permission{ParcelsWrite, ShipmentsWrite, LabelsBuy, TrackingWrite}, read...)

// grants: a viewer reads; an operator runs the warehouse (parcels, shipments, labels,
// tracking); only an admin manages the tenant's keys and webhook endpoints.
var grants = map[string][]Permission{
	RoleViewer:   read,
	RoleOperator: operate,
	RoleAdmin:    append([]Permission{WebhooksManage, KeysManage}, operate...),
}

// ValidRole says whether role is one of the roles.
func ValidRole(role string) bool {
	_, ok := grants[role]
	return ok
}

// Can says whether role has permission p.
func Can(role string, p Permission) bool {
	for _, g := range grants[role] {
		if g == p {
			return true
		}
	}
	return false
}
