"""The unified social credit code (统一社会信用代码, GB 32100-2015). Pure.

18 characters from the 31-character set 0-9 and A-Z without I, O, S, V, Z:
  1     registration authority (登记管理部门码, e.g. 9 工商, 5 民政, 1 机构编制)
  2     kind of organisation (机构类别码, e.g. 1 企业, 2 个体工商户, 3 农民专业合作社 under 9)
  3-8   the registering authority's administrative division code (登记管理机关行政区划码, 6 digits)
  9-17  the organisation code (主体标识码, GB 11714-1997: 8 characters and its own check character)
  18    the check character: with the value of each character Ci (its index in the set) and the weight
        Wi = 3^(i-1) mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28),
        C18 = 31 - (Σ Ci·Wi mod 31), written as 0 when that is 31.
The embedded organisation code is checked too (GB 11714: weights 3, 7, 9, 10, 5, 8, 4, 2; letters A=10 … Z=35;
check = 11 - (Σ mod 11), 10 written X, 11 written 0).
Input is normalised (spaces dropped, upper-cased) before checking."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CreditCodeError(ValueError):
    """Why a text is not a valid credit code, in Chinese; `reason` is a stable key for tests and details."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def normalise(text: str) -> str:
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be from the charset)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    """GB 11714's check character for an organisation code's 8 body characters."""
    total = sum(_org_value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def validate(text: str) -> str:
    """The normalised code, or CreditCodeError naming what is wrong."""
    code = normalise(text or "")
    if len(code) != 18:
        raise CreditCodeError("length", f"应为 18 位，实为 {len(code)} 位")
    bad = [c for c in code if c not in CHARSET]
    if bad:
        raise CreditCodeError("charset", f"含有不允许的字符「{bad[0]}」（不使用 I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise CreditCodeError("division", f"第 3 至 8 位应为行政区划码（6 位数字），实为 {code[2:8]}")
    expected_org = org_check_character(code[8:16])
    if code[16] != expected_org:
        raise CreditCodeError("org_check", f"第 9 至 17 位组织机构代码的校验码应为 {expected_org}，实为 {code[16]}")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", f"第 18 位校验码应为 {expected}，实为 {code[17]}")
    return code


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except CreditCodeError:
        return False
    return True
