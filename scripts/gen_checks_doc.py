"""Write docs/checks.md from the checks registry: `python scripts/gen_checks_doc.py` (`--check`: exit 1 if stale).

The page's introduction and closing notes are below; every check's section comes from its CheckSpec (id,
title, severity, description, example), so the document cannot drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gi_analytics.checks import REGISTRY
from gi_analytics.labels import SEVERITY_LABELS

DOC = Path(__file__).resolve().parents[1] / "docs" / "checks.md"
SCOPES = {"report": "单份报告", "series": "跨报告（整个数据库）"}
INTRO = """# 一致性检查说明

每项检查有固定编号、严重程度、中文说明和示例。检查结果（finding）记录报告、检查编号、严重程度、位置（表格、行、列或部分）、比较的两个数（应为 expected、实为 actual）和一句中文说明。

- **错误**：报告自相矛盾；**警告**：很可能有误或不完整；**提示**：值得看一眼。
- **未能核对**（not_evaluated）：需要的单元格为空白或无法识别时，检查不会默认通过，而是记一条“未能核对”，说明哪几格为空；严重程度沿用该检查的级别。填“—”“无”的单元格按0计算，空白不按0计算。
- 单份报告的检查在导入时运行；跨年度、跨单位的检查（series.*、text.reused）在每次导入后对整个数据库重新计算。
- 命令行：`gi-analytics check [--db 文件] [--unit 单位] [--year 年份] [--severity error|warning|info] [--format table|csv|json]`，退出码 0 无问题、1 有错误、2 只有警告（或未能核对）、3 无法运行。

"""
NOTES = """## 说明与取舍

- `cells.invalid` 同时收录解析器报告的、严重程度为 error 的 `cells.*` 问题（例如无法拆分的连写数字）；已作为“无法识别”单元格入库的不重复报告。
- `text.table_mismatch` 按分句（，。；）读取正文里的数字：“主动公开政府信息232条”“结转申请34件”“答复3050件”不当作收到申请数；
  分句中出现其他年份时跳过；正文数与“本年新收”相等即视为一致；等于“本年新收+上年结转”（上年结转不为0）时提示正文把上年结转的申请也算作本年收到；行政诉讼数与两类诉讼总计之和或其中一类相等即一致。
- `report.late_publication` 的发布日期取自报告或网页印明的发布时间、发布日期、页面元数据或文末落款日期（`published`）。县级以上人民政府本级报告指单位名称为县、区、市、旗、州本身（如“平桥区”“平桥区人民政府”，开发区、园区、社区除外），或单位表 kind 列为“人民政府”；其余按乡镇、街道和部门计。
  单位表的 `deadline` 列写 `MM-DD`（指报告年度的次年）或完整日期：写在某单位一行只管该单位，写在只填 district、不填 unit 的一行管该区县的乡镇、街道和部门（区县人民政府本级报告仍为3月31日，除非其自身一行另定）；单位自己的优先。
- `report.period_mismatch` 以标题年份为准；正文年份只作弱信号：“总体情况”通篇没有出现标题年份、且以“某年，”开头叙述另一年份时才提示。
- `series.missing_report` 的年份范围是该区县所有报告的最早年份到最晚年份；未归属区县的单位只看其自身年份范围内的缺口。
- `series.identical_numbers` 不比较存量指标（现行有效件数、对外公开总数量、上一年项目数量），这些本来就可能逐年相同。
- `series.zero_streak` 记在连续全为0的最后一年。`text.reused` 对每份报告、每个部分只记最相似的一处（上年同单位、同年他单位各一条），
  比较前去掉空白、数字一律记为0、本单位名称替换为“某单位”；不足30字的文字（如“无”）不比较。
"""


def render() -> str:
    parts = [INTRO]
    for scope, heading in SCOPES.items():
        parts.append(f"## {heading}\n\n")
        for spec in (s for s in REGISTRY if s.scope == scope):
            parts.append(
                f"### `{spec.id}` {spec.title_zh}（{SEVERITY_LABELS[str(spec.severity)]}）\n\n"
                f"{spec.description_zh}\n\n示例：{spec.example_zh}\n\n"
            )
    return "".join(parts) + NOTES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only compare; exit 1 when docs/checks.md is stale"
    )
    text = render()
    if parser.parse_args().check:
        return 0 if DOC.read_text(encoding="utf-8") == text else 1
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
