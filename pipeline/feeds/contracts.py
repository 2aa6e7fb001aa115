"""The feed contracts as data: which files a feed delivers and what each column holds.

One ``Table`` a staged table. Reading, typing, pseudonymising and the Great Expectations
suites in ``expectations/`` are all derived from these specs, so a column is described
once.  See ``docs/feeds.md`` for the same contracts in words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SENTYPES = ("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH")
SERVICES = ("SLT", "OT", "PHYSIO", "CDS", "ND")
BLADE_MODULES = (
    "sen2", "person", "requests", "assessment", "namedplan",
    "plandetail", "activeplans", "placementdetail", "senneed",
)

# Column kinds.  "date" may not lie after the extract date; "planned_date" may.
TEXT, CODE, INT, FLOAT, DATE, PLANNED_DATE, TIMESTAMP, FLAG, ID = (
    "text", "code", "int", "float", "date", "planned_date", "timestamp", "flag", "id")
UPN, ULN, NHS, BIRTH, DROP = "upn", "uln", "nhs", "birth", "drop"


@dataclass(frozen=True)
class Column:
    """One source column: its kind, whether it must be present, and its code list."""

    name: str
    kind: str = TEXT
    required: bool = True
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # older layouts' names, e.g. gendercurrent for sex
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    """One staged table: the file it comes from, its columns, key and parent."""

    feed: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None  # (parent table, parent key column)
    file_pattern: str = ""
    renames: tuple[tuple[str, str], ...] = ()  # staged name -> warehouse name, after typing
    key_severity: str = "blocking"  # census and results: a repeated pupil is a warning

    @property
    def suite_name(self) -> str:
        """The Great Expectations suite name, ``<feed>.<table>``."""
        return f"{self.feed}.{self.name}"

    @property
    def warehouse_table(self) -> str:
        """The warehouse table the staged rows are loaded into."""
        return f"src_{self.feed}__{self.name}"

    def staged_name(self, column: str) -> str:
        """The name a source column has once typed and pseudonymised (``upn`` -> ``upn_key``)."""
        kind = self.column(column).kind
        name = f"{column}_key" if kind in (UPN, ULN, NHS) else "birth_year_month" if kind == BIRTH else column
        return dict(self.renames).get(name, name)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _blade_common(module: str, parent: str | None) -> tuple[Column, ...]:
    cols = [
        Column(f"{module}tableid", ID, nullable=False),
        Column("nativeid", DROP, required=False),
        Column(f"{module}orderseqcolumn", DROP, required=False),
        Column("sourceid", DROP, required=False),
    ]
    if parent:
        cols.append(Column(f"{parent}tableid", ID, nullable=False))
    return tuple(cols)


def _blade(module: str, parent: str | None, *cols: Column, renames: tuple = ()) -> Table:
    return Table(
        renames=renames,
        feed="council_send",
        name=module,
        columns=_blade_common(module, parent) + cols,
        key=(f"{module}tableid",),
        parent=(parent, f"{parent}tableid") if parent else None,
        file_pattern=rf"^Blade-Export_(\d{{2}}-\d{{2}}-\d{{4}})_{module}\.csv$",
    )


OUTCOMES = ("Y", "N", "A", "W", "H")
_opt = dict(required=False)

COUNCIL_SEND = (
    _blade("sen2", None,
           Column("collection", **_opt), Column("year", **_opt), Column("referencedate", DATE, **_opt),
           Column("sourcelevel", **_opt), Column("lea", CODE, nullable=False), Column("softwarecode", **_opt),
           Column("release", **_opt), Column("serialno", **_opt), Column("datetime", TIMESTAMP, **_opt)),
    _blade("person", "sen2",
           Column("personbirthdate", BIRTH, **_opt), Column("sex", CODE, aliases=("gendercurrent",), **_opt),
           Column("ethnicity", **_opt), Column("upn", UPN, **_opt), Column("uniquelearnernumber", ULN, **_opt),
           Column("upnunknown", CODE, codes=tuple(f"UN{i}" for i in range(1, 11)), **_opt),
           Column("surname", DROP, **_opt), Column("forename", DROP, **_opt), Column("postcode", DROP, **_opt),
           renames=(("uniquelearnernumber_key", "uln_key"),)),
    _blade("requests", "person",
           Column("receiveddate", DATE, nullable=False), Column("rya", **_opt),
           Column("requestoutcomedate", DATE, **_opt), Column("requestoutcome", CODE, codes=OUTCOMES, **_opt),
           Column("requestmediation", **_opt), Column("requesttribunal", **_opt), Column("exported", **_opt)),
    _blade("assessment", "requests",
           Column("assessmentoutcome", CODE, codes=OUTCOMES + ("S",)), Column("assessmentoutcomedate", DATE),
           Column("assessmentmediation", **_opt), Column("assessmenttribunal", **_opt),
           Column("othermediation", **_opt), Column("othertribunal", **_opt), Column("week20", FLAG)),
    _blade("namedplan", "assessment",
           Column("startdate", DATE), Column("planres", **_opt), Column("planwbp", **_opt),
           Column("pb", **_opt), Column("oa", **_opt), Column("dp", **_opt),
           Column("ceasedate", PLANNED_DATE),
           Column("ceasereason", CODE, codes=tuple(str(i) for i in range(1, 10)), **_opt)),
    _blade("plandetail", "namedplan",
           Column("urn", CODE, **_opt), Column("ukprn", CODE, **_opt),
           Column("sensetting", CODE, codes=("OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"), **_opt),
           Column("sensettingother", DROP, **_opt), Column("placementrank", INT, minimum=1, **_opt),
           Column("senunitindicator", **_opt), Column("resourcedprovisionindicator", **_opt)),
    _blade("activeplans", "requests",
           Column("transferla", **_opt), Column("reviewmeeting", PLANNED_DATE, **_opt),
           Column("reviewoutcome", **_opt), Column("lastreview", DATE, **_opt),
           Column("res", **_opt), Column("wbp", **_opt), Column("attendancepattern", DROP, **_opt),
           Column("phasetransferduedate", DROP, **_opt)),
    _blade("placementdetail", "activeplans",
           Column("urn", CODE), Column("ukprn", CODE),
           Column("sensetting", CODE, codes=("OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO")),
           Column("sensettingother", DROP, **_opt), Column("placementrank", INT, minimum=1, nullable=False),
           Column("entrydate", DATE, nullable=False), Column("leavingdate", PLANNED_DATE),
           Column("senunitindicator", **_opt), Column("resourcedprovisionindicator", **_opt),
           Column("res", **_opt), Column("wbp", **_opt)),
    _blade("senneed", "activeplans",
           Column("sentype", CODE, codes=SENTYPES, nullable=False),
           Column("sentyperank", INT, codes=("1", "2"), nullable=False)),
)

CENSUS = Table(
    feed="school_census", name="census",
    file_pattern=r"^census_(\d{4})_(AUT|SPR|SUM)\.csv$",
    key=("upn", "laestab"), renames=(("upn_key", "pupil_key"),), key_severity="warning",
    columns=(
        Column("upn", UPN, nullable=False), Column("laestab", CODE, nullable=False), Column("urn", CODE, **_opt),
        Column("census_date", DATE, nullable=False), Column("date_of_birth", BIRTH, **_opt),
        Column("sex", CODE, **_opt),
        Column("nc_year_actual", CODE, codes=("N1", "N2", "R", *map(str, range(1, 15)), "X"), **_opt),
        Column("enrol_status", CODE, codes=("C", "M", "S", "F", "G"), nullable=False),
        Column("sen_provision", CODE, codes=("E", "K", "N")),
        Column("primary_sen_type", CODE, codes=SENTYPES + ("NSA",), **_opt),
        Column("secondary_sen_type", CODE, codes=SENTYPES + ("NSA",), **_opt),
        Column("sessions_possible", INT, minimum=0),
        Column("sessions_authorised_absence", INT, minimum=0),
        Column("sessions_unauthorised_absence", INT, minimum=0),
        Column("forename", DROP, **_opt), Column("surname", DROP, **_opt), Column("postcode", DROP, **_opt),
    ),
)
KS2 = Table(
    feed="school_census", name="ks2", file_pattern=r"^ks2_(\d{4})\.csv$", key=("upn",), key_severity="warning",
    renames=(("upn_key", "pupil_key"),),
    columns=(Column("upn", UPN, nullable=False), Column("academic_year", TEXT, nullable=False),
             Column("rwm_expected_standard", FLAG),
             Column("forename", DROP, **_opt), Column("surname", DROP, **_opt)),
)
KS4 = Table(
    feed="school_census", name="ks4", file_pattern=r"^ks4_(\d{4})\.csv$", key=("upn",), key_severity="warning",
    renames=(("upn_key", "pupil_key"),),
    columns=(Column("upn", UPN, nullable=False), Column("academic_year", TEXT, nullable=False),
             Column("attainment8", FLOAT, minimum=0, maximum=90), Column("progress8", FLOAT),
             Column("forename", DROP, **_opt), Column("surname", DROP, **_opt)),
)
REFERRALS = Table(
    feed="therapies", name="referrals",
    file_pattern=r"^therapy_referrals_(\d{2}-\d{2}-\d{4})\.csv$",
    key=("referral_id",), renames=(("nhs_number_key", "patient_key"),),
    columns=(
        Column("referral_id", CODE, nullable=False), Column("nhs_number", NHS, **_opt),
        Column("date_of_birth", BIRTH, **_opt), Column("service", CODE, codes=SERVICES, nullable=False),
        Column("team_local_id", **_opt), Column("referral_received_date", DATE, nullable=False),
        Column("priority", CODE, codes=("ROUTINE", "URGENT"), **_opt), Column("referral_source", **_opt),
        Column("rejected_date", DATE), Column("first_contact_date", DATE),
        Column("discharge_date", DATE), Column("discharge_reason", **_opt),
        Column("patient_name", DROP, **_opt), Column("postcode", DROP, **_opt),
        Column("referral_reason", DROP, **_opt), Column("notes", DROP, **_opt),
    ),
)
# NCCIS current activity codes (FEEDS.md, "nccis"): 110-150 describe pupils below school-leaving
# age (accepted, with a warning); the rest by DfE's groups.
NCCIS_PUPIL_CODES = tuple(str(c) for c in range(110, 151))
NCCIS_ACTIVITY_CODES = NCCIS_PUPIL_CODES + (
    "210", "220", "230", "240", "250", "260", "270", "280", "290",  # education (260 gap year)
    "310", "320", "330", "340", "350", "360", "380", "381",  # employment
    "410", "430", "440", "450", "460", "530",  # training; 530 re-engagement
    "540", "550", "610", "615", "616", "619", "620", "630", "640", "650", "660", "670", "680",  # NEET
    "710", "720", "810", "820", "830")  # custody, refugee; not known
CASELOAD = Table(
    feed="nccis", name="caseload",
    file_pattern=r"^ccis_caseload_(\d{2}-\d{2}-\d{4})\.csv$",
    key=("person_id",), renames=(("upn_key", "pupil_key"), ("uln_key", "learner_key")),
    columns=(
        Column("person_id", CODE, nullable=False), Column("upn", UPN, **_opt), Column("uln", ULN, **_opt),
        Column("surname", DROP, **_opt), Column("forename", DROP, **_opt), Column("postcode", DROP, **_opt),
        Column("date_of_birth", BIRTH), Column("la_code", CODE, **_opt),
        Column("sen_status", CODE, codes=("EHCP", "SEN_SUPPORT", "NO_SEN")),
        Column("activity_code", CODE, codes=NCCIS_ACTIVITY_CODES, nullable=False),
        Column("activity_start_date", PLANNED_DATE), Column("currency_lapsed", FLAG),
    ),
)
TRAINING = Table(
    feed="workforce", name="training", file_pattern=r"^senco_training\.csv$", key=("record_id",),
    columns=(
        Column("record_id", CODE, nullable=False), Column("urn", CODE, nullable=False),
        Column("role", CODE, codes=("SENCO", "ASSISTANT_SENCO", "TEACHER", "TA", "OTHER"), nullable=False),
        Column("course", CODE, nullable=False), Column("completed_on", DATE, nullable=False),
        Column("staff_ref", DROP, **_opt),  # not needed by any measure: dropped (data minimisation)
    ),
)
POPULATION = Table(
    feed="reference", name="population", file_pattern=r"^population\.csv$", key=("la_code", "year", "age"),
    columns=(Column("la_code", CODE, nullable=False), Column("year", INT, minimum=1990, maximum=2100, nullable=False),
             Column("age", INT, minimum=0, maximum=90, nullable=False),
             Column("population", INT, minimum=0, nullable=False)),
)
ESTABLISHMENTS = Table(
    feed="reference", name="establishments", file_pattern=r"^establishments\.csv$", key=("urn",),
    renames=(("name", "establishment_name"),),
    columns=(Column("urn", CODE, nullable=False), Column("ukprn", CODE, **_opt), Column("name", TEXT, **_opt),
             Column("la_code", CODE, **_opt), Column("type_of_establishment", CODE, nullable=False),
             Column("phase", **_opt)),
)

# The programme feed: the plan itself (plan.yaml, staged as one row a milestone by
# pipeline.feeds.stage.programme) and the tracker, risks, evidence and feedback the programme
# office keeps. None of it is about a child; free-text notes are about actions. Codes are
# read in any case and kept in upper case, like every code.
REFS = Column("linked_refs", TEXT, **_opt)  # action refs, e.g. "1.1.1; 4.1.3"
PLAN = Table(
    feed="programme", name="plan", file_pattern=r"^plan\.yaml$", key=("milestone_id",),
    columns=(Column("milestone_id", CODE, nullable=False), Column("action_ref", CODE, nullable=False),
             Column("focus_area_ref", CODE, nullable=False), Column("area_ref", CODE, nullable=False),
             Column("milestone_text", TEXT, nullable=False), Column("due_date", PLANNED_DATE),
             Column("recurrence", CODE, codes=("MONTH", "QUARTER")), Column("action_title", TEXT, nullable=False),
             Column("action_leads", TEXT), Column("area_title", TEXT, nullable=False)),
)
TRACKER = Table(
    feed="programme", name="tracker", file_pattern=r"^tracker\.csv$", key=("milestone_id",),
    columns=(Column("milestone_id", CODE, nullable=False),
             Column("status", CODE, codes=("NOT_STARTED", "IN_PROGRESS", "COMPLETE", "BLOCKED"), nullable=False),
             Column("revised_due_date", PLANNED_DATE), Column("update_note", TEXT, **_opt),
             Column("updated_on", DATE), Column("updated_by_role", TEXT, **_opt)),
)
RISKS = Table(
    feed="programme", name="risks", file_pattern=r"^risks\.csv$", key=("risk_id",),
    columns=(Column("risk_id", CODE, nullable=False), Column("title", TEXT, nullable=False),
             Column("owner_role", TEXT, **_opt),
             *(Column(c, INT, minimum=1, maximum=5, nullable=False)
               for c in ("likelihood", "impact", "target_likelihood", "target_impact")),
             Column("mitigation", TEXT, **_opt), REFS, Column("status", CODE, codes=("OPEN", "CLOSED"), nullable=False),
             Column("reviewed_on", DATE)),
)
EVIDENCE = Table(
    feed="programme", name="evidence", file_pattern=r"^evidence\.csv$", key=("evidence_id",),
    columns=(Column("evidence_id", CODE, nullable=False), Column("title", TEXT, nullable=False), REFS,
             Column("kind", TEXT, **_opt), Column("location", TEXT, **_opt), Column("added_on", DATE, nullable=False)),
)
FEEDBACK = Table(
    feed="programme", name="feedback", file_pattern=r"^feedback\.csv$", key=("id",),
    renames=(("id", "feedback_id"),),
    columns=(Column("id", CODE, nullable=False), Column("received_on", DATE, nullable=False),
             Column("theme", TEXT, **_opt), Column("you_said", TEXT, nullable=False),
             Column("we_are_doing", TEXT, **_opt), Column("we_did", TEXT, **_opt),
             Column("status", CODE, codes=("OPEN", "IN_PROGRESS", "DONE"), **_opt), REFS),
)

TABLES: dict[str, tuple[Table, ...]] = {
    "council_send": COUNCIL_SEND,
    "school_census": (CENSUS, KS2, KS4),
    "therapies": (REFERRALS,),
    "nccis": (CASELOAD,),
    "reference": (POPULATION, ESTABLISHMENTS),
    "workforce": (TRAINING,),  # after reference: its URNs are checked against the landed establishments
    "programme": (PLAN, TRACKER, RISKS, EVIDENCE, FEEDBACK),
}
FEEDS = tuple(TABLES)


def table_for_file(feed: str, filename: str) -> tuple[Table, re.Match[str]] | None:
    """The table a delivered file belongs to, with the name's match; None if it fits none."""
    for table in TABLES.get(feed, ()):
        match = re.match(table.file_pattern, filename)
        if match:
            return table, match
    return None


