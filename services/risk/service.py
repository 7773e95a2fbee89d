"""The risk service's transport: RPC entrypoints that parse a command and call a handler. Its event queue is
bound to every routing key (catalogue.WILDCARD_SUBSCRIBERS); the handler under "*" hears them all."""

from __future__ import annotations

from ic_platform import catalogue
from ic_platform.desk import with_desk_handlers
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.risk.service_layer import (
    assessment,
    behaviour,
    chain,
    commands,
    handlers,
    payments,
    rule_book,
    splitting,
    suppliers,
    warnings,
)
from services.risk.service_layer.unit_of_work import RiskUnitOfWork


def merged_handlers(*tables: dict[str, list]) -> dict[str, list]:
    """One table of event handlers: a type heard by several modules runs each module's handlers."""
    merged: dict[str, list] = {}
    for table in tables:
        for type_, fns in table.items():
            merged.setdefault(type_, []).extend(fns)
    return merged


class RiskService(PlatformService):
    name = "risk"
    platform = ServicePlatform(
        RiskUnitOfWork,
        with_desk_handlers(
            merged_handlers(
                handlers.EVENT_HANDLERS,
                warnings.EVENT_HANDLERS,
                chain.EVENT_HANDLERS,
                splitting.EVENT_HANDLERS,
                payments.EVENT_HANDLERS,
                suppliers.EVENT_HANDLERS,
                behaviour.EVENT_HANDLERS,
                assessment.EVENT_HANDLERS,
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


SERVICE = RiskService
