"""The SHACL shapes accept what hub.mapping makes of realistic records, with
every field and with only the required ones, and reject broken data with a
message a person can act on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import cache

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rns

from harvesters import records as r
from hub import ids
from hub.mapping import map_records
from hub.provenance import RunResult, run_triples
from hub.terms import Triple
from hub.validate import Report, shapes_graph, validate_triples
from hub.vocabgraph import vocabulary_graph
from tests.vocab.samples import FETCHED, full_records, minimal_records
from vocab import DEF, OGH, ONTOLOGY, SH

SHAPE = DEF + "shape/"


@cache
def shapes() -> Graph:
    return shapes_graph()


def mapped(records: list[r.Record]) -> list[Triple]:
    return list(map_records(records))


def findings(report: Report, severity: str) -> set[tuple[str, str]]:
    """(shape local name, focus node) of the findings of one severity."""
    return {((f.shape or "").removeprefix(SHAPE), f.focus) for f in report.findings
            if f.severity == severity}


# ----------------------------------------------------------- the shapes file


def test_shapes_are_valid_shacl() -> None:
    """pyshacl checks the shapes graph against SHACL's own shapes first."""
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes(), meta_shacl=True,
                                         inference="none", advanced=True)
    assert conforms, text


def test_every_constraint_has_a_severity_and_an_actionable_message() -> None:
    g = shapes()
    constrained = set()
    for p in (SH.path, SH["or"], SH.nodeKind):
        constrained.update(g.subjects(p, None))
    helpers = set(g.objects(None, SH.node)) | {SH.nil}
    for lst in g.objects(None, SH["or"]):
        helpers.update(Graph.items(g, lst))  # type: ignore[arg-type]
    checked = 0
    for shape in constrained:
        # helper shapes inside sh:or / sh:node and their nested property shapes
        # report through the shape that uses them
        if shape in helpers or isinstance(shape, BNode):
            continue
        severity = g.value(shape, SH.severity)
        message = g.value(shape, SH.message)
        assert severity in (SH.Violation, SH.Warning), f"{shape} has no sh:severity"
        assert isinstance(message, Literal) and message.language == "en", f"{shape} has no message"
        text = str(message)
        assert ":" in text or "must" in text or "needs" in text, f"{shape}: say what to do: {text}"
        checked += 1
    assert checked > 120


def test_every_named_property_shape_is_used() -> None:
    """A property shape no node shape points at is never evaluated."""
    g = shapes()
    used = set(g.objects(None, SH.property))
    named = {s for s in g.subjects(SH.path, None) if isinstance(s, URIRef)}
    assert named <= used, f"property shapes no node shape uses: {sorted(named - used)}"


def test_every_class_has_a_shape() -> None:
    """Every ogh: class, or a class it specialises, is the target of a shape."""
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    targets = set(shapes().objects(None, SH.targetClass))
    for cls in ontology.subjects(rns.RDF.type, rns.OWL.Class):
        lineage = set(ontology.transitive_objects(cls, rns.RDFS.subClassOf))
        assert lineage & targets, f"no shape targets {cls} or its superclasses"
    mapping_classes = {OGH.ActionPlan, OGH.Commitment, OGH.Milestone, OGH.Meeting, OGH.Document,
                       OGH.Post, OGH.Body, OGH.Person, OGH.Attendee, OGH.AttendanceCount,
                       OGH.CommitmentUpdate, OGH.ThemeDecision, OGH.TimelineEvent,
                       OGH.ThematicGroup, OGH.HarvestRun, OGH.HarvestError, OGH.Jurisdiction}
    assert mapping_classes <= targets


# -------------------------------------------------------- good data conforms


def test_the_vocabulary_alone_conforms_without_a_warning() -> None:
    """Bodies of the register, jurisdictions, themes and stages are in the data
    graph of every validation: they must conform too."""
    report = validate_triples([])
    assert report.findings == [], report.text()


def test_records_with_every_field_conform_without_a_warning() -> None:
    report = validate_triples(mapped(full_records()))
    assert report.conforms, report.text()
    assert report.findings == [], report.text()


