"""Every list is paged: page numbers from 1, a bounded page size, and the total."""

from __future__ import annotations

from typing import Any

MAX_PAGE_SIZE = 200


def page_window(page: int, page_size: int) -> tuple[int, int]:
    size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return size, (max(page, 1) - 1) * size


def paged(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": max(page, 1), "page_size": page_size}
