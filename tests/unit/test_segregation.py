"""A segregation-of-duties refusal is published after the refused request, in a unit of work of its own."""

from __future__ import annotations

from deploy.stack import SignedContext
from ic_platform import catalogue, segregation
from ic_platform.errors import Forbidden
from ic_platform.identity import Viewer

REFUSAL = Forbidden(
    "sod_incompatible_roles",
    "不相容岗位相互分离：您在单据 HT-2026-000001 中担任合同起草人，不能同时验收",
    {"actor": "clerk", "rule": "drafter/acceptor"},
)


class _Uow:
    def __init__(self, log: list, fail: bool = False):
        self.log, self.fail = log, fail

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc: object) -> None: ...

    def publish(self, envelope) -> None:  # noqa: ANN001
        if self.fail:
            raise RuntimeError("database down")
        envelope = catalogue.with_producer(envelope)  # as the real unit of work does
        catalogue.validate(envelope.as_dict())
        self.log.append(envelope)

    def commit(self) -> None:
        self.log.append("commit")


def _context() -> dict:
    viewer = Viewer.of("clerk", "dzb", ["clerk"])
    return dict(SignedContext({"org": "xinqiao", "actor": "clerk"}, viewer))


def test_the_refusal_is_published_with_the_person_their_unit_and_the_pair():
    log: list = []
    segregation.record_refusal(lambda: _Uow(log), "contract", "record_acceptance", _context(), REFUSAL)
    event, committed = log
    assert committed == "commit" and event.type == "contract.segregation_refused" and event.producer == "contract"
    assert event.payload["person"] == "clerk" and event.payload["unit"] == "dzb"
    assert event.payload["rule"] == "incompatible_roles:drafter/acceptor" and event.payload["code"] == REFUSAL.code


def test_recording_never_changes_the_answer_and_an_unknown_producer_writes_nothing():
    log: list = []
    segregation.record_refusal(lambda: _Uow(log, fail=True), "approval", "decide", _context(), REFUSAL)  # no raise
    segregation.record_refusal(lambda: _Uow(log), "budget", "commit", _context(), REFUSAL)
    assert log == []
