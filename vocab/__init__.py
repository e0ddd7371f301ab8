"""The hub's common vocabulary, as data.

The Turtle files beside this module are the vocabulary; this module gives
Python the namespaces (as closed ``DefinedNamespace`` classes, so that a
misspelt term raises instead of minting a new IRI) and the paths of the files.

Every IRI the hub mints lives under :data:`BASE`, a persistent namespace that is
the same on every deployment: ``def/`` for the vocabulary, ``id/`` for entities
and ``graph/`` for named graphs. A deployment serves those IRIs under its own
base URL by path (``/def/...``, ``/id/...``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/ogh/"
DEF = BASE + "def/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

VOCAB_DIR = Path(__file__).resolve().parent
ONTOLOGY = VOCAB_DIR / "ontology.ttl"
JURISDICTIONS = VOCAB_DIR / "jurisdictions.ttl"
THEMES = VOCAB_DIR / "themes.ttl"
STAGES = VOCAB_DIR / "stages.ttl"
SCHEMES = VOCAB_DIR / "schemes.ttl"
BODIES = VOCAB_DIR / "bodies.ttl"
SHAPES = VOCAB_DIR / "shapes.ttl"
PLANS = VOCAB_DIR / "plans.csv"

#: Files that together make the vocabulary graph loaded into the store.
VOCAB_FILES = (ONTOLOGY, JURISDICTIONS, THEMES, STAGES, SCHEMES, BODIES)

SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")


class OGH(DefinedNamespace):
    """Terms of the hub's own ontology (``vocab/ontology.ttl``)."""

    _NS = Namespace(DEF)
    _fail = True

    # Classes
    Jurisdiction: URIRef
    ActionPlan: URIRef
    Commitment: URIRef
    Milestone: URIRef
    Meeting: URIRef
    Document: URIRef
    Post: URIRef
    Body: URIRef
    MultiStakeholderForum: URIRef
    SteeringGroup: URIRef
    CivilSocietyNetwork: URIRef
    Secretariat: URIRef
    ThematicGroup: URIRef
    Committee: URIRef
    Person: URIRef
    Attendee: URIRef
    AttendanceCount: URIRef
    CommitmentUpdate: URIRef
    ThemeDecision: URIRef
    TimelineEvent: URIRef
    HarvestRun: URIRef
    HarvestError: URIRef
    Theme: URIRef
    Stage: URIRef

    # Common
    jurisdiction: URIRef
    number: URIRef
    text: URIRef
    datePrecision: URIRef
    retrievedAt: URIRef
    status: URIRef
    statusNote: URIRef

    # Plans and commitments
    actionPlan: URIRef
    commitment: URIRef
    theme: URIRef
    themeLabel: URIRef
    lead: URIRef
    leadOrganisation: URIRef
    ogpIdentifier: URIRef
    ogpValue: URIRef
    irmVerifiable: URIRef
    irmRelevance: URIRef
    irmPotentialImpact: URIRef
    irmCompletion: URIRef
    irmStarred: URIRef
    dueDate: URIRef
    governmentCoordinator: URIRef
    civilSocietyCoordinator: URIRef

    # Meetings
    body: URIRef
    chair: URIRef
    attendee: URIRef
    person: URIRef
    sector: URIRef
    heading: URIRef
    attendanceStatus: URIRef
    deputyFor: URIRef
    attendance: URIRef
    present: URIRef
    apologies: URIRef
    deputies: URIRef
    attendeesTotal: URIRef
    attendeesGovernment: URIRef
    attendeesCivilSociety: URIRef
    attendeesOther: URIRef
    apologiesCount: URIRef
    deputiesCount: URIRef
    agendaItem: URIRef
    actionPoint: URIRef
    decision: URIRef
    update: URIRef
    recordedIn: URIRef
    discusses: URIRef

    # Documents
    documentType: URIRef
    likeCount: URIRef
    linksTo: URIRef
    about: URIRef

    # Theme decisions, timelines, groups
    outcome: URIRef
    stage: URIRef

    # Harvest provenance
    source: URIRef
    runOutcome: URIRef
    documentsFetched: URIRef
    documentsNotModified: URIRef
    documentsFailed: URIRef
    entityCount: URIRef
    harvestError: URIRef
    url: URIRef
    httpStatus: URIRef
    reason: URIRef

    # Concept schemes (their concepts are in themes.ttl, stages.ttl,
    # schemes.ttl and jurisdictions.ttl); a scheme's IRI is the plural of the
    # property that takes its concepts
    themes: URIRef
    stages: URIRef
    statuses: URIRef
    outcomes: URIRef
    sectors: URIRef
    attendanceStatuses: URIRef
    jurisdictions: URIRef


#: Every namespace the hub writes, by the prefix used in Turtle and SPARQL.
PREFIXES: dict[str, str] = {
    "ogh": DEF,
    "ogh-id": ID,
    "theme": DEF + "theme/",
    "stage": DEF + "stage/",
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "schema": str(SDO),
    "foaf": str(FOAF),
    "time": str(TIME),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "void": str(VOID),
}


def sparql_prefixes() -> str:
    """The PREFIX lines for every namespace in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


__all__ = [
    "BASE",
    "BODIES",
    "DCAT",
    "DCTERMS",
    "DEF",
    "FOAF",
    "GRAPH",
    "ID",
    "JURISDICTIONS",
    "OGH",
    "ONTOLOGY",
    "ORG",
    "OWL",
    "PLANS",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMES",
    "SD",
    "SDO",
    "SHAPES",
    "SKOS",
    "STAGES",
    "THEMES",
    "TIME",
    "VOCAB_DIR",
    "VOCAB_FILES",
    "VOID",
    "XSD",
    "sparql_prefixes",
]
