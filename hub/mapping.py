"""Records to RDF: the only place that knows the vocabulary.

:func:`map_records` turns the records one source yielded into the triples of
that source's named graph. IRIs come from :mod:`hub.ids`; labels as written
are kept beside the concepts they resolve to (``ogh:themeLabel`` beside
``ogh:theme``), so nothing a source said is lost to a mapping table.

Every entity gets ``prov:wasDerivedFrom`` the URL it came from, and that URL
``ogh:retrievedAt`` the time it was fetched; an entity reached through two
sources carries both, one in each source's graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from harvesters import records as r
from hub import ids
from hub.terms import Triple
from vocab import BODIES, DCTERMS, FOAF, OGH, ORG, PROV, RDF, RDFS, SDO, SKOS
from vocab.concepts import resolve_stage, resolve_status, resolve_theme

BODY_CLASSES = {
    "forum": OGH.MultiStakeholderForum,
    "steering-group": OGH.SteeringGroup,
    "network": OGH.CivilSocietyNetwork,
    "secretariat": OGH.Secretariat,
    "thematic-group": OGH.ThematicGroup,
    "committee": OGH.Committee,
    "organisation": ORG.Organization,
}


def date_literal(value: r.DateLike | dt.datetime | None) -> Literal | None:
    """A date as a typed literal whose type carries its precision:
    ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``; a datetime as
    ``xsd:dateTime``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    partial = r.PartialDate.of(value)
    assert partial is not None
    datatype = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}[partial.precision]
    return Literal(partial.iso(), datatype=datatype)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


