"""Synthetic data for benchmarks: realistic plans, commitments, milestones,
minutes with attendance, and documents for every jurisdiction, generated
deterministically from a seed.

The shape follows the recorded corpus: plans of two to four years with a
handful to a few dozen commitments, each on OGP themes with milestones;
forums that meet four to twelve times a year, minutes with attendee lists by
sector; news, reports and forum threads of a few hundred words mentioning
plans and themes. Text is drawn from the domain's own words so that search
benchmarks meet realistic term frequencies.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from harvesters import records as r
from hub import ids
from hub.mapping import map_record
from hub.terms import Triple

FETCHED = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)

THEMES = [
    "open contracting", "aid transparency", "anti-corruption", "beneficial ownership",
    "open data", "fiscal openness", "health", "access to justice", "public participation",
    "local government", "climate and environment", "digital governance", "access to information",
    "lobbying", "open parliaments", "extractive industries", "public service delivery",
]
BODIES = {
    "uk": ("UK Multi-Stakeholder Forum", "forum"),
    "scotland": ("Open Government Partnership Steering Group", "steering-group"),
    "wales": ("Open Government Network Wales", "network"),
    "northern-ireland": ("Northern Ireland Open Government Network", "network"),
    "glasgow": ("Glasgow Open Government Forum", "forum"),
}
WORDS = (
    "government civil society transparency accountability participation commitment milestone "
    "publish data standard contracts procurement budget spending council department minister "
    "network forum steering group workshop consultation evidence citizens panel engagement "
    "register ownership companies lobbying freedom information request justice courts health "
    "services climate local authority delivery progress report review assessment independent "
    "reporting mechanism action plan co-creation outreach development publication implementation "
    "officials partners organisations community voluntary sector digital algorithmic tools "
    "open contracting data standard aid transparency anti corruption strategy integrity"
).split()
SECTORS = ("government", "civil_society", "other")


def _text(rng: random.Random, n: int, theme: str) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    for i in range(0, n, 25):
        words.insert(i, theme)
    return " ".join(words).capitalize() + "."


#: The period the data covers: the years of the UK's open government plans.
FIRST_YEAR, LAST_YEAR = 2011, 2026


def _periods(rng: random.Random) -> list[tuple[int, int]]:
    """Every plan period of two to four years starting within the period, in
    a seeded order: one jurisdiction's plans, each period once."""
    periods = [(start, start + length) for start in range(FIRST_YEAR, LAST_YEAR - 1)
               for length in (1, 2, 3) if start + length <= LAST_YEAR]
    rng.shuffle(periods)
    return periods


