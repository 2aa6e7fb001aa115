"""A small, hand-worked warehouse for the SQL measure tests.

Period under test: 2024-03 (PE = 2024-03-31; last 6 months from 2023-10-01; last 12
months from 2023-04-01; latest complete calendar year 2023). Every row is commented with
the case it stands for, and ``EXPECTED`` holds the numbers worked out by hand from them.

Snapshots loaded: council_send 2024-02-15 (stale decoy), 2024-04-05 (the one used for
2024-03), 2024-05-01 (a later decoy, also inside PE+31 but not the earliest); therapies
2024-03-15 (decoy) and 2024-04-03 (used); nccis 2024-02-29 (an older decoy), 2024-04-04
(used), 2024-05-01 (PE + 31: inside the window but not the earliest) and 2024-07-01 (after
the window). Decoy snapshots carry rows that would change every number if they were read.
The workforce training log is one cumulative table (no extract date).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from pipeline.warehouse import db

D = date.fromisoformat
USED_COUNCIL = D("2024-04-05")
USED_THERAPIES = D("2024-04-03")
DECOY_COUNCIL = (D("2024-02-15"), D("2024-05-01"))
DECOY_THERAPIES = D("2024-03-15")
USED_NCCIS = D("2024-04-04")
DECOY_NCCIS = (D("2024-02-29"), D("2024-05-01"), D("2024-07-01"))
POPULATION_0_25 = 40_000  # 890, year 2023 (2024 not published): ages 0 and 25 only


def frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """A DataFrame from a space-separated column list and row tuples."""
    return pd.DataFrame(rows, columns=columns.split())


def _d(value: str | None) -> date | None:
    return None if value is None else D(value)


# ----------------------------------------------------------------------------- council_send
# requests: (id, received, outcome)
REQUESTS = [
    (1, "2023-09-01", "Y"),  # A1: issued after exactly 140 days
    (2, "2023-09-01", "Y"),  # A2: issued after 141 days
    (3, "2023-06-01", "Y"),  # A3: week20 exception, 183 days
    (4, "2023-08-01", "Y"),  # A4: issued on the first day of the 6-month window
    (5, "2023-05-01", "Y"),  # A5: issued the day before the 6-month window
    (6, "2021-05-01", "Y"),  # A6: outcome H (transferred in): old request
    (7, "2023-11-01", "Y"),  # A7: outcome S (other LA's assessment)
    (8, "2023-12-01", "N"),  # A8: outcome N
    (9, "2023-12-15", "Y"),  # A9: plan issued after PE
    (10, "2022-12-01", "Y"),  # A10: issued on the first day of the 12-month window
    (11, "2023-01-03", "Y"),  # A11: issued the day before the 12-month window
    (12, "2023-11-01", "Y"),  # A12: week20 exception issued within 20 weeks
    (13, "2022-06-01", "Y"),  # A13: issued 1 Jan 2023 (calendar year boundary)
    (14, "2022-05-01", "Y"),  # A14: issued 31 Dec 2022
    (15, "2023-04-01", None),  # received on the first day of the 12-month window
    (16, "2023-03-31", None),  # received the day before the window
    (17, "2024-03-31", None),  # received on PE
    (18, "2024-04-02", None),  # received after PE
    (19, "2024-01-05", "N"),  # refused: still a request
    (20, "2019-01-01", "Y"),  # A15: old transfer, URN not in GIAS
    (21, "2019-02-01", "Y"),  # A16: old transfer, mainstream independent (type 11)
]
# assessments: (id, request, outcome, outcome date, week20)
ASSESSMENTS = [
    (101, 1, "Y", "2024-01-19", None),
    (102, 2, "Y", "2024-01-20", False),
    (103, 3, "Y", "2023-12-01", True),
    (104, 4, "Y", "2023-10-01", None),
    (105, 5, "Y", "2023-09-30", None),
    (106, 6, "H", "2024-01-10", None),
    (107, 7, "S", "2024-02-10", None),
    (108, 8, "N", "2024-02-01", None),
    (109, 9, "Y", "2024-04-02", None),
    (110, 10, "Y", "2023-04-01", None),
    (111, 11, "Y", "2023-03-31", None),
    (112, 12, "Y", "2024-02-01", True),
    (113, 13, "Y", "2023-01-01", False),
    (114, 14, "Y", "2022-12-31", None),
    (115, 20, "H", "2019-05-01", None),
    (116, 21, "H", "2019-06-01", None),
]
# named plans: (id, assessment, start, cease)
NAMED_PLANS = [
    (201, 101, "2024-01-19", None),  # P1 in force, mainstream (type 1)
    (202, 102, "2024-01-20", "2024-03-31"),  # P2 ceases on PE: not in force
    (203, 103, "2023-12-01", "2024-04-01"),  # P3 ceases the day after PE: in force
    (204, 104, "2023-10-01", None),  # P4 equal entry dates: highest placement id
    (205, 105, "2023-09-30", None),  # P5 URN and UKPRN: URN decides (mainstream)
    (206, 106, "2020-01-01", None),  # P6 UKPRN only: post16
    (207, 107, "2024-02-10", None),  # P7 sensetting only: elsewhere
    (208, 110, "2023-04-01", None),  # P8 no placement: not_recorded
    (209, 111, "2023-03-31", None),  # P9 placement left on PE is not current
    (210, 113, "2023-01-01", None),  # P10 rank 2 and future placements only
    (211, 114, "2022-12-31", None),  # P11 GIAS type in no group: elsewhere
    (212, 112, "2024-02-01", None),  # P12 GIAS post-16 type 18
    (213, 109, "2024-04-02", None),  # P13 starts after PE: not in force
    (215, 115, "2019-05-01", None),  # P15 URN not in GIAS: elsewhere
    (217, 116, "2019-06-01", None),  # P17 independent mainstream (type 11)
]
# active plans: (id, request)
ACTIVE_PLANS = [
    (301, 1), (302, 2), (331, 3), (332, 3), (304, 4), (305, 5), (306, 6), (307, 7),
    (308, 10), (309, 11), (310, 13), (311, 14), (312, 12), (313, 9), (315, 20), (317, 21),
]
# placements: (id, active plan, urn, ukprn, sensetting, rank, entry, leaving)
PLACEMENTS = [
    (401, 301, "100001", None, None, 1, "2024-01-19", None),
    (402, 302, "100001", None, None, 1, "2024-01-20", None),  # P2 (not in force)
    (403, 331, "100007", None, None, 1, "2023-12-01", None),  # P3 special_state, older
    (404, 332, "100010", None, None, 1, "2024-02-01", None),  # P3 special_independent, latest
    (440, 304, "100014", None, None, 1, "2023-10-01", None),  # P4 AP, lower id
    (441, 304, "100033", None, None, 1, "2023-10-01", None),  # P4 special_state, higher id
    (405, 305, "100002", "10001234", None, 1, "2023-09-30", None),
    (406, 306, None, "10005678", None, 1, "2020-01-01", None),
    (407, 307, None, None, "EHE", 1, "2024-02-10", None),
    (409, 309, "100001", None, None, 1, "2024-01-01", "2024-03-31"),  # left on PE
    (410, 309, "100043", None, None, 1, "2023-03-31", None),  # current: AP (type 43)
    (411, 310, "100001", None, None, 2, "2023-01-01", None),  # rank 2: not the main setting
    (412, 310, "100010", None, None, 1, "2024-04-01", None),  # entered after PE
    (413, 311, "100099", None, None, 1, "2022-12-31", None),  # type 99: elsewhere
    (414, 312, "100018", None, None, 1, "2024-02-01", None),  # type 18: post16
    (415, 315, "999999", None, None, 1, "2019-05-01", None),  # URN not in GIAS
    (417, 317, "100011", None, None, 1, "2019-06-01", None),  # type 11: mainstream
]
# needs: (id, active plan, sentype, rank)
NEEDS = [
    (501, 301, "ASD", 1), (502, 301, "SLCN", 2), (503, 302, "HI", 1), (504, 331, "SEMH", 1),
    (505, 304, "ASD", 1), (506, 305, "SLCN", 1), (507, 306, "ASD", 1), (508, 307, "MLD", 1),
    (509, 309, "SPLD", 2), (510, 310, "SEMH", 1), (511, 311, "ASD", 1), (515, 315, "PMLD", 1),
    (517, 317, "SLCN", 1),
]
ESTABLISHMENTS = [
    ("100001", None, "1"), ("100002", None, "2"), ("100007", None, "7"), ("100010", None, "10"),
    ("100011", None, "11"), ("100014", None, "14"), ("100018", None, "18"), ("100033", None, "33"),
    ("100043", None, "43"), ("100099", None, "99"),
]
# The schools of the senco_trained cases: (urn, la_code, GIAS type). The establishments
# above have no la_code, so none of them is one of the area's (890) schools.
SCHOOLS = [
    ("200001", "890", "1"),  # S1 community school: two trained SENCOs, counted once
    ("200002", "890", "2"),  # S2 voluntary aided: only an ASSISTANT_SENCO trained: not counted
    ("200003", "890", "3"),  # S3 voluntary controlled: its SENCO did another course: not counted
    ("200005", "890", "5"),  # S4 foundation: SENCO completed on PE: counted
    ("200028", "890", "28"),  # S5 academy sponsor led: SENCO completed the day after PE: not counted
    ("200034", "890", "34"),  # S6 academy converter: only a TEACHER on the course: not counted
    ("200035", "890", "35"),  # S7 free school: no training at all: not counted
    ("200040", "890", "40"),  # S8 university technical college: SENCO trained in 2023: counted
    ("200041", "999", "41"),  # another LA's studio school with a trained SENCO: in neither
    ("200010", "890", "10"),  # independent special school, trained SENCO: in neither
    ("200011", "890", "11"),  # other independent school, trained SENCO: in neither
    ("200007", "890", "7"),  # LA maintained special school, trained SENCO: not mainstream, in neither
]


def council_frames(variant: str = "used") -> dict[str, pd.DataFrame]:
    """The nine council_send tables of one snapshot (``used`` or a ``decoy``)."""
    if variant == "decoy":  # one of everything, all in force / in every window
        return {
            "src_council_send__sen2": frame("sen2tableid lea", [(1, "890")]),
            "src_council_send__person": frame("persontableid sen2tableid", [(1, 1)]),
            "src_council_send__requests": frame(
                "requeststableid persontableid receiveddate", [(9001, 1, D("2024-01-01"))]
            ),
            "src_council_send__assessment": frame(
                "assessmenttableid requeststableid assessmentoutcome assessmentoutcomedate week20",
                [(9101, 9001, "Y", D("2024-02-01"), None)],
            ),
            "src_council_send__namedplan": frame(
                "namedplantableid assessmenttableid startdate", [(9201, 9101, D("2024-02-01"))]
            ),
            "src_council_send__plandetail": frame("plandetailtableid namedplantableid", []),
            "src_council_send__activeplans": frame("activeplanstableid requeststableid", [(9301, 9001)]),
            "src_council_send__placementdetail": frame(
                "placementdetailtableid activeplanstableid urn placementrank entrydate",
                [(9401, 9301, "100007", 1, D("2024-02-01"))],
            ),
            "src_council_send__senneed": frame(
                "senneedtableid activeplanstableid sentype sentyperank", [(9501, 9301, "HI", 1)]
            ),
        }
    return {
        "src_council_send__sen2": frame("sen2tableid lea", [(1, "890")]),
        "src_council_send__person": frame(
            "persontableid sen2tableid person_key", [(i, 1, f"p{i}") for i in range(1, 22)]
        ),
        "src_council_send__requests": frame(
            "requeststableid persontableid receiveddate requestoutcome",
            [(i, i, D(r), o) for i, r, o in REQUESTS],
        ),
        "src_council_send__assessment": frame(
            "assessmenttableid requeststableid assessmentoutcome assessmentoutcomedate week20",
            [(i, r, o, D(d), w) for i, r, o, d, w in ASSESSMENTS],
        ),
        "src_council_send__namedplan": frame(
            "namedplantableid assessmenttableid startdate ceasedate",
            [(i, a, D(s), _d(c)) for i, a, s, c in NAMED_PLANS],
        ),
        "src_council_send__plandetail": frame(
            "plandetailtableid namedplantableid urn placementrank", [(601, 201, "100001", 1)]
        ),
        "src_council_send__activeplans": frame("activeplanstableid requeststableid", ACTIVE_PLANS),
        "src_council_send__placementdetail": frame(
            "placementdetailtableid activeplanstableid urn ukprn sensetting placementrank entrydate leavingdate",
            [(i, a, u, k, s, r, D(e), _d(left)) for i, a, u, k, s, r, e, left in PLACEMENTS],
        ),
        "src_council_send__senneed": frame("senneedtableid activeplanstableid sentype sentyperank", NEEDS),
    }


# ----------------------------------------------------------------------------- therapies
# (id, service, received, rejected, first contact, discharged)
REFERRALS = [
    ("T1", "SLT", "2024-03-01", None, None, None),  # waiting 30 days; received in month
    ("T2", "SLT", "2023-11-26", None, None, None),  # waiting 126 days: not over 18 weeks
    ("T3", "SLT", "2023-11-25", None, None, None),  # waiting 127 days: over 18 weeks
    ("T4", "SLT", "2023-04-02", None, None, None),  # waiting 364 days: not over 52 weeks
    ("T5", "SLT", "2023-04-01", None, None, None),  # waiting 365 days: over 52 weeks
    ("T6", "SLT", "2024-01-10", None, "2024-03-31", None),  # first seen on PE (81 days)
    ("T7", "SLT", "2024-03-05", "2024-03-06", None, None),  # rejected: counted as received
    ("T8", "SLT", "2023-12-01", None, None, "2024-02-01"),  # discharged
    ("T9", "SLT", "2024-04-01", None, None, None),  # received after PE
    ("T10", "SLT", "2023-12-01", "2024-04-02", None, None),  # rejected after PE: waiting 121
    ("T11", "SLT", "2024-02-01", None, "2024-04-01", None),  # seen after PE: waiting 59
    ("O1", "OT", "2024-03-31", None, None, None),  # received on PE: waiting 0 days
    ("O2", "OT", "2024-03-21", None, None, None),  # waiting 10
    ("O3", "OT", "2024-03-11", None, None, None),  # waiting 20
    ("O4", "OT", "2024-02-29", None, None, None),  # waiting 31
    ("O5", "OT", "2024-01-01", None, "2024-03-01", None),  # seen in month after 60 days
    ("O6", "OT", "2024-02-01", None, "2024-03-15", None),  # seen in month after 43 days
    ("P1", "PHYSIO", "2022-01-01", None, None, "2022-06-01"),  # long discharged
    ("C1", "CDS", "2023-02-25", None, None, None),  # waiting 400 days
]


def therapy_frame(variant: str = "used") -> pd.DataFrame:
    """The therapy referrals of one snapshot (``used`` or ``decoy``)."""
    columns = "referral_id service referral_received_date rejected_date first_contact_date discharge_date"
    if variant == "decoy":
        return frame(columns, [("X1", "ND", D("2020-01-01"), None, None, None)])
    return frame(columns, [(i, s, D(r), _d(j), _d(f), _d(x)) for i, s, r, j, f, x in REFERRALS])


# ----------------------------------------------------------------------------- school census
CENSUS_COLUMNS = (
    "pupil_key enrol_status sen_provision sessions_possible sessions_authorised_absence "
    "sessions_unauthorised_absence"
)
# the census used for 2024-03: spring 2024, dated 2024-01-18
CENSUS_SPR_2024 = [
    ("A", "C", "E", 100, 5, 5),  # absent exactly 10%: persistently absent
    ("X2", "M", "E", 200, 10, 9),  # 9.5%: not
    ("B", "C", "K", 100, 0, 0),  # B was E in spring 2023: KS2 uses that
    ("X4", "C", "K", 0, 0, 0),  # no possible sessions: not in the PA denominator
    ("X5", "S", "K", 100, 50, 50),  # subsidiary dual: excluded
    ("X6", "G", "N", 100, 50, 0),  # guest: excluded
    ("X7", "C", "N", 150, 20, None),  # blank unauthorised counts 0: 13.3%
    ("X8", "C", "N", 100, 9, 0),  # 9%
    ("X9", "F", "N", 100, 90, 0),  # FE college: excluded
    ("X10", "C", None, 50, 10, 0),  # group unknown: in 'all' only; 20%
    ("X11", "C", "N", 100, 0, 0),
    ("X12", "M", "K", 10, 1, 0),  # 10%
]
# the spring census of 2022/23 (dated 2023-01-19): groups for the 2023 results
CENSUS_SPR_2023 = [
    ("A", "C", "E", 100, 0, 0),
    ("B", "M", "E", 100, 0, 0),
    ("C", "C", "K", 100, 0, 0),
    ("D", "C", "N", 100, 0, 0),
    ("E", "C", "N", 100, 0, 0),
    ("G", "S", "K", 100, 0, 0),  # subsidiary only: group unknown
    ("I", "C", "K", 100, 0, 0),
]
# decoys: autumn 2023 (older than the chosen census) and summer 2024 (after PE)
CENSUS_AUT_2023 = [("H", "C", "E", 100, 90, 0), ("A", "C", "N", 100, 90, 0)]
CENSUS_SUM_2024 = [("Z", "C", "E", 100, 100, 0)]
CENSUSES = {
    ("census_2023_SPR.csv", 2023, "SPR", "2023-01-19"): CENSUS_SPR_2023,
    ("census_2023_AUT.csv", 2023, "AUT", "2023-10-05"): CENSUS_AUT_2023,
    ("census_2024_SPR.csv", 2024, "SPR", "2024-01-18"): CENSUS_SPR_2024,
    ("census_2024_SUM.csv", 2024, "SUM", "2024-05-16"): CENSUS_SUM_2024,
}
# KS2 2022/23 (academic_year_end 2023): (pupil, rwm)
KS2_2023 = [
    ("A", True), ("B", False), ("C", True), ("D", True), ("E", False),
    ("F", True),  # not in the spring census: 'all' only
    ("G", False),  # subsidiary enrolment only: 'all' only
    ("H", True),  # in the autumn census only: 'all' only
]
KS2_2024 = [(p, True) for p in "ABCDEFGH"]  # a later year: ignored for 2024-03
# KS4 2022/23: (pupil, attainment8)
KS4_2023 = [("A", 20.5), ("C", 35.0), ("D", 50.0), ("E", 45.5), ("F", 60.0), ("I", None)]
KS4_2024 = [("A", 90.0)]


def census_frame(file: str, year: int, term: str, census_date: str, rows: list[tuple]) -> pd.DataFrame:
    """One census file's rows as the staging code loads them."""
    out = frame(CENSUS_COLUMNS, rows)
    out.insert(0, "census_date", D(census_date))
    out.insert(0, "census_term", term)
    out.insert(0, "census_year", year)
    out.insert(0, "census_file", file)
    return out


