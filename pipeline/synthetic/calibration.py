"""The calibration: Blackpool's published figures (and national shapes) that size the synthetic inbox.

Each constant names the open-data file it was copied from (Crown copyright, Open Government
Licence v3.0); figures for years not yet published are projections made here, marked as such.
Nothing is read from the reference folder at run time.
"""
from __future__ import annotations

from datetime import date

import numpy as np

LA_CODE = 890
HISTORY_MONTHS = 36
EXTRACT_DAY = 5
NEVER = int(np.iinfo(np.int32).max)  # an event that has not happened (or never will)
ALWAYS = int(np.iinfo(np.int32).min)  # "since before anything we simulate"
V12_FROM = date(2024, 4, 1)  # extracts before this date use the SEN2 v1.1 layout
CHUNK_ROWS = 100_000  # rows turned into text and written at a time (bounds memory)

# ---------------------------------------------------------------------------------------
# Calibration (Blackpool, LA 890). Sources are files under shared/reference/.
# ---------------------------------------------------------------------------------------
# ehcp_2025/caseload.csv, "All EHC plans", ehcplans: plans in force in January.
# 2026 and 2027 are projections made here (growth slowing from +13.6% to about +9%).
PLANS_JAN = {2019: 858, 2020: 1021, 2021: 1206, 2022: 1249, 2023: 1312, 2024: 1462,
             2025: 1661, 2026: 1830, 2027: 1990}
# ehcp_2025/newplans.csv, "New EHC plans", new_ehc_plans by calendar year (2025-26 projected).
NEW_PLANS = {2019: 186, 2020: 173, 2021: 141, 2022: 151, 2023: 202, 2024: 234,
             2025: 252, 2026: 268}
# ehcp_2025/timeliness_20_week.csv, PC_plans_issued_20_weeks_ex (2025-26 projected).
WITHIN_20WK_PC = {2019: 65.2, 2020: 88.1, 2021: 73.6, 2022: 83.8, 2023: 85.0, 2024: 61.6,
                  2025: 58.0, 2026: 66.0}
# Same file: exceptions = plans_issued_den - plans_issued_den_ex (2024: 4 of 220).
EXCEPTION_SHARE = 4 / 220
# ehcp_2025/requests.csv, requests_received_in_year (2025-26 projected).
REQUESTS = {2019: 221, 2020: 172, 2021: 216, 2022: 269, 2023: 359, 2024: 423,
            2025: 445, 2026: 465}
# requests.csv 2024: 89 of 423 not to assess, 10 withdrawn, 97.9% decided within 6 weeks.
REQ_NOT_ASSESS_SHARE, REQ_WITHDRAWN_SHARE, REQ_WITHIN_6WK = 89 / 423, 10 / 423, 0.979
# ehcp_2025/assessments.csv 2024: 227 plans issued, 31 not issued, 8 withdrawn.
ASSESS_NOT_ISSUED_PER_PLAN, ASSESS_WITHDRAWN_PER_PLAN = 31 / 227, 8 / 227
# requests.csv 2024, requests by age ("Aged 2 and under" spread over 0-2), ages 0..17.
REQUEST_AGE = (1, 3, 7, 57, 47, 32, 29, 24, 30, 36, 36, 20, 14, 34, 20, 23, 8, 2)
# timeliness_20_week.csv 2024, plans issued by age (plans_issued_den), ages 0..17.
NEW_PLAN_AGE = (0.5, 1, 2.5, 44, 44, 9, 16, 14, 17, 15, 22, 5, 4, 8, 6, 9, 2, 1)
# caseload.csv 2024/25 "Sex": 1,155 of 1,661 plans are for boys.
MALE_SHARE_PLANS = 1155 / 1661
# ehcp_2025/sen_needs_all_plans.csv 2024/25, number_<need> (the last is number_need_unknown).
NEED_CODES = ("ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI")
NEED_COUNTS = (436, 13, 227, 2, 58, 90, 12, 307, 404, 62, 35, 13, 2)
# Age of plans in force (not published for Blackpool): national shape, years 0..25.
CASELOAD_AGE = (0.0, 0.3, 1.0, 1.6, 2.4) + (5.4,) * 6 + (7.0,) * 5 + (5.2,) * 4 + (1.1,) * 6

