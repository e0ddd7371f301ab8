"""People's names in attendee lists and prose, told apart from roles and
organisations.

A name is two to four capitalised words ("Sue Bateman", "Dawn-Anne McAneny",
"Elric Honoré", "Jane O’Donnell"), or one after a title ("Mr Adam",
"Dr Aiken"), with titles and post-nominals kept as written ("Councillor Graham
Houston", "Alex Burghart MP"). Words that belong to roles and organisations
("Director", "Council", "Network", "Open", acronyms such as "CDDO") make a run
of capitalised words not a name, so "Director for Local Government and
Communities" is a role with no name.
"""

from __future__ import annotations

import re

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "baroness", "baron", "councillor", "cllr", "rt", "hon", "rev", "reverend",
}
#: A title that is also a role: dropped from the name ("Minister Alex Burghart")
ROLE_TITLES = {"minister"}
POSTNOMINALS = {"mp", "msp", "ms", "mla", "obe", "mbe", "cbe", "kc", "qc", "frsa", "phd", "jp", "ma"}
PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "bin", "al", "ap", "mac"}

#: Words of roles, organisations, places and documents: never part of a name
NOT_NAME_WORDS = {
    # roles
    "director", "directorate", "head", "chief", "officer", "manager", "minister", "ministers", "chair",
    "chairs", "chairperson", "chairman", "chairwoman", "co-chair", "co-chairs", "lead", "leads", "leader",
    "team", "secretary", "deputy", "interim", "senior", "junior", "assistant", "policy", "adviser",
    "advisor", "coordinator", "co-ordinator", "expert", "researcher", "analyst", "member", "members",
    "president", "vice", "vice-president", "executive", "principal", "commissioner", "clerk",
    "statistician", "specialist", "consultant", "student", "fellow", "founder", "trustee",
    "representative", "representatives", "facilitator", "convener", "convenor", "speaker",
    # organisations
    "government", "council", "university", "college", "school", "network", "society", "group",
    "department", "dept", "office", "commission", "committee", "unit", "programme", "program",
    "project", "service", "services", "partnership", "forum", "ltd", "limited", "trust", "foundation",
    "alliance", "centre", "center", "institute", "community", "communities", "agency", "authority",
    "board", "bureau", "fund", "coalition", "initiative", "mechanism", "division", "assembly",
    "parliament", "house", "commons", "administration", "administrations", "association",
    "company", "cic", "plc", "llp", "charity", "organisation", "organization", "federation", "union",
    "panel", "secretariat", "treasury", "ministry", "cabinet", "court", "courts", "tribunal",
    "nhs", "bank", "library", "museum", "media", "news",
    # subjects, documents and places often capitalised in these texts
    "open", "data", "digital", "central", "scottish", "welsh", "british", "english", "irish", "uk",
    "national", "international", "local", "public", "civil", "independent", "strategic", "research",
    "performance", "health", "justice", "transparency", "information", "parliamentary", "ministerial",
    "business", "support", "engagement", "action", "plan", "plans", "stakeholder", "multi-stakeholder",
    "multistakeholder", "steering", "read", "readout", "read-out", "minutes", "meeting", "agenda",
    "item", "items", "commitment", "commitments", "theme", "themes", "phase", "stage", "part",
    "welcome", "introduction", "next", "steps", "aim", "attendees", "apologies", "social", "equality",
    "development", "finance", "financial", "home", "foreign", "affairs", "strategy", "standards",
    "summit", "ogp", "partnership's", "framework", "reporting", "report", "review", "update", "updates",
    "scotland", "wales", "cymru", "england", "ireland", "northern", "kingdom", "united", "london",
    "edinburgh", "glasgow", "belfast", "cardiff", "europe", "european", "estonia", "canada",
    "co-creation", "consultation", "call", "evidence", "ideas", "brief", "annex", "appendix",
    "chapter", "section", "contents", "summary", "background", "purpose", "overview",
    "climate", "change", "environment", "procurement", "contracting", "integrity", "corruption",
    "anti-corruption", "ownership", "beneficial", "budget", "aid", "inclusion", "diversity",
    "freedom", "rights", "right", "participation", "democracy", "democratic", "accountability",
    "governance", "civic", "space", "algorithmic", "innovation", "technology", "care", "education", "economy",
    "christmas", "easter", "covid", "covid-19", "brexit", "chatham", "terms", "reference",
    "register", "registers", "legislation", "regulations", "week",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "spring", "summer", "autumn", "winter", "google", "form", "forms", "slide-deck",
    "twitter", "facebook", "linkedin", "zoom", "teams", "webinar", "workshop", "workshops",
    "gov.uk", "gov.scot", "gov.wales", "pdf", "html", "faq", "people", "citizens",
    "third", "sector", "private", "voluntary", "observer", "observers", "witnesses", "witness",
}
#: Words that start a sentence, not a name
LEADING_WORDS = {
    "the", "a", "an", "on", "in", "at", "for", "from", "with", "this", "that", "these", "those", "it",
    "he", "she", "they", "we", "our", "his", "her", "their", "and", "but", "or", "of", "to", "by",
    "as", "after", "before", "following", "during", "since", "dear", "hi", "hello", "thanks",
    "thank", "many", "all", "both", "each", "every", "there", "here", "when", "where", "while",
    "whilst", "if", "so", "also", "however", "although", "then", "today", "yesterday", "tomorrow",
    "please", "yes", "no", "not", "my", "your", "its", "is", "was", "were", "be", "been", "has",
    "have", "had", "will", "would", "can", "could", "should", "may", "might", "must", "did", "do",
    "does", "once", "over", "under", "between", "about", "around", "across", "within", "without",
    "via", "per", "co-chaired", "chaired", "welcomed", "thanked", "noted", "agreed",
}

