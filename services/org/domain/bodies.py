"""Deciding bodies (议事决策机构): the 党工委 (party working committee) and the 主任办公会 (director's office
meeting), which take collective decisions (集体决策, 三重一大). Their members and quorum are data: approval
checks a recorded meeting against them (services/approval/domain/meeting.py). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ic_platform.errors import InvalidInput

# A collective decision is taken by at least three people; fewer is one person's decision with witnesses.
MIN_QUORUM = 3


@dataclass(frozen=True)
class DecidingBody:
    code: str
    name: str
    members: tuple[str, ...]  # usernames
    quorum: int  # how many members must attend (besides an applicant, who is present but not counted)

    @classmethod
    def of(cls, code: str, name: str, members: list[str], quorum: int, known: set[str]) -> DecidingBody:
        people = tuple(dict.fromkeys(m.strip() for m in members if m.strip()))
        unknown = [m for m in people if m not in known]
        if unknown:
            raise InvalidInput(
                "deciding_body_member_unknown",
                f"成员不存在：{'、'.join(unknown)}",
                {"field": "members", "unknown": unknown},
            )
        if not MIN_QUORUM <= quorum <= len(people):
            raise InvalidInput(
                "deciding_body_quorum_invalid",
                f"法定人数须不少于 {MIN_QUORUM} 人且不超过成员人数（{len(people)} 人）",
                {"field": "quorum", "min": MIN_QUORUM, "members": len(people)},
            )
        return cls(code, name, people, quorum)

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "members": list(self.members), "quorum": self.quorum}