def test_records_with_only_required_fields_conform_with_the_expected_warnings() -> None:
    report = validate_triples(mapped(minimal_records()))
    assert report.conforms, report.text()
    plan = str(ids.plan(r.PlanRef("scotland", 2021, 2025)))
    commitment = f"{plan}/commitment/4"
    document = str(ids.document("https://www.gov.scot/minutes/"))
    body = str(ids.body("Scottish Futures Forum"))
    assert findings(report, "Warning") == {
        ("ActionPlan-title", plan),
        ("Commitment-title", commitment),
        ("CommitmentHasTheme", commitment),
        ("Document-title", document),
        ("Document-documentType", document),
        ("Document-jurisdiction", document),
        ("Body-jurisdiction", body),
    }


@pytest.mark.parametrize(("outcome", "reason"), [
    ("succeeded", None), ("unchanged", None), ("failed", "2 commitments found, at least 5 expected"),
])
def test_harvest_runs_as_the_runner_records_them_conform(outcome: str, reason: str | None) -> None:
    report = validate_triples(list(harvest_run(outcome, reason)))
    assert report.findings == [], report.text()


def test_a_failed_run_that_does_not_say_why_is_a_warning() -> None:
    report = validate_triples(list(harvest_run("failed")))
    assert report.conforms
    assert [f.shape for f in report.findings] == [SHAPE + "FailedRunSaysWhy"]


# ------------------------------------------------------- broken data fails


def without(triples: list[Triple], predicate: URIRef, subject_has: str = "") -> list[Triple]:
    return [t for t in triples if not (t[1] == predicate and subject_has in str(t[0]))]


def replaced(triples: list[Triple], predicate: URIRef, value: Literal | URIRef) -> list[Triple]:
    return [(s, p, value if p == predicate else o) for s, p, o in triples]


def the_violation(report: Report, shape: str) -> str:
    """The message of the violations the shape raised (a value may break more
    than one of its constraints; the message is the same)."""
    assert not report.conforms, "broken data passed the shapes"
    messages = {f.message for f in report.violations if f.shape == SHAPE + shape}
    assert len(messages) == 1, f"expected a violation of {shape}:\n{report.text()}"
    return messages.pop()


def test_a_commitment_without_a_plan_is_rejected() -> None:
    triples = without(mapped(full_records()), OGH.actionPlan, "/2024-2025/commitment/")
    message = the_violation(validate_triples(triples), "Commitment-actionPlan")
    assert "A commitment needs exactly one action plan (ogh:actionPlan)" in message


def test_a_plan_without_a_jurisdiction_is_rejected() -> None:
    triples = [t for t in mapped(full_records())
               if not (t[1] == OGH.jurisdiction and str(t[0]).endswith("/plan/uk/2024-2025"))]
    message = the_violation(validate_triples(triples), "ActionPlan-jurisdiction")
    assert "An action plan needs exactly one jurisdiction" in message


def test_a_meeting_without_a_date_or_body_is_rejected() -> None:
    triples = mapped(full_records())
    no_date = [t for t in triples if not (t[1] == rns.DCTERMS.date and "/meeting/" in str(t[0]))]
    assert "A meeting needs exactly one date" in the_violation(validate_triples(no_date), "Meeting-date")
    no_body = without(triples, OGH.body)
    assert "exactly one body that met" in the_violation(validate_triples(no_body), "Meeting-body")


def test_a_meeting_dated_with_a_time_is_rejected() -> None:
    """A harvester that passes a datetime for a meeting's day: the record is
    accepted, the graph is not."""
    meeting = dataclasses.replace(
        _one(r.Meeting), ref=r.MeetingRef("UK MSF", "uk", dt.datetime(2023, 6, 22, 10, tzinfo=dt.UTC)))
    message = the_violation(validate_triples(mapped([meeting])), "Meeting-date")
    assert "a day (xsd:date" in message


