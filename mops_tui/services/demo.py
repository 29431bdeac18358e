"""The demo workspace that ``mops demo`` loads: a realistic marketing team and its stack.

Everything goes through the real services (:mod:`mops_tui.services.people` and
:mod:`mops_tui.services.stack`), so every process standard applies and the audit log
records each step, exactly as if a person had typed it in.

Every date is an offset from ``ws.today()``, so the derived values (days to renewal,
cancel-by dates, overdue reviews) mean the same thing whenever the demo is loaded; with
``MOPS_TODAY`` fixed the data is identical on every run, which the UI snapshots rely on.

The data is chosen so that every flag in :data:`mops_tui.domain.tools.FLAG_CODES` is
tripped by at least one tool:

- compliance: 6sense (evaluating, holds personal data, no DPA yet) and Airtable
  (receives attendee lists from Cvent but is not marked as holding personal data);
- notice: Hootsuite and ZoomInfo (cancel-by date within 30 days, auto-renewing) and
  Semrush (cancel-by date has passed, renewal still ahead);
- renewal: ON24 (renewal date has passed and no new term is recorded);
- decommission: VWO and Sprout Social (few seats used, costly, nothing integrates);
- review: Meta Ads Manager, WordPress VIP and Slack (reviewed over a year ago) and
  Looker Studio (never reviewed);
- seats: Canva (more seats in use than bought).

The KPIs (:data:`KPIS`, loaded by :func:`_load_kpis` through
:mod:`mops_tui.services.kpis`) draw data from the stack but never from VWO or Sprout
Social, so those two stay decommission candidates. Most are active; the webinar
attendance rate has no target (the NO TARGET flag); two drafts are incomplete (share of
voice has no data source, and the intent KPI draws from 6sense, still being evaluated);
the old MQL rate is deprecated with the MQL → SQL rate as its successor; and the
marketing-sourced pipeline changed meaning twice, so it has three versions.

The budget ledger (:data:`LEDGER`, loaded by :func:`_load_ledger` through
:mod:`mops_tui.services.ledger`) plans two fiscal years, the current one and the one
before, from ``ws.fy_start``: month lines for paid media, email and software (three of
them pay for HubSpot, Salesforce and Semrush), quarter lines for events, content, brand,
research, webinars and agencies, and campaign lines for the spring launch and the annual
conference. A few thousand invoices up to today go in through one ``import_spend``
batch; most lines finish under plan, some at 90–100% and a few over (:data:`STORY` fixes
the ones this month and quarter show). There are refunds, two corrections (so reversals
show), every month that ended more than two months ago is closed (last month is left
open), and one closed month was reopened for a late invoice and closed again. Each line
draws from its own seeded random stream, so with ``MOPS_TODAY`` fixed the ledger is the
same on every run.

The brief queue (:data:`BRIEFS`, loaded by :func:`_load_briefs` through
:mod:`mops_tui.services.briefs`) holds 60 briefs in every state. Each walks its story
(:data:`STORIES`) through the real moves with the workspace clock set to the moment of
each step, so every guard applies and the history reads as it happened. Every SLA flag
is tripped: OVERDUE (two approved briefs and a draft past their launch, and a submitted
one that also waits too long), AT RISK (three approved briefs launching within five
working days) and WAITING (submitted more than three working days ago). Seven briefs
were returned with a reason (three are still drafts, three were resubmitted, one ran to
done); five were cancelled with a reason from every open state; the submitted ones show
the rules that block approval (no owner yet, a draft KPI, no target, budget with no
line, a line whose quarter the launch slipped out of). Done briefs carry a result or
why it could not be measured, and the invoices that paid for launched briefs carry their
brief number in the spend import, so count KPIs show a cost per result while the
ledger's totals stay as they are.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mops_tui.domain import ledger as ledger_rules
from mops_tui.domain.briefs import BriefPolicy
from mops_tui.domain.dates import add_working_days, working_days_between
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.ledger import Period
from mops_tui.services import briefs, kpis, ledger, people, stack
from mops_tui.services.workspace import Workspace

# ---------------------------------------------------------------------------
# The team
# ---------------------------------------------------------------------------

PEOPLE: tuple[dict[str, str], ...] = (
    {
        "handle": "ana",
        "name": "Ana Costa",
        "email": "ana.costa@example.com",
        "team": "Marketing Ops",
    },
    {
        "handle": "ben",
        "name": "Ben Okafor",
        "email": "ben.okafor@example.com",
        "team": "Demand Gen",
    },
    {
        "handle": "chloe",
        "name": "Chloe Martin",
        "email": "chloe.martin@example.com",
        "team": "Content",
    },
    {
        "handle": "dev",
        "name": "Dev Patel",
        "email": "dev.patel@example.com",
        "team": "Web",
    },
    {
        "handle": "elif",
        "name": "Elif Yılmaz",
        "email": "elif.yilmaz@example.com",
        "team": "Analytics",
    },
    {
        "handle": "farid",
        "name": "Farid Haddad",
        "email": "farid.haddad@example.com",
        "team": "Sales Ops",
    },
    {
        "handle": "grace",
        "name": "Grace Lindqvist",
        "email": "grace.lindqvist@example.com",
        "team": "Brand",
    },
    {
        "handle": "hiro",
        "name": "Hiro Tanaka",
        "email": "hiro.tanaka@example.com",
        "team": "Events",
    },
)


# ---------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTool:
    """One tool as it is first added. Dates are day offsets from today."""

    name: str
    vendor: str
    category: str
    owner: str
    purpose: str
    status: str = "active"
    cost: str | None = None  # as typed in the form, in pounds: "14400"
    cycle: str = "annual"
    renews_in: int | None = None  # days from today; negative means already passed
    auto_renew: bool = True
    notice: int = 30
    seats_bought: int | None = None
    seats_used: int | None = None
    personal: bool = False
    dpa_days_ago: int | None = None
    region: str | None = None
    reviewed_days_ago: int | None = None
    website: str | None = None
    notes: str = ""

    def raw(self, today: date) -> dict[str, Any]:
        """The values a person would type into the add-tool form."""
        return {
            "name": self.name,
            "vendor": self.vendor,
            "category": self.category,
            "owner": self.owner,
            "purpose": self.purpose,
            "status": self.status,
            "annual_cost": self.cost,
            "billing_cycle": self.cycle,
            "renewal_date": _day(today, self.renews_in),
            "auto_renew": self.auto_renew,
            "notice_days": self.notice,
            "seats_bought": self.seats_bought,
            "seats_used": self.seats_used,
            "holds_personal_data": self.personal,
            "dpa_signed_on": _day(today, _neg(self.dpa_days_ago)),
            "data_region": self.region,
            "last_reviewed_on": _day(today, _neg(self.reviewed_days_ago)),
            "website": self.website,
            "notes": self.notes,
        }


def _neg(days: int | None) -> int | None:
    return None if days is None else -days


def _day(today: date, offset: int | None) -> str | None:
    """``today`` moved by ``offset`` days, as the ISO text a form accepts."""
    if offset is None:
        return None
    return (today + timedelta(days=offset)).isoformat()


_AD_NOTE = "The platform is free; media spend is tracked in the budget ledger."

TOOLS: tuple[DemoTool, ...] = (
    # -- CRM, automation and email ----------------------------------------------
    DemoTool(
        "HubSpot Marketing Hub",
        "HubSpot",
        "Marketing automation",
        "ana",
        "Runs nurture emails, landing pages and lead scoring for every inbound programme.",
        cost="36000",
        renews_in=140,
        notice=60,
        seats_bought=30,
        seats_used=24,
        personal=True,
        dpa_days_ago=400,
        region="EU",
        reviewed_days_ago=380,
        website="hubspot.com",
    ),
    DemoTool(
        "Salesforce Sales Cloud",
        "Salesforce",
        "CRM",
        "farid",
        "System of record for accounts, opportunities and the pipeline marketing is "
        "measured against.",
        cost="90000",
        renews_in=210,
        notice=90,
        seats_bought=110,
        seats_used=108,
        personal=True,
        dpa_days_ago=900,
        region="EU",
        reviewed_days_ago=150,
        website="salesforce.com/products/sales",
    ),
    DemoTool(
        "Marketo Engage",
        "Adobe",
        "Marketing automation",
        "ana",
        "Legacy automation for the EMEA nurture programmes, wound down after the move to HubSpot.",
        cost="42000",
        renews_in=95,
        notice=90,
        seats_bought=10,
        seats_used=3,
        personal=True,
        dpa_days_ago=1500,
        region="EU",
        reviewed_days_ago=60,
        website="business.adobe.com/products/marketo.html",
    ),
    DemoTool(
        "Mailchimp",
        "Intuit Mailchimp",
        "Email",
        "ben",
        "Sent the monthly customer newsletter before email moved into HubSpot.",
        cost="2900",
        cycle="monthly",
        renews_in=15,
        notice=0,
        personal=True,
        dpa_days_ago=1400,
        region="US",
        reviewed_days_ago=300,
        website="mailchimp.com",
    ),
    DemoTool(
        "Litmus",
        "Litmus",
        "Email",
        "ana",
        "Previews and spam-tests every email across clients and devices before it is sent.",
        cost="2388",
        renews_in=160,
        seats_bought=4,
        seats_used=4,
        reviewed_days_ago=110,
        website="litmus.com",
    ),
    # -- Analytics, data and CDP ---------------------------------------------------
    DemoTool(
        "Google Analytics 4",
        "Google",
        "Analytics",
        "elif",
        "Measures traffic, engagement and conversions across all of our web properties.",
        cost="0",
        renews_in=220,
        notice=0,
        personal=True,
        dpa_days_ago=1000,
        region="US",
        reviewed_days_ago=120,
        website="analytics.google.com",
        notes="Standard (free) property; Google's data processing terms accepted in the admin.",
    ),
    DemoTool(
        "Looker Studio",
        "Google",
        "Analytics",
        "elif",
        "Free dashboards of channel performance shared with the wider marketing team.",
        cost="0",
        renews_in=300,
        notice=0,
        website="lookerstudio.google.com",
    ),
    DemoTool(
        "Tableau",
        "Salesforce",
        "Analytics",
        "elif",
        "Board and CFO reporting on pipeline, spend and marketing-sourced revenue.",
        cost="18000",
        renews_in=250,
        notice=60,
        seats_bought=15,
        seats_used=11,
        reviewed_days_ago=200,
        website="tableau.com",
    ),
    DemoTool(
        "Segment",
        "Twilio Segment",
        "Data & CDP",
        "elif",
        "Collects web and product events once and routes them to analytics, CRM and ad platforms.",
        cost="24000",
        renews_in=180,
        notice=60,
        personal=True,
        dpa_days_ago=600,
        region="EU",
        reviewed_days_ago=30,
        website="segment.com",
    ),
    DemoTool(
        "Fivetran",
        "Fivetran",
        "Data & CDP",
        "elif",
        "Loads ad spend, CRM and web data into the warehouse that Tableau reports from.",
        cost="15600",
        renews_in=240,
        notice=60,
        personal=True,
        dpa_days_ago=450,
        region="EU",
        reviewed_days_ago=200,
        website="fivetran.com",
    ),
    DemoTool(
        "ZoomInfo",
        "ZoomInfo",
        "Data & CDP",
        "farid",
        "Contact and firmographic enrichment for target-account lists and inbound leads.",
        cost="68000",
        renews_in=65,
        notice=60,
        seats_bought=25,
        seats_used=19,
        personal=True,
        dpa_days_ago=800,
        region="US",
        reviewed_days_ago=300,
        website="zoominfo.com",
    ),
    DemoTool(
        "6sense",
        "6sense",
        "Data & CDP",
        "ben",
        "Account identification and intent data to prioritise target accounts for ABM.",
        status="evaluating",
        cost="55000",
        personal=True,
        region="US",
        website="6sense.com",
        notes="Proof of concept with Demand Gen; legal has the DPA but it is not signed yet.",
    ),
    DemoTool(
        "Clearbit",
        "HubSpot",
        "Data & CDP",
        "ben",
        "Enriched form fills and revealed the companies visiting the website.",
        cost="12000",
        renews_in=20,
        notice=30,
        auto_renew=False,
        personal=True,
        dpa_days_ago=900,
        region="US",
        reviewed_days_ago=250,
        website="clearbit.com",
    ),
    # -- Advertising -------------------------------------------------------------
    DemoTool(
        "Google Ads",
        "Google",
        "Advertising",
        "ben",
        "Paid search campaigns that capture demand on high-intent keywords.",
        cost="0",
        cycle="monthly",
        renews_in=260,
        notice=0,
        personal=True,
        dpa_days_ago=1000,
        region="US",
        reviewed_days_ago=100,
        website="ads.google.com",
        notes=_AD_NOTE,
    ),
    DemoTool(
        "LinkedIn Campaign Manager",
        "LinkedIn",
        "Advertising",
        "ben",
        "Sponsored content and lead-gen forms aimed at target accounts by job title and industry.",
        cost="0",
        cycle="monthly",
        renews_in=185,
        notice=0,
        personal=True,
        dpa_days_ago=700,
        region="EU",
        reviewed_days_ago=100,
        website="business.linkedin.com/marketing-solutions",
        notes=_AD_NOTE,
    ),
    DemoTool(
        "Meta Ads Manager",
        "Meta",
        "Advertising",
        "ben",
        "Retargeting and awareness campaigns on Facebook and Instagram.",
        cost="0",
        cycle="monthly",
        renews_in=95,
        notice=0,
        personal=True,
        dpa_days_ago=800,
        region="EU",
        reviewed_days_ago=400,
        website="facebook.com/business/tools/ads-manager",
        notes=_AD_NOTE,
    ),
    # -- SEO ---------------------------------------------------------------------
    DemoTool(
        "Semrush",
        "Semrush",
        "SEO",
        "chloe",
        "Keyword research, rank tracking and site audits for the organic search programme.",
        cost="4800",
        renews_in=20,
        notice=60,
        seats_bought=5,
        seats_used=5,
        reviewed_days_ago=90,
        website="semrush.com",
    ),
    DemoTool(
        "Ahrefs",
        "Ahrefs",
        "SEO",
        "chloe",
        "Backlink analysis and competitor content gaps for the SEO roadmap.",
        cost="3588",
        renews_in=280,
        seats_bought=3,
        seats_used=3,
        reviewed_days_ago=30,
        website="ahrefs.com",
    ),
    # -- Social ------------------------------------------------------------------
    DemoTool(
        "Hootsuite",
        "Hootsuite",
        "Social",
        "grace",
        "Schedules and publishes organic posts across LinkedIn, X and Instagram.",
        cost="5880",
        renews_in=40,
        notice=30,
        seats_bought=8,
        seats_used=7,
        reviewed_days_ago=150,
        website="hootsuite.com",
    ),
    DemoTool(
        "Sprout Social",
        "Sprout Social",
        "Social",
        "grace",
        "Social listening and an engagement inbox, bought for last year's brand campaign.",
        cost="11988",
        renews_in=120,
        notice=30,
        seats_bought=10,
        seats_used=2,
        reviewed_days_ago=200,
        website="sproutsocial.com",
    ),
    DemoTool(
        "Brandwatch",
        "Brandwatch",
        "Social",
        "grace",
        "Consumer research and brand-mention tracking across news, forums and social.",
        status="evaluating",
        cost="24000",
        personal=True,
        dpa_days_ago=20,
        region="EU",
        website="brandwatch.com",
        notes="Four-week trial alongside Sprout Social's listening add-on.",
    ),
    # -- Content, web and CRO -------------------------------------------------------
    DemoTool(
        "WordPress VIP",
        "Automattic",
        "Content & CMS",
        "dev",
        "Hosts the corporate website and blog with enterprise security and support.",
        cost="60000",
        cycle="multi_year",
        renews_in=480,
        auto_renew=False,
        notice=90,
        reviewed_days_ago=380,
        website="wpvip.com",
    ),
    DemoTool(
        "Contentful",
        "Contentful",
        "Content & CMS",
        "dev",
        "Headless CMS behind the product documentation and the resource centre.",
        cost="30000",
        renews_in=300,
        auto_renew=False,
        notice=90,
        seats_bought=20,
        seats_used=14,
        reviewed_days_ago=250,
        website="contentful.com",
    ),
    DemoTool(
        "Webflow",
        "Webflow",
        "Content & CMS",
        "dev",
        "Campaign microsites and landing pages the web team can ship without engineering.",
        cost="2280",
        renews_in=90,
        seats_bought=5,
        seats_used=4,
        reviewed_days_ago=45,
        website="webflow.com",
    ),
    DemoTool(
        "Unbounce",
        "Unbounce",
        "Experimentation & CRO",
        "dev",
        "Landing-page builder for paid campaigns.",
        cost="1920",
        renews_in=30,
        seats_bought=3,
        seats_used=1,
        personal=True,
        dpa_days_ago=1200,
        region="Canada",
        reviewed_days_ago=200,
        website="unbounce.com",
    ),
    DemoTool(
        "Hotjar",
        "Hotjar",
        "Experimentation & CRO",
        "dev",
        "Heatmaps and session recordings that show where visitors stall on key landing pages.",
        cost="3240",
        renews_in=75,
        seats_bought=10,
        seats_used=4,
        personal=True,
        dpa_days_ago=500,
        region="EU",
        reviewed_days_ago=200,
        website="hotjar.com",
    ),
    DemoTool(
        "VWO",
        "Wingify",
        "Experimentation & CRO",
        "dev",
        "A/B tests on landing pages and the sign-up flow.",
        cost="9600",
        renews_in=160,
        seats_bought=10,
        seats_used=3,
        reviewed_days_ago=100,
        website="vwo.com",
        notes="Two tests ran this year.",
    ),
    DemoTool(
        "Optimizely",
        "Optimizely",
        "Experimentation & CRO",
        "dev",
        "Web experimentation on pricing and sign-up pages; on trial as a replacement for VWO.",
        status="evaluating",
        cost="36000",
        website="optimizely.com",
    ),
    # -- Design and collaboration ------------------------------------------------
    DemoTool(
        "Canva",
        "Canva",
        "Design & creative",
        "grace",
        "Self-serve, on-brand templates for field and product marketers.",
        cost="3000",
        renews_in=200,
        seats_bought=25,
        seats_used=31,
        reviewed_days_ago=60,
        website="canva.com",
    ),
    DemoTool(
        "Figma",
        "Figma",
        "Design & creative",
        "dev",
        "Design system, web page designs and hand-off of campaign creative.",
        cost="3600",
        renews_in=230,
        seats_bought=8,
        seats_used=8,
        reviewed_days_ago=90,
        website="figma.com",
    ),
    DemoTool(
        "Asana",
        "Asana",
        "Collaboration",
        "ana",
        "Tracks campaign tasks, creative requests and launch checklists.",
        cost="7200",
        renews_in=150,
        seats_bought=40,
        seats_used=37,
        reviewed_days_ago=160,
        website="asana.com",
    ),
    DemoTool(
        "Slack",
        "Salesforce",
        "Collaboration",
        "ana",
        "Marketing's share of team chat, with HubSpot and Salesforce alerts for hand-offs.",
        cost="6300",
        renews_in=220,
        seats_bought=35,
        seats_used=35,
        reviewed_days_ago=400,
        website="slack.com",
    ),
    DemoTool(
        "Airtable",
        "Airtable",
        "Collaboration",
        "hiro",
        "Event planning base for venues, suppliers and speaker logistics.",
        cost="1440",
        renews_in=100,
        seats_bought=6,
        seats_used=5,
        reviewed_days_ago=150,
        website="airtable.com",
    ),
    # -- Events and webinars -----------------------------------------------------
    DemoTool(
        "Zoom Webinars",
        "Zoom",
        "Events & webinars",
        "hiro",
        "Monthly product webinars and customer round tables of up to 1,000 attendees.",
        cost="3400",
        renews_in=130,
        seats_bought=4,
        seats_used=3,
        personal=True,
        dpa_days_ago=600,
        region="US",
        reviewed_days_ago=160,
        website="zoom.com",
    ),
    DemoTool(
        "ON24",
        "ON24",
        "Events & webinars",
        "hiro",
        "Flagship virtual events, with engagement scores passed to the CRM.",
        cost="38000",
        renews_in=-12,
        auto_renew=False,
        notice=90,
        personal=True,
        dpa_days_ago=700,
        region="EU",
        reviewed_days_ago=330,
        website="on24.com",
        notes="Renewal quote agreed by email; the signed order form is still with procurement.",
    ),
    DemoTool(
        "Cvent",
        "Cvent",
        "Events & webinars",
        "hiro",
        "Registration, badges and attendee management for field events and the annual conference.",
        cost="27500",
        renews_in=170,
        notice=60,
        seats_bought=5,
        seats_used=4,
        personal=True,
        dpa_days_ago=550,
        region="US",
        reviewed_days_ago=90,
        website="cvent.com",
    ),
    # -- Sales enablement --------------------------------------------------------
    DemoTool(
        "Gong",
        "Gong",
        "Sales enablement",
        "farid",
        "Records and analyses sales calls so marketing hears the objections and messaging "
        "used in the field.",
        cost="45000",
        renews_in=260,
        notice=60,
        seats_bought=60,
        seats_used=52,
        personal=True,
        dpa_days_ago=500,
        region="US",
        reviewed_days_ago=120,
        website="gong.io",
    ),
    DemoTool(
        "Outreach",
        "Outreach",
        "Sales enablement",
        "farid",
        "Sales engagement sequences for SDR follow-up on marketing-qualified leads.",
        cost="52000",
        renews_in=110,
        notice=60,
        seats_bought=40,
        seats_used=36,
        personal=True,
        dpa_days_ago=650,
        region="US",
        reviewed_days_ago=180,
        website="outreach.io",
    ),
    DemoTool(
        "Calendly",
        "Calendly",
        "Sales enablement",
        "farid",
        "Lets inbound prospects book a demo straight from the website.",
        cost="2160",
        renews_in=190,
        seats_bought=20,
        seats_used=18,
        personal=True,
        dpa_days_ago=300,
        region="US",
        reviewed_days_ago=80,
        website="calendly.com",
    ),
    DemoTool(
        "Intercom",
        "Intercom",
        "Sales enablement",
        "ben",
        "Website chat and bots that qualify visitors and book meetings for sales.",
        cost="14400",
        renews_in=100,
        seats_bought=15,
        seats_used=12,
        personal=True,
        dpa_days_ago=200,
        region="EU",
        reviewed_days_ago=50,
        website="intercom.com",
    ),
    DemoTool(
        "Drift",
        "Salesloft",
        "Sales enablement",
        "ben",
        "Conversational marketing chat on the website, being replaced by Intercom.",
        cost="18000",
        renews_in=35,
        notice=60,
        seats_bought=15,
        seats_used=2,
        personal=True,
        dpa_days_ago=1100,
        region="US",
        reviewed_days_ago=100,
        website="salesloft.com/platform/drift",
    ),
    # -- Research and reviews ----------------------------------------------------
    DemoTool(
        "G2",
        "G2",
        "Research & reviews",
        "chloe",
        "Collects customer reviews and buyer-intent signals from our G2 category pages.",
        cost="21000",
        renews_in=75,
        reviewed_days_ago=210,
        website="g2.com",
    ),
    DemoTool(
        "Typeform",
        "Typeform",
        "Research & reviews",
        "chloe",
        "Customer surveys and event feedback forms that sync to HubSpot.",
        cost="900",
        renews_in=140,
        seats_bought=3,
        seats_used=3,
        personal=True,
        dpa_days_ago=420,
        region="EU",
        reviewed_days_ago=100,
        website="typeform.com",
    ),
)


def _history(today: date) -> list[tuple[str, str, dict[str, Any]]]:
    """Edits and lifecycle moves after the tools were added: (kind, tool, values).

    ``kind`` is ``update`` or ``transition``. Retirements come last, in :func:`_retirements`,
    once the integrations are in place.
    """
    return [
        (
            "update",
            "HubSpot Marketing Hub",
            {
                "annual_cost": "38400",
                "last_reviewed_on": _day(today, -70),
                "notes": "Annual review: kept; Professional tier uplift agreed at renewal.",
            },
        ),
        ("update", "Salesforce Sales Cloud", {"seats_bought": "120", "annual_cost": "96000"}),
        ("update", "Figma", {"seats_bought": "12", "seats_used": "12", "annual_cost": "5400"}),
        (
            "transition",
            "Hotjar",
            {
                "status": "under_review",
                "reason": "Overlaps with Microsoft Clarity, which is free; compare before renewal.",
            },
        ),
        (
            "transition",
            "ZoomInfo",
            {
                "status": "under_review",
                "reason": "Renewal quote is up 18%; compare with HubSpot's built-in enrichment.",
            },
        ),
        (
            "transition",
            "Marketo Engage",
            {
                "status": "under_review",
                "reason": "EMEA nurtures can move to HubSpot now that it holds every contact.",
            },
        ),
        (
            "transition",
            "Marketo Engage",
            {
                "status": "decommissioning",
                "reason": "Nurtures migrated to HubSpot; notice given, so it ends at renewal.",
                "auto_renew": False,
            },
        ),
        (
            "transition",
            "Drift",
            {
                "status": "decommissioning",
                "reason": "Website chat moved to Intercom; notice given to Salesloft.",
                "auto_renew": False,
            },
        ),
    ]


def _retirements(today: date) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "Mailchimp",
            {
                "status": "retired",
                "reason": "The newsletter moved to HubSpot; contacts migrated and the account "
                "closed.",
                "retired_on": _day(today, -45),
            },
        ),
        (
            "Unbounce",
            {
                "status": "retired",
                "reason": "Landing pages rebuilt in Webflow; cancelled at renewal.",
                "retired_on": _day(today, -120),
            },
        ),
        (
            "Clearbit",
            {
                "status": "retired",
                "reason": "Clearbit became HubSpot Breeze Intelligence; enrichment now runs "
                "inside HubSpot.",
                "retired_on": _day(today, -200),
            },
        ),
    ]


# ---------------------------------------------------------------------------
# Data flows: (source, target, what moves, personal data?)
# ---------------------------------------------------------------------------

INTEGRATIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("HubSpot Marketing Hub", "Salesforce Sales Cloud", "contacts and lifecycle stage", True),
    ("Salesforce Sales Cloud", "HubSpot Marketing Hub", "opportunity stage and revenue", False),
    ("Segment", "Google Analytics 4", "web and product events", True),
    ("Segment", "HubSpot Marketing Hub", "sign-up and product usage events", True),
    ("Typeform", "HubSpot Marketing Hub", "form fills", True),
    ("Webflow", "HubSpot Marketing Hub", "landing-page form fills", True),
    ("LinkedIn Campaign Manager", "HubSpot Marketing Hub", "lead gen form submissions", True),
    ("Zoom Webinars", "HubSpot Marketing Hub", "webinar registrants and attendance", True),
    ("G2", "HubSpot Marketing Hub", "buyer-intent company visits", False),
    ("HubSpot Marketing Hub", "Google Ads", "customer match lists (hashed emails)", True),
    ("HubSpot Marketing Hub", "Meta Ads Manager", "custom audiences (hashed emails)", True),
    ("Calendly", "Salesforce Sales Cloud", "booked demo meetings", True),
    ("Intercom", "Salesforce Sales Cloud", "chat leads and conversation transcripts", True),
    ("Drift", "Salesforce Sales Cloud", "chat leads", True),
    ("ON24", "Salesforce Sales Cloud", "attendee engagement scores", True),
    ("Cvent", "Salesforce Sales Cloud", "event registrations and check-ins", True),
    ("Cvent", "Airtable", "attendee list for badges and dietary needs", True),
    ("Gong", "Salesforce Sales Cloud", "call activity and deal risk signals", True),
    ("Outreach", "Salesforce Sales Cloud", "sequence activity and replies", True),
    ("Salesforce Sales Cloud", "Outreach", "MQL contacts for SDR sequences", True),
    ("ZoomInfo", "Salesforce Sales Cloud", "contact and firmographic enrichment", True),
    ("Marketo Engage", "Salesforce Sales Cloud", "legacy EMEA nurture leads", True),
    ("Salesforce Sales Cloud", "Fivetran", "accounts, opportunities and campaign members", True),
    ("Google Ads", "Fivetran", "campaign cost and clicks", False),
    ("Meta Ads Manager", "Fivetran", "campaign spend and reach", False),
    ("Fivetran", "Tableau", "spend, pipeline and web session tables", False),
    ("Google Analytics 4", "Looker Studio", "aggregated traffic and conversions", False),
    ("Semrush", "Looker Studio", "keyword rankings and visibility", False),
    ("Salesforce Sales Cloud", "Slack", "closed-won and new MQL alerts", False),
)


# ---------------------------------------------------------------------------
# The measurement framework
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoKpi:
    """One KPI as it is first defined. ``active_days_ago`` activates it with version 1
    in force from that many days before today; ``None`` leaves it a draft."""

    key: str
    label: str
    owner: str
    kind: str
    definition: str
    decision: str
    data_gaps: str
    source: str | None = None
    numerator: str = ""
    denominator: str = ""
    conversion: str = ""
    attribution: str = "none"
    window: int | None = None
    direction: str = "higher_is_better"
    target: str | None = None  # as typed in the form: "22%", "£180", "14 months"
    description: str = ""
    active_days_ago: int | None = None

    def raw(self) -> dict[str, Any]:
        """The values a person would type into the define-KPI form."""
        return {
            "key": self.key,
            "label": self.label,
            "description": self.description,
            "owner": self.owner,
            "kind": self.kind,
            "definition": self.definition,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "conversion": self.conversion,
            "data_source": self.source,
            "attribution_model": self.attribution,
            "attribution_window_days": self.window,
            "direction": self.direction,
            "target": self.target,
            "decision": self.decision,
            "data_gaps": self.data_gaps,
        }


_SQL = (
    "An SQL is a lead an SDR has accepted after a discovery call, recorded in Salesforce "
    "as Lead Status = Sales Qualified."
)

KPIS: tuple[DemoKpi, ...] = (
    # -- Funnel --------------------------------------------------------------------
    DemoKpi(
        "mql_to_sql_rate",
        "MQL → SQL conversion rate",
        "farid",
        "rate",
        "MQLs created in the month that sales accepted as SQLs within 30 days of "
        "becoming an MQL, divided by all MQLs created in the month.",
        "Whether the lead-scoring threshold and the SDR follow-up SLA change next "
        "quarter; two months below 18% triggers a scoring review with Sales.",
        "Leads that Outreach sequences created before March skip the MQL stage, so they "
        "are missing from the denominator; about 3% of SQLs have no MQL date at all.",
        source="Salesforce Sales Cloud",
        numerator="MQLs accepted as SQLs within 30 days",
        denominator="MQLs created in the month (HubSpot lead score 65 or more)",
        conversion=_SQL,
        target="22%",
        description="How many of the leads marketing hands over sales agrees are worth working.",
        active_days_ago=300,
    ),
    DemoKpi(
        "mqls_created",
        "MQLs created",
        "ana",
        "count",
        "Contacts whose HubSpot lifecycle stage first became Marketing Qualified Lead in "
        "the month; a contact re-qualifying within 12 months is not counted again.",
        "How much nurture and paid budget each region needs to hit the pipeline plan; "
        "set monthly in the demand-gen planning meeting.",
        "Contacts merged in HubSpot keep only the older record's MQL date, so a few "
        "merged MQLs move into earlier months.",
        source="HubSpot Marketing Hub",
        conversion="The first time a contact's lifecycle stage is set to Marketing "
        "Qualified Lead (lead score 65 or more, or a demo request).",
        target="1,200",
        active_days_ago=300,
    ),
    DemoKpi(
        "win_rate",
        "Win rate",
        "farid",
        "rate",
        "Opportunities closed won in the quarter divided by all opportunities closed "
        "(won or lost) in the quarter that reached Stage 2 (Discovery complete).",
        "Where sales enablement and competitive content go next; a falling win rate "
        "against one competitor gets a battle-card refresh.",
        "Opportunities closed as duplicates are sometimes marked Closed Lost instead of "
        "deleted, which understates the rate by about one point.",
        source="Salesforce Sales Cloud",
        numerator="Opportunities closed won",
        denominator="Opportunities closed won or lost that reached Stage 2",
        conversion="Closed Won in Salesforce with a signed order form attached.",
        target="25%",
        active_days_ago=330,
    ),
    DemoKpi(
        "sales_cycle_length",
        "Sales cycle length (SQL → closed won)",
        "farid",
        "duration",
        "Median days from the date a lead became an SQL to the close date of its "
        "closed-won new-business opportunity, for deals closed in the quarter.",
        "Whether mid-funnel nurture (case studies, ROI calculator, executive events) is "
        "shortening deals; also sets the lag used in the pipeline forecast.",
        "Opportunities created without a linked lead (about 8%, mostly partner-sourced) "
        "have no SQL date and are left out.",
        source="Salesforce Sales Cloud",
        conversion="Closed Won new-business opportunities; renewals and upsells excluded.",
        direction="lower_is_better",
        target="75 days",
        active_days_ago=200,
    ),
    # -- Pipeline and revenue --------------------------------------------------------
    DemoKpi(
        "marketing_sourced_pipeline",
        "Marketing-sourced pipeline",
        "ben",
        "currency",
        "Total Amount of new-business opportunities created in the quarter whose first "
        "marketing touch falls within the attribution window before the opportunity "
        "was created.",
        "How the quarterly programme budget is split between channels; channels that "
        "source less than 3× their cost in pipeline are cut back next quarter.",
        "Opportunities whose contacts were never in HubSpot (sales-prospected accounts) "
        "have no touches and count as sales-sourced even when marketing was involved.",
        source="Salesforce Sales Cloud",
        conversion="An opportunity created in Salesforce with an Amount set.",
        attribution="first_touch",
        window=30,
        target="£2,400,000",
        active_days_ago=270,
    ),
    DemoKpi(
        "marketing_sourced_revenue",
        "Marketing-sourced revenue",
        "elif",
        "currency",
        "Annual contract value of new-business deals closed won in the quarter whose "
        "opportunity was marketing-sourced (first touch within 180 days of creation).",
        "The headline number in the board pack; it sets next year's marketing budget "
        "as a share of new revenue.",
        "Multi-year deals count only their first year's value; deals booked in a "
        "currency other than pounds use the month-end rate, not the rate on the day.",
        source="Tableau",
        conversion="Closed Won new-business opportunities with a signed order form.",
        attribution="first_touch",
        window=180,
        target="£1,500,000",
        active_days_ago=365,
    ),
    DemoKpi(
        "cac_payback_months",
        "CAC payback period",
        "elif",
        "duration",
        "Sales and marketing cost of winning new customers in the quarter divided by the "
        "gross-margin-adjusted monthly recurring revenue those customers added.",
        "Whether to grow or hold the acquisition budget; above 18 months the CFO freezes "
        "new paid programmes until it recovers.",
        "Sales salaries come from finance a month in arrears, so the latest quarter is "
        "restated once; gross margin is the company average, not per product.",
        source="Tableau",
        direction="lower_is_better",
        target="14 months",
        active_days_ago=240,
    ),
    # -- Paid media ------------------------------------------------------------------
    DemoKpi(
        "cost_per_acquisition",
        "Cost per acquisition (paid search)",
        "ben",
        "currency",
        "Google Ads spend in the month divided by the new-business deals closed won "
        "whose last paid touch was a Google Ads click within the window.",
        "Keyword and campaign budgets: campaigns above twice the target CPA for two "
        "months are paused or rebuilt.",
        "Offline conversions are uploaded from Salesforce weekly, so the last seven days "
        "are under-counted; leads with no click ID (about 15%) fall back to Direct.",
        source="Google Ads",
        conversion="A new-business opportunity reaching Closed Won, uploaded to Google "
        "Ads as an offline conversion.",
        attribution="last_touch",
        window=90,
        direction="lower_is_better",
        target="£4,800",
        active_days_ago=210,
    ),
    DemoKpi(
        "cost_per_lead",
        "Cost per lead (LinkedIn)",
        "ben",
        "currency",
        "LinkedIn Campaign Manager spend in the month divided by new contacts created "
        "from a LinkedIn lead gen form or a landing-page form reached from a LinkedIn ad.",
        "Which audiences and creatives keep their LinkedIn budget at the fortnightly "
        "paid-social review.",
        "Lead gen form leads that fail to sync to HubSpot (about 2% a month) are in "
        "LinkedIn's count but not ours; view-through conversions are excluded.",
        source="LinkedIn Campaign Manager",
        conversion="A new contact from a LinkedIn lead gen form or a form fill with "
        "utm_source=linkedin; existing contacts converting again do not count.",
        attribution="last_touch",
        window=30,
        direction="lower_is_better",
        target="£180",
        active_days_ago=150,
    ),
    DemoKpi(
        "return_on_ad_spend",
        "Return on ad spend (ROAS)",
        "ben",
        "rate",
        "Closed-won revenue credited to paid media touches (Google Ads, LinkedIn and "
        "Meta) divided by paid media spend in the same period.",
        "How the paid media budget is split between Google, LinkedIn and Meta each quarter.",
        "LinkedIn view-through conversions are not exported; Meta spend arrives through "
        "Fivetran a day late, so month-end figures are restated the next morning.",
        source="Tableau",
        numerator="Closed-won revenue credited to paid media touches",
        denominator="Paid media spend on Google Ads, LinkedIn and Meta",
        conversion="Closed Won new-business opportunities.",
        attribution="position_based",
        window=90,
        target="4.5x",
        active_days_ago=180,
    ),
    # -- Email, web and content ------------------------------------------------------
    DemoKpi(
        "email_click_through_rate",
        "Email click-through rate",
        "ana",
        "rate",
        "Unique recipients who clicked a tracked link divided by emails delivered, "
        "for marketing emails (nurtures and newsletters, not transactional mail).",
        "Which nurture streams are rewritten each quarter, and whether the newsletter "
        "keeps its weekly slot.",
        "Security scanners at some enterprise domains click every link; HubSpot's bot "
        "filter removes most of those clicks but not all.",
        source="HubSpot Marketing Hub",
        numerator="Unique recipients who clicked a tracked link",
        denominator="Emails delivered (sent minus bounces)",
        target="3.5%",
        active_days_ago=400,
    ),
    DemoKpi(
        "website_conversion_rate",
        "Website conversion rate",
        "dev",
        "rate",
        "Sessions with a key event (demo request, contact sales or trial sign-up) "
        "divided by engaged sessions on the corporate site.",
        "Which pages the web team tests and rebuilds next; it is the success measure for "
        "every landing-page release.",
        "Visitors who decline cookies (about 30% in the EU) are not measured; GA4 "
        "thresholding hides small segments.",
        source="Google Analytics 4",
        numerator="Sessions with a demo request, contact-sales or trial sign-up key event",
        denominator="Engaged sessions on the corporate site (careers and docs excluded)",
        conversion="A submitted demo request, contact-sales or trial sign-up form.",
        target="2.8%",
        active_days_ago=260,
    ),
    DemoKpi(
        "organic_sessions",
        "Organic search sessions",
        "chloe",
        "count",
        "Sessions in the month whose default channel group in GA4 is Organic Search, "
        "across the corporate site, blog and resource centre.",
        "Where the content team spends its writing time: topics whose organic traffic "
        "stalls for a quarter are refreshed or dropped.",
        "Cookie-declined visitors are not counted, and searches answered on the results "
        "page (AI overviews, snippets) never show up as sessions.",
        source="Google Analytics 4",
        target="45,000",
        active_days_ago=330,
    ),
    DemoKpi(
        "webinar_attendance_rate",
        "Webinar attendance rate",
        "hiro",
        "rate",
        "Registrants who joined the live webinar for at least five minutes divided by "
        "everyone who registered, excluding staff and partners.",
        "Whether reminder cadences and session times change, and which webinars become "
        "on-demand only.",
        "Attendees who join from a colleague's link are counted under the colleague; on "
        "ON24 sessions attendance is only known for the last six months.",
        source="Zoom Webinars",
        numerator="Registrants who attended live for five minutes or more",
        denominator="Registrants, excluding staff and partners",
        description="No target yet: the baseline is being set after the move from ON24.",
        active_days_ago=60,
    ),
    DemoKpi(
        "customer_nps",
        "Customer Net Promoter Score",
        "chloe",
        "score",
        "Percentage of promoters (9–10) minus percentage of detractors (0–6) among "
        "customers answering the quarterly relationship survey.",
        "Which customers are invited to the advocacy programme and case studies; a "
        "falling score pauses customer-marketing asks for that segment.",
        "About 12% of customers answer and most are admins; accounts in their first 90 "
        "days are not surveyed.",
        source="Typeform",
        target="45",
        active_days_ago=365,
    ),
    # -- Drafts ----------------------------------------------------------------------
    DemoKpi(
        "trial_to_paid_rate",
        "Trial → paid conversion rate",
        "elif",
        "rate",
        "Trials started in the month that became a paying subscription within 30 days "
        "of sign-up, divided by all trials started in the month.",
        "Whether the trial onboarding emails and in-product tours get a second round "
        "of investment next half.",
        "none known",
        source="Segment",
        numerator="Trials that convert to a paid subscription within 30 days",
        denominator="Trials started in the month",
        conversion="The first successful payment on a self-serve subscription.",
        target="12%",
        description="Complete; waiting for the finance team to agree the definition.",
    ),
    DemoKpi(
        "intent_engagement_rate",
        "Intent-surge account engagement rate",
        "ben",
        "rate",
        "Target accounts 6sense shows in an intent surge that engage with a campaign "
        "(meeting, form fill or event) within 30 days, divided by all surging accounts.",
        "Whether to buy 6sense after the proof of concept, and how many ABM plays run "
        "on intent signals.",
        "Only accounts 6sense can match to a domain are counted; the match rate is not known yet.",
        source="6sense",
        numerator="Surging target accounts that engage within 30 days",
        denominator="Target accounts in an intent surge",
        attribution="last_touch",
        window=30,
        target="15%",
    ),
    DemoKpi(
        "share_of_voice",
        "Share of voice",
        "grace",
        "rate",
        "Mentions of our brand divided by mentions of our brand and our four named "
        "competitors across news, social and review sites.",
        "How the brand budget is split between PR, social and sponsorships.",
        "Undecided: Brandwatch covers news and forums, Semrush only covers search, so "
        "the two give very different numbers.",
        numerator="Mentions of our brand",
        denominator="Mentions of our brand and four named competitors",
        description="Draft: waiting for the Brandwatch trial to choose the data source.",
    ),
    # -- Replaced ------------------------------------------------------------------------
    DemoKpi(
        "lead_to_mql_rate_v1",
        "MQL rate (old scoring)",
        "ana",
        "rate",
        "New leads in the month that reached MQL under the points-based scoring model "
        "divided by all new leads in the month.",
        "How much nurture content to produce for each stage of the funnel.",
        "Email opens earned points, so Apple Mail Privacy Protection inflated scores "
        "from late 2021.",
        source="HubSpot Marketing Hub",
        numerator="New leads reaching MQL under the points-based model",
        denominator="New leads created in the month",
        conversion="Lead score of 50 or more under the points-based model.",
        target="30%",
        active_days_ago=700,
    ),
)


def _kpi_history(today: date) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """Edits and moves after the KPIs were defined: (kind, key, values, options).

    ``kind`` is ``update`` (options: ``effective_on`` and ``change_note``) or
    ``transition``. The marketing-sourced pipeline changes meaning twice, so it has
    three versions; the old MQL rate is replaced by the MQL → SQL rate.
    """
    return [
        (
            "update",
            "marketing_sourced_pipeline",
            {"attribution_window_days": 60},
            {
                "effective_on": _day(today, -150),
                "change_note": "Enterprise buying cycles run past 30 days; the first-touch "
                "window is now 60 days so event and webinar touches keep their credit.",
            },
        ),
        (
            "update",
            "marketing_sourced_pipeline",
            {
                "conversion": "An opportunity that reaches Stage 2 (Discovery complete) with "
                "an Amount set; opportunities SDRs open speculatively no longer count."
            },
            {
                "effective_on": _day(today, -45),
                "change_note": "Counts an opportunity from Stage 2 rather than at creation, "
                "agreed with Sales Ops at the Q3 pipeline review.",
            },
        ),
        (
            # Wording only: no new version.
            "update",
            "website_conversion_rate",
            {"label": "Website conversion rate (key events)"},
            {},
        ),
        (
            "transition",
            "lead_to_mql_rate_v1",
            {
                "status": "deprecated",
                "reason": "Measured leads reaching MQL under the old points-based scoring, "
                "which rewarded email opens; sales acceptance is the better test of lead "
                "quality now that scoring runs in HubSpot.",
                "successor": "mql_to_sql_rate",
            },
            {},
        ),
    ]


def _load_kpis(ws: Workspace, today: date) -> int:
    """Define, activate, edit and deprecate the demo KPIs through the KPI service."""
    ids: dict[str, int] = {}
    for spec in KPIS:
        ids[spec.key] = kpis.create(ws, spec.raw()).id
        if spec.active_days_ago is not None:
            move = {"status": "active", "effective_on": _day(today, -spec.active_days_ago)}
            kpis.transition(ws, ids[spec.key], move, None)
    for kind, key, values, options in _kpi_history(today):
        if kind == "update":
            kpis.update(ws, ids[key], values, None, **options)
        else:
            kpis.transition(ws, ids[key], values, None)
    return len(KPIS)


# ---------------------------------------------------------------------------
# The budget ledger
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    """Who a budget line's money goes to.

    ``share`` is how often they are paid compared with the line's other payees and
    ``size`` how large a typical invoice is. ``ref`` is the kind of reference their
    invoices carry: ``inv`` (INV-2026-0412), ``po`` (PO-10233) or none (card spend).
    ``until`` stops payments that many days before today (a tool since retired).
    """

    name: str
    share: float = 1.0
    size: float = 1.0
    tool: str | None = None
    ref: str = "inv"
    whole: bool = False  # invoiced in whole pounds (agencies, venues, freelancers)
    notes: tuple[str, ...] = ()
    until: int | None = None


@dataclass(frozen=True)
class DemoLine:
    """One line of the plan, repeated for every month (or quarter) of a fiscal year.

    ``planned`` is pounds per period in the current fiscal year (before seasonality);
    ``per_period`` is the typical number of invoices a period. ``months`` limits a
    campaign line to the periods holding those calendar months. ``fixed`` marks a
    subscription: one invoice of that many pounds each period.
    """

    channel: str
    owner: str
    planned: int
    per_period: int
    payees: tuple[Payee, ...]
    quarterly: bool = False
    campaign: str = ""
    tool: str | None = None
    months: tuple[int, ...] = ()
    timing: str = "even"  # even | early (retainers, deposits) | event (one big date)
    fixed: int | None = None
    notes: str = ""


_GOOGLE = Payee(
    "Google Ads",
    share=4,
    tool="Google Ads",
    notes=("Search: brand terms", "Search: competitor terms", "Search: generic terms"),
)
_BING = Payee("Microsoft Advertising", share=1, size=0.6, notes=("Bing search: generic terms",))
_LINKEDIN = Payee(
    "LinkedIn Ireland",
    share=3,
    size=1.2,
    tool="LinkedIn Campaign Manager",
    notes=("Sponsored content: target accounts", "Lead gen forms", "Conversation ads"),
)
_META = Payee(
    "Meta Platforms Ireland",
    share=2,
    size=0.7,
    tool="Meta Ads Manager",
    notes=("Retargeting: website visitors", "Awareness: lookalike audiences"),
)
_PAID_SEARCH = (_GOOGLE, _BING)
_PAID_SOCIAL = (_LINKEDIN, _META)

LEDGER: tuple[DemoLine, ...] = (
    # -- month lines ----------------------------------------------------------------
    DemoLine("Paid search", "ben", 21000, 20, _PAID_SEARCH),
    DemoLine(
        "Paid search",
        "ben",
        6000,
        6,
        _PAID_SEARCH,
        campaign="Spring launch",
        months=(3, 4, 5),
        notes="Launch keywords for the spring release.",
    ),
    DemoLine("Paid social", "ben", 15000, 24, _PAID_SOCIAL),
    DemoLine(
        "Paid social",
        "ben",
        8000,
        8,
        _PAID_SOCIAL,
        campaign="Spring launch",
        months=(3, 4, 5),
        notes="LinkedIn and Meta launch campaign for the spring release.",
    ),
    DemoLine(
        "Display & programmatic",
        "ben",
        7500,
        10,
        (
            Payee("The Trade Desk", share=3, notes=("Programmatic ABM: target accounts",)),
            Payee("StackAdapt", share=2, size=0.8, notes=("Native ads: guides and reports",)),
            Payee("Taboola", share=1, size=0.5, notes=("Native ads: blog promotion",)),
        ),
    ),
    DemoLine(
        "Email",
        "ana",
        2500,
        4,
        (
            Payee("Mailchimp", share=2, size=0.3, tool="Mailchimp", until=45),
            Payee("Data Axle UK", size=2, ref="po", whole=True, notes=("List rental",)),
            Payee("Validity", size=1, notes=("Everest deliverability monitoring",)),
            Payee("Kickbox", size=0.3, ref="", notes=("List verification credits",)),
        ),
    ),
    DemoLine(
        "Tools & software",
        "ana",
        5000,
        16,
        (
            Payee("Canva Pty Ltd", tool="Canva", size=0.6),
            Payee("Figma Inc.", tool="Figma", size=0.8),
            Payee("Asana Inc.", tool="Asana", size=0.7),
            Payee("Hotjar Ltd", tool="Hotjar", size=0.5),
            Payee("Airtable Inc.", tool="Airtable", size=0.4),
            Payee("Ahrefs Pte Ltd", tool="Ahrefs", size=0.6),
            Payee("Hootsuite Media Inc.", tool="Hootsuite", size=0.9),
            Payee("Litmus Software Inc.", tool="Litmus", size=0.4),
            Payee("Zoom Video Communications", tool="Zoom Webinars", size=0.8),
            Payee("Sprout Social Inc.", tool="Sprout Social", size=1.2),
        ),
        notes="Smaller subscriptions paid by card or monthly invoice.",
    ),
    DemoLine(
        "Tools & software",
        "ana",
        3600,
        1,
        (Payee("HubSpot Ireland Ltd", tool="HubSpot Marketing Hub"),),
        campaign="HubSpot subscription",
        tool="HubSpot Marketing Hub",
        fixed=3200,
        notes="Marketing Hub Professional, billed monthly; headroom for seat add-ons.",
    ),
    DemoLine(
        "Tools & software",
        "farid",
        9000,
        1,
        (Payee("Salesforce UK Ltd", tool="Salesforce Sales Cloud"),),
        campaign="Salesforce licences",
        tool="Salesforce Sales Cloud",
        fixed=8000,
        notes="Marketing's share of the Sales Cloud licences.",
    ),
    DemoLine(
        "Tools & software",
        "chloe",
        500,
        1,
        (Payee("Semrush Inc.", tool="Semrush"),),
        campaign="Semrush subscription",
        tool="Semrush",
        fixed=400,
    ),
    # -- quarter lines --------------------------------------------------------------
    DemoLine(
        "Events",
        "hiro",
        32000,
        36,
        (
            Payee("Hilton London Metropole", size=1.5, ref="po", whole=True),
            Payee("Hilton Manchester Deansgate", size=1.2, ref="po", whole=True),
            Payee("Olympia London", share=0.5, size=4, ref="po", whole=True),
            Payee("etc.venues", share=0.7, size=2.5, ref="po", whole=True),
            Payee("Sparks Exhibits Ltd", share=0.6, size=3, ref="po", whole=True),
            Payee("Searcys", share=0.8, size=1.5, ref="po", whole=True),
            Payee("Eventbrite", size=0.3, ref=""),
            Payee("Cvent", share=0.5, size=1.2, tool="Cvent"),
            Payee("Trainline for Business", share=2, size=0.15, ref="", notes=("Team travel",)),
            Payee("British Airways", share=0.7, size=0.4, ref="", notes=("Team travel",)),
            Payee("Vistaprint UK", share=0.6, size=0.25, ref=""),
        ),
        quarterly=True,
    ),
    DemoLine(
        "Events",
        "hiro",
        60000,
        40,
        (
            Payee("ExCeL London", share=1.2, size=6, ref="po", whole=True),
            Payee("Hilton London Royal Docks", size=1.5, ref="po", whole=True),
            Payee("Sparks Exhibits Ltd", size=3, ref="po", whole=True),
            Payee("Rhubarb Food Design", size=2.5, ref="po", whole=True),
            Payee("Pro-AV Solutions Ltd", size=2, ref="po", whole=True),
            Payee("Speakers Corner Agency", share=0.6, size=1.5, ref="po", whole=True),
            Payee("Cvent", size=0.8, tool="Cvent", notes=("Conference registration",)),
            Payee("Trainline for Business", share=2, size=0.12, ref="", notes=("Team travel",)),
        ),
        quarterly=True,
        campaign="Annual conference",
        months=(11,),
        timing="event",
        notes="The customer conference at ExCeL London.",
    ),
    DemoLine(
        "Webinars",
        "hiro",
        6000,
        6,
        (
            Payee("Zoom Video Communications", tool="Zoom Webinars"),
            Payee("ON24", size=2, tool="ON24"),
            Payee("Rev.com", share=2, size=0.2, ref="", notes=("Captions and transcripts",)),
        ),
        quarterly=True,
    ),
    DemoLine(
        "Content",
        "chloe",
        18000,
        20,
        (
            Payee("Sarah Whitfield", ref="po", whole=True, notes=("Freelance writer: blog posts",)),
            Payee("Tom Akers Copywriting", ref="po", whole=True, notes=("Case study",)),
            Payee("Priya Nair", ref="po", whole=True, notes=("Freelance writer: eBook",)),
            Payee("Maya Lopes Design", size=1.2, ref="po", whole=True, notes=("Report design",)),
            Payee("Blink Video Ltd", share=0.5, size=4, ref="po", whole=True),
            Payee("Shutterstock", share=0.5, size=0.3, ref=""),
            Payee("Getty Images", share=0.3, size=0.5, ref=""),
        ),
        quarterly=True,
    ),
    DemoLine(
        "Brand",
        "grace",
        24000,
        10,
        (
            Payee("Northbound Creative Ltd", size=2, ref="po", whole=True),
            Payee("Brightfield PR Ltd", size=1.5, ref="po", whole=True, notes=("PR retainer",)),
            Payee("Cision UK", size=0.6, notes=("Media monitoring",)),
            Payee("JCDecaux UK", share=0.3, size=5, ref="po", whole=True),
            Payee("Printed.com", size=0.3, ref=""),
        ),
        quarterly=True,
    ),
    DemoLine(
        "Research",
        "elif",
        9000,
        5,
        (
            Payee("YouGov plc", size=2, ref="po", whole=True, notes=("Brand tracker wave",)),
            Payee("Gartner UK Ltd", share=0.5, size=3, ref="po", whole=True),
            Payee("Wynter", size=0.8, notes=("Message testing panel",)),
            Payee("Respondent.io", size=0.5, notes=("Customer interview incentives",)),
        ),
        quarterly=True,
    ),
    DemoLine(
        "Agency & freelance",
        "grace",
        28000,
        12,
        (
            Payee("Field Day Digital Ltd", size=2, ref="po", whole=True, notes=("Web retainer",)),
            Payee("Kite Growth Ltd", size=1.5, ref="po", whole=True, notes=("PPC management",)),
            Payee("Jordan Reyes", ref="po", whole=True, notes=("Freelance designer",)),
            Payee("Ellie Marsh", size=0.7, ref="po", whole=True, notes=("Freelance paid social",)),
        ),
        quarterly=True,
        timing="early",
    ),
)

# Spend across the year, relative to an average month.
SEASON: dict[int, float] = {
    1: 0.9,
    2: 0.95,
    3: 1.1,
    4: 1.1,
    5: 1.05,
    6: 1.0,
    7: 0.9,
    8: 0.8,
    9: 1.05,
    10: 1.1,
    11: 1.1,
    12: 0.7,
}

# Share of plan spent by today, so the reports tell a story: keyed by channel, campaign
# and the period's distance from today's (0 is this month or quarter, -1 the one
# before). Other lines draw their whole-period share at random (see ``spend_share``).
STORY: dict[tuple[str, str, int], float] = {
    ("Events", "Annual conference", 0): 1.22,
    ("Events", "", 0): 0.62,
    ("Events", "Annual conference", -4): 1.08,
    ("Agency & freelance", "", 0): 0.94,
    ("Content", "", -1): 1.14,
    ("Research", "", -1): 0.96,
    ("Paid search", "", -1): 1.16,
    ("Paid social", "", 0): 0.93,
    ("Webinars", "", 0): 0.55,
    ("Display & programmatic", "", -1): 0.95,
    ("Brand", "", 0): 0.7,
}

# (payee, note) of the refunds: each credits part of an earlier invoice.
REFUNDS: tuple[tuple[str, str], ...] = (
    ("Google Ads", "Invalid click credit"),
    ("Hilton London Metropole", "Room block released: six rooms unused"),
    ("LinkedIn Ireland", "Billing adjustment for under-delivery"),
    ("ExCeL London", "Deposit refund: breakout room not used"),
    ("The Trade Desk", "Make-good credit for a misconfigured campaign"),
    ("Eventbrite", "Fee refund for cancelled tickets"),
    ("Canva Pty Ltd", "Credit for seats removed mid-term"),
)


def fiscal_periods(fiscal_year: int, fy_start: int, quarterly: bool) -> list[Period]:
    """The quarters, or the months, of a fiscal year."""
    quarters = [ledger_rules.quarter_period(fiscal_year, q, fy_start) for q in range(1, 5)]
    return quarters if quarterly else [m for qp in quarters for m in qp.months()]


def plan_lines(
    fiscal_year: int, fy_start: int, current_fy: int, seed: int = 2026
) -> list[tuple[DemoLine, Period, dict[str, str]]]:
    """Every budget line of a fiscal year: its spec, period, and the values a person
    would type into the add-line form. Earlier years plan 8% less a year."""
    growth = 0.92 ** max(0, current_fy - fiscal_year)
    out = []
    for spec in LEDGER:
        for p in fiscal_periods(fiscal_year, fy_start, spec.quarterly):
            months = p.months()
            if spec.months and not any(m.starts_on.month in spec.months for m in months):
                continue
            if spec.fixed is not None:
                pounds = spec.planned
            else:
                season = sum(SEASON[m.starts_on.month] for m in months) / len(months)
                step = 500 if spec.quarterly else 250
                rng = line_rng(seed, "plan", spec, p)
                raw = spec.planned * growth * season * rng.uniform(0.92, 1.08)
                pounds = max(step, round(raw / step) * step)
            values = {
                "period": p.label,
                "channel": spec.channel,
                "campaign": spec.campaign,
                "tool": spec.tool or "",
                "planned": str(pounds),
                "owner": spec.owner,
                "notes": spec.notes,
            }
            out.append((spec, p, values))
    return out


def line_rng(seed: int, what: str, spec: DemoLine, p: Period) -> random.Random:
    """A random stream of its own for each line, so changing one line's numbers leaves
    every other line as it was (a string seed hashes the same on every run)."""
    return random.Random(f"{seed}/{what}/{p.label}/{spec.channel}/{spec.campaign}")


def spend_share(rng: random.Random) -> float:
    """How much of its plan a finished line spent: most under, some near, a few over."""
    roll = rng.random()
    if roll < 0.06:
        return rng.uniform(1.04, 1.2)
    if roll < 0.2:
        return rng.uniform(0.9, 0.99)
    return rng.uniform(0.6, 0.88)


def distance(p: Period, today: date, fy_start: int) -> int:
    """How many periods ``p`` lies from the one holding today (negative: earlier)."""
    here = (
        ledger_rules.month_period(today.year, today.month)
        if p.kind == "month"
        else ledger_rules.quarter_containing(today, fy_start)
    )
    months = (p.starts_on.year - here.starts_on.year) * 12 + (
        p.starts_on.month - here.starts_on.month
    )
    return months if p.kind == "month" else months // 3


def spend_day(spec: DemoLine, p: Period, rng: random.Random) -> date:
    """A date inside ``p`` with the line's timing."""
    days = p.days
    if spec.timing == "early":
        offset = int(days * rng.random() ** 2)
    elif spec.timing == "event":
        event = days // 2
        roll = rng.random()
        if roll < 0.35:
            offset = rng.randrange(0, event)
        elif roll < 0.9:
            offset = event + rng.randint(-3, 2)
        else:
            offset = min(days - 1, event + rng.randint(3, 20))
    else:
        offset = rng.randrange(days)
    return p.starts_on + timedelta(days=offset)


