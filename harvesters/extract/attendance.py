"""Who was at a meeting: attendee lists under their headings, and counts
stated in a sentence.

Lists come as HTML lists, ``<br>`` lines, list items wrapping ``<p>``, table
rows or plain lines, under headings such as "Co-chairs", "Civil Society",
"Scottish Government", "COSLA", "Steering group secretatiat" (sic) or "In
attendance". Each heading keeps its words as written and gets a sector
(government, civil society, other) from the sector labels of
``vocab/schemes.ttl``, tolerating misspellings; a heading that names no sector
("Co-chairs", "Members present", "Witnesses") leaves each entry to its role
("Minister ..." is government, "... Network" civil society).

An entry marked "(Apologies)" or "(apologies)" is a member who sent apologies.
Deputies are written three ways: a line of their own ("Shona Nicol – Team
Leader (Deputising)"), inside the member's entry after apologies ("(apologies,
Matt Grady Deputising)"), or inside it without the word apologies ("(Eilidh
McLaughlin, Head of Digital Citizen Unit, deputising)"). Counting follows the
rule of the gov.scot minutes: present = members listed - apologies + deputies;
a member replaced by a named deputy counts as apologies, the deputy as
present in their place.

Sentences such as "There were a total of 38 attendees, of which 21 were
government representatives and 17 from civil society" or "Apologies came from
3 more people, 2 from government and 1 from civil society" give the counts
when no list does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from harvesters.extract.blocks import Block, Doc, parse, sentences
from harvesters.extract.bodies import find_bodies
from harvesters.extract.people import find_person_names, is_person_name, split_name_role
from harvesters.records import Attendance, AttendanceGroup, Attendee
from vocab import SCHEMES
from vocab.concepts import SECTOR_SCHEME, normalise

# ---------------------------------------------------------------- sectors

_SECTOR_SLUGS = {"government": "government", "civil-society": "civil_society", "other": "other"}

#: Headings that open an attendee list (or are one)
_ATTENDANCE_HEADING = re.compile(
    r"\b(?:attendees?|attendance|attending|present|participants|apologies|witnesses|"
    r"members|membership|who was there|those present)\b", re.I)
#: Headings that say nothing of sector: each entry's role decides
_MIXED_HEADING = re.compile(
    r"\b(?:co-?chairs?|chairs?|chairperson|members?|present|attendees|attendance and apologies|"
    r"attendees and apologies|participants|witnesses|apologies|those present)\b", re.I)

#: Words of a role or organisation that place a person in civil society
_CIVIL_SOCIETY_ROLE = re.compile(
    r"\b(?:civil society|network|ogn|cso|ngo|charity|charitable|campaign\w*|alliance|coalition|"
    r"trust|foundation|institute|society|association|cic|co-operative|cooperative|"
    r"community council|third sector|voluntary|international|think tank|citizens?|involve)\b", re.I)
#: ... and in government
_GOVERNMENT_ROLE = re.compile(
    r"\b(?:minister\w*|ministry|government|department|dept|cabinet office|council(?:lor)?|cllr|"
    r"cosla|civil servants?|official|officials|parliamentary secretary|secretary of state|"
    r"treasury|home office|nhs|agency|executive|local authority|"
    r"cddo|gds|dcms|dluhc|mhclg|dhsc|fcdo|fco|dfid|beis|dsit|defra|dwp|dfe|dft|hmrc|hmt|moj|ons|"
    r"dof|doj|teo|daera)\b", re.I)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}


@cache
def _sector_labels() -> tuple[tuple[str, str], ...]:
    """(normalised label, sector) for every label of the sector scheme."""
    graph = Graph().parse(SCHEMES, format="turtle")
    out: list[tuple[str, str]] = []
    for concept in graph.subjects(SKOS.inScheme, URIRef(SECTOR_SCHEME)):
        slug = _SECTOR_SLUGS.get(str(concept).rsplit("/", 1)[-1])
        if slug is None:
            continue
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                key = normalise(str(label))
                if key:
                    out.append((key, slug))
    # the sector scheme's own words, in case its labels change
    out += [("government", "government"), ("civil society", "civil_society"), ("other", "other")]
    return tuple(sorted(set(out), key=lambda kv: -len(kv[0])))


def _contains_words(words: list[str], label: list[str]) -> bool:
    """``label`` occurs in ``words`` as consecutive words, each compared
    loosely (one typo in a long word: "secretatiat")."""
    n = len(label)
    return any(all(_same_word(words[i + k], label[k]) for k in range(n))
               for i in range(len(words) - n + 1))


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 7:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def sector_of_heading(heading: str) -> str | None:
    """The sector a list heading names, or None when it names none or several."""
    words = normalise(heading).split()
    if not words:
        return None
    found: set[str] = set()
    for label, sector in _sector_labels():
        label_words = label.split()
        if _contains_words(words, label_words):
            # "Civil society" must not also count as "society" of another label
            found.add(sector)
            words = [w for w in words]  # keep; labels are tried longest first
    if "civil_society" in found and "government" in found:
        # "Government and civil society": a mixed heading, unless "non-government"
        return None
    if len(found) == 1:
        return next(iter(found))
    if found == {"government", "other"}:
        return "government"
    if found == {"civil_society", "other"}:
        return "civil_society"
    return None


def sector_of_role(text: str | None, default: str = "other") -> str:
    """The sector a role or organisation as written places someone in."""
    if not text:
        return default
    if _CIVIL_SOCIETY_ROLE.search(text) and not re.search(r"\bnon-?government", text, re.I):
        return "civil_society"
    if re.search(r"\bnon-?government", text, re.I):
        return "civil_society"
    if _GOVERNMENT_ROLE.search(text):
        return "government"
    return default


# ---------------------------------------------------------------- entries

_PAREN_AT_END = re.compile(r"\s*\(([^()]*)\)\s*$")
_STATUS_AT_END = re.compile(
    r"[\s,;–—-]+\(?(?P<s>apologies(?: received| sent)?|sent apologies|deputising|deputizing|absent)\)?\s*$",
    re.I)
_CHAIR_PREFIX = re.compile(r"^(?P<c>(?:co-?)?chair(?:person)?|chaired by)\s*[:\-–]\s*", re.I)
_CHAIR_FLAG = re.compile(r"\((?:co-?)?chair(?:ing|ed)?\)|\(in the chair\)", re.I)
_APOLOGIES = re.compile(r"\bapolog", re.I)
_DEPUTY = re.compile(r"\bdeputi[sz]\w*|\bdeputy for\b|\bon behalf of\b|\bstanding in\b|\bsubstitut\w*", re.I)
_DEPUTY_FOR = re.compile(r"\b(?:deputi[sz]ing|standing in|substituting) for\s+(?P<who>.+)$", re.I)


def parse_entry(text: str, heading: str | None, heading_sector: str | None, default_sector: str,
                heading_status: str = "present") -> tuple[list[Attendee], bool]:
    """One line of an attendee list as the member (and the deputy it names),
    and whether the entry marks a chair."""
    text = text.strip().strip(";").strip()
    chair = False
    m = _CHAIR_PREFIX.match(text)
    if m:
        chair = True
        text = text[m.end():]
    if _CHAIR_FLAG.search(text):
        chair = True

    status = heading_status
    deputy_text: str | None = None
    own_deputy_line = False
    deputy_for: str | None = None
    # trailing "(...)" groups: statuses and deputies; a role in brackets stays
    while True:
        pm = _PAREN_AT_END.search(text)
        if pm:
            inner = pm.group(1)
            if _APOLOGIES.search(inner) or _DEPUTY.search(inner) or inner.strip().lower() == "absent":
                text = text[:pm.start()].strip()
                status, deputy_text, own_deputy_line, deputy_for = _read_status(
                    inner, status, deputy_text, own_deputy_line, deputy_for)
                continue
        sm = _STATUS_AT_END.search(text)
        if sm:
            text = text[:sm.start()].strip()
            status, deputy_text, own_deputy_line, deputy_for = _read_status(
                sm.group("s"), status, deputy_text, own_deputy_line, deputy_for)
            continue
        break
    dm = _DEPUTY_FOR.search(text)
    if dm:
        own_deputy_line = True
        deputy_for = dm.group("who").strip(" ).")
        text = text[:dm.start()].strip(" ,(–-")

    name, role = split_name_role(text)
    member_sector = heading_sector or sector_of_role(role or text, default_sector)
    if own_deputy_line:
        return [Attendee(name=name, role=role, heading=heading, sector=member_sector, status="deputy",
                         deputy_for=deputy_for)], chair
    member = Attendee(name=name, role=role, heading=heading, sector=member_sector, status=status)
    out = [member]
    if deputy_text:
        member.status = "apologies"  # replaced by a named deputy
        d_name, d_role = split_name_role(deputy_text)
        if d_name is None and d_role and is_person_name(d_role.split(",")[0]):
            d_name, d_role = d_role.split(",")[0].strip(), None
        out.append(Attendee(name=d_name, role=d_role, heading=heading, sector=member_sector,
                            status="deputy", deputy_for=name or role))
    return out, chair


def _read_status(inner: str, status: str, deputy_text: str | None, own_line: bool,
                 deputy_for: str | None) -> tuple[str, str | None, bool, str | None]:
    low = inner.lower().strip()
    if low == "absent":
        return "absent", deputy_text, own_line, deputy_for
    if _APOLOGIES.search(inner):
        status = "apologies"
    if _DEPUTY.search(inner):
        fm = _DEPUTY_FOR.search(inner)
        if fm:
            return status, deputy_text, True, fm.group("who").strip(" .")
        rest = re.sub(r"\bapologies(?: received| sent)?\b|\bsent apologies\b", " ", inner, flags=re.I)
        rest = _DEPUTY.sub(" ", rest)
        rest = re.sub(r"\b(?:is|was|as|by|with)\b", " ", rest, flags=re.I)
        rest = re.sub(r"\s+", " ", rest).strip(" ,;:–—-")
        if rest:
            deputy_text = rest
        else:
            own_line = True
    return status, deputy_text, own_line, deputy_for


# ---------------------------------------------------------------- lists


def _heading_status(heading: str) -> str:
    only_apologies = re.fullmatch(r"\s*apologies(?: received| from)?\s*:?\s*", heading, re.I)
    return "apologies" if only_apologies else "present"


def _entries_of(block: Block) -> list[str]:
    if block.kind == "item":
        return [block.text]
    lines = block.lines if len(block.lines) > 1 else [block.text]
    # a paragraph of "A, B and C" names after "Present:" is one line per name
    return [line for line in lines if line.strip()]


def _looks_like_entry(text: str) -> bool:
    """A paragraph line that is an attendee entry rather than prose."""
    if len(text) > 220:
        return False
    stripped = _CHAIR_PREFIX.sub("", text.strip())
    stripped = _PAREN_AT_END.sub("", stripped)
    name, _role = split_name_role(stripped)
    if name:
        # prose starting with a name has a verb soon after it
        rest = stripped[len(name):]
        return not re.match(r"\s+(?:is|was|were|has|had|will|said|welcomed|opened|noted|thanked)\b", rest)
    if len(text) > 150 or re.search(r"\d", stripped):
        return False
    marked = _PAREN_AT_END.search(text)
    return bool((marked and (_APOLOGIES.search(marked.group(1)) or _DEPUTY.search(marked.group(1))))
                or _STATUS_AT_END.search(text))


def list_attendance(doc: Doc | str, default_sector: str = "other") -> tuple[Attendance | None, list[str]]:
    """Attendance from the attendee lists of a document, and the chairs the
    lists mark (entries under a "Co-chairs" heading who are present, entries
    marked "(chair)" or "Co-chair:")."""
    doc = parse(doc)
    blocks = doc.blocks
    attendees: list[Attendee] = []
    chairs: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if not (block.is_heading and _ATTENDANCE_HEADING.search(block.text) and len(block.text) <= 90):
            i += 1
            continue
        start = block
        heading = start.text.rstrip(":").strip()
        heading_sector = sector_of_heading(heading) if not _MIXED_HEADING.search(heading) else None
        status = _heading_status(heading)
        j = i + 1
        found_any = False
        while j < len(blocks):
            b = blocks[j]
            if b.is_heading and not _entry_heading(b):
                previous = attendees[-1] if found_any and attendees else None
                if previous is not None and previous.role is None and previous.name and \
                        _organisation_line(b.text):
                    # plain text of a table: the organisation on the line after the name
                    previous.role = b.text.strip()
                    if previous.heading == heading and heading_sector is None:
                        previous.sector = sector_of_role(previous.role, default_sector)
                    j += 1
                    continue
                deeper = b.level > start.level
                listy = (bool(_ATTENDANCE_HEADING.search(b.text) or _MIXED_HEADING.search(b.text))
                         or sector_of_heading(b.text) is not None) and len(b.text) <= 40
                if not (deeper or listy) or len(b.text) > 90:
                    break
                if not _next_has_entries(blocks, j):
                    if found_any:
                        break
                    j += 1
                    continue
                heading = b.text.rstrip(":").strip()
                heading_sector = (sector_of_heading(heading)
                                  if not _MIXED_HEADING.search(heading) else None)
                status = _heading_status(heading)
                j += 1
                continue
            entries = _entries_of(b)
            if b.kind == "para" and not all(_looks_like_entry(e) for e in entries):
                if found_any:
                    break
                j += 1
                continue
            for entry in entries:
                people, chair = parse_entry(entry, heading, heading_sector, default_sector, status)
                attendees.extend(people)
                found_any = True
                member = people[0]
                chair_heading = re.search(r"\bco-?chairs?\b|\bchairs?\b", heading, re.I)
                if (chair or chair_heading) and member.status == "present" and member.name:
                    chairs.append(member.name)
            j += 1
        i = max(j, i + 1)
    for block in blocks:
        m = _INLINE_LIST.match(block.text) if block.kind in ("para", "heading") else None
        if not m:
            continue
        heading = m.group("label").strip()
        heading_sector = sector_of_heading(heading) if not _MIXED_HEADING.search(heading) else None
        for entry in split_inline(m.group("rest")):
            people, chair = parse_entry(entry, heading, heading_sector, default_sector,
                                        _heading_status(heading))
            attendees.extend(people)
            if chair and people[0].status == "present" and people[0].name:
                chairs.append(people[0].name)
    if not attendees:
        return None, chairs
    return count(attendees), chairs


_INLINE_LIST = re.compile(
    r"^(?P<label>present|attendees|attending|in attendance|also (?:present|attending|in attendance)|"
    r"apologies(?: received)?|members present|witnesses|officials present)\s*[:\-–]\s*(?P<rest>\S.+)$",
    re.I)


def split_inline(text: str) -> list[str]:
    """"Jane Smith (Chair), Sam Lee, Cabinet Office, and Ann Bell" as entries:
    semicolons separate entries when there are any; otherwise commas and a
    last "and" do, and a part that is not a name is the role of the one before."""
    text = text.strip().rstrip(".")
    if ";" in text:
        return [p.strip() for p in text.split(";") if p.strip()]
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+(?=[A-Z])", text) if p.strip()]
    entries: list[str] = []
    for part in parts:
        bare = _PAREN_AT_END.sub("", _CHAIR_PREFIX.sub("", part)).strip()
        if is_person_name(bare) or not entries:
            entries.append(part)
        else:
            entries[-1] = f"{entries[-1]}, {part}"
    return entries


def _organisation_line(text: str) -> bool:
    """A line that names an organisation, not a list heading."""
    if _ATTENDANCE_HEADING.search(text) or _MIXED_HEADING.search(text):
        return False
    if sector_of_heading(text) is None:
        return True
    found = find_bodies(text)
    return bool(found) and found[0].end - found[0].start >= len(text.strip()) - 2


def _entry_heading(block: Block) -> bool:
    """A line a plain-text document shows as a heading that is an attendee
    entry ("Graeme Dey (Minister for Parliamentary Business)", "Director for
    Local Government (Apologies)")."""
    if not block.is_heading or (_ATTENDANCE_HEADING.search(block.text) and ":" in block.text):
        return False
    text = _CHAIR_PREFIX.sub("", block.text.strip())
    name, _role = split_name_role(_PAREN_AT_END.sub("", text).strip())
    return bool(name) or (_looks_like_entry(block.text) and bool(_PAREN_AT_END.search(block.text)))


def _next_has_entries(blocks: list[Block], j: int) -> bool:
    for b in blocks[j + 1:j + 3]:
        if _entry_heading(b):
            return True
        if b.is_heading:
            return False
        if b.kind == "item":
            return True
        return all(_looks_like_entry(e) for e in _entries_of(b))
    return False


def count(attendees: Iterable[Attendee]) -> Attendance:
    """Totals and per-heading groups of an attendee list, by the counting rule."""
    people = list(attendees)
    present = [a for a in people if a.status in ("present", "deputy")]
    by_sector = {s: sum(1 for a in present if a.sector == s)
                 for s in ("government", "civil_society", "other")}
    groups: dict[tuple[str, str], AttendanceGroup] = {}
    for a in people:
        if a.heading is None:
            continue
        key = (a.heading, a.sector)
        group = groups.setdefault(key, AttendanceGroup(heading=a.heading, sector=a.sector, present=0))
        if a.status in ("present", "deputy"):
            group.present += 1
        if a.status == "apologies":
            group.apologies += 1
        if a.status == "deputy":
            group.deputies += 1
    return Attendance(
        total=len(present),
        government=by_sector["government"],
        civil_society=by_sector["civil_society"],
        other=by_sector["other"],
        apologies=sum(1 for a in people if a.status == "apologies"),
        deputies=sum(1 for a in people if a.status == "deputy"),
        groups=list(groups.values()),
        attendees=people,
    )


# ------------------------------------------------------------- sentences

_COUNT_CONTEXT = re.compile(
    r"\b(?:attend\w*|present|participants?|people|persons|representatives|members|delegates|"
    r"apolog\w*|officials)\b", re.I)
_TOTAL_WORDS = re.compile(
    r"\b(?:attend\w*|people|persons|participants?|total|in all|more|others?|members|delegates|"
    r"apolog\w*|present)\b", re.I)
_NUMBER = re.compile(
    r"(?<![\w£$.,/-])(?P<n>\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")(?![\w%/:]|\.\d|,\d)", re.I)


def _sector_word(window: str) -> str | None:
    low = window.lower()
    hits: list[tuple[int, str]] = []
    for rx, sector in (
        (r"\bnon-?government\w*|\bcivil society|\bcsos?\b|\bngos?\b|\bvoluntary sector", "civil_society"),
        (r"\bgovernment\w*|\bofficials?\b|\bcivil servants?|\bdepartments?\b|\bministers?\b", "government"),
        (r"\bother\w*\b|\bobservers?\b|\bsecretariat\b|\bindependent\b|\bacademi\w+|\bprivate sector",
         "other"),
    ):
        for m in re.finditer(rx, low):
            hits.append((m.start(), sector))
    if not hits:
        return None
    hits.sort()
    # "non-government" is found by both patterns at nearly the same place: civil society
    return hits[0][1]


def sentence_counts(text: str) -> dict[str, dict[str, int]]:
    """Counts stated in sentences: {"present": {"total": 38, "government": 21,
    "civil_society": 17}, "apologies": {...}}."""
    result: dict[str, dict[str, int]] = {}
    for sentence in sentences(text):
        if not _COUNT_CONTEXT.search(sentence):
            continue
        for clause, kind in _clauses(sentence):
            numbers = [m for m in _NUMBER.finditer(clause)
                       if not _is_date_or_ordinal(clause, m)]
            if not numbers:
                continue
            counts: dict[str, int] = {}
            for k, m in enumerate(numbers):
                value = _value(m.group("n"))
                end = numbers[k + 1].start() if k + 1 < len(numbers) else len(clause)
                window = clause[m.end():end]
                sector = _sector_word(window[:60])
                before = clause[max(0, m.start() - 25):m.start()].lower()
                if sector and sector not in counts:
                    counts[sector] = value
                elif "total" not in counts and (_TOTAL_WORDS.search(window[:40]) or "total of" in before):
                    counts["total"] = value
            if counts and (kind == "apologies" or _TOTAL_WORDS.search(clause) or len(counts) > 1):
                target = result.setdefault(kind, {})
                for key, value in counts.items():
                    target.setdefault(key, value)
    return result


def _clauses(sentence: str) -> list[tuple[str, str]]:
    """A sentence split where it turns from attendance to apologies."""
    m = re.search(r"[,;:]?\s*(?:with\s+|and\s+)?(?:apologies|\d+\s+(?:more\s+)?(?:sent|gave)\s+"
                  r"(?:their\s+)?apologies)", sentence, re.I)
    if m and m.start() > 0 and _COUNT_CONTEXT.search(sentence[:m.start()]) and \
            re.search(r"\d", sentence[:m.start()]):
        return [(sentence[:m.start()], "present"), (sentence[m.start():], "apologies")]
    return [(sentence, "apologies" if _APOLOGIES.search(sentence) else "present")]


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def _is_date_or_ordinal(text: str, m: re.Match[str]) -> bool:
    value = _value(m.group("n"))
    if m.group("n").isdigit() and 1900 <= value <= 2100:
        return True
    after = text[m.end():m.end() + 12].lower()
    before = text[max(0, m.start() - 12):m.start()].lower()
    months = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    if re.match(r"\s*(?:st|nd|rd|th)\b", after) or re.match(rf"\s*(?:{months})", after):
        return True
    return bool(re.search(r"(?:commitment|nap|phase|stage|part|item|objective|objectives|at|by)\s*$", before))


def sentence_attendance(text: str, heading: str = "Attendees") -> Attendance | None:
    """Attendance from sentences that state counts; per-sector apologies go
    into groups under ``heading``."""
    found = sentence_counts(text)
    present = found.get("present", {})
    apologies = found.get("apologies", {})
    if not present and not apologies:
        return None
    sectors = ("government", "civil_society", "other")
    total = present.get("total")
    stated = [present[s] for s in sectors if s in present]
    if total is None and stated:
        total = sum(stated)
    other = present.get("other")
    if other is None and total is not None and "government" in present and "civil_society" in present:
        rest = total - present["government"] - present["civil_society"]
        other = rest if rest >= 0 else None
    apologies_total = apologies.get("total")
    if apologies_total is None and any(s in apologies for s in sectors):
        apologies_total = sum(apologies.get(s, 0) for s in sectors)
    groups = [
        AttendanceGroup(heading=heading, sector=s, present=present.get(s, 0), apologies=apologies.get(s, 0))
        for s in sectors if s in present or s in apologies
    ]
    return Attendance(
        total=total,
        government=present.get("government"),
        civil_society=present.get("civil_society"),
        other=other,
        apologies=apologies_total,
        groups=groups,
    )


_SENT_APOLOGIES = re.compile(
    r"(?P<who>[^.;]*?)\s+(?:sent|gave|offered|tendered)\s+(?:his|her|their)?\s*apologies", re.I)
_APOLOGIES_FROM = re.compile(r"\bapologies\s+(?:were\s+)?(?:received\s+)?from\s+(?P<who>[^.;]+)", re.I)


def named_apologies(text: str) -> list[str]:
    """Names of people a text says sent apologies ("Margot James sent her
    apologies", "Apologies were received from A and B")."""
    names: list[str] = []
    for rx in (_SENT_APOLOGIES, _APOLOGIES_FROM):
        for m in rx.finditer(text):
            who = m.group("who")
            if re.search(r"\d", who):
                continue  # "3 more sent apologies": a count, read elsewhere
            for _s, _e, name in find_person_names(who):
                if name not in names:
                    names.append(name)
    return names


def extract_attendance(doc: Doc | str, default_sector: str = "other") -> tuple[Attendance | None, list[str]]:
    """A meeting's attendance from its lists, else from its sentences; named
    apologies in the prose are added to a list. Returns the chairs the list marks."""
    doc = parse(doc)
    attendance, chairs = list_attendance(doc, default_sector)
    if attendance is None:
        section = _attendance_section_text(doc)
        attendance = sentence_attendance(section or "", _attendance_heading(doc) or "Attendees")
        if attendance is None and section is None:
            attendance = sentence_attendance(
                "\n".join(b.text for b in doc.blocks[:40] if b.kind == "para"), "Attendees")
        return attendance, chairs
    listed = {a.name for a in attendance.attendees if a.name}
    extra = [n for n in named_apologies(doc.text) if n not in listed and not _listed_surname(n, listed)]
    if extra:
        people = attendance.attendees + [
            Attendee(name=n, heading=None, sector=default_sector, status="apologies") for n in extra]
        attendance = count(people)
    return attendance, chairs


def _listed_surname(name: str, listed: set[str]) -> bool:
    last = name.split()[-1].lower()
    return any(n.split()[-1].lower() == last for n in listed)


def _attendance_heading(doc: Doc) -> str | None:
    for _i, b in doc.headings():
        if _ATTENDANCE_HEADING.search(b.text) and len(b.text) <= 90:
            return b.text.rstrip(":").strip()
    return None


def _attendance_section_text(doc: Doc) -> str | None:
    for i, b in doc.headings():
        if _ATTENDANCE_HEADING.search(b.text) and len(b.text) <= 90:
            body = doc.body_until_heading(i)
            if body:
                return "\n".join(x.text for x in body)
    return None