# community_health_waits.csv, provider RXL (Blackpool Teaching Hospitals), October 2023:
# SLT 155 waiting (60 at 18-52 weeks, 5 over 52), OT 61 (4, 0), physiotherapy 57 (20, 0).
# Community paediatrics (CDS) and the neurodevelopmental pathway (ND) have no Blackpool
# row: CDS follows England's community paediatric line divided by 385 (83,253 waiting,
# 60% over 18 weeks, 17% over 52); ND is an assumption (long waits are typical).
# Columns: referrals a month, reject share, urgent share, pre-contact discharge share,
# fast-wait share, fast mean (days), slow wait range (days), tail share, tail extra range.
THERAPY = {
    "SLT": (37, 0.08, 0.05, 0.06, 0.40, 22, (125, 315), 0.05, (150, 330)),
    "OT": (25, 0.10, 0.08, 0.05, 0.68, 60, (90, 165), 0.0, (0, 1)),
    "PHYSIO": (18, 0.06, 0.15, 0.04, 0.50, 25, (130, 290), 0.0, (0, 1)),
    "CDS": (27, 0.07, 0.10, 0.05, 0.22, 40, (110, 380), 0.30, (200, 500)),
    "ND": (16, 0.12, 0.02, 0.04, 0.05, 60, (150, 500), 0.55, (250, 700)),
}
THERAPY_AGE = {"SLT": (1.5, 9), "OT": (2, 16), "PHYSIO": (0, 17), "CDS": (0, 12), "ND": (3, 16)}
THERAPY_TEAMS = {"SLT": ("SLT-EY", "SLT-SCH", "SLT-SPEC"), "OT": ("OT-CYP",),
                 "PHYSIO": ("PHYSIO-CYP",), "CDS": ("CDS-PAED",), "ND": ("ND-ASD", "ND-ADHD")}

# School census: base pupils a year group (the council's EHCP children come on top).
COHORT_PUPILS = 1600
TERM_SESSIONS = {"AUT": 124, "SPR": 140, "SUM": 118}

# NCCIS caseload. nccis/UD_NEETNK_LA_dashboard_2025_final.csv, Blackpool, 16-17 year olds, mean of December 2024
# to February 2025: 3,210 young people, NEET + not known 8.9% (NEET 7.6%, not known 1.3%); the 2023 file gives
# 10.1% for EHCP and 17.2% for SEN support. Aimed at here: 8.9% overall, 12-15% EHCP, 15-17% SEN support, about
# 7% no SEN, with not known about 2.5% in those months.
# Share NEET (before not known) of the census pupils at academic age 16 and 17, by sen_status ("" = not recorded;
# EHCP: plans of other LAs); sixth formers are never NEET, so the rest carry it.
NCCIS_NEET = {"EHCP": (0.09, 0.12), "SEN_support": (0.115, 0.155), "no_SEN": (0.035, 0.057), "": (0.06, 0.085)}
NCCIS_ADULT_NEET = 0.40  # SEN support young people of 18-24 (no published figure: an assumption)
# The council's EHCP young people: SEN2 settings are updated at the annual review, CCIS monthly, so CCIS knows
# better. At 16-17 a share NCCIS_EHCP_NEET is NEET (SEN2's NEET settings first, then some education settings); at 18+
# the shares of SEN2 NEET settings that stay NEET and of education settings that CCIS records NEET. Assumptions
# that bring EHCP 16-17 NEET + not known to 12-15% and EHCP 19-24 EET to 40-55%.
NCCIS_EHCP_NEET, NCCIS_EHCP_ADULT = 0.105, (0.92, 0.18)
NCCIS_OTHER = 0.012  # gap year, re-engagement, refugee and custody, of those not NEET
# Not known: share of activities not yet confirmed in September (academic age 16, 17 and over), kept each later
# month by DECAY; a record's currency lapses in a month with LAPSE; LOST cannot be contacted all year.
NCCIS_UNCONFIRMED, NCCIS_CONFIRM_DECAY = (0.22, 0.1), 0.4
NCCIS_LAPSE, NCCIS_LOST = 0.012, 0.006
NCCIS_SWITCH = 0.2  # share of young people whose activity changes once during an academic year
# Young people CCIS tracks who are not in the census: incomers (a year group; moved in, independent schools,
# home education; tracked at 16-17 from their arrival) and SEN support young people (a year of age, 18-24).
NCCIS_INCOMERS, NCCIS_SEND_ADULTS = 95, 18
NEIGHBOUR_LAS = (888, 888, 888, 889)  # Lancashire, and Blackburn with Darwen

