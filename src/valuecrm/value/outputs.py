"""The value report as JSON, a print-ready HTML file and an XLSX workbook, and the context the
web page shows (the same numbers, formatted for one language)."""

import io
import json

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from valuecrm.value.labels import VERDICTS
from valuecrm.value.narrative import fmt, pct

FORMATS = ("html", "xlsx", "json")


def render_json(report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def _p(test):
    if not test:
        return ""
    if test["kind"] == "two_proportion_z":
        return "—" if test["p_value"] is None else f"p={test['p_value']:.3f}"
    return "95% CI " + ("≠" if test.get("clear") else "∩")


def _side(side, unit, lang):
    text = fmt(side["value"], unit, lang)
    if side.get("median") and side["median"]["median"] is not None:
        m = side["median"]
        interval = ("" if m["low"] is None else
                    f" [{fmt(m['low'], unit, lang)}, {fmt(m['high'], unit, lang)}]")
        text += f" · {'中位数' if lang == 'zh' else 'median'} {fmt(m['median'], unit, lang)}"
        text += interval
    return text


def context(report, lang: str) -> dict:
    """Template context: the report's dict with each number formatted for `lang`."""
    data = report.as_dict()
    for group in data["groups"]:
        group["title"] = f"{group['category_label'][lang]} · {group['relation_label'][lang]}"
        for row in group["rows"]:
            row["name"] = row["label"][lang]
            row["before"] = _side(row["baseline"], row["unit"], lang)
            row["after"] = _side(row["current"], row["unit"], lang)
            row["change_text"] = ("—" if row["change"] is None else
                                  f"{row['change'] * 100:+.1f} pt" if row["unit"] == "ratio"
                                  else pct(row["relative_change"])
                                  if row["relative_change"] is not None else "—")
            row["test_text"] = _p(row["test"])
            row["verdict_text"] = VERDICTS[row["verdict"]][lang]
    for item in data["hours_saved"]:
        item["name"] = item["label"][lang]
    for item in data["initiatives"]:
        for m in item["metrics"]:
            m["name"] = m["label"][lang]
            m["expected_text"] = pct(m["expected_change"])
            m["measured_text"] = ("—" if m["measured_change"] is None
                                  else pct(m["measured_change"]))
    data["sentences"] = data["narrative"][lang]
    data["lang"] = lang
    return {"report": data}


def render_html(report, lang: str) -> str:
    """A self-contained file (its stylesheet inline, no script) that prints to PDF."""
    return render_to_string("value/report_print.html", context(report, lang))


COLUMNS = ["category", "relation", "key", "label_zh", "label_en", "unit", "direction",
           "baseline", "baseline_sample", "current", "current_sample", "change",
           "relative_change", "test", "p_value_or_clear", "small_sample", "verdict",
           "query", "records"]


def render_xlsx(report) -> bytes:
    data = report.as_dict()
    book = Workbook()
    sheet = book.active
    sheet.title = "metrics"
    _header(sheet, COLUMNS)
    for group in data["groups"]:
        for r in group["rows"]:
            test = r["test"] or {}
            sheet.append([
                r["category"], r["relation"], r["key"], r["label"]["zh"], r["label"]["en"],
                r["unit"], r["direction"], r["baseline"]["value"], r["baseline"]["sample"],
                r["current"]["value"], r["current"]["sample"], r["change"],
                r["relative_change"], test.get("kind"),
                test.get("p_value", test.get("clear")), r["small_sample"], r["verdict"],
                r["current"]["links"]["values"], " ".join(r["current"]["links"]["records"])])
    hours = book.create_sheet("hours_saved")
    _header(hours, ["key", "unit", "mean_before", "mean_after", "operations", "hours_saved",
                    "work_share", "money_cny"])
    for h in data["hours_saved"]:
        hours.append([h["key"], h["unit"], h["mean_before"], h["mean_after"], h["operations"],
                      h["hours_saved"], h["work_share"], h["money"]])
    tree = book.create_sheet("attribution")
    _header(tree, ["metric", "label", "before", "after", "contribution"])
    if data["attribution"]:
        for c in data["attribution"]["root"]["children"]:
            tree.append([c["metric"], c["label"], c["before"], c["after"], c.get("contribution")])
    initiatives = book.create_sheet("initiatives")
    _header(initiatives, ["initiative", "launch_date", "metric", "expected_change",
                          "measured_change", "achieved_share", "drift", "estimated_value",
                          "realised_value"])
    for i in data["initiatives"]:
        for m in i["metrics"]:
            initiatives.append([i["name"], i["launch_date"], m["key"], m["expected_change"],
                                m["measured_change"], m["achieved_share"], m["drift"],
                                i["estimated_value"], i["realised_value"]])
    narrative = book.create_sheet("narrative")
    _header(narrative, ["zh", "en"])
    for zh, en in zip(data["narrative"]["zh"], data["narrative"]["en"], strict=True):
        narrative.append([zh, en])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, columns):
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
