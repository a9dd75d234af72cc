"""The catalogue of event kinds: every kind the desk emits, what it means, its payload, and
whether an automation rule may trigger on it.

A kind is an ``EventKind`` member, never a bare string, so a typo fails at import instead of
making a rule or listener that silently never fires. ``docs/events.md`` is generated from this
module (``python -m minidesk.event_docs``) and a test fails when it is stale.

A payload is described by field → type, where a type is ``|``-separated names from
``TYPES`` and ``optional`` in front means the field may be absent (one kind, several sites).
The envelope (id, kind, ticket, customer, message, actor, created_at) is not repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_TRIAGED = "message.triaged"
    MESSAGE_SENT = "message.sent"
    NOTE_ADDED = "note.added"
    NOTE_MENTIONED = "note.mentioned"
    TICKET_CREATED = "ticket.created"
    TICKET_STATUS_CHANGED = "ticket.status_changed"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    TICKET_TIER_CHANGED = "ticket.tier_changed"
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_TEAM_CHANGED = "ticket.team_changed"
    TICKET_TAGS_CHANGED = "ticket.tags_changed"
    TICKET_INTENT_CORRECTED = "ticket.intent_corrected"
    TICKET_FIELDS_CHANGED = "ticket.fields_changed"
    TICKET_REOPENED = "ticket.reopened"
    TICKET_ESCALATED = "ticket.escalated"
    TICKET_DEESCALATED = "ticket.deescalated"
    DELIVERY_FAILED = "delivery.failed"
    DELIVERY_REPLAYED = "delivery.replayed"
    INBOX_RETRIED = "inbox.retried"
    INBOX_DISCARDED = "inbox.discarded"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_UPDATED = "customer.updated"
    CUSTOMER_MERGED = "customer.merged"
    CUSTOMER_UNMERGED = "customer.unmerged"
    CUSTOMER_WEBHOOK_CHANGED = "customer.webhook_changed"
    CUSTOMER_WEBHOOK_SECRET_ROTATED = "customer.webhook_secret_rotated"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_DECIDED = "approval.decided"
    POLICY_DECIDED = "policy.decided"
    POLICY_PACK_UPDATED = "policy.pack_updated"
    POLICY_AGENT_LIMITS_CHANGED = "policy.agent_limits_changed"
    COMMERCE_REFUND = "commerce.refund"
    COMMERCE_CANCEL = "commerce.cancel"
    COMMERCE_RESHIP = "commerce.reship"
    COMMERCE_CHANGE_ADDRESS = "commerce.change_address"
    COMMERCE_RETURN_AUTHORISATION = "commerce.return_authorisation"
    COMMERCE_PASSWORD_RESET = "commerce.password_reset"
    COMMERCE_INVOICE = "commerce.invoice"
    RESOLUTION_ASKED = "resolution.asked"
    RESOLUTION_CLOSED = "resolution.closed"
    RESOLUTION_HANDED_OFF = "resolution.handed_off"
    RULE_CREATED = "rule.created"
    RULE_UPDATED = "rule.updated"
    RULE_DELETED = "rule.deleted"
    RULES_IMPORTED = "rules.imported"
    RULE_FIRED = "rule.fired"
    RULE_FAILED = "rule.failed"
    RULE_CAPPED = "rule.capped"
    NOTIFICATION_REQUESTED = "notification.requested"
    SLA_WARNING = "sla.warning"
    SLA_BREACHED = "sla.breached"
    SLA_POLICY_CHANGED = "sla.policy_changed"
    ESCALATION_RULE_CHANGED = "escalation.rule_changed"
    ESCALATION_SETTINGS_CHANGED = "escalation.settings_changed"
    INCIDENT_OPENED = "incident.opened"
    INCIDENT_ITEM_CHECKED = "incident.item_checked"
    INCIDENT_ACKNOWLEDGED = "incident.acknowledged"
    LISTENER_FAILED = "listener.failed"
    KB_ARTICLE_CREATED = "kb.article_created"
    KB_ARTICLE_UPDATED = "kb.article_updated"
    KB_ARTICLE_DELETED = "kb.article_deleted"
    KB_CATEGORY_CHANGED = "kb.category_changed"
    KB_ANSWERED = "kb.answered"
    KB_GUIDE_CHANGED = "kb.guide_changed"
    KB_PAGE_RULE_CHANGED = "kb.page_rule_changed"
    KB_WIDGET_CHANGED = "kb.widget_changed"
    KB_FILE_CHANGED = "kb.file_changed"
    TEMPLATE_CREATED = "template.created"
    TEMPLATE_UPDATED = "template.updated"
    TRIAGE_MODEL_ACTIVATED = "triage.model_activated"
    TRIAGE_MODEL_PROMOTED = "triage.model_promoted"
    TRIAGE_MODEL_REJECTED = "triage.model_rejected"
    TRIAGE_RETRAIN_FAILED = "triage.retrain_failed"
    USER_CREATED = "user.created"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DEACTIVATED = "user.deactivated"
    USER_TWO_FACTOR_ENABLED = "user.two_factor_enabled"
    USER_TWO_FACTOR_DISABLED = "user.two_factor_disabled"
    TEAM_CREATED = "team.created"
    TEAM_UPDATED = "team.updated"
    TEAM_DELETED = "team.deleted"
    TEAM_MEMBER_ADDED = "team.member_added"
    TEAM_MEMBER_REMOVED = "team.member_removed"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_ROTATED = "token.rotated"
    AUTH_SIGN_IN_THROTTLED = "auth.sign_in_throttled"
    VIEW_CREATED = "view.created"
    VIEW_UPDATED = "view.updated"
    VIEW_DELETED = "view.deleted"
    WORKSPACE_UPDATED = "workspace.updated"
    EMAIL_CHANNEL_CREATED = "email_channel.created"
    EMAIL_CHANNEL_UPDATED = "email_channel.updated"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"
    WEBHOOK_PINGED = "webhook.pinged"
    WEBHOOK_FAILING = "webhook.failing"
    CHANNEL_CREATED = "channel.created"
    CHANNEL_UPDATED = "channel.updated"
    CHAT_READ = "chat.read"
    CHAT_VISITOR_LEFT = "chat.visitor_left"
    CHANNEL_WEBHOOK_REFUSED = "channel.webhook_refused"
    SMS_OPTED_OUT = "sms.opted_out"
    SMS_OPTED_IN = "sms.opted_in"
    WHATSAPP_REPLY_HELD = "whatsapp.reply_held"
    WHATSAPP_REPLY_RELEASED = "whatsapp.reply_released"
    ROUTING_DECIDED = "routing.decided"
    ROUTING_PRESENCE_CHANGED = "routing.presence_changed"
    ROUTING_PROFILE_CHANGED = "routing.profile_changed"
    ROUTING_CONFIG_CHANGED = "routing.config_changed"
    TICKET_FIELD_CHANGED = "ticket_field.changed"
    SURVEY_SENT = "survey.sent"
    SURVEY_ANSWERED = "survey.answered"
    SURVEY_SKIPPED = "survey.skipped"
    SURVEY_UNSUBSCRIBED = "survey.unsubscribed"
    SURVEY_SETTINGS_CHANGED = "survey.settings_changed"
    COST_SETTINGS_CHANGED = "cost.settings_changed"
    PILOT_SAVED = "pilot.saved"
    PILOT_DELETED = "pilot.deleted"
    QA_SCORECARD_CREATED = "qa.scorecard_created"
    QA_SAMPLED = "qa.sampled"
    QA_REVIEWED = "qa.reviewed"
    QA_DISPUTED = "qa.disputed"
    QA_DISPUTE_RESOLVED = "qa.dispute_resolved"
    QA_COACHING_ADDED = "qa.coaching_added"
    QA_GATE_CHANGED = "qa.gate_changed"
    QA_GATE_DELETED = "qa.gate_deleted"


# JSON types a payload field may have; ``any`` is for values whose shape belongs to another
# module's contract (a rule's data, a model's metrics).
TYPES: Mapping[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "number": (int, float),
    "bool": (bool,),
    "list": (list,),
    "object": (dict,),
    "null": (type(None),),
}
OPTIONAL = "optional "


@dataclass(frozen=True)
class EventSpec:
    kind: EventKind
    meaning: str
    payload: Mapping[str, str] = field(default_factory=dict)
    # May an automation rule use this kind as its trigger? Only kinds about a ticket (rules
    # act on one) that automation does not emit about its own work (that would loop).
    rule_event: bool = False


_CHANGE = {"before": "any", "after": "any"}
# Who sees a saved view (its owner's alone unless ``shared``; then ``team_id``'s, or everyone's).
_VIEW = {"view_id": "int", "owner_id": "int", "shared": "bool", "team_id": "int | null"}
_DECISION = {
    "action": "str",
    "outcome": "str",
    "rule": "str",
    "reason": "str",
    "amount": "object | null",
    "limit": "object | null",
}
_RULE_RUN = {
    "rule_id": "int",
    "rule": "str",
    "event_id": "int | null",
    "event": "str",
    "timer_id": "int | null",
}
_COMMERCE = {
    "order_number": "str",
    "ref": "str | null",
    "idempotency_key": "str | null",
    "replayed": "bool",
    "rule": "str",
    "detail": "object",
}
_RETRAIN = {
    "reason": "str",
    "previous_version": "int",
    "current_score": "number",
    "candidate_score": "number",
    "candidate_name": "str | int | null",
    "n_gold": "int",
    "n_silver": "int",
    "n_base": "int",
    "n_holdout": "object",
    "heldout": "any",
}
_RESOLUTION = {"flow": "str | null", "turns": "int"}

_SLA_TIMER = {"metric": "str", "policy_id": "int | null", "policy": "str | null",
              "due_at": "str", "target_seconds": "int", "business": "bool"}

_ESCALATION = {"escalation_id": "int", "tier_before": "int", "tier": "int", "target": "str",
               "target_label": "str", "target_user_ids": "list", "reason": "str",
               "note": "str", "rule_id": "int | null", "rule": "str | null"}

_SPECS = (
    # Conversations: what rules are for.
    EventSpec(EventKind.MESSAGE_RECEIVED, "A customer's message was accepted onto a ticket.",
              {"channel": "str", "new_ticket": "bool"}, rule_event=True),
    EventSpec(EventKind.MESSAGE_TRIAGED, "Triage read a message: intent, language, sentiment, "
              "entities, priority.",
              {"intent": "str", "confidence": "number", "language": "str", "sentiment": "str",
               "sentiment_score": "number", "entities": "object", "flags": "list",
               "priority": "str", "reasons": "list", "model": "str | int | null",
               "best_guess": "str | null"},
              rule_event=True),
    EventSpec(EventKind.MESSAGE_SENT, "A reply to the customer was queued for sending.",
              {"channel": "str", "automated": "bool"}, rule_event=True),
    EventSpec(EventKind.NOTE_ADDED, "An internal note was added to a ticket.", rule_event=True),
    EventSpec(EventKind.NOTE_MENTIONED, "An internal note @mentioned agents (user ids): they "
              "are notified.", {"user_ids": "list", "names": "list"}),
    EventSpec(EventKind.TICKET_CREATED, "A ticket was opened.",
              {"channel": "str", "subject": "str", "follow_up_of": "int | null"},
              rule_event=True),
    EventSpec(EventKind.TICKET_STATUS_CHANGED, "A ticket's status changed.",
              {"why": "str", **_CHANGE}, rule_event=True),
    EventSpec(EventKind.TICKET_PRIORITY_CHANGED, "A ticket's priority changed.",
              {"reasons": "list", **_CHANGE}, rule_event=True),
    EventSpec(EventKind.TICKET_TIER_CHANGED, "A ticket moved between bot, agent and senior tier.",
              {"why": "str", **_CHANGE}, rule_event=True),
    EventSpec(EventKind.TICKET_ASSIGNED, "A ticket's assignee changed (user ids, or null).",
              _CHANGE, rule_event=True),
    EventSpec(EventKind.TICKET_TEAM_CHANGED, "A ticket's team changed (team ids, or null).",
              _CHANGE, rule_event=True),
    EventSpec(EventKind.TICKET_TAGS_CHANGED, "A ticket's tags changed (sorted lists).",
              _CHANGE, rule_event=True),
    EventSpec(EventKind.TICKET_INTENT_CORRECTED, "An agent corrected the triaged intent.",
              _CHANGE, rule_event=True),
    EventSpec(EventKind.TICKET_FIELDS_CHANGED, "A ticket's custom fields changed.",
              _CHANGE, rule_event=True),
    EventSpec(EventKind.TICKET_REOPENED, "A solved ticket opened again: the customer wrote "
              "(``by`` customer) or a person or rule reopened it.",
              {"why": "str", "by": "str", "status": "str"}, rule_event=True),
    EventSpec(EventKind.TICKET_ESCALATED, "A ticket was escalated (to a higher tier, or to "
              "someone at its tier): by a person with a hand-off note, or by an escalation "
              "rule; ``target_user_ids`` are the people it is for, ``reason`` says why.",
              _ESCALATION, rule_event=True),
    EventSpec(EventKind.TICKET_DEESCALATED, "A person moved a ticket down a tier, with a "
              "hand-off note.", _ESCALATION, rule_event=True),
    EventSpec(EventKind.DELIVERY_FAILED, "An outgoing message could not be delivered (gave up "
              "after retries, or bounced).",
              {"reason": "str", "permanent": "bool", "attempts": "optional int",
               "outbox_id": "optional int", "status": "optional str | null",
               "recipient": "optional str | null"}, rule_event=True),
    EventSpec(EventKind.DELIVERY_REPLAYED, "An admin requeued a dead outgoing delivery.",
              {"outbox_id": "int"}),
    EventSpec(EventKind.INBOX_RETRIED, "An admin requeued a failed inbound message.",
              {"inbox_id": "int"}),
    EventSpec(EventKind.INBOX_DISCARDED, "An admin deleted a quarantined or failed inbound "
              "message.", {"inbox_id": "int"}),
    # Customers.
    EventSpec(EventKind.CUSTOMER_CREATED, "A customer was created from a first message.",
              {"channel": "str"}),
    EventSpec(EventKind.CUSTOMER_UPDATED, "A customer's details were edited.", _CHANGE),
    EventSpec(EventKind.CUSTOMER_MERGED, "Two customers were merged into one.",
              {"source_id": "int", "target_id": "int", "moved": "object"}),
    EventSpec(EventKind.CUSTOMER_UNMERGED, "A merge of two customers was undone.",
              {"source_id": "int", "target_id": "int", "merge_event_id": "int"}),
    EventSpec(EventKind.CUSTOMER_WEBHOOK_CHANGED, "A customer's (integration's) webhook URL "
              "changed.", {"secret_rotated": "bool", **_CHANGE}),
    EventSpec(EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED, "A customer's webhook secret was "
              "replaced."),
    # Policy and money.
    EventSpec(EventKind.APPROVAL_REQUESTED, "An action above the automatic limits waits for a "
              "person's approval.",
              {"approval_id": "int", "approval_kind": "str", "order_number": "str | null",
               **_DECISION}, rule_event=True),
    EventSpec(EventKind.APPROVAL_DECIDED, "An approval was approved or declined.",
              {"approval_id": "int", "approval_kind": "str", "status": "str", "reason": "str",
               "rule": "str", "refund": "object | null"}, rule_event=True),
    EventSpec(EventKind.POLICY_DECIDED, "The policy pack decided on an action (the audit of "
              "why money moved or did not).", {**_DECISION, "facts": "object"}),
    EventSpec(EventKind.POLICY_PACK_UPDATED, "The workspace's policy pack was edited.", _CHANGE),
    EventSpec(EventKind.POLICY_AGENT_LIMITS_CHANGED, "An agent was given their own refund cap "
              "and daily budget.", {"user_id": "int", "above_role_default": "bool", **_CHANGE}),
    *(
        EventSpec(EventKind(f"commerce.{action}"),
                  f"The store performed (or replayed) a {action.replace('_', ' ')}.",
                  _COMMERCE, rule_event=True)
        # One per ``commerce.connector.ActionKind`` (a test keeps them in step).
        for action in ("refund", "cancel", "reship", "change_address",
                       "return_authorisation", "password_reset", "invoice")
    ),
    EventSpec(EventKind.RESOLUTION_ASKED, "The resolution bot asked the customer for a fact.",
              {**_RESOLUTION, "step": "str"}, rule_event=True),
    EventSpec(EventKind.RESOLUTION_CLOSED, "The resolution bot solved the ticket: once per "
              "reply that solves it, however many requests it answered (``flow`` and ``rule``: "
              "the request that closed it; ``flows`` and ``rules``: every one answered, in order).",
              {**_RESOLUTION, "resolution": "str", "rule": "str | null", "flows": "list",
               "rules": "list", "follow_up_risk": "str"}, rule_event=True),
    EventSpec(EventKind.RESOLUTION_HANDED_OFF, "The resolution bot handed the ticket to a person.",
              {**_RESOLUTION, "resolution": "str", "rule": "str | null", "reason": "str",
               "tier": "int", "facts": "object", "follow_up_risk": "str"},
              rule_event=True),
    # Automation.
    EventSpec(EventKind.RULE_CREATED, "An automation rule was created.",
              {"rule_id": "int", "rule": "str", "after": "object"}),
    EventSpec(EventKind.RULE_UPDATED, "An automation rule was changed.",
              {"rule_id": "int", "rule": "str", **_CHANGE}),
    EventSpec(EventKind.RULE_DELETED, "An automation rule was deleted.",
              {"rule_id": "int", "rule": "str", "before": "object"}),
    EventSpec(EventKind.RULES_IMPORTED, "Rules were imported from YAML (all or none).",
              {"created": "int", "updated": "int", "names": "list"}),
    EventSpec(EventKind.RULE_FIRED, "A rule matched and ran its actions.",
              {**_RULE_RUN, "conditions": "list", "actions": "list"}),
    EventSpec(EventKind.RULE_FAILED, "A rule's action raised; none of its actions were kept.",
              {**_RULE_RUN, "error": "str"}),
    EventSpec(EventKind.RULE_CAPPED, "A ticket hit the rule firings limit per hour.",
              {**_RULE_RUN, "limit": "int"}),
    EventSpec(EventKind.NOTIFICATION_REQUESTED, "A rule asked to notify agents.",
              {"user_ids": "list", "note": "str"}),
    EventSpec(EventKind.LISTENER_FAILED, "An event listener raised (the event stays dispatched).",
              {"event_id": "int", "listener": "str", "error": "str"}),
    # Service levels.
    EventSpec(EventKind.SLA_WARNING, "An SLA target of a ticket is about to be breached.",
              _SLA_TIMER, rule_event=True),
    EventSpec(EventKind.SLA_BREACHED, "An SLA target of a ticket was breached (its due time "
              "passed before the reply or solve that would have met it).",
              _SLA_TIMER, rule_event=True),
    EventSpec(EventKind.SLA_POLICY_CHANGED, "An SLA policy was created, changed or deleted "
              "(before or after is null).",
              {"policy_id": "int", "policy": "str", **_CHANGE}),
    # Escalation.
    EventSpec(EventKind.ESCALATION_RULE_CHANGED, "An escalation rule was created, changed or "
              "deleted (before or after is null).",
              {"rule_id": "int", "rule": "str", **_CHANGE}),
    EventSpec(EventKind.ESCALATION_SETTINGS_CHANGED, "Who hears of incidents (operations and "
              "compliance teams) or their acknowledgement deadline changed.", _CHANGE),
    EventSpec(EventKind.INCIDENT_OPENED, "A health or safety report opened a product-quality "
              "incident: P1, a checklist, operations and compliance notified (the users in "
              "``target_user_ids``) with a deadline to acknowledge.",
              {"incident_id": "int", "reason": "str", "due_at": "str",
               "notify_team_ids": "list", "target_user_ids": "list"}, rule_event=True),
    EventSpec(EventKind.INCIDENT_ITEM_CHECKED, "An incident checklist item was ticked or "
              "unticked.", {"incident_id": "int", "item": "str", "label": "str",
                            "done": "bool"}),
    EventSpec(EventKind.INCIDENT_ACKNOWLEDGED, "Operations or compliance acknowledged an "
              "incident (``late``: after its deadline).", {"incident_id": "int", "late": "bool"}),
    # Knowledge base.
    EventSpec(EventKind.KB_ARTICLE_CREATED, "A knowledge-base article was written (its first "
              "version).", {"article_id": "int", "slug": "str", "locale": "str",
                            "version": "int", "status": "str", "visibility": "str"}),
    EventSpec(EventKind.KB_ARTICLE_UPDATED, "An article was saved as a new version (a rollback "
              "saves an old version's content as the newest: rolled_back_to).",
              {"article_id": "int", "slug": "str", "locale": "str", "version": "int",
               "status": "str", "visibility": "str", "changed": "list",
               "rolled_back_to": "int | null"}),
    EventSpec(EventKind.KB_ARTICLE_DELETED, "An article and its versions were deleted.",
              {"article_id": "int", "slug": "str", "locale": "str"}),
    EventSpec(EventKind.KB_CATEGORY_CHANGED, "A help-centre category was created, changed or "
              "deleted (before or after is null).", {"category_id": "int", **_CHANGE}),
    EventSpec(EventKind.KB_GUIDE_CHANGED, "A troubleshooting guide was created, saved as a new "
              "version or deleted (before or after is null; the tree itself is not copied).",
              {"guide_id": "int", **_CHANGE}),
    EventSpec(EventKind.KB_ANSWERED, "The bot answered a customer's question from an article "
              "(quoted, linked, a person offered); deflection is counted from it.",
              {"article_id": "int", "slug": "str", "score": "number", "threshold": "number",
               "intent": "str"}, rule_event=True),
    EventSpec(EventKind.KB_PAGE_RULE_CHANGED, "A help-widget page rule (URL pattern to article "
              "or category) was created, changed or deleted (before or after is null).",
              {"rule_id": "int", **_CHANGE}),
    EventSpec(EventKind.KB_FILE_CHANGED, "A file was attached to an article or removed from it "
              "(change: added or deleted).", {"article_id": "int", "file_id": "int",
                                              "filename": "str", "change": "str"}),
    EventSpec(EventKind.KB_WIDGET_CHANGED, "The sites allowed to embed the help widget changed.",
              {"before": "list", "after": "list"}),
    # Replies and triage.
    EventSpec(EventKind.TEMPLATE_CREATED, "A reply template was created.",
              {"template": "str", "enabled": "bool", **_CHANGE}),
    EventSpec(EventKind.TEMPLATE_UPDATED, "A reply template was changed.",
              {"template": "str", "enabled": "bool", **_CHANGE}),
    EventSpec(EventKind.TRIAGE_MODEL_ACTIVATED, "A triage model version became the active one.",
              {"before": "int | null", "after": "int", "reason": "str"}),
    EventSpec(EventKind.TRIAGE_MODEL_PROMOTED, "Retraining produced a better model, now stored.",
              {**_RETRAIN, "version": "int"}),
    EventSpec(EventKind.TRIAGE_MODEL_REJECTED, "Retraining produced a model no better than the "
              "active one.", _RETRAIN),
    EventSpec(EventKind.TRIAGE_RETRAIN_FAILED, "Retraining raised.", {"error": "str"}),
    # People, access and settings.
    EventSpec(EventKind.USER_CREATED, "A user was created.",
              {"user_id": "int", "email": "str", "role": "str"}),
    EventSpec(EventKind.USER_ROLE_CHANGED, "A user's role changed.",
              {"user_id": "int", "before": "str", "after": "str"}),
    EventSpec(EventKind.USER_DEACTIVATED, "A user was deactivated.", {"user_id": "int"}),
    EventSpec(EventKind.USER_TWO_FACTOR_ENABLED, "A user turned on the TOTP second factor.",
              {"user_id": "int"}),
    EventSpec(EventKind.USER_TWO_FACTOR_DISABLED, "A user turned off the TOTP second factor.",
              {"user_id": "int"}),
    EventSpec(EventKind.TEAM_CREATED, "A team was created.", {"team_id": "int", "name": "str"}),
    EventSpec(EventKind.TEAM_UPDATED, "A team was renamed.",
              {"team_id": "int", "before": "str", "after": "str"}),
    EventSpec(EventKind.TEAM_DELETED, "A team no longer in use was deleted (its members left "
              "it first, each a `team.member_removed`).", {"team_id": "int", "name": "str"}),
    EventSpec(EventKind.TEAM_MEMBER_ADDED, "A user joined a team.",
              {"user_id": "int", "team_id": "int"}),
    EventSpec(EventKind.TEAM_MEMBER_REMOVED, "A user left a team.",
              {"user_id": "int", "team_id": "int"}),
    EventSpec(EventKind.TOKEN_CREATED, "An API token was issued.",
              {"user_id": "int", "token_id": "int", "name": "str", "token_kind": "str",
               "integration": "str | null", "expires_at": "str | null"}),
    EventSpec(EventKind.TOKEN_REVOKED, "An API token was revoked.",
              {"user_id": "int", "token_id": "int"}),
    EventSpec(EventKind.TOKEN_ROTATED, "An API token was replaced by a successor.",
              {"user_id": "int", "token_id": "int", "successor_id": "int"}),
    EventSpec(EventKind.AUTH_SIGN_IN_THROTTLED, "Too many failed sign-ins: further attempts "
              "wait.", {"scope": "str", "address": "str | null", "user_id": "int | null",
                        "retry_after": "int"}),
    EventSpec(EventKind.VIEW_CREATED, "A saved inbox view was created (personal, or shared "
              "with a team or everyone).", {**_VIEW, "after": "object"}),
    EventSpec(EventKind.VIEW_UPDATED, "A saved inbox view was renamed or its filters changed.",
              {**_VIEW, **_CHANGE}),
    EventSpec(EventKind.VIEW_DELETED, "A saved inbox view was deleted.",
              {**_VIEW, "before": "object"}),
    EventSpec(EventKind.WORKSPACE_UPDATED, "Workspace settings were edited.", _CHANGE),
    EventSpec(EventKind.EMAIL_CHANNEL_CREATED, "An email channel (mailbox) was added.",
              {"channel_id": "int", "address": "str", "fields": "list"}),
    EventSpec(EventKind.EMAIL_CHANNEL_UPDATED, "An email channel's settings changed.",
              {"channel_id": "int", "fields": "list"}),
    EventSpec(EventKind.CHANNEL_CREATED,
              "A channel instance (mailbox, API integration...) was added.",
              {"channel_id": "int", "channel": "str", "fields": "list"}),
    EventSpec(EventKind.CHANNEL_UPDATED,
              "A channel instance's settings, secrets, team, hours or state changed; secrets "
              "appear by name only.",
              {"channel_id": "int", "channel": "str", "fields": "list"}),
    EventSpec(EventKind.CHAT_READ, "A chat visitor's widget showed the ticket's lines up to "
              "the event's message (a read receipt).", {"visitor_id": "int", "seq": "int"}),
    EventSpec(EventKind.CHAT_VISITOR_LEFT,
              "A chat's visitor left before anyone (an agent or the bot) replied: their last "
              "socket was gone longer than the grace period (``left_at``: when it was last "
              "seen; ``waited_seconds``: from the chat's start to then). The chat "
              "abandonment rate counts these (docs/metrics.md).",
              {"visitor_id": "int", "left_at": "str", "waited_seconds": "int"}),
    EventSpec(EventKind.CHANNEL_WEBHOOK_REFUSED,
              "A provider webhook (Twilio, WhatsApp) was refused: its signature did not match "
              "the channel's secret (a forgery, or a secret that changed). At most one a "
              "minute per channel and process is recorded; every one is logged.",
              {"channel_id": "int", "channel": "str", "reason": "str"}),
    EventSpec(EventKind.SMS_OPTED_OUT,
              "A number texted STOP (or a synonym) to an SMS channel: nothing more is sent to "
              "it from that channel until it texts START.",
              {"channel_id": "int", "phone": "str", "word": "str"}),
    EventSpec(EventKind.SMS_OPTED_IN,
              "An opted-out number texted START (or a synonym) and may be messaged again.",
              {"channel_id": "int", "phone": "str", "word": "str"}),
    EventSpec(EventKind.WHATSAPP_REPLY_HELD,
              "An automated message (bot reply, approval outcome, follow-up) met a closed "
              "WhatsApp 24-hour window: it waits until the customer writes again, after the "
              "channel's re-engagement template (queued once per closed window) asked them to.",
              {"outbox_id": "int", "channel_id": "int", "reengagement_message_id": "int | null",
               "reason": "str"}),
    EventSpec(EventKind.WHATSAPP_REPLY_RELEASED,
              "The customer wrote again on WhatsApp: the automated messages held for the "
              "closed window are sent now (each once).",
              {"channel_id": "int", "outbox_ids": "list"}),
    # Routing.
    EventSpec(EventKind.ROUTING_DECIDED,
              "Routing decided who gets a ticket (or that it waits in its team's queue), with "
              "who was considered and why; ``trigger`` is what asked (new, queue, reroute).",
              {"outcome": "str", "assignee_id": "int | null", "reason": "str",
               "strategy": "str", "trigger": "str", "considered": "list"}),
    EventSpec(EventKind.ROUTING_PRESENCE_CHANGED,
              "An agent's routing presence changed (online, away, offline); ``source`` says "
              "whether they set it or their workspace stream implied it. ``lapsed_at``: the "
              "stream stopped renewing it (its web process died) at that moment, recorded "
              "by the minute sweep or the agent's next change.",
              {"user_id": "int", "source": "str", "lapsed_at": "optional str", **_CHANGE}),
    EventSpec(EventKind.ROUTING_PROFILE_CHANGED,
              "An agent's routing skills or capacity changed.", {"user_id": "int", **_CHANGE}),
    EventSpec(EventKind.ROUTING_CONFIG_CHANGED,
              "Routing settings changed (``team_id`` null: the workspace's).",
              {"team_id": "int | null", **_CHANGE}),
    # Custom ticket fields.
    EventSpec(EventKind.TICKET_FIELD_CHANGED,
              "A custom ticket field's definition was created or changed (``before`` null: "
              "new); definitions are deactivated, never deleted.",
              {"field_id": "int", "field": "str", "before": "object | null", "after": "object"}),
    # Surveys (insights): asked after a solve or on a schedule, answered by the customer.
    EventSpec(EventKind.SURVEY_SENT, "A CSAT, NPS or CES survey was sent through the ticket's "
              "channel.", {"survey_id": "int", "survey_kind": "str", "trigger": "str",
                           "channel": "str"}),
    EventSpec(EventKind.SURVEY_ANSWERED, "The customer answered a survey (a later answer to "
              "the same survey replaces the score).",
              {"survey_id": "int", "survey_kind": "str", "score": "int", "comment": "str | null",
               "via": "str", "previous_score": "int | null"}, rule_event=True),
    EventSpec(EventKind.SURVEY_SKIPPED, "A scheduled survey was not sent, and why (reopened, "
              "closed, opted out, refused by the channel).",
              {"survey_id": "int", "survey_kind": "str", "reason": "str"}),
    EventSpec(EventKind.SURVEY_UNSUBSCRIBED, "The customer asked never to be surveyed again.",
              {"survey_id": "int | null"}),
    EventSpec(EventKind.SURVEY_SETTINGS_CHANGED, "The workspace's survey settings changed.",
              _CHANGE),
    EventSpec(EventKind.COST_SETTINGS_CHANGED, "The workspace's costs (agent hour, tooling, "
              "messages) that cost per contact reads changed.", _CHANGE),
    EventSpec(EventKind.PILOT_SAVED, "A remediation pilot was created (before: null) or "
              "changed; its payback report weighs it.", _CHANGE),
    EventSpec(EventKind.PILOT_DELETED, "A remediation pilot was deleted (after: null).", _CHANGE),
    # QA (insights): scorecards, sampled conversations, reviews, disputes, coaching, gates.
    EventSpec(EventKind.QA_SCORECARD_CREATED, "A QA scorecard was created and made the active "
              "one.", {"scorecard_id": "int", "name": "str"}),
    EventSpec(EventKind.QA_SAMPLED, "Conversations of a month were sampled for QA review "
              "(counts per reason).", {"month": "str", "counts": "object"}),
    EventSpec(EventKind.QA_REVIEWED, "A reviewer scored a conversation.",
              {"review_id": "int", "agent_id": "int", "score_percent": "number | null"}),
    EventSpec(EventKind.QA_DISPUTED, "The reviewed agent disputed a QA score.",
              {"review_id": "int", "agent_id": "int"}),
    EventSpec(EventKind.QA_DISPUTE_RESOLVED, "A dispute was decided: the score upheld or "
              "revised.", {"review_id": "int", "agent_id": "int", "outcome": "str",
                           "score_percent": "number | null"}),
    EventSpec(EventKind.QA_COACHING_ADDED, "A coaching note was written for an agent.",
              {"note_id": "int", "agent_id": "int", "review_id": "int | null"}),
    EventSpec(EventKind.QA_GATE_CHANGED, "A certification gate was set.",
              {"skill": "str", **_CHANGE}),
    EventSpec(EventKind.QA_GATE_DELETED, "A certification gate was deleted: routing no longer "
              "asks for that certification.", {"skill": "str", "gate": "object"}),
    # Webhook subscriptions.
    EventSpec(EventKind.WEBHOOK_CREATED, "A webhook subscription was created.",
              {"webhook_id": "int", "url": "str", "events": "list", "enabled": "bool"}),
    EventSpec(EventKind.WEBHOOK_UPDATED, "A webhook subscription was changed (a new URL gets "
              "a new secret).", {"webhook_id": "int", "secret_rotated": "bool", **_CHANGE}),
    EventSpec(EventKind.WEBHOOK_DELETED, "A webhook subscription was deleted, with its queued "
              "deliveries.", {"webhook_id": "int", "url": "str", "dropped": "int"}),
    EventSpec(EventKind.WEBHOOK_SECRET_ROTATED, "A webhook subscription's secret was replaced.",
              {"webhook_id": "int"}),
    EventSpec(EventKind.WEBHOOK_PINGED, "An admin sent a test delivery (delivered only to that "
              "subscription, whatever it subscribes to).", {"webhook_id": "int"}),
    EventSpec(EventKind.WEBHOOK_FAILING, "A subscription's deliveries failed too many times in a "
              "row: the breaker opened, its deliveries wait until an admin re-enables it.",
              {"webhook_id": "int", "url": "str", "failures": "int", "error": "str"}),
)

CATALOGUE: Mapping[EventKind, EventSpec] = {spec.kind: spec for spec in _SPECS}
RULE_EVENTS: frozenset[EventKind] = frozenset(k for k, s in CATALOGUE.items() if s.rule_event)


def commerce_kind(action: str) -> EventKind:
    """The event kind recording a commerce action (one per ``ActionKind``)."""
    return EventKind(f"commerce.{action}")


def check_kind(kind: str) -> EventKind:
    """``kind`` as a catalogued ``EventKind``; ``ValueError`` naming the problem otherwise."""
    try:
        return EventKind(kind)
    except ValueError:
        raise ValueError(f"{kind!r} is not an event kind in minidesk.event_kinds") from None


def payload_problems(kind: EventKind, data: Mapping[str, Any]) -> list[str]:
    """How ``data`` differs from the kind's payload schema (empty when it matches)."""
    schema = CATALOGUE[kind].payload
    problems = [f"unexpected field {name!r}" for name in data if name not in schema]
    for name, declared in schema.items():
        optional = declared.startswith(OPTIONAL)
        names = declared.removeprefix(OPTIONAL).split(" | ")
        if name not in data:
            if not optional:
                problems.append(f"missing field {name!r}")
        elif "any" not in names:
            allowed = tuple(t for n in names for t in TYPES[n])
            value = data[name]
            wrong_bool = isinstance(value, bool) and bool not in allowed
            if wrong_bool or not isinstance(value, allowed):
                problems.append(f"{name!r} is {type(value).__name__}, expected {declared}")
    return problems
