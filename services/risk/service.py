"""The risk service's transport: RPC entrypoints that parse a command and call a handler. Its event queue is
bound to every routing key (catalogue.WILDCARD_SUBSCRIBERS); the handler under "*" hears them all (but risk's
own, filed as they are written: service_layer/bus.py)."""

from __future__ import annotations

from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.risk.service_layer import (
    commands,
    handlers,
    ocds,
    project,
    rule_book,
    scorecard,
    warning_totals,
    warnings,
    warnings_work,
)
from services.risk.service_layer.bus import BUS
from services.risk.service_layer.unit_of_work import RiskUnitOfWork


class RiskService(PlatformService):
    name = "risk"
    platform = ServicePlatform(RiskUnitOfWork, bus=BUS)

    @rpc(expected_exceptions=DomainError)
    def get_dossier(self, **kwargs):
        return handlers.get_dossier(commands.DocumentQuery.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def warnings_for(self, **kwargs):
        """The document's risk warnings (风险预警), oldest first."""
        return warnings.warnings_for(commands.DocumentQuery.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def rule_book(self):
        """风险规则库: every rule's id, definition, severity, evidence, parameters in force and their versions."""
        return rule_book.rule_book(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def set_rule_parameters(self, **kwargs):
        """A new version of a rule's parameters, from a day on (administrators, discipline inspection)."""
        return rule_book.set_parameters(
            rule_book.SetRuleParameters.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    # ── the supervision desk (issue 13 §3, §4; docs/supervision.md) ──
    @rpc(expected_exceptions=DomainError)
    def list_warnings(self, **kwargs):
        """风险预警台账: paged, filtered on the server, in the reader's data scope."""
        cmd = warnings_work.ListWarnings.parse(kwargs)
        return warnings_work.list_warnings(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_warning(self, **kwargs):
        cmd = warnings_work.WarningQuery.parse(kwargs)
        return warnings_work.get_warning(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def dismiss_warning(self, **kwargs):
        """排除 (inspection, with a reason)."""
        return warnings_work.dismiss(warnings_work.Dismiss.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def confirm_warning(self, **kwargs):
        """核实 as a finding to rectify (inspection: due date, responsible unit, finding)."""
        return warnings_work.confirm(warnings_work.Confirm.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def close_rectification(self, **kwargs):
        """整改销号 (inspection or the responsible unit's head, with a closing note)."""
        cmd = warnings_work.CloseRectification.parse(kwargs)
        return warnings_work.close_rectification(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def scorecards(self, **kwargs):
        """内控评价: per-unit scorecards for a period."""
        return scorecard.scorecards(scorecard.Scorecard.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def scorecards_xlsx(self, **kwargs):
        return scorecard.scorecards_xlsx(scorecard.Scorecard.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def warnings_by_rule(self, **kwargs):
        """预警按规则统计: per rule, the warnings of a period in the reader's data scope."""
        cmd = warning_totals.WarningsByRule.parse(kwargs)
        return warning_totals.warnings_by_rule(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def warnings_by_rule_xlsx(self, **kwargs):
        cmd = warning_totals.WarningsByRule.parse(kwargs)
        return warning_totals.warnings_by_rule_xlsx(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def project_by_document(self, **kwargs):
        """关联查询: the project a document belongs to, as one graph and one timeline."""
        cmd = project.ProjectQuery.parse(kwargs)
        return project.project_by_document(cmd, self.platform.uow(), self.platform.ctx)

    # ── open-contracting data (OCDS) and Cardinal's red flags: service_layer/ocds.py ──
    @rpc(expected_exceptions=DomainError)
    def ocds_import(self, **kwargs):
        """Import a JSON-lines file of OCDS compiled releases and flag it (all-or-nothing unless partial)."""
        return ocds.import_releases(ocds.ImportReleases.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def ocds_flags(self, **kwargs):
        """Cardinal's red flags, paged (by import, indicator, group, source or process)."""
        return ocds.list_flags(ocds.FlagQuery.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def ocds_export(self, **kwargs):
        """The office's own procurements and contracts as an OCDS 1.1 release package (JSON text)."""
        return ocds.export_releases(ocds.ExportQuery.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def ocds_indicators(self):
        """Cardinal's indicators and the parameter versions in force."""
        return ocds.indicators(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def ocds_set_parameters(self, **kwargs):
        """A new effective-dated version of Cardinal's parameters."""
        return ocds.set_parameters(ocds.SetCardinalParameters.parse(kwargs), self.platform.uow(), self.platform.ctx)


SERVICE = RiskService
