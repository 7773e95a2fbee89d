"""The risk service's transport: RPC entrypoints that parse a command and call a handler. Its event queue is
bound to every routing key (catalogue.WILDCARD_SUBSCRIBERS); the handler under "*" hears them all."""

from __future__ import annotations

from ic_platform import catalogue
from ic_platform.desk import with_desk_handlers
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.risk.service_layer import assessment, chain, commands, handlers, ocds, rule_book, warnings
from services.risk.service_layer.unit_of_work import RiskUnitOfWork


def merged(*tables: dict[str, list]) -> dict[str, list]:
    """Every module's handlers of an event type, in order (two modules may hear the same type)."""
    out: dict[str, list] = {}
    for table in tables:
        for type_, handlers_ in table.items():
            out.setdefault(type_, []).extend(handlers_)
    return out


class RiskService(PlatformService):
    name = "risk"
    platform = ServicePlatform(
        RiskUnitOfWork,
        with_desk_handlers(
            merged(
                handlers.EVENT_HANDLERS,
                warnings.EVENT_HANDLERS,
                chain.EVENT_HANDLERS,
                assessment.EVENT_HANDLERS,
                ocds.EVENT_HANDLERS,
            ),
            owners_from=catalogue.approval_requests(),
        ),
    )

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
