"""Bulk OCDS import and analysis from the command line, straight into the risk database (the same use case as
POST /api/v1/ocds/releases, without the gateway's 8 MB limit). Each file is one import: all-or-nothing unless
--partial.

    python -m services.risk.ocds_cli import releases-2024.jsonl releases-2025.jsonl [--partial] [--org xinqiao]
    python -m services.risk.ocds_cli analyse [--org xinqiao]      # the population indicators again
    python -m services.risk.ocds_cli generate 10000 > sample.jsonl  # synthetic (services/risk/ocds_synthetic.py)

Exit status 0 when every file was imported, 1 when one was refused (its lines named on standard error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("PSYCOPG_IMPL", "binary")


def main(argv: list[str] | None = None) -> int:
    from ic_platform.config import settings
    from ic_platform.context import CallContext
    from ic_platform.db import make_engine, migrate
    from ic_platform.errors import DomainError
    from services.risk.service_layer import ocds as uc
    from services.risk.service_layer.unit_of_work import RiskUnitOfWork

    parser = argparse.ArgumentParser(prog="python -m services.risk.ocds_cli", description="开放合同数据批量导入")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="导入 JSON lines 文件（每个文件一个导入批次）")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--partial", action="store_true", help="只导入正确的行，列出有误的行")
    imp.add_argument("--org", default="xinqiao")
    imp.add_argument("--actor", default=os.environ.get("USER", "cli"))
    ana = sub.add_parser("analyse", help="重新计算总体类指标（R024、R038、R058）")
    ana.add_argument("--org", default="xinqiao")
    gen = sub.add_parser("generate", help="生成合成的 OCDS 汇编发布（JSON lines，输出到标准输出）")
    gen.add_argument("count", type=int)
    gen.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    if args.command == "generate":
        from services.risk.ocds_synthetic import lines

        for line in lines(args.count, args.seed):
            sys.stdout.write(line + "\n")
        return 0

    cfg = settings()
    migrate("risk", cfg)
    engine = make_engine(cfg.database_url("risk"), pool_size=1)
    try:
        if args.command == "analyse":
            print(json.dumps(uc.analyse(RiskUnitOfWork(engine), args.org), ensure_ascii=False))
            return 0
        status = 0
        ctx = CallContext(org=args.org, actor=args.actor)
        for path in args.files:
            cmd = uc.ImportReleases(
                content=path.read_text(encoding="utf-8-sig"), source_name=path.name, partial=args.partial
            )
            try:
                answer = uc.import_releases(cmd, RiskUnitOfWork(engine), ctx, check_roles=False)
            except DomainError as e:
                status = 1
                print(f"{path}: {e.message}", file=sys.stderr)
                for r in e.details.get("rejected", []):
                    print(f"  {r['message']}", file=sys.stderr)
                continue
            print(
                f"{path}: 导入 {answer['accepted']} 行，拒绝 {answer['rejected_count']} 行；"
                f"批次 {answer['import_id']}；指标 {json.dumps(answer['processes_flagged'], ensure_ascii=False)}"
            )
            for r in answer["rejected"]:
                print(f"  {r['message']}", file=sys.stderr)
        return status
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
