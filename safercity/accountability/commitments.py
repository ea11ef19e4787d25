"""The city's ten commitments. Each names the module that measures it, what is measured,
and the target. Changing a commitment is a code change, reviewed in public. The words are
marked for the catalog and said in the reader's language by the pages (`|say`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _


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
        _("Focused deterrence"),
        _(
            "Group violence intervention: call-ins, services and outreach for groups, never lists "
            "of individuals scored by a computer."
        ),
        _("Shootings and homicides connected to groups, per quarter, against the year before."),
        _("Fewer group-connected shootings every quarter than the same quarter a year earlier."),
        "violence",
        _("violence-reduction programs"),
    ),
    Commitment(
        2,
        "effective-policing",
        _("More effective policing"),
        _("Patrol staffing set by workload (calls for service, time on scene) instead of ratios."),
        _("Share of patrol hours where staffed units meet the workload model's need."),
        _("At least 95% of patrol hours staffed to the workload model."),
        "staffing",
        _("patrol workload staffing"),
    ),
    Commitment(
        3,
        "intelligence-exchange",
        _("Intelligence exchange"),
        _(
            "A formal process inside the department, with regional partners and the public, under "
            "28 CFR Part 23, with feedback deadlines."
        ),
        _("Share of tips and requests answered within their feedback deadline."),
        _("At least 90% answered on time; every record reviewed within its retention period."),
        "intelligence",
        _("intelligence exchange"),
    ),
    Commitment(
        4,
        "answer-all-911",
        _("Answer all 911 calls"),
        _(
            "No caller hears a recording: every call is answered by a person, every abandoned call "
            "is called back."
        ),
        _(
            "NENA-STA-020.1: share of 911 calls answered within 15 and 20 seconds of arrival, per "
            "month; share of abandoned calls called back."
        ),
        _(
            "90% answered within 15 s and 95% within 20 s every month; 100% of abandoned calls "
            "called back."
        ),
        "emergency",
        _("911 call handling"),
    ),
    Commitment(
        5,
        "311",
        _("311 for routine concerns"),
        _("An Open311 service that takes routine concerns off 911 and closes them on time."),
        _(
            "Share of 311 requests closed within their service's deadline; non-emergency calls "
            "moved from 911 to 311."
        ),
        _("At least 85% of 311 requests closed on time."),
        "service311",
        _("311 service"),
    ),
    Commitment(
        6,
        "problem-landlords",
        _("Problem Landlord Unit"),
        _("Inspections focused on the owners of the worst-kept properties."),
        _("Violations issued on non-owner-occupied units per month, against the baseline year."),
        _("Double the baseline's monthly violations on non-owner-occupied units."),
        "properties",
        _("Problem Landlord Unit"),
    ),
    Commitment(
        7,
        "root-causes",
        _("Root causes"),
        _(
            "The city's Racial Equity Indicators, and services for addiction, mental health and "
            "people without housing."
        ),
        _(
            "The Equity Indicators score and referrals completed to addiction, mental-health and "
            "housing services."
        ),
        _("A higher Equity Indicators score each year."),
        "equity",
        _("equity indicators"),
    ),
    Commitment(
        8,
        "clinicians",
        _("Licensed clinical social workers"),
        _("Clinicians answer eligible behavioural-health calls, with or instead of police."),
        _("Share of eligible calls routed to a clinician or co-responder."),
        _("At least 75% of eligible calls routed to a clinician."),
        "emergency",
        _("911 call handling"),
    ),
    Commitment(
        9,
        "use-of-force",
        _("Use-of-force transparency"),
        _("Every use-of-force incident recorded, investigated and published."),
        _("Incidents published, and investigations closed within 90 days."),
        _("100% of incidents published; at least 90% of investigations closed within 90 days."),
        "useofforce",
        _("use-of-force reporting"),
    ),
    Commitment(
        10,
        "equity-inclusion",
        _("Office of Equity and Inclusion"),
        _("Fairness in recruitment, hiring, promotion and discipline."),
        _("Selection rates by group at each step (the four-fifths rule)."),
        _("No step with an impact ratio below 0.8 left unexplained."),
        "workforce",
        _("workforce equity"),
    ),
)

# The goal the whole plan is judged by.
HOMICIDE_BASELINE_KEY = "homicides_baseline_2020"
HOMICIDE_REDUCTION = 0.30