def results_frame(file: str, year: int, rows: list[tuple], column: str) -> pd.DataFrame:
    """One KS2 or KS4 results file."""
    out = frame(f"pupil_key {column}", rows)
    out["results_file"] = file
    out["academic_year"] = f"{year - 1}/{str(year)[2:]}"
    out["academic_year_end"] = year
    return out


# ----------------------------------------------------------------------------- nccis
# The CCIS caseload used for 2024-03 (extract 2024-04-04). Academic age at PE 2024-03-31 is
# the age on 31 August 2023: 2023 - birth year, one less when born September to December.
# (person, birth year-month, sen_status as staged, activity code, currency_lapsed)
CASELOAD = [
    # EHCP, academic age 16-17: denominator 5 (N1 N2 N3 N6 N8), EET 2 (N1 N6), NEET/NK 2 (N2 N3)
    ("N1", "2006-09", "EHCP", "210", False),  # born Sep 2006: 16; sixth form: EET
    ("N2", "2006-08", "EHCP", "540", False),  # born Aug 2006: 17; NEET
    ("N3", "2007-08", "EHCP", "310", True),  # born Aug 2007: 16; apprenticeship, currency lapsed: not known
    ("N4", "2006-12", "EHCP", "710", False),  # 16, custody: left out of the denominator
    ("N5", "2007-01", "EHCP", "710", True),  # 16, custody with currency lapsed: still left out
    ("N6", "2006-10", "EHCP", "290", False),  # 16, custodial institution (juvenile) 290 is education: EET
    ("N7", "2007-09", "EHCP", "210", False),  # born Sep 2007: 15, out
    ("N8", "2007-07", "EHCP", "120", False),  # 16 with a pupil code 110-150: denominator only
    # SEN support, 16-17: denominator 9 (S1-S7 S9 S10), EET 2 (S9 S10), NEET/NK 4 (S1-S4)
    ("S1", "2006-11", "SEN_SUPPORT", "619", True),  # 16, NEET code with currency lapsed: not known (once)
    ("S2", "2007-03", "SEN_SUPPORT", "810", False),  # 16, 810 not known
    ("S3", "2007-05", "SEN_SUPPORT", "820", False),  # 16, 820 cannot be contacted: not known
    ("S4", "2006-06", "SEN_SUPPORT", "830", False),  # 17, 830 refused to disclose: not known
    ("S5", "2007-02", "SEN_SUPPORT", "260", False),  # 16, gap year: denominator only
    ("S6", "2006-07", "SEN_SUPPORT", "530", False),  # 17, re-engagement: denominator only
    ("S7", "2006-09", "SEN_SUPPORT", "720", False),  # 16, refugee / asylum seeker: denominator only
    ("S8", "2005-08", "SEN_SUPPORT", "410", False),  # born Aug 2005: 18, out
    ("S9", "2005-09", "SEN_SUPPORT", "460", False),  # born Sep 2005: 17; supported internship: EET
    ("S10", "2006-05", "SEN_SUPPORT", "381", None),  # 17, blank currency_lapsed is not Y: EET
    # no SEN: nobody of 16-17 outside custody, so the group's rows are 0 / 0 / blank
    ("X1", "2007-09", "NO_SEN", "210", False),  # 15, out
    ("X2", "2005-08", "NO_SEN", "540", False),  # 18, out
    ("X3", "2006-09", "NO_SEN", "710", False),  # 16, custody: out
    # sen_status blank: in 'all' only
    ("B1", "2006-10", None, "230", False),  # 16, further education: EET
    ("B2", "2007-04", None, "650", False),  # 16, pregnancy: NEET
    ("B3", None, None, "210", False),  # no date of birth: no academic age, out
    # 19-24 with an EHC plan: denominator 6 (A1 A2 A3 A4 A9 A10), EET 2 (A1 A3)
    ("A1", "2004-08", "EHCP", "230", False),  # born Aug 2004: 19, in; EET
    ("A2", "2003-09", "EHCP", "610", False),  # born Sep 2003: 19, in; NEET
    ("A3", "1999-08", "EHCP", "310", False),  # born Aug 1999: 24, in; EET
    ("A4", "1998-09", "EHCP", "810", False),  # born Sep 1998: 24, in; not known
    ("A5", "1998-08", "EHCP", "210", False),  # born Aug 1998: 25, out
    ("A6", "2004-09", "EHCP", "240", False),  # born Sep 2004: 18, out (of both measures)
    ("A7", "2003-05", "SEN_SUPPORT", "240", False),  # 20 with SEN support: out
    ("A8", "2002-01", "EHCP", "710", False),  # 21, custody: out
    ("A9", "2001-03", "EHCP", "720", False),  # 22, refugee: denominator only
    ("A10", "2000-06", "EHCP", "340", True),  # 23, EET code with currency lapsed: not EET
    ("A11", "2003-02", None, "230", False),  # 20, sen_status blank: not EHCP, out
]
# what a decoy snapshot holds: rows that would fill the empty no_SEN group and change
# every other number if the wrong snapshot were read
CASELOAD_DECOY = [
    ("N1", "2006-09", "EHCP", "540", False),
    ("D1", "2007-01", "NO_SEN", "210", False),
    ("D2", "2007-01", "SEN_SUPPORT", "210", False),
    ("D3", "2003-01", "EHCP", "210", False),
    ("D4", "2007-01", None, "210", False),
]
CASELOAD_COLUMNS = "person_id birth_year_month sen_status activity_code currency_lapsed"


