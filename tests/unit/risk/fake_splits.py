"""An in-memory stand-in for the SQL SplitRepository (adapters/splitting.py), counting the rows it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.risk.domain.splitting import Bucket, NeedMethod, Part, SplitPolicy


@dataclass
class FakeSplits:
    parts: dict[tuple[str, str, str], tuple[str, Part]] = field(default_factory=dict)
    buckets_: dict[tuple[str, str, str, str, date], Bucket] = field(default_factory=dict)
    bands: dict[tuple[str, str, str, str], tuple[Decimal, Decimal]] = field(default_factory=dict)
    needs: dict[tuple[str, str], NeedMethod] = field(default_factory=dict)
    rows_read: int = 0

    def lock(self, org, unit, scope):  # noqa: ANN001, ANN201
        pass

    def add_part(self, org, scope, part):  # noqa: ANN001, ANN201
        key = (part.document.type, part.document.id, scope)
        if key in self.parts:
            return False
        self.parts[key] = (org, part)
        return True

    def enter(self, org, part, scopes):  # noqa: ANN001, ANN201
        return [
            (self.add_part(org, scope, part), (org, part.unit, scope, band) in self.bands) for scope, band in scopes
        ]

    def windows(self, org, part, scopes):  # noqa: ANN001, ANN201
        found = []
        for scope, policy, last, add in scopes:
            if add:
                self.add_to_bucket(org, part.unit, scope, policy.band, part.day, part.amount)
            buckets = self.buckets(org, part.unit, scope, policy.band, policy.first_day(part.day), last)
            found.append((buckets, self.after_on_day(org, part.unit, scope, policy, part)))
        return found

    def _of(self, org, unit, scope, policy):  # noqa: ANN001, ANN202
        return [
            p
            for (_, _, s), (o, p) in self.parts.items()
            if (o, p.unit, s) == (org, unit, scope) and policy.counts(p.amount)
        ]

    def counted(self, org, unit, scope, policy):  # noqa: ANN001, ANN201
        if (org, unit, scope, policy.band) in self.bands:
            return True
        self.bands[(org, unit, scope, policy.band)] = (policy.min_part, policy.threshold)
        for p in self._of(org, unit, scope, policy):
            self.add_to_bucket(org, unit, scope, policy.band, p.day, p.amount)
        return False

    def add_to_bucket(self, org, unit, scope, band, day, amount):  # noqa: ANN001, ANN201
        key = (org, unit, scope, band, day)
        self.buckets_[key] = self.buckets_.get(key, Bucket()).plus(Bucket(amount, 1))

    def buckets(self, org, unit, scope, band, first, last):  # noqa: ANN001, ANN201
        found = {
            k[4]: b for k, b in self.buckets_.items() if k[:4] == (org, unit, scope, band) and first <= k[4] <= last
        }
        self.rows_read += len(found)
        return found

    def latest_parts(self, org, unit, scope, policy, first, part, limit):  # noqa: ANN001, ANN201
        found = [
            p
            for p in self._of(org, unit, scope, policy)
            if first <= p.day and p.at <= part.at and not p.document.same_document(part.document)
        ]
        found = sorted(found, key=lambda p: (p.day, p.at, p.document.id))[-limit:]
        self.rows_read += len(found)
        return found

    def after_on_day(self, org, unit, scope, policy, part):  # noqa: ANN001, ANN201
        found = [p for p in self._of(org, unit, scope, policy) if p.day == part.day and p.at > part.at]
        self.rows_read += len(found)
        return Bucket(sum((p.amount for p in found), Decimal("0")), len(found))

    def latest_on(self, org, unit, scope, policy, day):  # noqa: ANN001, ANN201
        found = [p for p in self._of(org, unit, scope, policy) if p.day == day]
        self.rows_read += 1
        return max(found, key=lambda p: (p.at, p.document.id), default=None)

    def drop(self, document_type, document_id):  # noqa: ANN001, ANN201
        gone = [k for k in self.parts if k[:2] == (document_type, document_id)]
        for key in gone:
            org, p = self.parts.pop(key)
            for (o, u, s, band), (low, high) in self.bands.items():
                if (o, u, s) == (org, p.unit, key[2]) and low <= p.amount < high:
                    b = self.buckets_[(o, u, s, band, p.day)]
                    self.buckets_[(o, u, s, band, p.day)] = Bucket(b.total - p.amount, b.count - 1)
        return len(gone)

    def strongest(self, org, need):  # noqa: ANN001, ANN201
        return self.needs.get((org, need))

    def keep_strongest(self, org, seen):  # noqa: ANN001, ANN201
        self.needs[(org, seen.need)] = seen


def policy_of(threshold: str = "50000.00", min_part: str = "5000.00", days: int = 30, parts: int = 2) -> SplitPolicy:
    return SplitPolicy(Decimal(threshold), Decimal(min_part), days, parts)
