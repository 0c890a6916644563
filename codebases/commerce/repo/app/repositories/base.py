"""What every repository shares: a session and the tenant it works for."""

from __future__ import annotations

from sqlalchemy.orm import Session


class TenantScoped:
    """A repository bound to one tenant: every query it runs filters on `tenant_id`."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