def caseload_frame(variant: str = "used") -> pd.DataFrame:
    """The CCIS caseload of one snapshot (``used`` or ``decoy``), as staged."""
    rows = CASELOAD if variant == "used" else CASELOAD_DECOY
    out = frame(CASELOAD_COLUMNS, rows)
    out["la_code"] = "890"
    out["activity_start_date"] = D("2023-09-01")
    out["currency_lapsed"] = out["currency_lapsed"].astype("boolean")
    return out


# ----------------------------------------------------------------------------- workforce
# The training log: (record, urn, role, course, completed on)
TRAINING = [
    ("W1", "200001", "SENCO", "GRADUATED_APPROACH", "2023-06-01"),  # S1: first trained SENCO
    ("W2", "200001", "SENCO", "GRADUATED_APPROACH", "2024-01-15"),  # S1: second trained SENCO
    ("W3", "200002", "ASSISTANT_SENCO", "GRADUATED_APPROACH", "2023-11-01"),  # S2: not a SENCO
    ("W4", "200003", "SENCO", "AUTISM_AWARENESS", "2023-11-01"),  # S3: another course
    ("W5", "200005", "SENCO", "GRADUATED_APPROACH", "2024-03-31"),  # S4: completed on PE
    ("W6", "200028", "SENCO", "GRADUATED_APPROACH", "2024-04-01"),  # S5: the day after PE
    ("W7", "200034", "TEACHER", "GRADUATED_APPROACH", "2023-10-01"),  # S6: not a SENCO
    ("W8", "200040", "SENCO", "GRADUATED_APPROACH", "2023-01-10"),  # S8
    ("W9", "200041", "SENCO", "GRADUATED_APPROACH", "2023-05-01"),  # another LA's school
    ("W10", "200010", "SENCO", "GRADUATED_APPROACH", "2023-05-01"),  # independent special (10)
    ("W11", "200011", "SENCO", "GRADUATED_APPROACH", "2023-05-01"),  # other independent (11)
    ("W12", "200007", "SENCO", "GRADUATED_APPROACH", "2023-05-01"),  # special school (7)
]


