"""Imports every module that defines tables, so ``Base.metadata`` is the whole schema."""

from __future__ import annotations

from minidesk import events, inbox, outbox
from minidesk.automation import models as automation_models
from minidesk.channels import models as channel_models
from minidesk.channels.email import models as email_models
from minidesk.commerce import models as commerce_models
from minidesk.db import Base
from minidesk.desk import models, sign_in, workspace
from minidesk.policies import models as policy_models
from minidesk.policies import pack as policy_pack
from minidesk.replies import models as replies_models
from minidesk.resolutions import models as resolution_models
from minidesk.triage import tables as triage_tables

__all__ = [
    "Base",
    "automation_models",
    "channel_models",
    "commerce_models",
    "email_models",
    "events",
    "inbox",
    "models",
    "outbox",
    "policy_models",
    "policy_pack",
    "replies_models",
    "resolution_models",
    "sign_in",
    "triage_tables",
    "workspace",
]