def payees_on(spec: DemoLine, on: date, today: date) -> tuple[Payee, ...]:
    live = tuple(
        py for py in spec.payees if py.until is None or on <= today - timedelta(days=py.until)
    )
    return live or spec.payees


@dataclass
class DemoSpend:
    """One invoice before it has a reference: the demo sorts by date, then numbers them."""

    on: date
    amount: int  # minor units; negative for a refund
    payee: Payee
    line_id: int
    period: Period
    note: str = ""
    reference: str = ""
    brief: int | None = None  # the brief this invoice paid for


def _line_spend(
    spec: DemoLine,
    p: Period,
    line_id: int,
    planned: int,
    share: float,
    today: date,
    rng: random.Random,
    *,
    so_far: bool = False,
) -> list[DemoSpend]:
    """The invoices of one line: ``share`` of its plan over the whole period, of which
    only those dated up to today are kept; with ``so_far``, ``share`` of the plan is
    what has been spent by today."""
    if spec.fixed is not None:
        on = p.starts_on + timedelta(days=rng.randrange(3, 8))
        return [DemoSpend(on, spec.fixed * 100, spec.payees[0], line_id, p)] if on <= today else []
    count = max(1, round(spec.per_period * rng.uniform(0.75, 1.25)))
    drafts = []
    for _ in range(count):
        on = spend_day(spec, p, rng)
        live = payees_on(spec, on, today)
        payee = rng.choices(live, weights=[py.share for py in live])[0]
        weight = payee.size * rng.uniform(0.6, 1.4)
        note = rng.choice(payee.notes) if payee.notes and rng.random() < 0.6 else ""
        drafts.append((on, payee, weight, note))
    total = planned * share
    weights = sum(w for on, _p, w, _n in drafts if on <= today or not so_far)
    out = []
    for on, payee, weight, note in drafts:
        if on > today:
            continue
        minor = total * weight / weights
        amount = max(100, round(minor / 100) * 100) if payee.whole else max(1, round(minor))
        out.append(DemoSpend(on, amount, payee, line_id, p, note))
    return out