# Workforce: schools whose SENCO is trained in the graduated approach, at the first and last period ends of the
# inbox (the plan's target is 75%); the rest of the log is sized by these figures a school and year.
SENCO_TRAINED = (0.30, 0.73)
SECOND_SENCO, ASSISTANT_SENCO, SENCO_OTHER_COURSE = 0.15, 0.25, 0.4
STAFF_PLACES_A_YEAR = 2.5

# The seed's estate in LA 890 and the out-of-area establishments placements use.
# (kind, GIAS type codes cycled over the count, count, phase, in the LA)
ESTATE = (
    ("primary", (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 28, 28, 28, 28, 28, 28, 28, 28,
                 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 35, 35), 33, "Primary", True),
    ("secondary", (28, 28, 28, 34, 34, 35), 6, "Secondary", True),
    ("all_through", (34, 28), 2, "All-through", True),
    ("special", (7, 44, 44, 36), 4, "Not applicable", True),
    ("pru", (14,), 1, "Not applicable", True),
    ("fe", (18,), 2, "16 plus", True),
    ("primary", (28, 1), 2, "Primary", False),
    ("secondary", (34, 5, 35), 3, "Secondary", False),
    ("independent", (11, 11, 6), 3, "All-through", False),
    ("special", (7, 12, 33, 44, 36), 5, "Not applicable", False),
    ("special", (10,), 6, "Not applicable", False),
    ("special", (8,), 2, "Not applicable", False),
    ("pru", (38, 42, 43), 3, "Not applicable", False),
    ("fe", (18, 31, 39, 45, 46, 57), 6, "16 plus", False),
    ("fe", (32,), 2, "16 plus", False),
    ("other", (24, 56, 15), 3, "Not applicable", False),
)
OTHER_LAS = (888, 889, 876, 352, 341, 354, 355, 909, 942, 893, 895, 896)
PROVIDERS_WITHOUT_URN = 4  # UKPRN-only training providers (no GIAS URN)

# ---------------------------------------------------------------------------------------
# Placement categories and how likely each is, by phase of education and "track".
# ---------------------------------------------------------------------------------------
CATS = ("MS_LA", "MS_ACAD", "MS_ACAD_RP", "MS_ACAD_UNIT", "MS_FREE", "MS_INDEP", "SP_LA",
        "SP_ACAD", "SP_INDEP", "SP_NM", "AP", "FE", "SPEC16", "UKPRN", "EHE", "OLA", "OPA",
        "NEET", "NIEC", "NIEO", "EYP", "OTH", "OTH_EST")
C = {name: i for i, name in enumerate(CATS)}
CAT_TYPES = {"MS_LA": (1, 2, 3, 5), "MS_ACAD": (28, 34), "MS_ACAD_RP": (28, 34),
             "MS_ACAD_UNIT": (28, 34), "MS_FREE": (35,), "MS_INDEP": (11, 6),
             "SP_LA": (7, 12), "SP_ACAD": (33, 36, 44), "SP_INDEP": (10,), "SP_NM": (8,),
             "AP": (14, 38, 42, 43), "FE": (18, 31, 39, 45, 46, 57), "SPEC16": (32,),
             "OTH_EST": (24, 56, 15)}
CAT_IN_LA = {"MS_LA": 0.93, "MS_ACAD": 0.93, "MS_ACAD_RP": 0.93, "MS_ACAD_UNIT": 0.93,
             "MS_FREE": 0.93, "SP_LA": 0.85, "SP_ACAD": 0.88, "AP": 0.9, "FE": 0.85}
SENSETTING = {"EHE": "EHE", "OLA": "OLA", "OPA": "OPA", "NEET": "NEET", "NIEC": "NIEC",
              "NIEO": "NIEO", "EYP": "EYP", "OTH": "OTH"}