def records(n_documents: int, seed: int = 7) -> Iterator[r.Record]:
    """About ``n_documents`` records (plans, commitments, meetings, documents)
    spread over the five jurisdictions, all within 2011-2026.

    Each jurisdiction gets a plan for each period it can have, and its forum
    meets four to eight times a year. Past those, more data comes as more
    groups meeting under the same plans (working groups of each forum, with
    their own minutes and papers), not as more years, so that dates, plans
    and year facets stay as a real hub's would."""
    rng = random.Random(seed)
    made = 0
    jurisdictions = list(BODIES)
    periods = {j: _periods(rng) for j in jurisdictions}
    met: set[tuple[str, int]] = set()
    cycle = 0
    while made < n_documents:
        for j in jurisdictions:
            start, end = periods[j][cycle % len(periods[j])]
            group = cycle // len(periods[j])  # 0: the forum itself; then its working groups
            plan = r.PlanRef(j, start, end)
            url = f"https://example.{j}.gov.test/plans/{start}-{end}/"
            plan_themes = rng.sample(THEMES, 4)
            if group == 0:
                yield r.Plan(
                    source_url=url, fetched_at=FETCHED, ref=plan,
                    title=f"{j.replace('-', ' ').title()} Open Government Action Plan {start}-{end}",
                    description=_text(rng, 40, plan_themes[0]), published=dt.date(start, 1, 15),
                    publisher=BODIES[j][0], themes=plan_themes,
                )
                made += 1
                for n in range(1, rng.randint(4, 20) + 1):
                    theme = rng.choice(plan_themes)
                    ref = r.CommitmentRef(plan, number=n)
                    yield r.Commitment(
                        source_url=url + f"commitment-{n}/", fetched_at=FETCHED, ref=ref,
                        title=f"{theme.capitalize()}: {' '.join(rng.sample(WORDS, 4))}",
                        description=_text(rng, 80, theme), themes=[theme],
                        leads=[rng.choice(["Cabinet Office", "Department of Finance", "Scottish Government",
                                           "Welsh Government", "Glasgow City Council"])],
                        status=rng.choice(["in progress", "complete", "limited", "not started"]),
                        milestones=[
                            r.Milestone(source_url=url + f"commitment-{n}/", fetched_at=FETCHED,
                                        commitment=ref, number=m,
                                        title=" ".join(rng.sample(WORDS, 6)),
                                        due=r.PartialDate(dt.date(end, rng.randint(1, 12), 1), "month"))
                            for m in range(1, rng.randint(2, 5))
                        ],
                    )
                    made += 1
            forum, kind = BODIES[j]
            body = forum if group == 0 else f"{forum} working group {group}"
            site = f"https://example.{j}.gov.test/" + ("" if group == 0 else f"groups/{group}/")
            for year in range(start, end + 1):
                if (body, year) in met:
                    continue  # one year of meetings per group (plans overlap)
                met.add((body, year))
                for month in sorted(rng.sample(range(1, 13), rng.randint(4, 8))):
                    day = dt.date(year, month, rng.randint(1, 28))
                    groups = []
                    attendees = []
                    for sector in SECTORS:
                        present = rng.randint(2, 20) if sector != "other" else rng.randint(0, 4)
                        apologies = rng.randint(0, 4)
                        groups.append(r.AttendanceGroup(heading=sector.replace("_", " ").title(),
                                                        sector=sector, present=present,
                                                        apologies=apologies))
                        attendees += [r.Attendee(name=f"Person {rng.randint(1, 400)}", sector=sector,
                                                 heading=sector.title()) for _ in range(present)]
                    gov, cs, other = (g.present for g in groups)
                    minutes_url = f"{site}minutes/{start}-{end}/{day.isoformat()}/"
                    yield r.Meeting(
                        source_url=minutes_url, fetched_at=FETCHED,
                        ref=r.MeetingRef(body, j, day), body_kind=kind,
                        title=f"{body} minutes: {day:%d %B %Y}",
                        attendance=r.Attendance(total=gov + cs + other, government=gov,
                                                civil_society=cs, other=other,
                                                apologies=sum(g.apologies for g in groups),
                                                groups=groups, attendees=attendees),
                        agenda=[" ".join(rng.sample(WORDS, 5)) for _ in range(3)],
                        recorded_in=minutes_url, plans=[plan],
                    )
                    theme = rng.choice(plan_themes)
                    yield r.Document(
                        source_url=minutes_url, fetched_at=FETCHED, url=minutes_url,
                        title=f"{body} minutes: {day:%d %B %Y}", text=_text(rng, 250, theme),
                        doc_type="minutes", jurisdiction=j, publisher=body, published=day,
                        plans=[plan],
                    )
                    made += 2
                    for k in range(rng.randint(0, 3)):
                        news_url = f"{site}news/{start}-{end}/{day.isoformat()}-{k}/"
                        yield r.Document(
                            source_url=news_url, fetched_at=FETCHED, url=news_url,
                            title=f"{theme.capitalize()} {' '.join(rng.sample(WORDS, 5))}",
                            text=_text(rng, rng.randint(120, 400), theme),
                            doc_type=rng.choice(["news", "report", "forum-thread", "blog-post"]),
                            jurisdiction=j, published=day, plans=[plan],
                        )
                        made += 1
        cycle += 1


def graphs(n_triples: int, seed: int = 7) -> dict[str, list[Triple]]:
    """At least ``n_triples`` triples of synthetic data, one graph per
    jurisdiction (``graph/source/synthetic-<jurisdiction>``)."""
    out: dict[str, list[Triple]] = {}
    seen: set[Triple] = set()
    total = 0
    for record in records(10**9, seed):
        j = _jurisdiction_of(record)
        graph = str(ids.source_graph(f"synthetic-{j}"))
        bucket = out.setdefault(graph, [])
        for t in map_record(record):
            if t not in seen:
                seen.add(t)
                bucket.append(t)
                total += 1
        if total >= n_triples:
            break
    return out


def _jurisdiction_of(record: r.Record) -> str:
    for attr in ("ref", "plan", "commitment"):
        value = getattr(record, attr, None)
        if isinstance(value, r.PlanRef):
            return value.jurisdiction
        if isinstance(value, r.CommitmentRef):
            return value.plan.jurisdiction
        if isinstance(value, r.MeetingRef):
            return value.jurisdiction
    return getattr(record, "jurisdiction", None) or "uk"