def get_table(feed: str, name: str) -> Table:
    """The spec of ``<feed>.<name>``."""
    return next(t for t in TABLES[feed] if t.name == name)


@dataclass
class Finding:
    """One problem with a delivery, in the words the validation report uses."""

    feed: str
    file: str
    column: str
    rule: str
    severity: str  # "blocking" or "warning"
    rows_affected: int | None
    sample_rows: list[int] = field(default_factory=list)
    sentence: str = ""

    @property
    def blocking(self) -> bool:
        """True when the finding refuses the delivery."""
        return self.severity == "blocking"


# The rules of a file in a feed folder that was not read: a link, not a file, a name of no pattern.
NOT_READ_RULES = ("file is not a link", "file is a regular file", "file name matches the feed")
SHOWN_IN_ONE_LINE = 3


def not_read(finding: Finding) -> bool:
    """True for a file that was not read: a link, not a file, or a name that fits none of the feed's patterns."""
    return finding.rule in NOT_READ_RULES


def finding_summary(finding: Finding) -> str:
    """``file, column c: rule (n rows; lines a, b, c)``: a finding in a few words."""
    where = ", ".join(part for part in (finding.file, f"column {finding.column}" if finding.column else "") if part)
    rows = finding.rows_affected
    detail = [f"{rows:,} row{'s' if rows != 1 else ''}"] if rows else []
    if finding.sample_rows:
        detail.append("line" + ("s " if len(finding.sample_rows) > 1 else " ")
                      + ", ".join(str(n) for n in finding.sample_rows[:5]))
    return f"{where or finding.feed}: {finding.rule}" + (f" ({'; '.join(detail)})" if detail else "")


def first_line(subject: str, findings: list[Finding], report: object = None) -> str:
    """The line a person sees first: the subject, then the first three findings, then how many more."""
    shown = "; ".join(finding_summary(f) for f in findings[:SHOWN_IN_ONE_LINE])
    more = len(findings) - SHOWN_IN_ONE_LINE
    tail = f"; and {more} more: see the validation report{f' {report}' if report else ''}" if more > 0 else ""
    return f"{subject}: {shown}{tail}" if shown else subject
