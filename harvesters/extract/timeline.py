"""The dated events of a plan's co-creation, each with its stage.

Process pages, forum posts and reports tell a plan's making as stage headings
("STAGE ONE: Planning for the process", "CURRENT STATUS: Reasoned response and
finalisation") over dated lines ("18/01/2023: Planning for the 6th NAP was
discussed ..."), as numbered stages with month ranges ("iii. Draft National
Action Plan (February 2013 to June 2013)"), or as dated sentences ("... which
was published on Monday 18th December 2023"). Each event keeps its date's
precision; its stage is the section's, else the one its words name (the
labels of ``vocab/stages.ttl`` and a few patterns), else the stage of the event
before it.
"""

from __future__ import annotations

import re

from harvesters.extract.blocks import Block, Doc, parse, sentences
from harvesters.extract.context import Context
from harvesters.extract.dates import DateMatch, DateScanner
from harvesters.extract.plans import main_plan
from harvesters.records import STAGES, PartialDate, PlanRef, TimelineEvent
from vocab.concepts import resolve_stage

#: Words that name a stage, tried in this order (the more specific first)
STAGE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("reasoned-response-and-finalisation", re.compile(
        r"\breasoned response|\bfinalis\w*|\bfinaliz\w*|\bsign-?off\b|\bclearance\b|\bfinal draft\b", re.I)),
    ("publication", re.compile(
        r"\bpublish\w*|\bpublication\b|\blaunch\w*|\bsubmi(?:t|ssion|tted)\w*\s+to\s+(?:the\s+)?OGP\b",
        re.I)),
    ("review", re.compile(
        r"\breview\b|\bevaluat\w*|\bself-assessment|\blessons learn\w*|\bIRM\b|\bindependent reporting",
        re.I)),
    ("implementation", re.compile(r"\bimplement\w*|\bdelivery of commitments\b|\bprogress reports?\b", re.I)),
    ("development", re.compile(
        r"\b(?:action plan |commitment )?development\b|\bdraft\w*|\bco-creation workshops?\b|"
        r"\bthematic (?:groups?|workshops?)\b|\banalys\w*\s+(?:of\s+)?(?:inputs|ideas|submissions)", re.I)),
    ("outreach", re.compile(
        r"\boutreach\b|\bcall for (?:ideas|evidence|proposals)\b|\bconsultation\b|\bideas gathering\b|"
        r"\bpublic engagement\b|\bmeet-?up\b", re.I)),
    ("planning", re.compile(r"\bplanning\b|\bprocess design\b|\bco-creation (?:brief|timetable)\b|"
                            r"\btimetable\b", re.I)),
]

_STAGE_HEADING = re.compile(
    r"^\s*(?:(?:stage|phase|step)\s+[\w-]+|current\s+(?:status|stage))\s*[:.\-–—]\s*(?P<name>.+)$", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}|[ivxlc]{1,6}|[a-h])[.)]\s+", re.I)
_PAREN_DATES = re.compile(r"^(?P<title>.+?)\s*\((?P<dates>[^()]+)\)\s*\.?$")
_EVENT_VERB = re.compile(
    r"\b(?:publish\w*|launch\w*|submit\w*|took place|take place|takes place|taking place|held|met|"
    r"meet|meeting|announc\w*|circulat\w*|agreed|opened|closed|began|started|ended|wrote|responded|"
    r"formed|established|workshop|event|consultation|discussed|presented|approved|signed)\b", re.I)
_SEPARATOR = re.compile(r"^\s*[:\-–—]\s*")


def stage_of(text: str) -> str | None:
    """The stage a heading or title names, if any."""
    text = text.strip()
    found = resolve_stage(text)
    if found is not None:
        slug = str(found).rsplit("/", 1)[-1]
        if slug in STAGES:
            return slug
    for stage, rx in STAGE_PATTERNS:
        if rx.search(text):
            return stage
    return None


def _first_sentence(text: str, limit: int = 300) -> str:
    first = sentences(text)[0] if sentences(text) else text
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