_MS = {"MS_LA": 0.14, "MS_ACAD": 0.58, "MS_ACAD_RP": 0.015, "MS_ACAD_UNIT": 0.07,
       "MS_FREE": 0.06, "MS_INDEP": 0.03, "EHE": 0.02, "OLA": 0.05, "AP": 0.005,
       "OTH_EST": 0.005, "OTH": 0.005}
_SP = {"SP_LA": 0.2, "SP_ACAD": 0.74, "SP_NM": 0.005, "SP_INDEP": 0.03, "OLA": 0.025}
_IND = {"SP_INDEP": 0.85, "MS_INDEP": 0.07, "OLA": 0.08}
# PHASE_TABLE[track][phase]: phases are early years, primary, secondary, 16-18, 19-25.
PHASE_TABLE = {
    0: ({"EYP": 0.4, "MS_LA": 0.35, "MS_ACAD": 0.25}, _MS,
        {**_MS, "MS_LA": 0.03, "OLA": 0.06, "EHE": 0.04, "AP": 0.01},
        {"FE": 0.5, "MS_ACAD": 0.08, "SPEC16": 0.04, "UKPRN": 0.03, "NEET": 0.2,
         "NIEO": 0.04, "NIEC": 0.01, "OLA": 0.05, "EHE": 0.02},
        {"FE": 0.36, "SPEC16": 0.05, "UKPRN": 0.03, "NEET": 0.38, "NIEO": 0.07,
         "NIEC": 0.03, "OLA": 0.05}),
    1: ({"EYP": 0.25, "SP_LA": 0.3, "SP_ACAD": 0.45}, _SP, _SP,
        {"SP_ACAD": 0.5, "SP_LA": 0.1, "FE": 0.2, "SPEC16": 0.07, "NEET": 0.09,
         "OLA": 0.04},
        {"FE": 0.32, "SPEC16": 0.2, "NEET": 0.33, "OLA": 0.08, "NIEO": 0.07}),
    2: ({"EYP": 1.0}, _IND, _IND,
        {"SP_INDEP": 0.5, "SPEC16": 0.2, "FE": 0.1, "NEET": 0.15, "OLA": 0.05},
        {"SPEC16": 0.45, "NEET": 0.35, "FE": 0.2}),
}
# Share of plans on the special (1) and independent (2) tracks, by primary need.
TRACK_BY_NEED = {"ASD": (0.5, 0.07), "HI": (0.22, 0.01), "MLD": (0.56, 0.01),
                 "MSI": (0.5, 0.05), "OTH": (0.33, 0.02), "PD": (0.42, 0.02),
                 "PMLD": (0.95, 0.03), "SEMH": (0.34, 0.14), "SLCN": (0.21, 0.01),
                 "SLD": (0.92, 0.03), "SPLD": (0.06, 0.02), "VI": (0.22, 0.02)}

ETHNICITY = ("WBRI", "WIRI", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
             "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNICITY_P = (0.87, 0.005, 0.03, 0.003, 0.012, 0.004, 0.008, 0.01, 0.006, 0.003, 0.006,
               0.004, 0.002, 0.006, 0.001, 0.004, 0.008, 0.015, 0.002)
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Walsh", "Holt", "Hargreaves",
            "Ashworth", "Whittaker", "Singh", "Khan", "Kowalski", "O'Neill", "Clarke",
            "Barton", "Lund", "Cookson", "Rigby", "Fletcher", "Hughes", "Shaw", "Nowak",
            "Ali", "Parkinson", "Bamber", "Sutcliffe", "Entwistle", "Okafor", "Wright")
BOYS = ("Oliver", "Noah", "Jack", "Leo", "Harry", "Charlie", "Alfie", "Theo", "Archie",
        "Oscar", "Jacob", "Kai", "Mohammed", "Jakub", "Tyler", "Riley")
GIRLS = ("Amelia", "Isla", "Ava", "Mia", "Freya", "Lily", "Grace", "Evie", "Poppy", "Ella",
         "Ruby", "Zofia", "Aisha", "Maya", "Willow", "Harper")