def _refunds(spends: list[DemoSpend], today: date, rng: random.Random) -> list[DemoSpend]:
    """A credit for part of an earlier invoice from each payee in :data:`REFUNDS`."""
    out = []
    for name, note in REFUNDS:
        earlier = [s for s in spends if s.payee.name == name and s.on <= today - timedelta(days=40)]
        if not earlier:
            continue
        original = rng.choice(earlier)
        on = min(original.on + timedelta(days=rng.randint(5, 25)), today, original.period.ends_on)
        amount = -max(100, round(original.amount * rng.uniform(0.08, 0.3)))
        if original.payee.whole:
            amount = -max(100, -amount // 100 * 100)
        out.append(DemoSpend(on, amount, original.payee, original.line_id, original.period, note))
    return out


def _number(spends: list[DemoSpend], start_po: int = 10040) -> None:
    """Give the invoices references in date order: INV-2026-0412, PO-10233, CN-2026-007."""
    invoices: dict[int, int] = {}
    credits: dict[int, int] = {}
    po = start_po
    for s in sorted(spends, key=lambda s: s.on):
        if s.reference:
            continue
        if s.amount < 0:
            credits[s.on.year] = credits.get(s.on.year, 0) + 1
            s.reference = f"CN-{s.on.year}-{credits[s.on.year]:03d}"
        elif s.payee.ref == "inv":
            invoices[s.on.year] = invoices.get(s.on.year, 100) + 1
            s.reference = f"INV-{s.on.year}-{invoices[s.on.year]:04d}"
        elif s.payee.ref == "po":
            po += 1
            s.reference = f"PO-{po}"


def money_text(minor: int) -> str:
    """Minor units as the text a person types: ``-1250.00``. Never via a float."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole}.{cents:02d}"


def spend_row(s: DemoSpend) -> dict[str, str]:
    """An invoice as an import row (the columns ``ledger.import_spend`` reads)."""
    return {
        "entry_date": s.on.isoformat(),
        "amount": money_text(s.amount),
        "kind": "refund" if s.amount < 0 else "spend",
        "payee": s.payee.name,
        "line": f"#{s.line_id}",
        "reference": s.reference,
        "tool": s.payee.tool or "",
        "brief": "" if s.brief is None else str(s.brief),
        "note": s.note,
    }


@dataclass
class LedgerPlan:
    """The budget lines once created, and the invoices still to be imported."""

    ids: dict[tuple[str, str, str], int]  # (channel, campaign, period label) -> line id
    lines: list[tuple[DemoLine, Period, int]]
    spends: list[DemoSpend]
    misposted: DemoSpend

    def line_for(self, channel: str, on: date, campaign: str = "") -> int | None:
        """The line of ``channel`` (and ``campaign``) whose period holds ``on``."""
        for spec, p, line_id in self.lines:
            if spec.channel == channel and spec.campaign == campaign and p.contains(on):
                return line_id
        return None


def _plan_ledger(ws: Workspace, today: date) -> LedgerPlan:
    """Plan two fiscal years through the ledger service and draw their invoices (not
    yet imported, so briefs can be linked to them first)."""
    rng = random.Random(2026)  # refunds; each line draws from its own stream
    fy_start = ws.fy_start
    current_fy = ledger_rules.fiscal_year_of(today, fy_start)
    ids: dict[tuple[str, str, str], int] = {}
    made: list[tuple[DemoLine, Period, int]] = []
    spends: list[DemoSpend] = []
    plan = [
        item for fy in (current_fy - 1, current_fy) for item in plan_lines(fy, fy_start, current_fy)
    ]
    for spec, p, values in plan:
        line = ledger.create_line(ws, values)
        ids[(spec.channel, spec.campaign, p.label)] = line.id
        made.append((spec, p, line.id))
        if p.starts_on > today:
            continue
        line_random = line_rng(2026, "spend", spec, p)
        story = STORY.get((spec.channel, spec.campaign, distance(p, today, fy_start)))
        share = spend_share(line_random) if story is None else story
        spends.extend(
            _line_spend(
                spec, p, line.id, line.planned, share, today, line_random, so_far=story is not None
            )
        )
    spends.extend(_refunds(spends, today, rng))

    # A Meta invoice keyed against paid search five months ago, corrected below.
    this_month = ledger_rules.month_period(today.year, today.month)
    misposted_in = this_month.shift(-5)
    misposted = DemoSpend(
        misposted_in.starts_on + timedelta(days=11),
        234050,
        _META,
        ids[("Paid search", "", misposted_in.label)],
        misposted_in,
        "Retargeting: website visitors",
    )
    spends.append(misposted)
    return LedgerPlan(ids, made, spends, misposted)


def _book_ledger(
    ws: Workspace, today: date, plan: LedgerPlan, *, scale: str = "standard"
) -> dict[str, int]:
    """Import the planned invoices in one batch, correct two entries and close the
    months that ended more than two months ago (one reopened and closed again)."""
    fy_start = ws.fy_start
    current_fy = ledger_rules.fiscal_year_of(today, fy_start)
    ids, spends, misposted = plan.ids, plan.spends, plan.misposted
    this_month = ledger_rules.month_period(today.year, today.month)
    misposted_in = this_month.shift(-5)
    _number(spends)

    rows = [(n, spend_row(s)) for n, s in enumerate(sorted(spends, key=lambda s: s.on), 2)]
    report = ledger.import_spend(ws, rows, source="demo")
    if report.errors:
        raise ValidationFailed(report.errors)

    # Two corrections: each leaves the original, its reversal and the new entry.
    moved = ledger.list_entries(ws, f"{misposted.reference} line:{misposted.line_id}")[0]
    ledger.correct_entry(
        ws,
        moved.id,
        {
            "line": f"#{ids[('Paid social', '', misposted_in.label)]}",
            "note": "Retargeting: website visitors. Moved from paid search, where it "
            "was keyed by mistake.",
        },
    )
    last_month = this_month.shift(-1)
    linkedin = [
        e
        for e in ledger.list_entries(ws, f"linkedin ireland period:{last_month.label}")
        if e.kind == "spend" and e.amount > 10000
    ]
    if linkedin:
        original = linkedin[-1]
        ledger.correct_entry(
            ws,
            original.id,
            {
                "amount": money_text(original.amount - round(original.amount * 0.12)),
                "note": "Keyed from the pro-forma; the final invoice is lower after "
                "LinkedIn's under-delivery credit.",
            },
        )

    if scale != "standard":
        from mops_tui.services import scale as scale_service

        # Up to the scale's totals; the late invoice below is one of its entries.
        scale_service.load_large(ws, scale_service.SCALES[scale], pending_entries=1)

    # Close every month that ended more than two months ago; last month stays open.
    cutoff = this_month.shift(-2)
    cutoff_day = min(today.day, cutoff.days)
    cutoff_date = cutoff.starts_on + timedelta(days=cutoff_day - 1)
    month = ledger_rules.quarter_period(current_fy - 1, 1, fy_start).starts_on
    closed = []
    while True:
        m = ledger_rules.month_period(month.year, month.month)
        if m.ends_on >= cutoff_date:
            break
        ledger.close_period(ws, m.label)
        closed.append(m.label)
        month = m.shift(1).starts_on

    # A late hotel invoice: the month is reopened, the invoice added, the month closed.
    late = this_month.shift(-4)
    if late.label in closed:
        ledger.reopen_period(
            ws,
            late.label,
            "Hilton's final invoice for the Manchester roadshow arrived after the close.",
        )
        on = late.starts_on + timedelta(days=19)
        quarter = ledger_rules.quarter_containing(on, fy_start)
        ledger.add_entry(
            ws,
            {
                "entry_date": on.isoformat(),
                "amount": "2184.00",
                "payee": "Hilton Manchester Deansgate",
                "line": f"#{ids[('Events', '', quarter.label)]}",
                "reference": "PO-10039",
                "note": "Late invoice: roadshow accommodation",
            },
        )
        ledger.close_period(ws, late.label)

    return {
        "budget lines": _count(ws, "budget_lines"),
        "spend entries": _count(ws, "spend_entries"),
    }


# ---------------------------------------------------------------------------
# The brief queue
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoBrief:
    """One brief and the path it took through the workflow.

    ``story`` names its steps in :data:`STORIES`. ``launch`` is in working days from
    today (negative: already passed), or ``"conference"`` for the annual conference the
    ledger plans. ``budget`` is in pounds and comes out of the ``line`` channel's budget
    line (``campaign`` for a campaign line) whose period holds the launch; ``line_early``
    picks the line for that many days before the launch instead (a launch that slipped).
    ``reason`` goes with a return or a cancellation; ``fix`` is what the requester
    changed after a return (``launch`` in working days from today). ``payee`` limits the
    invoices linked to the brief to one supplier. ``age`` moves a story's steps further
    into the past (and a finished campaign's last step later after its launch);
    ``lead`` moves the steps before a launched brief's start that much earlier (a big
    event is approved months ahead).
    """

    title: str
    story: str
    requester: str
    launch: int | str | None = None
    owner: str | None = None
    priority: str = "P3"
    objective: str = ""
    audience: str = ""
    key_message: str = ""
    channels: str = ""
    kpi: str | None = None
    target: str = ""
    budget: int | None = None
    line: str = ""
    campaign: str = ""
    line_early: int = 0
    payee: str = ""
    body: str = ""
    reason: str = ""
    fix: tuple[tuple[str, str | int], ...] = ()
    result: str = ""
    not_measured: str = ""
    age: int = 0
    lead: int = 0


# Steps of each story: (action, "T" for today or "L" for the launch, working days).
STORIES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "idea": (("create", "T", -1),),
    "draft_overdue": (("create", "L", -14),),
    "returned": (("create", "T", -12), ("submit", "T", -9), ("return", "T", -7)),
    "returned_fixed": (
        ("create", "T", -12),
        ("submit", "T", -9),
        ("return", "T", -7),
        ("fix", "T", -5),
    ),
    "submitted": (("create", "T", -4), ("submit", "T", -1)),
    "waiting": (("create", "T", -10), ("submit", "T", -6)),
    "resubmitted": (
        ("create", "T", -16),
        ("submit", "T", -13),
        ("return", "T", -11),
        ("fix", "T", -8),
        ("submit", "T", -2),
    ),
    "approved": (
        ("create", "T", -16),
        ("submit", "T", -13),
        ("assign", "T", -9),
        ("approve", "T", -9),
    ),
    "resubmitted_approved": (
        ("create", "T", -22),
        ("submit", "T", -19),
        ("return", "T", -17),
        ("fix", "T", -15),
        ("submit", "T", -12),
        ("assign", "T", -8),
        ("approve", "T", -8),
    ),
    "approved_late": (
        ("create", "L", -20),
        ("submit", "L", -16),
        ("assign", "L", -12),
        ("approve", "L", -12),
    ),
    "in_flight": (
        ("create", "L", -22),
        ("submit", "L", -18),
        ("assign", "L", -13),
        ("approve", "L", -13),
        ("start", "L", 0),
    ),
    "done": (
        ("create", "L", -25),
        ("submit", "L", -20),
        ("assign", "L", -15),
        ("approve", "L", -15),
        ("start", "L", 0),
        ("done", "L", 12),
    ),
    "done_returned": (
        ("create", "L", -30),
        ("submit", "L", -26),
        ("return", "L", -24),
        ("fix", "L", -23),
        ("submit", "L", -21),
        ("assign", "L", -15),
        ("approve", "L", -15),
        ("start", "L", 0),
        ("done", "L", 12),
    ),
    "cancelled_draft": (("create", "T", -20), ("cancel", "T", -12)),
    "cancelled_submitted": (("create", "T", -15), ("submit", "T", -12), ("cancel", "T", -8)),
    "cancelled_approved": (
        ("create", "T", -24),
        ("submit", "T", -20),
        ("assign", "T", -16),
        ("approve", "T", -16),
        ("cancel", "T", -3),
    ),
    "cancelled_in_flight": (
        ("create", "L", -24),
        ("submit", "L", -20),
        ("assign", "L", -14),
        ("approve", "L", -14),
        ("start", "L", 0),
        ("cancel", "L", 6),
    ),
}

_ICP = (
    "Heads of marketing and marketing operations at B2B SaaS companies with 200 to "
    "2,000 employees in the UK and Ireland"
)

BRIEFS: tuple[DemoBrief, ...] = (
    # -- done: launched, measured, spend linked through the ledger ------------------
    DemoBrief(
        "Webinar series: RevOps in practice",
        "done",
        "ben",
        launch=-130,
        owner="hiro",
        priority="P2",
        objective="Generate 300 MQLs from three monthly webinars with customers who run "
        "revenue operations, and give sales a reason to call attendees.",
        audience=_ICP + "; revenue operations leads as a second audience.",
        key_message="Marketing and sales share one funnel; here is how three customers "
        "run it week to week.",
        channels="webinar, email, LinkedIn",
        kpi="mqls_created",
        target="300",
        budget=9000,
        line="Webinars",
        body="Three 45-minute sessions, one a month, each with a customer's RevOps lead "
        "and our head of solutions consulting. Recordings go on demand the day after.\n\n"
        "Promotion: two emails to the nurture database, a LinkedIn sponsored post per "
        "session, and SDR invitations to open opportunities.\n\n"
        "Follow-up: attendees get the slide pack and a calendar link; no-shows get the "
        "recording. Hiro owns the run of show, Ben the promotion.",
        result="341 MQLs",
        age=3,
        lead=10,
    ),
    DemoBrief(
        "Trade show stand: B2B Marketing Expo London",
        "done",
        "hiro",
        launch=-100,
        owner="hiro",
        priority="P1",
        objective="Meet 600 visitors at the stand and turn 250 of them into MQLs within "
        "30 days of the show.",
        audience="Marketing leaders visiting the Expo, with a pre-booked meeting list of "
        "40 target accounts.",
        key_message="See your whole marketing budget, plan against actual, in one screen.",
        channels="events, email, paid social",
        kpi="mqls_created",
        target="250",
        budget=28000,
        line="Events",
        body="A 6x4m stand in hall 2 with two demo pods and a talk on the content stage. "
        "Badge scans go to HubSpot the same evening through Cvent.\n\n"
        "Before the show: a LinkedIn campaign to the 40 target accounts and an email "
        "to London contacts offering a meeting slot. After it: a three-email follow-up "
        "sequence, and SDR calls to everyone scanned at a demo pod.",
        result="268 MQLs",
        age=5,
        lead=35,
    ),
    DemoBrief(
        "SEO content hub: marketing attribution guides",
        "done",
        "chloe",
        launch=-150,
        owner="chloe",
        priority="P2",
        objective="Rank on the first page for 20 attribution keywords and add 8,000 "
        "organic sessions a month within a quarter of launch.",
        audience="Marketing analysts and operations managers searching for how to set up "
        "attribution models.",
        key_message="Attribution is a decision about what you believe, made before launch.",
        channels="SEO, blog, email",
        kpi="organic_sessions",
        target="8,000",
        budget=12000,
        line="Content",
        body="A pillar page and twelve cluster articles, written by two freelancers from "
        "briefs Chloe prepares with Semrush keyword data, with a downloadable "
        "model-comparison worksheet.\n\n"
        "Each article links to the pillar and to one product page. The worksheet is "
        "ungated for the first month, then gated once we see which articles rank.",
        result="9,450 sessions",
        age=13,
        lead=10,
    ),
    DemoBrief(
        "Paid social test: LinkedIn conversation ads vs sponsored content",
        "done",
        "ben",
        launch=-60,
        owner="ben",
        priority="P2",
        objective="Find out which LinkedIn format gets a lead under £180 for the "
        "budget-planning guide, with £15k split evenly between the two formats.",
        audience="Marketing directors and heads of marketing operations at target "
        "accounts, matched through HubSpot lists.",
        key_message="Stop reconciling spend in spreadsheets at month end.",
        channels="LinkedIn",
        kpi="cost_per_lead",
        target="£180",
        budget=15000,
        line="Paid social",
        payee="LinkedIn",
        body="Four weeks, two ad sets of equal budget and audience. Conversation ads "
        "offer the guide or a call with an ops specialist; sponsored content offers the "
        "guide through a lead gen form.\n\n"
        "We judge on cost per new contact, not clicks. The losing format is paused "
        "after week three if it is more than 30% behind.",
        result="£152 per lead (conversation ads £131, sponsored content £197)",
    ),
    DemoBrief(
        "Newsletter redesign: modular template and a fortnightly cadence",
        "done",
        "ana",
        launch=-80,
        owner="chloe",
        priority="P3",
        objective="Lift the newsletter's click-through rate from 2.6% to 3.5% with a "
        "shorter modular template and a fortnightly send.",
        audience="The 18,000 subscribers of the customer and prospect newsletter.",
        key_message="One useful idea per issue, readable in two minutes.",
        channels="email",
        kpi="email_click_through_rate",
        target="3.5%",
        budget=2000,
        line="Email",
        result="4.2%",
    ),
    DemoBrief(
        "Pricing page test: annual billing shown by default",
        "done",
        "dev",
        launch=-45,
        owner="dev",
        priority="P2",
        objective="Raise the pricing page's conversion to demo or trial to 2.8% by "
        "showing annual prices first.",
        audience="Visitors to the pricing page, split 50/50.",
        key_message="Annual billing saves two months.",
        channels="website",
        kpi="website_conversion_rate",
        target="2.8%",
        budget=6000,
        line="Agency & freelance",
        payee="Field Day",
        result="3.1%",
    ),
    DemoBrief(
        "Customer case study video: Northwind Logistics",
        "done",
        "chloe",
        launch=-90,
        owner="grace",
        priority="P3",
        objective="Give sales a two-minute customer video for late-stage deals in "
        "logistics and lift the win rate in that segment.",
        audience="Operations and finance buyers in open logistics opportunities.",
        key_message="Northwind closed its books three days faster after moving budget "
        "tracking out of spreadsheets.",
        channels="sales enablement, YouTube, website",
        kpi="win_rate",
        target="25%",
        budget=14000,
        line="Content",
        payee="Blink Video",
        not_measured="Sales used the video in 14 late-stage deals but only three have "
        "closed, too few to read a win rate; re-measure at the next quarterly review.",
        lead=10,
    ),
    DemoBrief(
        "Partner webinar with Segment: clean data for attribution",
        "done",
        "ben",
        launch=-25,
        owner="hiro",
        priority="P3",
        objective="Co-host a webinar with Segment and reach a 40% attendance rate from "
        "a shared registrant list.",
        audience="Segment customers in EMEA who use HubSpot or Salesforce.",
        key_message="Attribution is only as good as the events you collect.",
        channels="webinar, partner email",
        kpi="webinar_attendance_rate",
        target="40%",
        budget=3000,
        line="Webinars",
        result="46%",
        age=-2,
    ),
    DemoBrief(
        "ABM pilot: top 50 manufacturing accounts",
        "done",
        "ben",
        launch=-110,
        owner="ben",
        priority="P1",
        objective="Prove that account-based advertising to 50 named manufacturing "
        "accounts lifts MQL to SQL conversion above 30%.",
        audience="Buying committees (marketing, finance, operations) at 50 named "
        "manufacturers with 500+ employees.",
        key_message="Manufacturers plan marketing like they plan production: see it all "
        "before the quarter starts.",
        channels="programmatic, LinkedIn, SDR outreach",
        kpi="mql_to_sql_rate",
        target="30%",
        budget=18000,
        line="Display & programmatic",
        payee="Trade Desk",
        body="The Trade Desk serves display to the 50 accounts' IP ranges for eight weeks "
        "while SDRs run a four-touch sequence to named contacts.\n\n"
        "Control group: 50 similar accounts get no ads and the same sequence. Farid pulls "
        "MQL to SQL conversion for both groups from Salesforce at week ten.",
        result="34% (control group: 19%)",
        age=4,
        lead=5,
    ),
    DemoBrief(
        "Google Ads: competitor keyword test",
        "done",
        "ben",
        launch=-70,
        owner="ben",
        priority="P3",
        objective="Test whether bidding on the two main competitors' brand terms wins "
        "deals at an acceptable cost per acquisition.",
        audience="People searching for the two main competitors by name in the UK.",
        key_message="The budget tool your finance team will also like.",
        channels="paid search",
        kpi="cost_per_acquisition",
        target="£4,800",
        budget=8000,
        line="Paid search",
        payee="Google",
        result="£5,640",
    ),
    DemoBrief(
        "ROI calculator on the website",
        "done",
        "dev",
        launch=-120,
        owner="dev",
        priority="P3",
        objective="Help evaluating buyers build the business case themselves and shorten "
        "the sales cycle for deals that use it.",
        audience="Prospects in open opportunities and visitors to the pricing page.",
        key_message="See the payback period before you talk to sales.",
        channels="website, sales enablement",
        kpi="sales_cycle_length",
        target="70 days",
        budget=5000,
        line="Agency & freelance",
        not_measured="Only nine deals that used the calculator have closed; the median "
        "cycle means little until about 30 have. Elif re-runs it in the next quarter.",
        age=10,
    ),
    DemoBrief(
        "Research report: State of Marketing Operations 2026",
        "done_returned",
        "elif",
        launch=-160,
        owner="chloe",
        priority="P2",
        objective="Publish original research from 400 marketing leaders and turn the "
        "gated report into 400 MQLs.",
        audience="Everyone in marketing.",
        key_message="Most teams cannot say what a campaign cost until a month after it ended.",
        channels="content, PR, email, paid social",
        kpi="mqls_created",
        target="400",
        budget=9000,
        line="Research",
        body="YouGov fields a 15-minute survey to 400 UK marketing leaders; Elif analyses "
        "it and Chloe writes the report with a freelance designer.\n\n"
        "Launch: a press release through Brightfield PR, a webinar presenting the "
        "findings, and gated downloads promoted on LinkedIn for six weeks.",
        reason="The audience is everyone in marketing: name the roles and company sizes "
        "the report is for, so YouGov can set the sample quotas.",
        fix=(
            (
                "audience",
                "Marketing directors, heads of marketing operations and CMOs at B2B "
                "companies with 100 to 5,000 employees; quotas of 100 per size band.",
            ),
        ),
        result="455 MQLs",
        age=8,
        lead=15,
    ),
    DemoBrief(
        "Win-back nurture for closed-lost opportunities",
        "done",
        "farid",
        launch=-55,
        owner="ana",
        priority="P3",
        objective="Re-engage opportunities lost in the last year on price or timing and "
        "convert returning MQLs to SQLs at 18% or better.",
        audience="Contacts on opportunities closed lost for price or timing in the last 12 months.",
        key_message="A lot has changed since we last spoke.",
        channels="email, SDR outreach",
        kpi="mql_to_sql_rate",
        target="18%",
        result="21%",
    ),
    DemoBrief(
        "Customer advocacy: G2 review drive",
        "done",
        "chloe",
        launch=-40,
        owner="chloe",
        priority="P4",
        objective="Collect 60 new G2 reviews before the winter reports close, and keep "
        "the customer NPS at 45 or above while asking.",
        audience="Admins and power users at customers with NPS 9 or 10.",
        key_message="Tell other marketers what it is really like.",
        channels="email, in-app",
        kpi="customer_nps",
        target="45",
        budget=2500,
        line="Brand",
        payee="Printed",
        result="47",
    ),
    DemoBrief(
        "Product launch: spring release paid social campaign",
        "done",
        "grace",
        launch="spring",
        owner="ben",
        priority="P1",
        objective="Launch the spring release to target accounts on LinkedIn and Meta and "
        "create 500 MQLs over the three launch months.",
        audience="Marketing and finance leaders at target accounts, and lookalikes of "
        "recent closed-won contacts.",
        key_message="Plan next quarter's marketing in an afternoon, not a fortnight.",
        channels="LinkedIn, Meta, website",
        kpi="mqls_created",
        target="500",
        budget=24000,
        line="Paid social",
        campaign="Spring launch",
        body="Three waves over three months: launch video and product tour, then customer "
        "proof, then an offer for a planning workshop.\n\n"
        "Creative from Northbound; landing pages built in Webflow by Field Day. Ben "
        "reviews cost per lead weekly and moves budget between LinkedIn and Meta.",
        result="530 MQLs",
        age=45,
        lead=10,
    ),
    # -- in flight ----------------------------------------------------------------------
    DemoBrief(
        "Annual customer conference",
        "in_flight",
        "hiro",
        launch="conference",
        owner="hiro",
        priority="P1",
        objective="Bring 600 customers and prospects together for a day at ExCeL London "
        "and create 180 MQLs from prospects who attend.",
        audience="Customers' marketing and operations teams, and prospects in open "
        "opportunities or target accounts.",
        key_message="Plan, spend and prove it: one operating rhythm for marketing.",
        channels="events, email, paid social, PR",
        kpi="mqls_created",
        target="180",
        budget=60000,
        line="Events",
        campaign="Annual conference",
        body="One day, two stages, 24 sessions, with a partner expo. Customers speak in "
        "most sessions; the keynote launches the forecasting release.\n\n"
        "Registration opens ten weeks out on Cvent. Prospect invitations go through SDRs "
        "and a LinkedIn campaign to target accounts; customers are invited by their "
        "customer success managers.\n\n"
        "After the day: session recordings gated on the website, a follow-up sequence by "
        "track, and a prospect list for SDRs within 48 hours.",
        result="204 MQLs",
        lead=40,
    ),
    DemoBrief(
        "Q4 webinar series: AI in B2B marketing",
        "in_flight",
        "hiro",
        launch=-8,
        owner="hiro",
        priority="P2",
        objective="Run three webinars on practical AI use in marketing teams with a 40% "
        "attendance rate.",
        audience=_ICP + ".",
        key_message="AI is a tool for the team you have, not a replacement for it.",
        channels="webinar, email, LinkedIn",
        kpi="webinar_attendance_rate",
        target="40%",
        budget=5000,
        line="Webinars",
    ),
    DemoBrief(
        "Paid social: retarget conference attendees",
        "in_flight",
        "ben",
        launch=-5,
        owner="ben",
        priority="P2",
        objective="Keep conference prospects warm with session highlights until their "
        "SDR follow-up, at under £150 a lead.",
        audience="Prospects who registered for the conference, matched as a HubSpot list.",
        key_message="Missed a session? Watch the three everyone is talking about.",
        channels="LinkedIn, Meta",
        kpi="cost_per_lead",
        target="£150",
        budget=6000,
        line="Paid social",
    ),
    DemoBrief(
        "Year-end customer newsletter: product highlights",
        "in_flight",
        "chloe",
        launch=-2,
        owner="chloe",
        priority="P4",
        objective="Remind customers what shipped this year and drive clicks to the three "
        "features fewest customers use.",
        audience="All customer contacts opted in to product news.",
        channels="email",
        kpi="email_click_through_rate",
        target="3.5%",
    ),
    DemoBrief(
        "SEO refresh: 40 decaying blog posts",
        "in_flight",
        "chloe",
        launch=-12,
        owner="chloe",
        priority="P3",
        objective="Recover 5,000 monthly organic sessions lost from posts that dropped off "
        "the first page this year.",
        audience="Marketers searching for budgeting, planning and attribution how-tos.",
        channels="SEO, blog",
        kpi="organic_sessions",
        target="5,000",
        budget=4000,
        line="Content",
    ),
    DemoBrief(
        "Battle cards for the two main competitors",
        "in_flight",
        "farid",
        launch=-10,
        owner="chloe",
        priority="P2",
        objective="Give account executives a one-page answer to the objections Gong "
        "hears most, and lift the win rate against both competitors to 27%.",
        audience="Account executives and SDRs.",
        key_message="Where we win, and how to say it in one sentence.",
        channels="sales enablement",
        kpi="win_rate",
        target="27%",
    ),
    DemoBrief(
        "LinkedIn thought leadership: CMO video series",
        "in_flight",
        "grace",
        launch=-6,
        owner="grace",
        priority="P3",
        objective="Build our CMO's following with six short videos and a 4.5x return on "
        "the promotion spend.",
        audience="CMOs and marketing directors at target accounts.",
        channels="LinkedIn, video",
        kpi="return_on_ad_spend",
        target="4.5x",
        budget=7000,
        line="Paid social",
        payee="LinkedIn",
    ),
    DemoBrief(
        "Demo request: shorter form test",
        "in_flight",
        "dev",
        launch=-4,
        owner="dev",
        priority="P2",
        objective="Cut the demo form from nine fields to four, enrich the rest, and lift "
        "the website conversion rate to 3.2%.",
        audience="Visitors who open the demo request page.",
        channels="website",
        kpi="website_conversion_rate",
        target="3.2%",
    ),
    DemoBrief(
        "Website chatbot: qualify pricing page visitors",
        "in_flight",
        "ben",
        launch=-14,
        owner="dev",
        priority="P3",
        objective="Route pricing page visitors who match the ideal customer profile to a "
        "live SDR, and raise MQL to SQL conversion to 25%.",
        audience="Pricing page visitors from companies with 200+ employees.",
        channels="website, chat",
        kpi="mql_to_sql_rate",
        target="25%",
        budget=2000,
        line="Tools & software",
    ),
    # -- approved: at risk, overdue, and on track ------------------------------------
    DemoBrief(
        "Holiday gifting for the top 40 open opportunities",
        "approved_late",
        "farid",
        launch=2,
        owner="grace",
        priority="P1",
        objective="Send a branded gift and a handwritten note to the buying committees "
        "of the 40 largest open opportunities, and close 30% of them this quarter.",
        audience="Champions and economic buyers in the 40 largest open opportunities.",
        channels="direct mail, sales enablement",
        kpi="win_rate",
        target="30%",
        budget=8000,
        line="Brand",
    ),
    DemoBrief(
        "December product webinar: the reporting release",
        "approved_late",
        "hiro",
        launch=3,
        owner="hiro",
        priority="P2",
        objective="Show customers the new reporting release live, with 40% of "
        "registrants attending.",
        audience="Customer admins and power users.",
        channels="webinar, in-app, email",
        kpi="webinar_attendance_rate",
        target="40%",
        budget=1500,
        line="Webinars",
    ),
    DemoBrief(
        "Year-end paid search: budget-season keywords",
        "approved_late",
        "ben",
        launch=4,
        owner="ben",
        priority="P2",
        objective="Catch marketing leaders planning next year's budget while they search, "
        "at a cost per acquisition under £4,500.",
        audience="UK searchers for marketing budget templates and planning tools.",
        channels="paid search",
        kpi="cost_per_acquisition",
        target="£4,500",
        budget=7000,
        line="Paid search",
    ),
    DemoBrief(
        "Customer story landing pages",
        "approved_late",
        "chloe",
        launch=-3,
        owner="dev",
        priority="P2",
        objective="Turn the three newest case studies into landing pages for paid "
        "traffic, converting at 2.8%.",
        audience="Visitors from paid social and search in the three customers' industries.",
        channels="website, paid social",
        kpi="website_conversion_rate",
        target="2.8%",
        budget=3000,
        line="Agency & freelance",
    ),
    DemoBrief(
        "Partner webinar with Gong: forecasting that sales trusts",
        "approved_late",
        "ben",
        launch=-1,
        owner="hiro",
        priority="P3",
        objective="Reach Gong's customer base with a joint session and a 40% attendance rate.",
        audience="Gong customers in sales and revenue operations.",
        channels="webinar, partner email",
        kpi="webinar_attendance_rate",
        target="40%",
    ),
    DemoBrief(
        "ABM wave 2: healthcare SaaS accounts",
        "approved",
        "ben",
        launch=27,
        owner="ben",
        priority="P1",
        objective="Repeat the manufacturing ABM pilot for 60 healthcare software "
        "accounts and convert MQLs to SQLs at 28%.",
        audience="Buying committees at 60 named healthcare software companies.",
        key_message="Compliance-ready marketing operations.",
        channels="programmatic, LinkedIn, direct mail",
        kpi="mql_to_sql_rate",
        target="28%",
        budget=20000,
        line="Display & programmatic",
        body="Same design as the manufacturing pilot, which converted 34% against a 19% "
        "control. Changes: a direct-mail touch in week two, and healthcare-specific "
        "creative reviewed by legal.\n\n"
        "Risk: the account list is not final until Farid has re-checked the open "
        "opportunities in Salesforce.",
    ),
    DemoBrief(
        "Field event: Manchester customer breakfast",
        "resubmitted_approved",
        "hiro",
        launch=14,
        owner="hiro",
        priority="P3",
        objective="Meet 40 customers and prospects in the North West over breakfast and "
        "create 40 MQLs from the prospects.",
        audience="Customers and prospects within an hour of Manchester.",
        channels="events, email",
        kpi="mqls_created",
        reason="No KPI target and no venue budget yet: say how many MQLs it should make "
        "and which events line pays for it.",
        fix=(("kpi_target", "40"), ("budget_requested", "6000"), ("line", "Events")),
    ),
    DemoBrief(
        "Pricing page: localised euro pricing",
        "approved",
        "dev",
        launch=18,
        owner="dev",
        priority="P3",
        objective="Show prices in euros to visitors from the eurozone and lift their "
        "conversion rate to the UK level of 2.8%.",
        audience="Pricing page visitors from eurozone countries.",
        channels="website",
        kpi="website_conversion_rate",
        target="2.8%",
        age=2,
    ),
    DemoBrief(
        "Trial onboarding emails: rebuild the nurture",
        "approved",
        "ana",
        launch=12,
        owner="ana",
        priority="P2",
        objective="Rewrite the seven-email trial nurture around the three actions that "
        "predict conversion, and lift its click-through rate to 4%.",
        audience="Everyone who starts a free trial.",
        channels="email, in-app",
        kpi="email_click_through_rate",
        target="4%",
        age=-3,
    ),
    # -- submitted: fresh, waiting too long, overdue, resubmitted ------------------
    DemoBrief(
        "Webinar: marketing ops benchmark results",
        "waiting",
        "elif",
        launch=20,
        priority="P2",
        objective="Present the benchmark findings to survey respondents and prospects and "
        "create 250 MQLs.",
        audience="Survey respondents and " + _ICP[0].lower() + _ICP[1:] + ".",
        channels="webinar, email, LinkedIn",
        kpi="mqls_created",
        target="250",
        budget=2500,
        line="Webinars",
        age=2,
    ),
    DemoBrief(
        "Sponsored newsletter placements: marketing trade press",
        "waiting",
        "ben",
        launch=15,
        priority="P3",
        objective="Test three sponsored placements in marketing newsletters at under £200 a lead.",
        audience="Subscribers of three UK marketing newsletters.",
        channels="newsletter sponsorship",
        kpi="cost_per_lead",
        target="£200",
        budget=6000,
        line="Display & programmatic",
    ),
    DemoBrief(
        "Trial conversion campaign: in-product prompts",
        "waiting",
        "elif",
        launch=22,
        priority="P2",
        objective="Lift trial-to-paid conversion to 12% with in-product prompts at the "
        "three moments trial users stall.",
        audience="Trial users in their first 14 days.",
        channels="in-app, email",
        kpi="trial_to_paid_rate",
        target="12%",
        age=4,
    ),
    DemoBrief(
        "Regional roadshow: Dublin and Edinburgh",
        "waiting",
        "hiro",
        launch=-2,
        priority="P2",
        objective="Take the conference highlights to Dublin and Edinburgh for customers "
        "who could not travel, and create 60 MQLs.",
        audience="Customers and prospects in Ireland and Scotland.",
        channels="events, email",
        kpi="mqls_created",
        target="60",
        budget=12000,
        line="Events",
        age=16,
    ),
    DemoBrief(
        "Q1 paid search: always-on budget-holder campaign",
        "submitted",
        "ben",
        launch=29,
        priority="P2",
        objective="Keep a steady flow of budget-holder searches through Q1 at a cost per "
        "acquisition under £4,800.",
        audience="UK searchers for marketing budget, planning and spend tracking software.",
        channels="paid search",
        kpi="cost_per_acquisition",
        target="£4,800",
        budget=12000,
    ),
    DemoBrief(
        "Case study: Fernhill Health",
        "submitted",
        "chloe",
        launch=19,
        priority="P3",
        objective="Publish a written case study with Fernhill Health for healthcare opportunities.",
        audience="Healthcare prospects in open opportunities.",
        channels="content, sales enablement",
        kpi="win_rate",
        budget=3000,
        line="Content",
        age=1,
    ),
    DemoBrief(
        "Integrations directory on the website",
        "submitted",
        "dev",
        launch=30,
        priority="P3",
        objective="Publish a page per integration so people searching for 'HubSpot "
        "budget tracking' and similar find us: 3,000 organic sessions a month.",
        audience="Searchers for integrations between their tools and a budgeting tool.",
        channels="website, SEO",
        kpi="organic_sessions",
        target="3,000",
    ),
    DemoBrief(
        "Product launch keynote: spring release",
        "submitted",
        "grace",
        launch=35,
        priority="P1",
        objective="Launch the spring release with a live keynote and 1,500 registrants.",
        audience="Customers, prospects in open opportunities, analysts and press.",
        key_message="Forecast the quarter before it happens.",
        channels="events, PR, email, paid social",
        kpi="mqls_created",
        target="350",
        budget=15000,
        line="Brand",
        line_early=45,
        body="A 40-minute streamed keynote from a studio in London, then three breakout "
        "demos. PR briefings under embargo the week before.\n\n"
        "The launch moved from December to the new year when engineering re-planned the "
        "release; the brief still names the old quarter's brand line.",
    ),
    DemoBrief(
        "G2 category leader campaign",
        "resubmitted",
        "grace",
        launch=16,
        priority="P2",
        objective="Use the G2 leader badge in paid social and email while it is new.",
        audience="Prospects in open opportunities and target accounts.",
        channels="paid social, email, website",
        kpi="website_conversion_rate",
        budget=5000,
        line="Paid social",
        reason="No KPI target, and the creative cannot use the badge before G2's embargo "
        "lifts; add a target and check the date with G2.",
        fix=(("kpi_target", "3%"),),
    ),
    DemoBrief(
        "Direct mail to 25 strategic accounts",
        "resubmitted",
        "farid",
        launch=11,
        priority="P2",
        objective="Open conversations with 25 strategic accounts that have never engaged, "
        "and book meetings with a third of them.",
        audience="Economic buyers at 25 strategic accounts chosen with sales leadership.",
        channels="direct mail, SDR outreach",
        kpi="mql_to_sql_rate",
        target="33%",
        reason="The parcels would land between Christmas and New Year, when offices are "
        "empty; move the launch into the second week of January.",
        fix=(("launch", 14),),
        age=-1,
    ),
    # -- drafts: ideas, incomplete, overdue, returned -------------------------------
    DemoBrief("Podcast sponsorship", "idea", "grace", priority="P4", age=3),
    DemoBrief(
        "Competitor comparison pages",
        "idea",
        "dev",
        channels="website, SEO",
        age=6,
    ),
    DemoBrief(
        "Community Slack group for marketing ops leaders",
        "idea",
        "ana",
        objective="Start a community where marketing ops leaders swap templates and "
        "processes; a long-term source of referrals.",
        age=1,
    ),
    DemoBrief("Analyst briefing programme", "idea", "elif", priority="P3", age=9),
    DemoBrief(
        "Video testimonials at the customer conference",
        "idea",
        "chloe",
        priority="P3",
        objective="Film ten short customer testimonials at the conference for the website "
        "and sales.",
        audience="Prospects in evaluation.",
        channels="video, website",
        age=14,
    ),
    DemoBrief(
        "LinkedIn ads to intent-surge accounts",
        "idea",
        "ben",
        launch=23,
        priority="P2",
        objective="Serve LinkedIn ads to accounts 6sense shows researching our category.",
        channels="LinkedIn",
        kpi="intent_engagement_rate",
        target="15%",
        age=4,
    ),
    DemoBrief(
        "Developer newsletter",
        "idea",
        "dev",
        launch=30,
        priority="P4",
        objective="A monthly newsletter for the developers who build on our API.",
        audience="Developers with an API key.",
        channels="email",
        age=2,
    ),
    DemoBrief(
        "End-of-quarter partner referral promotion",
        "draft_overdue",
        "farid",
        launch=-3,
        priority="P2",
        objective="Pay partners a double referral fee for deals registered this quarter.",
        audience="Agency and consultancy partners.",
        channels="partner email",
        kpi="mqls_created",
        target="50",
    ),
    DemoBrief(
        "Paid social: Meta lookalike audience test",
        "returned",
        "ben",
        launch=15,
        priority="P3",
        objective="Test Meta lookalike audiences built from customers for the budgeting guide.",
        audience="Lookalikes of our customer list.",
        channels="Meta",
        kpi="cost_per_lead",
        target="£120",
        budget=4000,
        line="Paid social",
        reason="Meta lookalikes have not reached IT or finance buyers in past tests; show "
        "the targeting and how the test will be read before we spend on it.",
        age=1,
    ),
    DemoBrief(
        "Webinar: GDPR for marketers",
        "returned_fixed",
        "ana",
        launch=12,
        priority="P3",
        objective="Explain what changes in consent and data retention mean for B2B "
        "marketing teams, and create 120 MQLs.",
        audience=_ICP + ".",
        channels="webinar, email",
        kpi="mqls_created",
        target="120",
        reason="The date clashes with the reporting release webinar; choose another week "
        "and name a speaker from legal.",
        fix=(
            ("launch", 20),
            ("body", "Speaker: our data protection officer, with Ana moderating."),
        ),
    ),
    DemoBrief(
        "Billboard near Old Street roundabout",
        "returned",
        "grace",
        launch=28,
        priority="P4",
        objective="Put the brand in front of London's tech workers for a month.",
        audience="Commuters through Old Street.",
        channels="out of home",
        kpi="organic_sessions",
        target="2,000",
        budget=45000,
        reason="£45k is three times the quarter's brand line, and branded search is the "
        "only measure we have; bring a smaller test and a way to read it.",
        age=3,
    ),
    DemoBrief(
        "Customer referral programme",
        "idea",
        "farid",
        launch=40,
        priority="P2",
        objective="Launch a referral programme that pays customers a credit for every "
        "referred deal, and create 60 MQLs in its first quarter.",
        audience="Customer admins and champions with NPS 9 or 10.",
        key_message="Know a team that still runs budgets in spreadsheets?",
        channels="email, in-app, customer success",
        kpi="mqls_created",
        target="60",
        body="Referrals go through a HubSpot form; customer success confirms each one. "
        "Credit is applied at renewal.\n\n"
        "Open question for finance: does the credit count as a discount or as "
        "marketing spend?",
        age=1,
    ),
    # -- cancelled ------------------------------------------------------------------
    DemoBrief(
        "Hackathon sponsorship: RevOps Hack London",
        "cancelled_draft",
        "ana",
        priority="P4",
        objective="Sponsor the RevOps hackathon and run a challenge on our API.",
        channels="events, community",
        reason="The organisers moved it to June; revisit it in the Q2 plan.",
    ),
    DemoBrief(
        "TikTok awareness test",
        "cancelled_submitted",
        "grace",
        launch=10,
        priority="P4",
        objective="Test short-form video on TikTok for brand awareness among younger marketers.",
        audience="Marketing managers aged 25 to 34.",
        channels="TikTok",
        kpi="website_conversion_rate",
        target="1%",
        reason="Our buyers are not there; agreed with Grace to put the money into "
        "LinkedIn video instead.",
    ),
    DemoBrief(
        "Print ad: trade magazine budget-season issue",
        "cancelled_approved",
        "grace",
        launch=8,
        owner="grace",
        priority="P3",
        objective="A full-page ad in the budget-season issue of a marketing trade magazine.",
        audience="The magazine's 30,000 print readers.",
        channels="print",
        kpi="organic_sessions",
        target="1,000",
        budget=6500,
        line="Brand",
        reason="The publisher cancelled the special issue; the money goes back to the brand line.",
    ),
    DemoBrief(
        "Drift chat playbooks refresh",
        "cancelled_in_flight",
        "ben",
        launch=-30,
        owner="ben",
        priority="P3",
        objective="Rewrite the Drift playbooks for the new pricing and lift chat-sourced "
        "MQL to SQL conversion.",
        audience="Website visitors who open the chat.",
        channels="chat, website",
        kpi="mql_to_sql_rate",
        target="20%",
        reason="Drift is being decommissioned; the playbooks move to Intercom with the "
        "website chatbot brief.",
    ),
    DemoBrief(
        "Summer product tour webinar",
        "cancelled_submitted",
        "hiro",
        launch=18,
        priority="P4",
        objective="A live tour of the product for prospects over the summer.",
        audience="Prospects who downloaded a guide this year.",
        channels="webinar",
        kpi="webinar_attendance_rate",
        target="35%",
        reason="A duplicate of the Q4 webinar series brief, which now includes a product tour.",
        age=20,
    ),
)


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _conference_day(plan: LedgerPlan, today: date) -> date | None:
    """The latest annual conference that has happened: mid-period, where the ledger
    puts its invoices."""
    days = [
        _weekday_on_or_before(p.starts_on + timedelta(days=p.days // 2))
        for spec, p, _id in plan.lines
        if spec.channel == "Events" and spec.campaign == "Annual conference"
    ]
    past = [d for d in days if d <= add_working_days(today, -3)]
    return max(past) if past else None


def _spring_day(plan: LedgerPlan, today: date) -> date | None:
    """The second Tuesday of the latest spring campaign's first month, if it is well past."""
    firsts: dict[int, date] = {}
    for spec, p, _id in plan.lines:
        if spec.channel == "Paid social" and spec.campaign == "Spring launch":
            year = p.starts_on.year
            firsts[year] = min(firsts.get(year, p.starts_on), p.starts_on)
    launches = [start + timedelta(days=(1 - start.weekday()) % 7 + 7) for start in firsts.values()]
    past = [d for d in launches if d <= add_working_days(today, -70)]
    return max(past) if past else None


_ANCHORS = {"conference": _conference_day, "spring": _spring_day}


def _launch_day(today: date, working_days: int) -> date:
    """The launch that many working days from today, kept out of the Christmas break
    (24 December to 1 January): a launch well ahead moves on by whole weeks to after
    it, one already past back by whole weeks to before it. Launches within the at-risk
    window stay put."""
    day = add_working_days(today, working_days)

    def in_break(d: date) -> bool:
        return (d.month == 12 and d.day >= 24) or (d.month == 1 and d.day == 1)

    step = 7 if working_days >= 10 else -7 if working_days < 0 else 0
    while step and in_break(day):
        day += timedelta(days=step)
    return day


@dataclass
class _BriefPlan:
    """One demo brief with its dates worked out: launch, story and timed steps."""

    spec: DemoBrief
    launch: date | None
    story: str
    steps: list[tuple[datetime, str]]
    raw: dict[str, Any]
    fix: dict[str, Any]
    line_id: int | None
    brief_id: int = 0


def _plan_brief(
    spec: DemoBrief, plan: LedgerPlan, today: date, rng: random.Random
) -> _BriefPlan | None:
    """Dates, timed steps and form values of one brief; ``None`` when the ledger holds
    no period for an anchored launch."""
    story = spec.story
    if isinstance(spec.launch, str):
        launch = _ANCHORS[spec.launch](plan, today)
        if launch is None:
            return None
        if spec.launch == "conference" and working_days_between(launch, today) >= 20:
            story = "done"
    elif spec.launch is None:
        launch = None
    else:
        launch = _launch_day(today, spec.launch)
    actions = [action for action, _base, _offset in STORIES[story]]
    latest = add_working_days(today, -1)
    days: list[tuple[str, date]] = []
    for action, base, offset in STORIES[story]:
        if base == "T":
            day = add_working_days(today, offset - spec.age)
        else:
            assert launch is not None, spec.title
            shift = spec.age if action in ("done", "cancel") else 0
            if offset < 0:
                shift = -spec.lead
            day = add_working_days(launch, offset + shift)
        days.append((action, min(day, latest)))

    steps: list[tuple[datetime, str]] = []
    for action, day in days:
        at = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(0, 540))
        if steps and at <= steps[-1][0]:
            at = steps[-1][0] + timedelta(minutes=rng.randrange(4, 50))
        steps.append((at, action))

    line_id = None
    if spec.line and launch is not None:
        line_id = plan.line_for(spec.line, launch - timedelta(days=spec.line_early), spec.campaign)
    raw: dict[str, Any] = {
        "title": spec.title,
        "requester": spec.requester,
        "priority": spec.priority,
        "objective": spec.objective,
        "audience": spec.audience,
        "key_message": spec.key_message,
        "channels": spec.channels,
        "launch_date": launch.isoformat() if launch else None,
        "kpi": spec.kpi,
        "kpi_target": spec.target,
        "body": spec.body,
    }
    if spec.owner and "assign" not in actions:
        raw["owner"] = spec.owner
    # An approved brief that asks for money names a line covering its launch; when the
    # plan holds none (a launch in a fiscal year not yet planned) it asks for none.
    if spec.budget and (line_id is not None or "approve" not in actions):
        raw["budget_requested"] = str(spec.budget)
        if line_id is not None:
            raw["budget_line"] = f"#{line_id}"
    else:
        line_id = None

    fix: dict[str, Any] = {}
    for name, value in spec.fix:
        if name == "launch":
            fix["launch_date"] = _launch_day(today, int(value)).isoformat()
        elif name == "line":
            found = plan.line_for(str(value), launch) if launch else None
            if found is None:
                fix.pop("budget_requested", None)
            else:
                fix["budget_line"] = f"#{found}"
                line_id = found
        else:
            fix[name] = value
    return _BriefPlan(spec, launch, story, steps, raw, fix, line_id)


