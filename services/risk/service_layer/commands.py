from __future__ import annotations

from ic_platform.commands import Code, Command


class DocumentQuery(Command):
    document_type: Code
    document_id: Code
