"""docs/settings.md from ic_platform/config.py: each setting's variable, type and default, and the comment above
it in the source (why it exists), so the table cannot say other than the code. `python -m ic_platform.cli
settings` writes it; a unit test checks the file is current."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from ic_platform.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "settings.md"
_SECTION = re.compile(r"^\s*# ── (.+?) ──")
_FIELD = re.compile(r"^    (\w+): ")

HEADER = """# Settings

Every setting of the system is an environment variable `IC_*`, declared once, typed and with its default, in
`ic_platform/config.py` (pydantic-settings). A process reads them once at start; an empty variable counts as
unset. The service layer hands the domain what it needs as policies (approval's due times, risk's rule-book
defaults). This page is generated from that file: `python -m ic_platform.cli settings`.

Outside this table: `IC_RABBITMQ_PASSWORD_<PRINCIPAL>` (one per service and the gateway, read by the compose
provisioning job, `ic_platform/broker_users.py`), and the variables of the tests, drills and deploy scripts
themselves (`IC_REPLICAS`, `IC_DRILL_*`, …), which no service reads.
"""


def variable(name: str) -> str:
    alias = Settings.model_fields[name].alias
    return alias or f"IC_{name.upper()}"


def described() -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of the settings, each with its fields and the comment that says why."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    comment: list[str] = []
    after_field = False
    for line in inspect.getsource(Settings).splitlines():
        stripped = line.strip()
        if match := _SECTION.match(line):
            sections.append((match.group(1), []))
            comment, after_field = [], False
        elif stripped.startswith("#"):
            comment = ([] if after_field else comment) + [stripped.lstrip("# ")]
            after_field = False
        elif (match := _FIELD.match(line)) and match.group(1) in Settings.model_fields and sections:
            sections[-1][1].append((match.group(1), " ".join(comment)))
            after_field = True
        elif not stripped:
            comment, after_field = [], False
    return sections


def _type(name: str) -> str:
    text = str(Settings.model_fields[name].annotation)
    text = re.sub(r"<class '(\w+\.)*(\w+)'>", r"\2", text).replace("typing.", "").replace("decimal.", "")
    return text.replace(" | None", ", optional").replace("tuple[str, ...]", "list (comma-separated)")


def _default(name: str) -> str:
    value = Settings.model_fields[name].default
    if value is None or value == ():
        return "(none)"
    if isinstance(value, tuple):
        value = ",".join(value)
    return f"`{value}`"


def render() -> str:
    out = [HEADER]
    for title, fields in described():
        out += [f"\n## {title}\n", "| variable | type | default | why |", "| --- | --- | --- | --- |"]
        out += [f"| `{variable(n)}` | {_type(n)} | {_default(n)} | {why} |" for n, why in fields]
    return "\n".join(out) + "\n"


def write() -> Path:
    DOC.write_text(render(), encoding="utf-8")
    return DOC
