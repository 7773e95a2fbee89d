"""The risk service's refusals, each with a stable code and a Chinese message."""

from __future__ import annotations

from ic_platform.errors import DomainError, not_found
from services.risk.domain.model import DocumentRef


def dossier_not_found(document: DocumentRef) -> DomainError:
    return not_found("dossier", document.subject, "该单据的关联档案")