def training_frame() -> pd.DataFrame:
    """The whole training log, as staged."""
    return frame("record_id urn role course completed_on", [(r, u, ro, c, D(d)) for r, u, ro, c, d in TRAINING])


def establishments_frame() -> pd.DataFrame:
    """Every establishment of the scenario: the placement cases' and the schools'."""
    return frame(
        "urn ukprn la_code type_of_establishment",
        [(u, k, None, t) for u, k, t in ESTABLISHMENTS] + [(u, None, la, t) for u, la, t in SCHOOLS],
    )


# ----------------------------------------------------------------------------- reference
POPULATION = [
    ("890", 2023, 0, 10_000), ("890", 2023, 25, 30_000),
    ("890", 2023, 26, 5_000),  # over 25: excluded
    ("890", 2023, 90, 100),  # excluded
    ("890", 2022, 0, 20_000),  # an older year: not used
    ("999", 2024, 0, 1_000_000),  # another LA
]


# Published England figures (ref_published_measures): the period's results are of 2022/23
# (year 2023); the 2024 and Blackpool (890) rows are decoys the gap measures must not use.
PUBLISHED = [
    ("ks2_rwm_expected", "group=EHCP", 2023, "970", 8.0),
    ("ks2_rwm_expected", "group=SEN_support", 2023, "970", 20.0),
    ("ks2_rwm_expected", "group=no_SEN", 2023, "970", 70.0),
    ("ks2_rwm_expected", "group=EHCP", 2024, "970", 9.0),  # a later year: not used
    ("ks2_rwm_expected", "group=EHCP", 2023, "890", 1.0),  # an LA, not England
    ("ks4_attainment8", "group=EHCP", 2023, "970", 14.0),
    ("ks4_attainment8", "group=SEN_support", 2023, "970", 33.5),
    ("ks4_attainment8", "group=no_SEN", 2023, "970", 50.0),
    ("ks4_attainment8", "group=no_SEN", 2024, "970", 51.0),  # a later year: not used
]