def _clock_at(when: datetime) -> tuple[Callable[[], date], Callable[[], datetime]]:
    day = when.date()
    return (lambda: day), (lambda: when)


def _brief_step(ws: Workspace, bp: _BriefPlan, action: str) -> None:
    spec = bp.spec
    if action == "create":
        bp.brief_id = briefs.create(ws, bp.raw).id
    elif action == "fix":
        briefs.update(ws, bp.brief_id, bp.fix, expected_version=None)
    elif action == "assign":
        assert spec.owner is not None, spec.title
        briefs.assign(ws, bp.brief_id, spec.owner)
    elif action in ("return", "cancel"):
        briefs.move(ws, bp.brief_id, action, reason=spec.reason)
    elif action == "done":
        briefs.move(ws, bp.brief_id, "done", result=spec.result, not_measured=spec.not_measured)
    else:
        briefs.move(ws, bp.brief_id, action)


def _link_spend(plan: LedgerPlan, bp: _BriefPlan, today: date, rng: random.Random) -> None:
    """Mark the invoices that paid for a launched brief: its line's channel (and
    campaign), from its approval until it finished (or today), up to about its budget."""
    spec = bp.spec
    if bp.line_id is None or not spec.budget:
        return
    when = {action: at.date() for at, action in bp.steps}
    if "start" not in when or "approve" not in when:
        return
    start = when["approve"]
    end = when.get("done") or when.get("cancel") or today
    channel = next((s.channel, s.campaign) for s, _p, i in plan.lines if i == bp.line_id)
    lines = {i for s, _p, i in plan.lines if (s.channel, s.campaign) == channel}
    cap = spec.budget * 100 * rng.uniform(0.8, 0.97)
    total = 0
    for entry in plan.spends:
        if (
            entry.brief is None
            and entry is not plan.misposted
            and entry.amount > 0
            and entry.line_id in lines
            and start <= entry.on <= end
            and spec.payee.lower() in entry.payee.name.lower()
            and total + entry.amount <= cap
        ):
            entry.brief = bp.brief_id
            total += entry.amount


