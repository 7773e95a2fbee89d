"""The approval service's transport: RPC entrypoints that parse a command and call a handler. Events
(org cache, submitted documents) arrive through the platform's inbox, to the handlers of `service_layer/bus.py`."""

from __future__ import annotations

import logging

import eventlet
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from ic_platform.attachments import AttachmentRpc
from ic_platform.config import settings
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.approval.adapters.trail import AnchorFile
from services.approval.domain import conflicts as conflict_rules
from services.approval.service_layer import (
    actions,
    commands,
    cycle,
    deadlines,
    delegation,
    desk_export,
    handlers,
    major_matter,
    meeting,
    meeting_files,
    notifications,
    org_changes,
    trail,
    warnings,
)
from services.approval.service_layer.bus import BUS
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

# The heads of the trail's document chains that moved are sealed, and the seal anchored outside the database,
# every ANCHOR_INTERVAL_S, or sooner once ANCHOR_EVERY chains moved; the timer looks every ANCHOR_TICK_S (only
# when a head moved does it write). Any replica may look; one at a time seals (service_layer/trail.py).
ANCHOR_TICK_S = settings().trail_anchor_tick_s
ANCHOR_INTERVAL_S = settings().trail_anchor_interval_s
ANCHOR_EVERY = settings().trail_anchor_every
# How often the running service verifies the whole trail by itself (ic_trail_verified, for the alerts); at start too.
VERIFY_INTERVAL_S = settings().trail_verify_interval_s
# How often overdue tasks are looked for (reminders, escalation); the periods themselves: domain/deadlines.py.
DEADLINE_TICK_S = settings().approval_deadline_tick_s
log = logging.getLogger(__name__)
EVENT_HANDLERS = BUS.heard  # the inbox's handlers: service_layer/bus.py


class TrailAnchors(DependencyProvider):
    """The anchor file of this service's chain (named after its database), shared by all workers."""

    def setup(self) -> None:
        cfg = settings()
        self.anchors = AnchorFile.in_directory(cfg.trail_anchor_dir, cfg.database_name(self.container.service_name))

    def get_dependency(self, worker_ctx) -> AnchorFile:  # noqa: ANN001
        return self.anchors


class ApprovalService(AttachmentRpc, PlatformService):
    name = "approval"
    platform = ServicePlatform(ApprovalUnitOfWork, bus=BUS)
    anchors = TrailAnchors()
    # 附件 (ic_platform/attachments.py): a meeting record's files, read under its document's data scope.
    attachment_documents = {meeting_files.DOCUMENT_TYPE: meeting_files.meeting_owner}

    @rpc(expected_exceptions=DomainError)
    def decide(self, **kwargs):
        # warnings.Decide: the command plus `acknowledge_warnings` (risk warnings the approver acknowledges)
        return handlers.decide(warnings.Decide.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def withdraw(self, **kwargs):
        """The initiator takes a document back before any approver acted on it (撤回)."""
        return actions.withdraw(commands.Withdraw.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def return_to_step(self, **kwargs):
        return actions.return_to_step(commands.ReturnToStep.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def reassign(self, **kwargs):
        return actions.reassign(commands.Reassign.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def record_meeting(self, **kwargs):
        """Complete a collective-decision step (集体决策) by recording the meeting that decided it."""
        return meeting.record_meeting(meeting.RecordMeeting.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def set_major_matter_rule(self, **kwargs):
        """三重一大认定规则 (administrators): an amount and/or categories that make a matter major, effective-dated."""
        return major_matter.set_rule_as_admin(
            major_matter.SetMajorMatterRule.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def grant_delegation(self, **kwargs):
        return delegation.grant(commands.GrantDelegation.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def revoke_delegation(self, **kwargs):
        return delegation.revoke(commands.RevokeDelegation.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_delegations(self, **kwargs):
        return delegation.list_mine(commands.Page.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_tasks(self, **kwargs):
        page = handlers.my_tasks(commands.Page.parse(kwargs), self.platform.uow(), self.platform.ctx)
        return warnings.annotate(page, self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def get_task(self, **kwargs):
        """One task with its document's risk warnings and due time: what the approver sees before deciding."""
        return warnings.get_task(warnings.GetTask.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def approval_cycle_report(self, **kwargs):
        """审批时效: per document type and step, count, mean, p50, p90, max and the share done within a day."""
        return cycle.report(cycle.CycleReport.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_notifications(self, **kwargs):
        return notifications.my_notifications(
            notifications.MyNotifications.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def mark_notification_read(self, **kwargs):
        return notifications.mark_read(notifications.MarkRead.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def sweep_deadlines_now(self):
        """Remind and escalate overdue tasks at once (ops, tests); the timer does it every tick."""
        return deadlines.sweep(self.platform.uow())

    @timer(interval=DEADLINE_TICK_S)
    def sweep_deadlines(self):
        deadlines.sweep(self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def decided_by_me(self, **kwargs):
        return handlers.decided_by_me(commands.Page.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_submissions(self, **kwargs):
        return handlers.my_submissions(commands.MySubmissions.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_tasks_xlsx(self, **kwargs):
        return desk_export.tasks_xlsx(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_submissions_xlsx(self, **kwargs):
        cmd = commands.MySubmissions.parse(kwargs)
        return desk_export.submissions_xlsx(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_route(self, **kwargs):
        return handlers.get_route(commands.GetRoute.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def verify_trail(self):
        """Recompute the trail's hash chain and check it against its anchors; names the first broken link."""
        return trail.verify_trail(self.platform.uow(), self.anchors, pause=lambda: eventlet.sleep(0))

    @timer(interval=VERIFY_INTERVAL_S, eager=True)
    def verify_trail_periodically(self):
        result = trail.verify_trail(self.platform.uow(), self.anchors, pause=lambda: eventlet.sleep(0))
        if not result["ok"]:
            log.error("the approval trail is broken: %s", result)

    @rpc(expected_exceptions=DomainError)
    def org_trail(self, kind: str, key: str):
        """The administrative changes to one person, unit or deciding body (组织机构变更留痕)."""
        return org_changes.org_trail(str(kind)[:32], str(key)[:64], self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def incompatible_positions(self):
        """The pairs of positions one person may not hold on one document (不相容岗位), in Chinese."""
        return conflict_rules.catalogue()

    @rpc(expected_exceptions=DomainError)
    def get_trail(self, **kwargs):
        """One document's trail entries (who, acting for whom, when, what, from where, why)."""
        return handlers.get_trail(commands.GetRoute.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def anchor_trail_now(self):
        """Anchor the current head at once (ops, tests); None if it is already anchored."""
        return trail.anchor_trail(self.platform.uow(), self.anchors, self.platform.ctx, force=True)

    @timer(interval=ANCHOR_TICK_S)
    def anchor_trail(self):
        trail.anchor_trail(
            self.platform.uow(),
            self.anchors,
            self.platform.ctx,
            every_entries=ANCHOR_EVERY,
            every_seconds=ANCHOR_INTERVAL_S,
        )


SERVICE = ApprovalService
