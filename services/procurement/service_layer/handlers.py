"""Procurement use cases, to come. The service hears no events yet (the catalogue names it as no subscriber)."""

from __future__ import annotations

from ic_platform.inbox import Handler

EVENT_HANDLERS: dict[str, list[Handler]] = {}
