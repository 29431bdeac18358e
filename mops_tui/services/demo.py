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
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mops_tui.domain import ledger as ledger_rules
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.ledger import Period
from mops_tui.services import kpis, ledger, people, stack
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
        "note": s.note,
    }


def _load_ledger(ws: Workspace, today: date, *, scale: str = "standard") -> dict[str, int]:
    """Plan two fiscal years, import their spend in one batch, correct two entries and
    close the months that ended more than two months ago (one reopened and closed again).
    """
    rng = random.Random(2026)  # refunds; each line draws from its own stream
    fy_start = ws.fy_start
    current_fy = ledger_rules.fiscal_year_of(today, fy_start)
    ids: dict[tuple[str, str, str], int] = {}
    spends: list[DemoSpend] = []
    plan = [
        item for fy in (current_fy - 1, current_fy) for item in plan_lines(fy, fy_start, current_fy)
    ]
    for spec, p, values in plan:
        line = ledger.create_line(ws, values)
        ids[(spec.channel, spec.campaign, p.label)] = line.id
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

    if scale == "large":
        from mops_tui.services import scale as scale_service

        scale_service.load_large(ws)

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
# Use cases
# ---------------------------------------------------------------------------


def _count(ws: Workspace, table: str) -> int:
    return int(ws.reader.scalar(f"SELECT COUNT(*) FROM {table}") or 0)


def is_empty(ws: Workspace) -> bool:
    """True when the workspace holds no people, tools, integrations, KPIs, budget lines
    or spend entries."""
    tables = ("people", "tools", "integrations", "kpis", "budget_lines", "spend_entries")
    return all(_count(ws, table) == 0 for table in tables)


def wipe(ws: Workspace) -> None:
    """Delete every spend entry, period close, import profile, budget line, KPI, person,
    tool, integration and audit entry, in one transaction.

    Used by ``mops demo --force``. Workspace settings (the currency) stay.
    """
    from sqlalchemy import delete, update

    from mops_tui.store.models import (
        AuditEntry,
        BudgetLine,
        ImportProfile,
        Integration,
        Kpi,
        KpiVersionRow,
        PeriodClose,
        Person,
        SpendEntry,
        Tool,
    )

    with ws.transaction() as s:
        # Children before parents: reversals and corrections point at other entries,
        # entries at lines and tools, lines at tools and people; versions point at
        # KPIs, KPIs at their successor, at tools and at people; integrations point at
        # tools, tools at people.
        s.execute(delete(AuditEntry))
        s.execute(update(SpendEntry).values(reverses_id=None, corrects_id=None))
        for ledger_model in (SpendEntry, PeriodClose, ImportProfile, BudgetLine):
            s.execute(delete(ledger_model))
        s.execute(delete(KpiVersionRow))
        s.execute(update(Kpi).values(successor_id=None))
        for model in (Kpi, Integration, Tool, Person):
            s.execute(delete(model))


def load(ws: Workspace, *, scale: str = "standard") -> dict[str, int]:
    """Load the demo team, stack, data flows, KPIs and budget ledger through the real
    services.

    Expects an empty workspace (see :func:`is_empty`); a name, handle or key already in
    use is refused by the services as usual. Returns how many people, tools, live
    integrations, KPIs, budget lines and spend entries the workspace holds.

    ``scale="large"`` adds :func:`mops_tui.services.scale.load_large`'s 100,000
    generated entries (and a third fiscal year of lines) before the months are closed,
    so the closed months hold generated spend too.
    """
    if scale not in ("standard", "large"):
        raise ValueError(f"the demo comes in standard or large scale, not {scale!r}")
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
    ledger_counts = _load_ledger(ws, today, scale=scale)

    return {
        "people": len(PEOPLE),
        "tools": len(TOOLS),
        "integrations": len(INTEGRATIONS),
        "kpis": kpi_count,
        **ledger_counts,
    }
