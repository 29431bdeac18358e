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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mops_tui.domain.errors import FieldError
from mops_tui.services import people, stack
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
# Use cases
# ---------------------------------------------------------------------------


def _count(ws: Workspace, table: str) -> int:
    return int(ws.reader.scalar(f"SELECT COUNT(*) FROM {table}") or 0)


def is_empty(ws: Workspace) -> bool:
    """True when the workspace holds no people, tools or integrations."""
    return all(_count(ws, table) == 0 for table in ("people", "tools", "integrations"))


def wipe(ws: Workspace) -> None:
    """Delete every person, tool, integration and audit entry, in one transaction.

    Used by ``mops demo --force``. Workspace settings (the currency) stay.
    """
    from sqlalchemy import delete

    from mops_tui.store.models import AuditEntry, Integration, Person, Tool

    with ws.transaction() as s:
        # Children before parents: integrations point at tools, tools at people.
        for model in (AuditEntry, Integration, Tool, Person):
            s.execute(delete(model))


def load(ws: Workspace) -> dict[str, int]:
    """Load the demo team, stack and data flows through the real services.

    Expects an empty workspace (see :func:`is_empty`); a name or handle already in use
    is refused by the services as usual. Returns how many people, tools and live
    integrations were added.
    """
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

    return {"people": len(PEOPLE), "tools": len(TOOLS), "integrations": len(INTEGRATIONS)}