class _Mapper:
    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        if o is None or o == "" or o == []:
            return
        term = o if isinstance(o, (URIRef, Literal)) else Literal(o)
        self.triples.append((s, p, term))

    def text(self, s: URIRef, p: URIRef, value: str | None, language: str | None) -> None:
        if value is None:
            return
        value = " ".join(value.split()) if p != OGH.text else value.strip()
        if value:
            self.triples.append((s, p, Literal(value, lang=language or None)))

    def provenance(self, s: URIRef, record: r.Record) -> None:
        source = URIRef(record.source_url)
        self.add(s, PROV.wasDerivedFrom, source)
        self.add(source, OGH.retrievedAt, date_literal(record.fetched_at))
        self.add(s, FOAF.page, URIRef(record.page_url or record.source_url))

    def themes(self, s: URIRef, labels: Iterable[str], language: str) -> None:
        for label in labels:
            self.text(s, OGH.themeLabel, label, language)
            for concept in resolve_theme(label):
                self.add(s, OGH.theme, concept)

    def status(self, s: URIRef, label: str | None, language: str) -> None:
        if label:
            self.text(s, OGH.statusNote, label, language)
            concept = resolve_status(label)
            if concept is not None:
                self.add(s, OGH.status, concept)

    def body(self, name: str, jurisdiction: str | None, kind: str | None = None) -> URIRef:
        iri = ids.body(name, jurisdiction)
        self.add(iri, RDF.type, OGH.Body)
        if kind and kind in BODY_CLASSES:
            self.add(iri, RDF.type, BODY_CLASSES[kind])
        if not _registered(iri):
            self.text(iri, SKOS.prefLabel, name, "en")
            if jurisdiction:
                self.add(iri, OGH.jurisdiction, ids.jurisdiction(jurisdiction))
        elif " ".join(name.split()) not in _register_names(iri):
            # A registered body keeps the register's names and jurisdiction: a
            # new spelling becomes an alternative label, and a record from
            # another jurisdiction that names it does not move it there.
            self.text(iri, SKOS.altLabel, name, "en")
        return iri

    def person(self, name: str) -> URIRef:
        iri = ids.person(name)
        self.add(iri, RDF.type, OGH.Person)
        self.add(iri, RDF.type, FOAF.Person)
        self.text(iri, FOAF.name, name, None)
        return iri

    # -- one method per record type ---------------------------------------
    def plan_node(self, ref: r.PlanRef) -> URIRef:
        """The triples every mention of a plan carries: its type, jurisdiction,
        number and period from the register."""
        iri = ids.plan(ref)
        self.add(iri, RDF.type, OGH.ActionPlan)
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(ref.jurisdiction))
        number = ids.plan_number(ref)
        if number is not None:
            self.add(iri, OGH.number, _int(number))
        period = ids.plan_period(ref)
        if period is not None:
            self.add(iri, SDO.startDate, Literal(f"{period[0]:04d}", datatype=XSD.gYear))
            self.add(iri, SDO.endDate, Literal(f"{period[1]:04d}", datatype=XSD.gYear))
        return iri

    def plan(self, rec: r.Plan) -> None:
        iri = self.plan_node(rec.ref)
        self.provenance(iri, rec)
        self.text(iri, DCTERMS.title, rec.title, rec.language)
        self.text(iri, RDFS.label, rec.label, rec.language)
        self.text(iri, DCTERMS.description, rec.description, rec.language)
        self.add(iri, DCTERMS.issued, date_literal(rec.published))
        self.add(iri, DCTERMS.modified, date_literal(rec.modified))
        if rec.publisher:
            self.add(iri, DCTERMS.publisher, self.body(rec.publisher, rec.ref.jurisdiction))
        if rec.government_coordinator:
            self.add(iri, OGH.governmentCoordinator,
                     self.body(rec.government_coordinator, rec.ref.jurisdiction))
        if rec.civil_society_coordinator:
            self.add(iri, OGH.civilSocietyCoordinator,
                     self.body(rec.civil_society_coordinator, rec.ref.jurisdiction, "network"))
        self.status(iri, rec.status, rec.language)
        self.themes(iri, rec.themes, rec.language)
        if rec.identifier:
            self.add(iri, DCTERMS.identifier, rec.identifier)

    def commitment_node(self, ref: r.CommitmentRef) -> URIRef:
        iri = ids.commitment(ref)
        self.add(iri, RDF.type, OGH.Commitment)
        self.add(iri, OGH.actionPlan, self.plan_node(ref.plan))
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(ref.plan.jurisdiction))
        if ref.number is not None:
            self.add(iri, OGH.number, _int(ref.number))
        if ref.identifier:
            self.add(iri, DCTERMS.identifier, ref.identifier)
        return iri

    def commitment(self, rec: r.Commitment) -> None:
        iri = self.commitment_node(rec.ref)
        self.provenance(iri, rec)
        self.text(iri, DCTERMS.title, rec.title or (None if rec.label else rec.ref.title), rec.language)
        self.text(iri, RDFS.label, rec.label, rec.language)
        self.text(iri, DCTERMS.description, rec.description, rec.language)
        self.themes(iri, rec.themes, rec.language)
        if not rec.themes:
            # A source that states no theme: the commitment's name is resolved
            # onto the theme scheme (no ogh:themeLabel is written, since the
            # source did not write it as a theme).
            for concept in resolve_theme(rec.title or rec.label or rec.ref.title or ""):
                self.add(iri, OGH.theme, concept)
        for lead in rec.leads:
            self.text(iri, OGH.lead, lead, rec.language)
            self.add(iri, OGH.leadOrganisation, self.body(lead, rec.ref.plan.jurisdiction))
        self.status(iri, rec.status, rec.language)
        for identifier in rec.identifiers:
            self.add(iri, DCTERMS.identifier, identifier)
            if _looks_like_ogp_id(identifier):
                self.add(iri, OGH.ogpIdentifier, identifier)
        for value in rec.ogp_values:
            self.text(iri, OGH.ogpValue, value, "en")
        if rec.irm:
            irm = rec.irm
            if irm.verifiable is not None:
                self.add(iri, OGH.irmVerifiable, Literal(irm.verifiable))
            for value in irm.relevance:
                self.text(iri, OGH.irmRelevance, value, "en")
            self.text(iri, OGH.irmPotentialImpact, irm.potential_impact, "en")
            self.text(iri, OGH.irmCompletion, irm.completion, "en")
            if irm.starred is not None:
                self.add(iri, OGH.irmStarred, Literal(irm.starred))
        self.add(iri, SDO.startDate, date_literal(rec.start))
        self.add(iri, SDO.endDate, date_literal(rec.end))
        for m in rec.milestones:
            self.milestone(m)

    def milestone(self, rec: r.Milestone) -> None:
        commitment = self.commitment_node(rec.commitment)
        iri = ids.milestone(commitment, rec.number)
        self.add(iri, RDF.type, OGH.Milestone)
        self.add(iri, OGH.commitment, commitment)
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(rec.commitment.plan.jurisdiction))
        self.add(iri, OGH.number, _int(rec.number))
        self.provenance(iri, rec)
        self.text(iri, DCTERMS.title, rec.title, rec.language)
        self.add(iri, OGH.dueDate, date_literal(rec.due))
        if rec.due_as_written and not rec.due:
            self.text(iri, SKOS.note, f"Due: {rec.due_as_written}", rec.language)
        self.status(iri, rec.status, rec.language)

    def meeting_node(self, ref: r.MeetingRef) -> URIRef:
        iri = ids.meeting(ref)
        self.add(iri, RDF.type, OGH.Meeting)
        self.add(iri, DCTERMS.date, date_literal(ref.date))
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(ref.jurisdiction))
        self.add(iri, OGH.body, self.body(ref.body, ref.jurisdiction))
        return iri

    def meeting(self, rec: r.Meeting) -> None:
        iri = self.meeting_node(rec.ref)
        if rec.body_kind in BODY_CLASSES:
            self.add(ids.body(rec.ref.body, rec.ref.jurisdiction), RDF.type,
                     BODY_CLASSES[rec.body_kind])
        self.provenance(iri, rec)
        self.text(iri, DCTERMS.title, rec.title, rec.language)
        for chair in rec.chairs:
            if chair.name:
                self.add(iri, OGH.chair, self.person(chair.name))
        for item in rec.agenda:
            self.text(iri, OGH.agendaItem, item, rec.language)
        for item in rec.actions:
            self.text(iri, OGH.actionPoint, item, rec.language)
        for item in rec.decisions:
            self.text(iri, OGH.decision, item, rec.language)
        for plan in rec.plans:
            self.add(iri, OGH.discusses, self.plan_node(plan))
        for n, update in enumerate(rec.updates, start=1):
            node = URIRef(f"{iri}/update/{n}")
            commitment = self.commitment_node(update.commitment)
            self.add(iri, OGH.update, node)
            self.add(iri, OGH.discusses, commitment)
            self.add(node, RDF.type, OGH.CommitmentUpdate)
            self.add(node, OGH.commitment, commitment)
            self.text(node, DCTERMS.title, update.heading, rec.language)
            self.text(node, DCTERMS.description, update.text, rec.language)
        if rec.recorded_in:
            self.add(iri, OGH.recordedIn, ids.document(rec.recorded_in))
        if rec.attendance:
            self.attendance(iri, rec.attendance)

    def attendance(self, meeting: URIRef, a: r.Attendance) -> None:
        for prop, value in (
            (OGH.attendeesTotal, a.total),
            (OGH.attendeesGovernment, a.government),
            (OGH.attendeesCivilSociety, a.civil_society),
            (OGH.attendeesOther, a.other),
            (OGH.apologiesCount, a.apologies),
            (OGH.deputiesCount, a.deputies),
        ):
            if value is not None:
                self.add(meeting, prop, _int(value))
        for n, group in enumerate(a.groups, start=1):
            node = URIRef(f"{meeting}/attendance/{n}")
            self.add(meeting, OGH.attendance, node)
            self.add(node, RDF.type, OGH.AttendanceCount)
            self.text(node, OGH.heading, group.heading, "en")
            self.add(node, OGH.sector, ids.sector(group.sector))
            self.add(node, OGH.present, _int(group.present))
            self.add(node, OGH.apologies, _int(group.apologies))
            self.add(node, OGH.deputies, _int(group.deputies))
        nodes: dict[str, URIRef] = {}
        for n, person in enumerate(a.attendees, start=1):
            node = URIRef(f"{meeting}/attendee/{n}")
            self.add(meeting, OGH.attendee, node)
            self.add(node, RDF.type, OGH.Attendee)
            if person.name:
                self.add(node, OGH.person, self.person(person.name))
                self.text(node, RDFS.label, person.name, None)
                nodes.setdefault(person.name, node)
            self.text(node, ORG.role, person.role, "en")
            self.text(node, OGH.heading, person.heading, "en")
            self.add(node, OGH.sector, ids.sector(person.sector))
            self.add(node, OGH.attendanceStatus, ids.attendance_status(person.status))
        for n, person in enumerate(a.attendees, start=1):
            if person.deputy_for and person.deputy_for in nodes:
                self.add(URIRef(f"{meeting}/attendee/{n}"), OGH.deputyFor, nodes[person.deputy_for])

    def document(self, rec: r.Document) -> None:
        iri = ids.document(rec.url)
        self.add(iri, RDF.type, OGH.Document)
        self.add(iri, RDF.type, FOAF.Document)
        self.provenance(iri, rec)
        if rec.url.startswith(("http://", "https://")):
            self.add(iri, FOAF.page, URIRef(rec.url))
        else:
            self.add(iri, DCTERMS.identifier, rec.url)
        for lang, url in rec.alternates.items():
            self.add(iri, FOAF.page, URIRef(url))
            self.add(URIRef(url), DCTERMS.language, lang)
        self.text(iri, DCTERMS.title, rec.title, rec.language)
        self.text(iri, OGH.text, rec.text, rec.language)
        self.add(iri, DCTERMS.language, rec.language)
        self.add(iri, OGH.documentType, rec.doc_type)
        if rec.jurisdiction:
            self.add(iri, OGH.jurisdiction, ids.jurisdiction(rec.jurisdiction))
        if rec.publisher:
            self.add(iri, DCTERMS.publisher, self.body(rec.publisher, rec.jurisdiction))
        self.add(iri, DCTERMS.issued, date_literal(rec.published))
        self.add(iri, DCTERMS.modified, date_literal(rec.modified))
        for author in rec.authors:
            self.text(iri, DCTERMS.creator, author, None)
        if rec.likes is not None:
            self.add(iri, OGH.likeCount, _int(rec.likes))
        for plan in rec.plans:
            self.add(iri, OGH.about, self.plan_node(plan))
        for commitment in rec.commitments:
            self.add(iri, OGH.about, self.commitment_node(commitment))
        for meeting in rec.meetings:
            self.add(iri, OGH.about, self.meeting_node(meeting))
        for link in rec.links:
            if link.startswith(("http://", "https://")):
                self.add(iri, OGH.linksTo, URIRef(link))
        for post in rec.posts:
            node = URIRef(f"{iri}/post/{post.number}")
            self.add(iri, DCTERMS.hasPart, node)
            self.add(node, RDF.type, OGH.Post)
            self.add(node, DCTERMS.isPartOf, iri)
            self.add(node, OGH.number, _int(post.number))
            self.text(node, DCTERMS.creator, post.author, None)
            self.add(node, DCTERMS.created, date_literal(post.date))
            if post.likes is not None:
                self.add(node, OGH.likeCount, _int(post.likes))
            self.text(node, OGH.text, post.text, rec.language)

    def body_record(self, rec: r.Body) -> None:
        iri = self.body(rec.name, rec.jurisdiction, rec.body_kind)
        self.provenance(iri, rec)
        for name in rec.alt_names:
            self.text(iri, SKOS.altLabel, name, rec.language)
        if rec.homepage:
            self.add(iri, FOAF.homepage, URIRef(rec.homepage))
        self.text(iri, DCTERMS.description, rec.description, rec.language)

    def theme_decision(self, rec: r.ThemeDecision) -> None:
        plan = self.plan_node(rec.plan)
        iri = ids.theme_decision(plan, rec.theme)
        self.add(iri, RDF.type, OGH.ThemeDecision)
        self.add(iri, OGH.actionPlan, plan)
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(rec.plan.jurisdiction))
        self.provenance(iri, rec)
        self.text(iri, OGH.themeLabel, rec.theme, rec.language)
        self.text(iri, RDFS.label, rec.theme, rec.language)
        for concept in resolve_theme(rec.theme):
            self.add(iri, OGH.theme, concept)
        if rec.focus:
            self.text(iri, OGH.themeLabel, rec.focus, rec.language)
            for concept in resolve_theme(rec.focus):
                self.add(iri, OGH.theme, concept)
        self.add(iri, OGH.outcome, ids.outcome(rec.outcome))
        self.add(iri, DCTERMS.date, date_literal(rec.date))
        if rec.meeting:
            self.add(iri, OGH.recordedIn, self.meeting_node(rec.meeting))
        if rec.document_url:
            self.add(iri, OGH.recordedIn, ids.document(rec.document_url))
        self.text(iri, SKOS.note, rec.note, rec.language)

    def timeline_event(self, rec: r.TimelineEvent) -> None:
        plan = self.plan_node(rec.plan)
        iri = ids.timeline_event(plan, rec.date.iso(), rec.title)
        self.add(iri, RDF.type, OGH.TimelineEvent)
        self.add(iri, OGH.actionPlan, plan)
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(rec.plan.jurisdiction))
        self.provenance(iri, rec)
        self.text(iri, DCTERMS.title, rec.title, rec.language)
        stage = resolve_stage(rec.stage)
        self.add(iri, OGH.stage, stage or ids.stage(rec.stage))
        self.add(iri, DCTERMS.date, date_literal(rec.date))
        self.add(iri, OGH.datePrecision, rec.date.precision)
        self.add(iri, SDO.endDate, date_literal(rec.end))
        if rec.document_url:
            self.add(iri, OGH.recordedIn, ids.document(rec.document_url))

    def thematic_group(self, rec: r.ThematicGroup) -> None:
        iri = ids.thematic_group(rec.jurisdiction, rec.title)
        self.add(iri, RDF.type, OGH.Body)
        self.add(iri, RDF.type, OGH.ThematicGroup)
        self.add(iri, OGH.jurisdiction, ids.jurisdiction(rec.jurisdiction))
        self.provenance(iri, rec)
        self.text(iri, SKOS.prefLabel, rec.title, rec.language)
        if rec.lead:
            self.add(iri, OGH.lead, self.person(rec.lead))
        self.add(iri, SDO.startDate, date_literal(rec.start))
        if rec.plan:
            self.add(iri, OGH.actionPlan, self.plan_node(rec.plan))
        self.themes(iri, [rec.theme or rec.title], rec.language)
        self.text(iri, SKOS.note, rec.note, rec.language)