def _load_briefs(ws: Workspace, today: date, plan: LedgerPlan) -> int:
    """Create the demo briefs and walk each through its story with the real brief
    service, with the workspace clock set to the moment of each step; then link the
    invoices of the launched ones (``plan.spends``, imported afterwards) to them.

    The steps of all briefs run in time order, so the audit log reads as it happened.
    Every guard applies, under the default :class:`BriefPolicy` whatever the config
    says, so the stories hold for any team's thresholds.
    """
    rng = random.Random("mops demo briefs")
    planned = [bp for spec in BRIEFS if (bp := _plan_brief(spec, plan, today, rng)) is not None]
    events = sorted(
        (at, index, step, action)
        for index, bp in enumerate(planned)
        for step, (at, action) in enumerate(bp.steps)
    )
    saved = (ws.today_fn, ws.now_fn, ws.brief_policy)
    try:
        ws.brief_policy = BriefPolicy()
        for at, index, _step, action in events:
            ws.today_fn, ws.now_fn = _clock_at(at)
            _brief_step(ws, planned[index], action)
    finally:
        ws.today_fn, ws.now_fn, ws.brief_policy = saved
    plan.spends.sort(key=lambda s: s.on)
    for bp in planned:
        _link_spend(plan, bp, today, rng)
    return len(planned)