# The programme (period 2024-03: statuses judged on 1 April 2024, the day after PE).
# plan: (milestone, action, due, recurrence)
PLAN = [
    ("1.1.1.1", "1.1.1", "2024-03-31", None),  # M1 complete on 30 Mar: due, on time
    ("1.1.1.2", "1.1.1", "2024-03-31", None),  # M2 due on PE, in progress: overdue the day after
    ("1.1.1.3", "1.1.1", "2024-01-31", None),  # M3 completed 15 Feb: due, late
    ("1.1.1.4", "1.1.1", "2024-02-29", None),  # M4 revised to 30 Jun: not due yet
    ("1.1.1.5", "1.1.1", "2024-04-01", None),  # M5 due the day after PE: not due, at risk
    ("1.1.2.1", "1.1.2", "2023-11-30", "MONTH"),  # M6 monthly, reported 31 Mar: due (31 Mar), on track
    ("1.1.2.2", "1.1.2", None, None),  # M7 no date: never due
]
TRACKER = [  # (milestone, status, revised due, updated on)
    ("1.1.1.1", "COMPLETE", None, "2024-03-30"),
    ("1.1.1.2", "IN_PROGRESS", None, "2024-03-20"),
    ("1.1.1.3", "COMPLETE", None, "2024-02-15"),
    ("1.1.1.4", "IN_PROGRESS", "2024-06-30", "2024-03-01"),
    ("1.1.2.1", "IN_PROGRESS", None, "2024-03-31"),
]
RISKS = [  # (risk, likelihood, impact, status)
    ("R1", 4, 4, "OPEN"),  # 16: counted
    ("R2", 3, 5, "OPEN"),  # 15: counted (15 or more)
    ("R3", 5, 3, "CLOSED"),  # 15 but closed
    ("R4", 2, 4, "OPEN"),  # 8
]