@pytest.mark.parametrize(("mutate", "shape"), [
    (lambda a: dataclasses.replace(a, total=-1), "Meeting-attendeesTotal"),
    (lambda a: dataclasses.replace(a, civil_society=-3), "Meeting-attendeesCivilSociety"),
    (lambda a: dataclasses.replace(a, groups=[r.AttendanceGroup(heading="Government",
                                                                sector="government", present=-2)]),
     "AttendanceCount-present"),
])
def test_negative_counts_are_rejected(mutate: Callable[[r.Attendance], r.Attendance], shape: str) -> None:
    meeting = _one(r.Meeting)
    assert meeting.attendance is not None
    broken = dataclasses.replace(meeting, attendance=mutate(meeting.attendance))
    message = the_violation(validate_triples(mapped([broken])), shape)
    assert "0 or more" in message


def test_counts_of_the_wrong_datatype_are_rejected() -> None:
    triples = replaced(mapped(full_records()), OGH.attendeesTotal, Literal("thirty-eight"))
    message = the_violation(validate_triples(triples), "Meeting-attendeesTotal")
    assert "(xsd:integer)" in message


def test_a_due_date_that_is_not_a_date_is_rejected() -> None:
    triples = replaced(mapped(full_records()), OGH.dueDate, Literal("next spring"))
    message = the_violation(validate_triples(triples), "Milestone-dueDate")
    assert "due_as_written" in message


def test_a_commitment_numbered_zero_is_rejected() -> None:
    commitment = _one(r.Commitment)
    broken = dataclasses.replace(commitment, ref=dataclasses.replace(commitment.ref, number=0),
                                 milestones=[])
    message = the_violation(validate_triples(mapped([broken])), "Commitment-number")
    assert "a whole number from 1" in message


def test_a_document_without_provenance_is_rejected() -> None:
    doc = str(ids.document(_one(r.Document).url))
    triples = [t for t in mapped(full_records())
               if not (t[1] == rns.PROV.wasDerivedFrom and str(t[0]) == doc)]
    message = the_violation(validate_triples(triples), "Document-provenance")
    assert "prov:wasDerivedFrom" in message


def test_a_described_commitment_without_provenance_is_rejected() -> None:
    commitment = ids.commitment(_one(r.Commitment).ref)
    triples = [t for t in mapped(full_records())
               if not (t[0] == commitment and t[1] == rns.PROV.wasDerivedFrom)]
    report = validate_triples(triples)
    assert "no prov:wasDerivedFrom" in the_violation(report, "DescribedEntityProvenance")
    assert [f.focus for f in report.violations] == [str(commitment)]


def test_a_plan_only_referred_to_needs_no_provenance_of_its_own() -> None:
    """A milestone names its commitment and plan; neither is described, so
    neither needs a source of its own."""
    milestone = next(rec for rec in full_records() if type(rec) is r.Milestone)
    report = validate_triples(mapped([milestone]))
    assert report.conforms, report.text()
    assert {f.shape for f in report.findings} == {SHAPE + "ActionPlan-title", SHAPE + "Commitment-title",
                                                   SHAPE + "CommitmentHasTheme"}


def test_a_source_url_without_its_fetch_time_is_rejected() -> None:
    triples = without(mapped(minimal_records()), OGH.retrievedAt, "gov.scot/groups/")
    message = the_violation(validate_triples(triples), "SourceResponse-retrievedAt")
    assert "fetched_at" in message


def test_an_unknown_status_concept_is_rejected() -> None:
    triples = replaced(mapped(full_records()), OGH.status, OGH.outcomes)
    report = validate_triples(triples)
    assert not report.conforms
    assert {f.shape for f in report.violations} == {
        SHAPE + "ActionPlan-status", SHAPE + "Commitment-status", SHAPE + "Milestone-status"}


def test_an_unresolved_theme_label_is_a_warning_not_a_violation() -> None:
    commitment = dataclasses.replace(_one(r.Commitment), themes=["Widgets and gadgets"], milestones=[])
    report = validate_triples(mapped([commitment]))
    assert report.conforms, report.text()
    (warning,) = [f for f in report.findings if f.shape == SHAPE + "CommitmentThemeResolved"]
    assert "vocab/themes.ttl" in warning.message