# ---------------------------------------------------------------------------
# Use cases
# ---------------------------------------------------------------------------


def _count(ws: Workspace, table: str) -> int:
    return int(ws.reader.scalar(f"SELECT COUNT(*) FROM {table}") or 0)


def is_empty(ws: Workspace) -> bool:
    """True when the workspace holds no people, tools, integrations, KPIs, budget lines,
    spend entries or briefs."""
    tables = (
        "people",
        "tools",
        "integrations",
        "kpis",
        "budget_lines",
        "spend_entries",
        "briefs",
    )
    return all(_count(ws, table) == 0 for table in tables)


def wipe(ws: Workspace) -> None:
    """Delete every spend entry, period close, import profile, brief and its
    transitions, budget line, KPI, person, tool, integration, renewal decision, snoozed
    inbox item and audit entry, in one transaction.

    Used by ``mops demo --force``. Workspace settings (the currency) stay.
    """
    from sqlalchemy import delete, update

    from mops_tui.store.models import (
        AuditEntry,
        Brief,
        BriefTransition,
        BudgetLine,
        ImportProfile,
        Integration,
        Kpi,
        KpiVersionRow,
        PeriodClose,
        Person,
        RenewalDecision,
        Snooze,
        SpendEntry,
        Tool,
    )

    with ws.transaction() as s:
        # Children before parents: reversals and corrections point at other entries,
        # entries at lines, tools and briefs (no foreign key), lines at tools and
        # people; transitions point at briefs, briefs at people, KPIs and lines;
        # versions point at KPIs, KPIs at their successor, at tools and at people;
        # integrations and renewal decisions point at tools, tools at people. Snoozes
        # name inbox items by id, which mean nothing once the records are gone.
        s.execute(delete(AuditEntry))
        s.execute(delete(Snooze))
        s.execute(delete(RenewalDecision))
        s.execute(update(SpendEntry).values(reverses_id=None, corrects_id=None))
        for ledger_model in (SpendEntry, PeriodClose, ImportProfile):
            s.execute(delete(ledger_model))
        for brief_model in (BriefTransition, Brief, BudgetLine):
            s.execute(delete(brief_model))
        s.execute(delete(KpiVersionRow))
        s.execute(update(Kpi).values(successor_id=None))
        for model in (Kpi, Integration, Tool, Person):
            s.execute(delete(model))