def _registered(iri: URIRef) -> bool:
    from hub.ids import _body_labels

    return str(iri) in set(_body_labels().values())


@cache
def _register_graph() -> Graph:
    return Graph().parse(BODIES, format="turtle")


def _register_names(iri: URIRef) -> set[str]:
    """The names the body register gives a body, as written."""
    graph = _register_graph()
    return {str(label) for p in (SKOS.prefLabel, SKOS.altLabel) for label in graph.objects(iri, p)}


def _looks_like_ogp_id(identifier: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Z]{2,5}\d{3,5}", identifier))


_DISPATCH = {
    r.Plan: _Mapper.plan,
    r.Commitment: _Mapper.commitment,
    r.Milestone: _Mapper.milestone,
    r.Meeting: _Mapper.meeting,
    r.Document: _Mapper.document,
    r.Body: _Mapper.body_record,
    r.ThemeDecision: _Mapper.theme_decision,
    r.TimelineEvent: _Mapper.timeline_event,
    r.ThematicGroup: _Mapper.thematic_group,
}


def map_record(record: r.Record) -> list[Triple]:
    """The triples of one record (validated first)."""
    r.validate_record(record)
    mapper = _Mapper()
    _DISPATCH[type(record)](mapper, record)  # type: ignore[operator]
    return mapper.triples


def map_records(records: Iterable[r.Record]) -> Iterator[Triple]:
    """The triples of many records, each triple once."""
    seen: set[Triple] = set()
    for record in records:
        for triple in map_record(record):
            if triple not in seen:
                seen.add(triple)
                yield triple