def load_scenario(engine) -> None:
    """Load every source of the scenario into an empty warehouse."""
    db.ensure_schema(engine)
    db.replace_delivery(engine, council_frames("used"), {"extract_date": USED_COUNCIL})
    for decoy in DECOY_COUNCIL:
        db.replace_delivery(engine, council_frames("decoy"), {"extract_date": decoy})
    db.replace_rows(engine, "src_therapies__referrals", therapy_frame("used"), {"extract_date": USED_THERAPIES})
    db.replace_rows(engine, "src_therapies__referrals", therapy_frame("decoy"), {"extract_date": DECOY_THERAPIES})
    for (file, year, term, census_date), rows in CENSUSES.items():
        db.replace_rows(
            engine, "src_school_census__census", census_frame(file, year, term, census_date, rows),
            {"census_file": file}
        )
    for year, rows in ((2023, KS2_2023), (2024, KS2_2024)):
        file = f"ks2_{year}.csv"
        db.replace_rows(
            engine, "src_school_census__ks2", results_frame(file, year, rows, "rwm_expected_standard"),
            {"results_file": file},
        )
    for year, rows in ((2023, KS4_2023), (2024, KS4_2024)):
        file = f"ks4_{year}.csv"
        db.replace_rows(
            engine, "src_school_census__ks4", results_frame(file, year, rows, "attainment8"), {"results_file": file}
        )
    db.replace_rows(engine, "src_reference__population", frame("la_code year age population", POPULATION), {})
    db.replace_rows(engine, "src_reference__establishments", establishments_frame(), {})
    db.replace_rows(engine, "src_nccis__caseload", caseload_frame("used"), {"extract_date": USED_NCCIS})
    for decoy in DECOY_NCCIS:
        db.replace_rows(engine, "src_nccis__caseload", caseload_frame("decoy"), {"extract_date": decoy})
    db.replace_rows(engine, "src_workforce__training", training_frame(), {})
    plan = pd.DataFrame([{"milestone_id": m, "action_ref": a, "focus_area_ref": "1.1", "area_ref": "1",
                          "milestone_text": f"milestone {m}", "due_date": _d(d), "recurrence": r,
                          "action_title": f"action {a}", "action_leads": "Head of SEND", "area_title": "Strategy"}
                         for m, a, d, r in PLAN])
    db.replace_rows(engine, "src_programme__plan", plan, {})
    tracker = pd.DataFrame([{"milestone_id": m, "status": st, "revised_due_date": _d(rv), "update_note": "",
                             "updated_on": _d(u), "updated_by_role": "Programme officer"} for m, st, rv, u in TRACKER])
    db.replace_rows(engine, "src_programme__tracker", tracker, {})
    risks = pd.DataFrame([{"risk_id": r, "title": f"risk {r}", "owner_role": "Lead", "likelihood": lk, "impact": im,
                           "target_likelihood": 1, "target_impact": 1, "mitigation": "", "linked_refs": "1.1.1",
                           "status": st, "reviewed_on": _d("2024-03-01")} for r, lk, im, st in RISKS])
    db.replace_rows(engine, "src_programme__risks", risks, {})
    published = frame("measure_id breakdown year la_code value", PUBLISHED)
    published["numerator"] = published["denominator"] = None
    db.replace_rows(engine, "ref_published_measures", published, {})


