package auth

import "testing"

func TestRolesGrantWhatTheyShould(t *testing.T) {
	cases := []struct {
		role string
		p    Permission
		want bool
	}{
		{RoleViewer, ParcelsRead, true}, {RoleViewer, ParcelsWrite, false}, {RoleViewer, LabelsBuy, false},
		{RoleOperator, LabelsBuy, true}, {RoleOperator, TrackingWrite, true}, {RoleOperator, KeysManage, false},
		{RoleOperator, WebhooksManage, false}, {RoleAdmin, KeysManage, true}, {RoleAdmin, ParcelsRead, true},
		{"root", ParcelsRead, false},
	}
	for _, c := range cases {
		if got := Can(c.role, c.p); got != c.want {
			t.Errorf("Can(%s, %s) = %v", c.role, c.p, got)
		}
	}
	if ValidRole("root") || !ValidRole(RoleOperator) {
		t.Error("ValidRole")
	}
}
