"""Thematic groups with their civil society leads and start dates.

A page that lists a plan's thematic (or working) groups gives each group a
list item ("Open Contracting (Procurement). Workshops fortnightly from May
5th."), followed by lines that start with a dash ("– Civil society lead:
Ruairi Macdonald", "– Beginning on July 1st at 2 pm."). The title is the item's
first sentence; the lead is the name after "lead:"; the start is the first date
in the group's lines, resolved against the page's date.
"""

from __future__ import annotations

import re

from harvesters.extract.blocks import Block, Doc, parse
from harvesters.extract.context import Context
from harvesters.extract.dates import DateScanner
from harvesters.extract.people import find_person_names, is_person_name
from harvesters.extract.plans import find_plan_mentions
from harvesters.records import PlanRef, ThematicGroup

_GROUPS = re.compile(r"\b(?:thematic|working|theme|topic)\s+groups?\b", re.I)
_DETAIL = re.compile(r"^\s*[-–—]\s*")
_LEAD = re.compile(
    r"\b(?:(?:civil society|cso|government|co-?)\s*)?leads?\s*(?:is|are)?\s*[:\-–]\s*(?P<who>.+)$", re.I)
_TBC = re.compile(r"\b(?:to be confirmed|tbc|tba|to be announced)\b", re.I)


def _title(text: str) -> str:
    first = re.split(r"(?<=[^A-Z.][.!?])\s+", text.strip(), maxsplit=1)[0].rstrip(".").strip()
    # "Public Standards and Accountability date. Dates to be confirmed."
    first = re.sub(r"\s+dates?$", "", first, flags=re.I) if _TBC.search(text) else first
    return first


def _lead(text: str) -> str | None:
    m = _LEAD.search(_DETAIL.sub("", text))
    if not m:
        return None
    who = m.group("who").strip().rstrip(".")
    if is_person_name(who):
        return who
    names = find_person_names(who)
    return names[0][2] if names else None


def extract_thematic_groups(text_or_html: str | Doc, ctx: Context,
                            plan: PlanRef | None = None) -> list[ThematicGroup]:
    """The thematic groups a page lists (none when it lists none)."""
    doc = parse(text_or_html)
    jurisdiction = ctx.jurisdiction or "uk"
    scanner = DateScanner(ctx.published, ctx.language)
    out: list[ThematicGroup] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        scanner.scan(block.text)
        if not (_GROUPS.search(block.text) and (block.is_heading or block.kind == "para")):
            i += 1
            continue
        # the list that follows: items, each with its dash lines
        section_plan = plan or ctx.plan or _plan_near(doc, i, jurisdiction, ctx)
        groups: list[tuple[Block, list[str]]] = []
        j = i + 1
        while j < len(blocks):
            b = blocks[j]
            if b.is_heading:
                break
            is_detail = bool(_DETAIL.match(b.text)) or (b.kind == "item" and b.level > 1)
            if b.kind == "item" and not is_detail:
                groups.append((b, []))
            elif is_detail and groups:
                groups[-1][1].extend(b.lines if len(b.lines) > 1 else [b.text])
            elif groups:
                break  # prose after the list ends it
            j += 1
        if len(groups) >= 2:
            for item, details in groups:
                title = _title(item.text)
                lead = next((name for d in details if (name := _lead(d))), None)
                start = None
                for text in [item.text, *details]:
                    if _TBC.search(text) and not re.search(r"\d", text):
                        continue
                    found = [m for m in scanner.scan(text) if m.date.precision != "year"]
                    if found:
                        start = found[0].date
                        break
                out.append(ThematicGroup(
                    **ctx.provenance(),
                    title=title, jurisdiction=jurisdiction, lead=lead, start=start, plan=section_plan,
                    theme=title,
                    note=" ".join(x.strip(" –—-") for x in [item.text, *details]) or None))
            i = j
        else:
            i += 1
    return out


def _plan_near(doc: Doc, index: int, jurisdiction: str, ctx: Context) -> PlanRef | None:
    """The plan the groups work on: the one named in the heading or the
    paragraphs around it ("the UK's next National Action Plan")."""
    texts = [doc.blocks[k].text for k in range(max(0, index - 2), min(len(doc.blocks), index + 4))]
    for text in texts:
        mentions = find_plan_mentions(text, jurisdiction, ctx.published)
        if mentions:
            return mentions[0].ref
    return None
