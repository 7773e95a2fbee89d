"""附件 of a collective decision's meeting record (会议纪要扫描件、签到表; issue 14): the record is approval's, keyed
by the task of the collective step, so its files are kept in approval's database (ic_platform/attachments.py)
and read under the data scope of the document the meeting decided (another unit's: 404, as the document)."""

from __future__ import annotations

import uuid

from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.errors import NotFound
from services.approval.service_layer import scoping
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

DOCUMENT_TYPE = "meeting_record"


def _not_found(task_id: str) -> NotFound:
    return NotFound("meeting_record_not_found", "会议记录不存在，或不在您的数据权限范围内", {"id": task_id})


def meeting_owner(uow: ApprovalUnitOfWork, ctx: CallContext, task_id: str) -> Owner:
    """The meeting recorded on task `task_id`, if the caller reads the document it decided (else 404)."""
    try:
        key = uuid.UUID(task_id)
    except ValueError:
        raise _not_found(task_id) from None
    row = uow.queries.meeting_document(ctx.org, key)
    if row is None or not scoping.readable(uow, ctx, row.document_type, row.document_id, row.unit, row.initiator):
        raise _not_found(task_id)
    return Owner(DOCUMENT_TYPE, str(key), row.unit, f"{row.document_no or row.document_id} 会议记录")