_TOKEN = re.compile(r"[^\W\d_][\w’'\-.]*|[(),;:]|\S", re.U)


def _clean_token(token: str) -> str:
    return token.rstrip(".’'").strip()


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _is_acronym(token: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", token)
    return len(letters) >= 2 and letters.isupper()


def _name_token(token: str) -> bool:
    """A word that can be part of a person's name."""
    word = _clean_token(token)
    low = word.lower()
    if not word or low in NOT_NAME_WORDS:
        return False
    if _is_acronym(word) and low not in POSTNOMINALS:
        return False
    if not _is_capitalised(word):
        return low in PARTICLES
    return bool(re.fullmatch(r"[^\W\d_][\w’'\-]*\.?", word, re.U))


def is_person_name(text: str) -> bool:
    """Whether ``text`` as a whole is a person's name."""
    text = text.strip().strip(",;:")
    if not text or len(text) > 60 or re.search(r"[\d@/()]", text):
        return False
    tokens = [_clean_token(t) for t in text.split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        return False
    titled = False
    while tokens and tokens[0].lower().rstrip(".") in HONORIFICS | ROLE_TITLES:
        titled = True
        tokens = tokens[1:]
    while tokens and tokens[-1].lower().rstrip(".,") in POSTNOMINALS and len(tokens) > 1:
        tokens = tokens[:-1]
    if not tokens or tokens[0].lower() in PARTICLES:
        return False
    if not all(_name_token(t) for t in tokens):
        return False
    if not _is_capitalised(tokens[-1]):
        return False
    count = len(tokens)
    return 2 <= count <= 4 or (count == 1 and titled)


def strip_title(name: str) -> str:
    """A name without a leading role title ("Minister Alex Burghart" gives
    "Alex Burghart"); honorifics such as Mr and Dr stay."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in ROLE_TITLES:
        words = words[1:]
    return " ".join(words)


def surname(name: str) -> str:
    words = [w for w in name.split()
             if w.lower().rstrip(".,") not in HONORIFICS | ROLE_TITLES | POSTNOMINALS]
    return words[-1].lower() if words else name.lower()


def find_person_names(text: str) -> list[tuple[int, int, str]]:
    """Every person's name in ``text``, as (start, end, name), in order."""
    out: list[tuple[int, int, str]] = []
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\s,;:()\[\]“”\"]+", text)]
    i = 0
    while i < len(tokens):
        _, _, token = tokens[i]
        word = token.rstrip(".’'")
        if not word or not (word[:1].isupper() or word.lower() in PARTICLES):
            i += 1
            continue
        # a run of capitalised words (and particles) not broken by punctuation
        j = i
        run: list[tuple[int, int, str]] = []
        while j < len(tokens):
            s, e, t = tokens[j]
            if run and text[run[-1][1]:s].strip():  # punctuation between the words
                break
            w = t.rstrip(".’'")
            if not w or not (w[:1].isupper() or w.lower() in PARTICLES):
                break
            run.append((s, e, t))
            if t.endswith(".") and w.lower() not in HONORIFICS and not re.fullmatch(r"[A-Z]\.?", w):
                j += 1
                break  # a full stop ends the run (except after Dr. or an initial)
            j += 1
        found = _best_name(run)
        if found is not None:
            s, e = found
            name = text[s:e].rstrip(".")
            out.append((s, s + len(name), name))
        i = max(j, i + 1)
    return out


def _best_name(run: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The longest name inside a run of capitalised words, after dropping the
    words that start sentences."""
    k = 0
    while k < len(run) and run[k][2].rstrip(".").lower() in LEADING_WORDS:
        k += 1
    run = run[k:]
    for size in range(min(len(run), 6), 0, -1):
        for a in range(0, len(run) - size + 1):
            candidate = run[a:a + size]
            text = " ".join(t for _, _, t in candidate)
            if is_person_name(text):
                return candidate[0][0], candidate[-1][1]
    return None


_SEPARATORS = re.compile(r"\s+[–—-]\s+|\s*,\s+|\s+\(|:\s+")


def split_name_role(entry: str) -> tuple[str | None, str | None]:
    """An attendee entry as (name, role): "Sue Bateman, Interim Chief Data
    Officer" gives both; "Director for Local Government" gives only a role;
    "Andy McDevitt" only a name."""
    entry = entry.strip().strip(",;")
    if not entry:
        return None, None
    if is_person_name(entry):
        return entry, None
    m = _SEPARATORS.search(entry)
    while m is not None:
        head = entry[:m.start()].strip()
        if is_person_name(head):
            role = entry[m.end():].strip()
            if m.group().strip() == "(":
                close = entry.find(")", m.end())
                if close != -1:
                    inside, after = entry[m.end():close].strip(), entry[close + 1:].strip(" ,;–—-")
                    role = ", ".join(x for x in (inside, after) if x)
            return head, role or None
        m = _SEPARATORS.search(entry, m.end())
    return None, entry