class _Builder:
    def __init__(self, ctx: Context, plan: PlanRef) -> None:
        self.ctx = ctx
        self.plan = plan
        self.events: list[TimelineEvent] = []
        self.seen: set[tuple[str, str | None, str]] = set()
        self.section_stage: str | None = None

    def stage_for(self, title: str, own_first: bool = False) -> str:
        own = stage_of(title)
        if own_first and own:
            return own
        if self.section_stage:
            return self.section_stage
        if own:
            return own
        return self.events[-1].stage if self.events else "planning"

    def add(self, title: str, date: PartialDate, end: PartialDate | None, stage: str) -> None:
        title = title.strip(" .:;–—-")
        if not title:
            return
        key = (date.iso(), end.iso() if end else None, re.sub(r"\W+", " ", title.lower()).strip())
        if key in self.seen:
            return
        self.seen.add(key)
        self.events.append(TimelineEvent(
            **self.ctx.provenance(),
            plan=self.plan, title=title, stage=stage, date=date, end=end,
            document_url=self.ctx.document_url))


def _leading_date(block: Block, found: list[DateMatch]) -> tuple[DateMatch, str] | None:
    """A block that starts with a date: "18/01/2023: Planning for the 6th NAP ..."."""
    if not found or found[0].start > 2 or found[0].date.precision == "year":
        return None
    rest = block.text[found[0].end:]
    sep = _SEPARATOR.match(rest)
    if not sep:
        return None
    return found[0], rest[sep.end():]


def _range_title(block: Block, scanner: DateScanner) -> tuple[str, DateMatch] | None:
    """A heading or item that ends with its dates in brackets:
    "iii. Draft National Action Plan (February 2013 to June 2013)"."""
    if len(block.text) > 200:
        return None
    m = _PAREN_DATES.match(block.text)
    if not m:
        return None
    found = scanner.scan(m.group("dates"))
    if not found or found[0].kind not in ("month_range", "day_range", "range") \
            or found[0].date.precision == "year":
        return None
    return _NUMBERING.sub("", m.group("title")).strip(), found[0]


def extract_timeline(text_or_html: str | Doc, ctx: Context,
                     plan: PlanRef | None = None) -> list[TimelineEvent]:
    """The co-creation events a process page or report gives, for ``plan``
    (else the plan the document says it develops). A document with no stage
    headings, dated lines or dated stages gives none."""
    doc = parse(text_or_html)
    jurisdiction = ctx.jurisdiction or "uk"
    plan = plan or ctx.plan or main_plan(doc.text, jurisdiction, ctx.published, title=ctx.title or doc.title)
    if plan is None:
        return []
    builder = _Builder(ctx, plan)
    scanner = DateScanner(ctx.published, ctx.language)
    prose: list[tuple[int, Block, list[DateMatch], str | None]] = []
    stages_of_ranges: dict[tuple[str, str], str] = {}
    structured = 0
    for index, block in enumerate(doc.blocks):
        if block.is_heading:
            sm = _STAGE_HEADING.match(block.text)
            if sm and stage_of(sm.group("name")):
                builder.section_stage = stage_of(sm.group("name"))
                structured += 1
                continue
            ranged = _range_title(block, scanner)
            if ranged:
                title, match = ranged
                key = (title.lower(), match.date.iso())
                if key not in stages_of_ranges:
                    stages_of_ranges[key] = stage_of(title) or (
                        builder.events[-1].stage if builder.events else "planning")
                builder.section_stage = stages_of_ranges[key]
                builder.add(title, match.date, match.until, stages_of_ranges[key])
                structured += 1
                continue
            scanner.scan(block.text)
            continue
        if block.kind == "item":
            ranged = _range_title(block, scanner)
            if ranged:
                title, match = ranged
                builder.add(title, match.date, match.until, builder.stage_for(title, own_first=True))
                structured += 1
                continue
        found = scanner.scan(block.text)
        leading = _leading_date(block, found)
        if leading:
            match, rest = leading
            title = _first_sentence(rest)
            builder.add(title, match.date, match.until, builder.stage_for(title))
            structured += 1
            continue
        if block.kind == "para":
            prose.append((index, block, found, builder.section_stage))
    if structured == 0:
        return []
    # dated sentences of the process's prose, each under the stage of its section
    events_before = list(builder.events)
    for _index, block, found, section_stage in prose:
        for sentence in sentences(block.text):
            dated = [m for m in found if m.text in sentence and m.date.precision != "year"]
            if not dated or not _EVENT_VERB.search(sentence):
                continue
            match = dated[0]
            stage = section_stage or stage_of(sentence) or (
                events_before[-1].stage if events_before else "planning")
            builder.add(_first_sentence(sentence, 300), match.date, match.until, stage)
    return sorted(builder.events, key=lambda e: (e.date.value, e.title))