def test_a_concept_with_two_english_preferred_labels_is_rejected() -> None:
    theme = ids.theme("open-data")
    triples = [(theme, rns.SKOS.prefLabel, Literal("Open government data", lang="en"))]
    message = the_violation(validate_triples(triples), "Concept-prefLabel")
    assert "one preferred label (skos:prefLabel) per language" in message


def test_a_body_with_two_jurisdictions_is_rejected() -> None:
    body = ids.body("Cabinet Office")
    triples = [(body, OGH.jurisdiction, ids.jurisdiction("scotland"))]
    message = the_violation(validate_triples(triples), "Body-oneJurisdiction")
    assert "at most one jurisdiction" in message


def test_a_registered_body_named_by_another_jurisdiction_stays_where_it_is() -> None:
    """The mapping does not give a registered body the jurisdiction of every
    record that names it, nor repeat its preferred name as an alternative."""
    plan = r.Plan(source_url="https://www.gov.scot/p/", fetched_at=FETCHED,
                  ref=r.PlanRef("scotland", 2021, 2025), title="Plan", publisher="Cabinet Office")
    triples = mapped([plan])
    body = ids.body("Cabinet Office")
    assert not [t for t in triples if t[0] == body and t[1] in (OGH.jurisdiction, rns.SKOS.altLabel)]
    assert validate_triples(triples).conforms


@pytest.mark.parametrize(("change", "shape", "words"), [
    (lambda g, run: g.set((run, OGH.documentsFailed, Literal(-1))), "HarvestRun-documentsFailed",
     "0 or more"),
    (lambda g, run: g.remove((run, OGH.source, None)), "HarvestRun-source", "exactly one source"),
    (lambda g, run: g.set((run, rns.PROV.endedAtTime,
                           Literal("2026-01-05T09:00:00+00:00", datatype=rns.XSD.dateTime))),
     "HarvestRun-endAfterStart", "ended before it started"),
    (lambda g, run: g.set((URIRef(f"{run}/count/Meeting"), OGH.entityCount, Literal("eight"))),
     "EntityCount-value", "(xsd:integer)"),
    (lambda g, run: g.set((next(g.objects(run, OGH.harvestError)), OGH.httpStatus, Literal(42))),
     "HarvestError-httpStatus", "from 100 to 599"),
])
def test_broken_harvest_runs_are_rejected(change: Callable[[Graph, URIRef], None], shape: str,
                                           words: str) -> None:
    g = harvest_run()
    change(g, next(g.subjects(rns.RDF.type, OGH.HarvestRun)))  # type: ignore[arg-type]
    assert words in the_violation(validate_triples(list(g)), shape)


def test_validation_sees_subclasses_through_the_vocabulary_graph() -> None:
    """A steering group is a multi-stakeholder forum and a body only through the
    ontology's rdfs:subClassOf, which the vocabulary graph brings to the data."""
    assert (OGH.SteeringGroup, rns.RDFS.subClassOf, OGH.MultiStakeholderForum) in vocabulary_graph()
    body = URIRef(DEF.replace("def/", "id/") + "body/scotland/a-new-group")
    triples = [(body, rns.RDF.type, OGH.SteeringGroup), (body, OGH.jurisdiction, Literal("scotland"))]
    report = validate_triples(triples)
    assert SHAPE + "Body-oneJurisdiction" in {f.shape for f in report.violations}


# ---------------------------------------------------------------- helpers


def _one(kind: type) -> r.Record:
    return next(rec for rec in full_records() if type(rec) is kind)


def harvest_run(outcome: str = "succeeded", reason: str | None = None) -> Graph:
    """A run as hub.provenance records it in the provenance graph."""
    run = RunResult(
        source="ukogn", started=FETCHED, ended=FETCHED + dt.timedelta(seconds=72), outcome=outcome,
        reason=reason, fetched=12, not_modified=30, failed=1,
        entities={"Meeting": 8, "Document": 2, "Commitment": 22},
        errors=[{"url": "https://opengovernment.org.uk/missing page/", "status": 404,
                 "reason": "Not Found: the page has moved or been removed"}],
    )
    g = Graph()
    for t in run_triples(run):
        g.add(t)
    return g
