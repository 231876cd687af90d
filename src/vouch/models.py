"""Import every model so that Base.metadata is complete (Alembic, tests, create_all)."""

from vouch.access import models as access_models
from vouch.audit import models as audit_models
from vouch.auth import models as auth_models
from vouch.base import Base
from vouch.org import models as org_models
from vouch.records import models as record_models
from vouch.workflow import models as workflow_models

__all__ = ["Base", "access_models", "audit_models", "auth_models", "org_models",
           "record_models",
           "workflow_models"]
