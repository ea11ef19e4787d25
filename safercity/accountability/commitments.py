"""The city's ten commitments. Each names the module that measures it, what is measured,
and the target. Changing a commitment is a code change, reviewed in public."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Commitment:
    number: int
    slug: str
    title: str
    summary: str
    measure: str
    target: str
    module: str  # the Django app label that measures it
    module_name: str


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        1,
        "focused-deterrence",
        "Focused deterrence",
        "Group violence intervention: call-ins, services and outreach for groups, never lists "
        "of individuals scored by a computer.",
        "Shootings and homicides connected to groups, per quarter, against the year before.",
        "Fewer group-connected shootings every quarter than the same quarter a year earlier.",
        "violence",
        "violence-reduction programs",
    ),
    Commitment(
        2,
        "effective-policing",
        "More effective policing",
        "Patrol staffing set by workload (calls for service, time on scene) instead of ratios.",
        "Share of patrol hours where staffed units meet the workload model's need.",
        "At least 95% of patrol hours staffed to the workload model.",
        "patrol",
        "patrol workload staffing",
    ),
    Commitment(
        3,
        "intelligence-exchange",
        "Intelligence exchange",
        "A formal process inside the department, with regional partners and the public, under "
        "28 CFR Part 23, with feedback deadlines.",
        "Share of tips and requests answered within their feedback deadline.",
        "At least 90% answered on time; every record reviewed within its retention period.",
        "intelligence",
        "intelligence exchange",
    ),
    Commitment(
        4,
        "answer-all-911",
        "Answer all 911 calls",
        "No caller hears a recording: every call is answered by a person, every abandoned call "
        "is called back.",
        "NENA-STA-020.1: share of 911 calls answered within 15 and 20 seconds of arrival, per "
        "month; share of abandoned calls called back.",
        "90% answered within 15 s and 95% within 20 s every month; 100% of abandoned calls "
        "called back.",
        "emergency",
        "911 call handling",
    ),
    Commitment(
        5,
        "311",
        "311 for routine concerns",
        "An Open311 service that takes routine concerns off 911 and closes them on time.",
        "Share of 311 requests closed within their service's deadline; non-emergency calls "
        "moved from 911 to 311.",
        "At least 85% of 311 requests closed on time.",
        "service311",
        "311 service",
    ),
    Commitment(
        6,
        "problem-landlords",
        "Problem Landlord Unit",
        "Inspections focused on the owners of the worst-kept properties.",
        "Violations issued on non-owner-occupied units per month, against the baseline year.",
        "Double the baseline's monthly violations on non-owner-occupied units.",
        "properties",
        "Problem Landlord Unit",
    ),
    Commitment(
        7,
        "root-causes",
        "Root causes",
        "The city's Racial Equity Indicators, and services for addiction, mental health and "
        "people without housing.",
        "The Equity Indicators score and referrals completed to addiction, mental-health and "
        "housing services.",
        "A higher Equity Indicators score each year.",
        "equity",
        "equity indicators",
    ),
    Commitment(
        8,
        "clinicians",
        "Licensed clinical social workers",
        "Clinicians answer eligible behavioural-health calls, with or instead of police.",
        "Share of eligible calls routed to a clinician or co-responder.",
        "At least 75% of eligible calls routed to a clinician.",
        "emergency",
        "911 call handling",
    ),
    Commitment(
        9,
        "use-of-force",
        "Use-of-force transparency",
        "Every use-of-force incident recorded, investigated and published.",
        "Incidents published, and investigations closed within 90 days.",
        "100% of incidents published; at least 90% of investigations closed within 90 days.",
        "useofforce",
        "use-of-force reporting",
    ),
    Commitment(
        10,
        "equity-inclusion",
        "Office of Equity and Inclusion",
        "Fairness in recruitment, hiring, promotion and discipline.",
        "Selection rates by group at each step (the four-fifths rule).",
        "No step with an impact ratio below 0.8 left unexplained.",
        "workforce",
        "workforce equity",
    ),
)

# The goal the whole plan is judged by.
HOMICIDE_BASELINE_KEY = "homicides_baseline_2020"
HOMICIDE_REDUCTION = 0.30