# ----------------------------------------------------------------------------- expected
def _pct(n: float, d: float) -> tuple[float, float, float | None]:
    return (n, d, 100 * n / d if d else None)


def _count(n: float) -> tuple[float, None, float]:
    return (n, None, n)


def _rate(n: float) -> tuple[float, float, float]:
    return (n, POPULATION_0_25, 10_000 * n / POPULATION_0_25)


def _mean(total: float, n: float) -> tuple[float, float, float | None]:
    return (total, n, total / n if n else None)


def _median(median: float | None, n: float) -> tuple[None, float, float | None]:
    return (None, n, median)


SETTINGS = {
    "mainstream": 3,  # P1, P5, P17
    "special_state": 1,  # P4
    "special_independent": 1,  # P3
    "alternative_provision": 1,  # P9
    "post16": 2,  # P6, P12
    "elsewhere": 3,  # P7, P11, P15
    "not_recorded": 2,  # P8, P10
}
NEEDS_IN_FORCE = {"ASD": 4, "SLCN": 2, "SEMH": 2, "MLD": 1, "PMLD": 1, "not_recorded": 3}
NEED_CODES = ["SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH", "not_recorded"]

# (measure_id, breakdown) -> (numerator, denominator, value), for period 2024-03
EXPECTED: dict[tuple[str, str], tuple] = {
    ("ehcp_requests_12m", "all"): _count(12),
    ("ehcp_new_12m", "all"): _count(7),  # A1 A2 A3 A4 A5 A10 A12
    ("ehcp_new_rate_12m", "all"): _rate(7),
    ("ehcp_in_force", "all"): _count(13),
    # on the census day 18 Jan 2024: P3-P6, P8-P11, P15, P17; P1 starts the day after
    ("ehcp_in_force_january", "all"): _count(10),
    ("ehcp_rate", "all"): _rate(13),
    ("ehcp_20wk_6m", "all"): _pct(2, 3),  # A1 (140 d) and A4 within; A2 (141 d) not
    ("ehcp_20wk_6m_all", "all"): _pct(3, 5),  # + A3 (exception, 183 d), A12 (exception, 92 d)
    ("ehcp_20wk_calendar_year", "all"): _pct(3, 5),  # 2023: A4 A10 A11 within; A5 A13 not
    **{("ehcp_rate_by_setting", f"setting={k}"): _rate(v) for k, v in SETTINGS.items()},
    **{("ehcp_primary_need", f"need={k}"): _pct(NEEDS_IN_FORCE.get(k, 0), 13) for k in NEED_CODES},
    # census: spring 2024
    ("pupils_sen_share", "group=EHCP"): _pct(2, 9),
    ("pupils_sen_share", "group=SEN_support"): _pct(3, 9),
    ("pupils_sen_share", "group=no_SEN"): _pct(3, 9),
    ("absence_rate", "all"): _pct(69, 810),
    ("absence_rate", "group=EHCP"): _pct(29, 300),
    ("absence_rate", "group=SEN_support"): _pct(1, 110),
    ("absence_rate", "group=no_SEN"): _pct(29, 350),
    ("persistent_absence", "all"): _pct(4, 8),  # A, X7, X10, X12 of 8 with sessions
    ("persistent_absence", "group=EHCP"): _pct(1, 2),
    ("persistent_absence", "group=SEN_support"): _pct(1, 2),
    ("persistent_absence", "group=no_SEN"): _pct(1, 3),
    ("ks2_rwm_expected", "all"): _pct(5, 8),
    ("ks2_rwm_expected", "group=EHCP"): _pct(1, 2),  # A yes, B no
    ("ks2_rwm_expected", "group=SEN_support"): _pct(1, 1),
    ("ks2_rwm_expected", "group=no_SEN"): _pct(1, 2),
    ("ks4_attainment8", "all"): _mean(211, 5),
    ("ks4_attainment8", "group=EHCP"): _mean(20.5, 1),
    ("ks4_attainment8", "group=SEN_support"): _mean(35, 1),  # I has no score
    ("ks4_attainment8", "group=no_SEN"): _mean(95.5, 2),
    # programme: due = M1, M2, M3, M6; overdue = M2; on time = M1 of the 4 due; risks R1, R2
    ("milestones_due", "all"): _count(4),
    ("milestones_overdue", "all"): _count(1),
    ("milestones_complete_on_time", "all"): _pct(1, 4),
    ("risks_above_appetite", "all"): _count(2),
    # gap to England, same group and year (2023): local value - published; denominator = local pupils
    ("ks2_rwm_expected_gap_national", "group=EHCP"): (None, 2, 50 - 8.0),
    ("ks2_rwm_expected_gap_national", "group=SEN_support"): (None, 1, 100 - 20.0),
    ("ks2_rwm_expected_gap_national", "group=no_SEN"): (None, 2, 50 - 70.0),
    ("ks4_attainment8_gap_national", "group=EHCP"): (None, 1, 20.5 - 14.0),
    ("ks4_attainment8_gap_national", "group=SEN_support"): (None, 1, 35 - 33.5),
    ("ks4_attainment8_gap_national", "group=no_SEN"): (None, 2, 95.5 / 2 - 50.0),
    # therapies
    ("therapy_referrals", "all"): _count(5),
    ("therapy_referrals", "service=SLT"): _count(2),
    ("therapy_referrals", "service=OT"): _count(3),
    ("therapy_referrals", "service=PHYSIO"): _count(0),
    ("therapy_referrals", "service=CDS"): _count(0),
    ("therapy_referrals", "service=ND"): _count(0),
    ("therapy_waiting", "all"): _count(12),
    ("therapy_waiting", "service=SLT"): _count(7),
    ("therapy_waiting", "service=OT"): _count(4),
    ("therapy_waiting", "service=PHYSIO"): _count(0),
    ("therapy_waiting", "service=CDS"): _count(1),
    ("therapy_waiting", "service=ND"): _count(0),
    ("therapy_wait_mean_weeks", "all"): _mean(1653 / 7, 12),
    ("therapy_wait_mean_weeks", "service=SLT"): _mean(1192 / 7, 7),
    ("therapy_wait_mean_weeks", "service=OT"): _mean(61 / 7, 4),
    ("therapy_wait_mean_weeks", "service=PHYSIO"): _mean(0, 0),
    ("therapy_wait_mean_weeks", "service=CDS"): _mean(400 / 7, 1),
    ("therapy_wait_mean_weeks", "service=ND"): _mean(0, 0),
    ("therapy_wait_median_weeks", "all"): _median(90 / 7, 12),  # (59 + 121) / 2
    ("therapy_wait_median_weeks", "service=SLT"): _median(126 / 7, 7),
    ("therapy_wait_median_weeks", "service=OT"): _median(15 / 7, 4),  # (10 + 20) / 2
    ("therapy_wait_median_weeks", "service=PHYSIO"): _median(None, 0),
    ("therapy_wait_median_weeks", "service=CDS"): _median(400 / 7, 1),
    ("therapy_wait_median_weeks", "service=ND"): _median(None, 0),
    ("therapy_over_18w", "all"): _pct(4, 12),
    ("therapy_over_18w", "service=SLT"): _pct(3, 7),
    ("therapy_over_18w", "service=OT"): _pct(0, 4),
    ("therapy_over_18w", "service=PHYSIO"): _pct(0, 0),
    ("therapy_over_18w", "service=CDS"): _pct(1, 1),
    ("therapy_over_18w", "service=ND"): _pct(0, 0),
    ("therapy_over_52w", "all"): _count(2),
    ("therapy_over_52w", "service=SLT"): _count(1),
    ("therapy_over_52w", "service=OT"): _count(0),
    ("therapy_over_52w", "service=PHYSIO"): _count(0),
    ("therapy_over_52w", "service=CDS"): _count(1),
    ("therapy_over_52w", "service=ND"): _count(0),
    ("therapy_seen_wait_median_weeks", "all"): _median(60 / 7, 3),
    ("therapy_seen_wait_median_weeks", "service=SLT"): _median(81 / 7, 1),
    ("therapy_seen_wait_median_weeks", "service=OT"): _median(51.5 / 7, 2),  # (43 + 60) / 2
    ("therapy_seen_wait_median_weeks", "service=PHYSIO"): _median(None, 0),
    ("therapy_seen_wait_median_weeks", "service=CDS"): _median(None, 0),
    ("therapy_seen_wait_median_weeks", "service=ND"): _median(None, 0),
    # preparing for adulthood (nccis 2024-04-04; academic age on 31 August 2023)
    # 16-17, custody out: EHCP N1 N2 N3 N6 N8; SEN support S1-S7 S9 S10; no SEN nobody
    # (X1 15, X2 18, X3 custody); blank B1 B2 (B3 has no date of birth): 16 in all
    ("post16_eet", "all"): _pct(5, 16),  # N1 N6 S9 S10 B1
    ("post16_eet", "group=EHCP"): _pct(2, 5),  # N1 (Sep 2006), N6 (290); N3 lapsed is not EET
    ("post16_eet", "group=SEN_support"): _pct(2, 9),  # S9 (Sep 2005, 17), S10 (blank currency)
    ("post16_eet", "group=no_SEN"): _pct(0, 0),  # a group with nobody: blank value
    ("post16_neet_nk", "all"): _pct(7, 16),  # N2 N3 S1 S2 S3 S4 B2
    ("post16_neet_nk", "group=EHCP"): _pct(2, 5),  # N2 NEET, N3 EET code lapsed; N8 (120) neither
    ("post16_neet_nk", "group=SEN_support"): _pct(4, 9),  # S1 NEET lapsed, 810 820 830; 260 530 720 neither
    ("post16_neet_nk", "group=no_SEN"): _pct(0, 0),  # a group with nobody: blank value
    # 19-24 with an EHC plan: A1 (19) A2 (19) A3 (24) A4 (24) A9 (720) A10 (lapsed); A5 25, A6 18,
    # A7 SEN support, A8 custody, A11 blank status out
    ("post19_eet", "all"): _pct(2, 6),  # A1 A3
    # the area's (890) mainstream schools S1-S8; trained SENCO by PE at S1 (twice), S4 (on PE), S8
    ("senco_trained", "all"): _pct(3, 8),
}