def load(ws: Workspace, *, scale: str = "standard") -> dict[str, int]:
    """Load the demo team, stack, data flows, KPIs, budget ledger and brief queue
    through the real services.

    Expects an empty workspace (see :func:`is_empty`); a name, handle or key already in
    use is refused by the services as usual. Returns how many people, tools, live
    integrations, KPIs, budget lines, spend entries and briefs the workspace holds.

    The briefs are created once the budget lines exist and before the spend is
    imported, so the invoices of launched briefs carry their brief number.

    ``scale="large"`` tops the workspace up with :func:`mops_tui.services.scale.load_large`
    (100,000 spend entries in all, a third fiscal year of lines, 1,000 tools, 300 KPIs
    and 10,000 briefs with their histories) before the months are closed, so the closed
    months hold generated spend too. ``scale="tiny"`` does the same up to
    :data:`mops_tui.services.scale.TINY`'s few hundred records (tests, benchmark smoke runs).
    """
    if scale not in ("standard", "large", "tiny"):
        raise ValueError(f"the demo comes in standard, large or tiny scale, not {scale!r}")
    today = ws.today()
    for person in PEOPLE:
        people.add_person(ws, person)

    ids: dict[str, int] = {}
    warnings: list[FieldError] = []  # Canva's seat overrun is a warning, not a refusal
    for spec in TOOLS:
        ids[spec.name] = stack.create(ws, spec.raw(today), warnings=warnings).id

    for kind, name, values in _history(today):
        if kind == "update":
            stack.update(ws, ids[name], values, expected_version=None, warnings=warnings)
        else:
            stack.transition(ws, ids[name], values, expected_version=None)

    for source, target, data, personal in INTEGRATIONS:
        flow: Mapping[str, Any] = {
            "source": source,
            "target": target,
            "data": data,
            "personal": personal,
        }
        stack.add_integration(ws, flow)

    for name, values in _retirements(today):
        stack.transition(ws, ids[name], values, expected_version=None)

    kpi_count = _load_kpis(ws, today)
    plan = _plan_ledger(ws, today)
    brief_count = _load_briefs(ws, today, plan)
    ledger_counts = _book_ledger(ws, today, plan, scale=scale)

    counts = {
        "people": len(PEOPLE),
        "tools": len(TOOLS),
        "integrations": len(INTEGRATIONS),
        "kpis": kpi_count,
        **ledger_counts,
        "briefs": brief_count,
    }
    if scale != "standard":  # topped up: what the workspace holds now
        tables = {
            "tools": "tools",
            "kpis": "kpis",
            "briefs": "briefs",
            "audit entries": "audit_log",
        }
        counts.update({what: _count(ws, table) for what, table in tables.items()})
    return counts
