from accounts.models import ApiToken
from tests.conftest import ADMIN_TOKEN, client_with


def test_no_token_is_401_with_the_error_body():
    response = client_with().get("/v1/tickets")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_wrong_secret_for_a_known_prefix_is_refused(acme):
    token = ApiToken.objects.filter(member=acme.members["agent"]).first()
    assert client_with(f"hd_{token.prefix}_not-the-secret").get("/v1/me").status_code == 401
    assert client_with("garbage").get("/v1/me").status_code == 401


def test_me_names_the_member_and_organisation(acme):
    body = acme.agent.get("/v1/me").json()
    assert body["member"]["role"] == "agent"
    assert body["organization"]["slug"] == "acme"


def test_a_revoked_token_stops_working(acme):
    response = acme.admin.post(f"/v1/members/{acme.id_of('agent')}/tokens", {"name": "ci"}, format="json")
    assert response.status_code == 201
    token = response.json()
    assert client_with(token["token"]).get("/v1/me").status_code == 200
    assert acme.admin.delete(f"/v1/tokens/{token['id']}").status_code == 204
    assert client_with(token["token"]).get("/v1/me").status_code == 401


def test_a_deactivated_member_cannot_call(acme):
    acme.admin.patch(f"/v1/members/{acme.id_of('agent')}", {"is_active": False}, format="json")
    assert acme.agent.get("/v1/me").status_code == 401


def test_only_admins_manage_members(acme):
    body = {"email": "new@acme.test", "name": "New", "role": "agent"}
    assert acme.agent.post("/v1/members", body, format="json").status_code == 403
    assert acme.customer.get("/v1/members").status_code == 403
    assert acme.admin.post("/v1/members", body, format="json").status_code == 201
    assert acme.admin.post("/v1/members", body, format="json").status_code == 409


def test_admins_cannot_demote_themselves(acme):
    response = acme.admin.patch(f"/v1/members/{acme.id_of('admin')}", {"role": "agent"}, format="json")
    assert response.status_code == 422


def test_operators_create_organisations_with_their_admin():
    body = {"slug": "initech", "name": "Initech", "admin_email": "boss@initech.test", "admin_name": "Bill"}
    assert client_with().post("/admin/organizations", body, format="json").status_code == 401
    operator = client_with()
    operator.credentials(HTTP_X_ADMIN_TOKEN=ADMIN_TOKEN)
    response = operator.post("/admin/organizations", body, format="json")
    assert response.status_code == 201
    assert client_with(response.json()["token"]).get("/v1/me").json()["member"]["role"] == "admin"
    assert operator.post("/admin/organizations", body, format="json").status_code == 409
