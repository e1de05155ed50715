"""The demo's English versions: the home page, the footer, one course, two cases and one event.

Made as an editor makes them in the admin ("Translate", then edit the copy: wagtail.contrib.
simple_translation), so the demo shows what /en/ looks like with and without an English version.
Pages are found by slug and changed by field name: the academy app imports no other app here.
Idempotent: a page that already has an English version is left alone.
"""

from __future__ import annotations

from wagtail.models import Locale, Page

from . import localisation
from .models import FooterText, HomePage

ENGLISH = "en"


def _metrics(*items: tuple[str, str, str]) -> list[tuple[str, dict]]:
    return [("metric", {"label": label, "value": v, "unit": unit}) for label, v, unit in items]


def _text(html: str) -> list[tuple[str, str]]:
    return [("text", html)]


HOME = {
    "title": "Provider Academy",
    "hero_eyebrow": "Provider Academy",
    "hero_title": "Grow your mini-program business with 8,200 fellow providers",
    "hero_intro": "Learn the platform's products and integration rules, study benchmark cases "
    "from your industry, meet peers at city workshops, and prove your expertise as a "
    "certified lecturer.",
    "stats": [
        ("stat", {"value": v, "label": label})
        for v, label in [
            ("8,200+", "Service providers"),
            ("630,000", "Mini-programs"),
            ("150+", "Industries served"),
            ("4", "Growth directions"),
        ]
    ],
    "offers": [
        ("offer", {"title": t, "text": text, "link_url": url, "link_page": None})
        for t, text, url in [
            (
                "Courses",
                "From mini-program commerce basics to customer operations on WeCom, in learning "
                "paths ordered by growth stage.",
                "/courses/",
            ),
            (
                "Case studies",
                "Real projects by your peers, filtered by industry and product: the challenge, "
                "the solution and measurable results.",
                "/cases/",
            ),
            (
                "Events",
                "City workshops and lecturer-led sessions: sign up, join the waitlist and check "
                "in, all in one place.",
                "/events/",
            ),
            (
                "Lecturer certification",
                "Pass the exam and a teaching assessment to earn a digitally signed lecturer "
                "certificate anyone can verify online.",
                "/lecturers/",
            ),
        ]
    ],
}

FOOTER = (
    "<p>Provider Academy is run by the platform's ecosystem team and is free for every "
    "service provider on the platform.</p>"
)

PAGES = {
    "mini-program-ecommerce-basics": {
        "title": "Mini-program commerce basics",
        "summary": "From the business case to app review: take one merchant's minimum viable "
        "mini-program shop live, and read its first month of data.",
        "outcomes": "Explain how a mini-program shop differs from a marketplace store in "
        "traffic, data and customer relationships\n"
        "Choose the right registration entity and service category, and pass review first time\n"
        "Design product, order and fulfilment flows a merchant can run\n"
        "Read the first month after launch through a conversion funnel",
        "body": "<p>This course is for providers who have just joined the platform: you may "
        "already build mini-programs, but have not yet delivered a shop for a merchant on your "
        "own. The lessons follow a real project, one delivery milestone each.</p>"
        "<p>Afterwards, take the course's checklists to your first requirements meeting with a "
        "merchant.</p>",
    },
    "tea-chain-ordering-hangzhou": {
        "title": "A 60-store tea chain moves ordering into a mini-program",
        "merchant_name": "Shanye Tea",
        "city": "Hangzhou",
        "summary": "Long queues at peak hours and high delivery-platform commissions: Shanye Tea "
        "brought 60% of its orders back to its own channel with mini-program ordering and "
        "stored-value membership.",
        "metrics": _metrics(
            ("Orders placed in the mini-program", "68", "%"),
            ("Wait at peak hours", "-35", "%"),
            ("30-day repeat purchases by members", "+22", "%"),
        ),
        "challenge": _text(
            "<p>Shanye Tea runs 60 stores in Hangzhou. In the afternoon and evening peaks a dozen "
            "people queue at the till. Delivery platforms brought four orders in ten, but their "
            "commission kept thinning the margin, and the customer data stayed on the "
            "platforms.</p>"
        ),
        "solution": _text(
            "<p>The provider launched one ordering mini-program for pick-up and delivery: "
            "customers order before they reach the counter and stores make drinks by pick-up "
            "number. Stored value and points are part of ordering, so members pay from their "
            "balance automatically.</p>"
        ),
        "results": _text(
            "<p>Three months after launch, 68% of orders come through the mini-program, the wait "
            "at peak hours is a third shorter, and stored-value members buy again within 30 days "
            "22 percentage points more often than other customers.</p>"
        ),
    },
    "hk-cafe-qr-ordering": {
        "title": "QR ordering at a Hong Kong cha chaan teng: 18% more lunchtime table turns",
        "merchant_name": "Wah Kee Café",
        "city": "Hong Kong",
        "summary": "Short-staffed at lunch and too many wrong orders: with table QR ordering and "
        "cross-border payments, Wah Kee Café turned its tables 18% faster within a month.",
        "metrics": _metrics(
            ("Lunchtime table turns", "+18", "%"),
            ("Payments per day", "+300", "%"),
            ("Staff time taking orders", "-60", "%"),
        ),
        "challenge": _text(
            "<p>Wah Kee Café in Mong Kok serves over a hundred diners in its lunch hour. Staff "
            "took orders, served and cashed up at once, wrong orders were common at the peak, and "
            "visitors from the mainland often had no cash or local card to pay with.</p>"
        ),
        "solution": _text(
            "<p>Every table got a QR code: diners scan it to read the menu, order and add dishes, "
            "and the tickets print straight at the drinks bar and in the kitchen. At the end they "
            "pay with local or cross-border wallets.</p>"
        ),
        "results": _text(
            "<p>In the first month, lunchtime table turns rose 18%, electronic payments tripled, "
            "and staff spent 60% less time taking orders, leaving more time for regulars.</p>"
        ),
    },
    "payments-workshop-shanghai": {
        "title": "Hands-on mini-program payments workshop · Shanghai",
        "summary": "In one afternoon, from merchant account application to payment, refunds and "
        "reconciliation: run a complete payment flow in the sandbox.",
        "description": "<p>Many providers integrating payments for the first time get stuck on "
        "certificates, callback signatures and reconciliation differences. The platform's "
        "payments team and two experienced providers lead this workshop: <b>bring your "
        "laptop</b> and complete an order, a payment, a refund and a reconciliation in the "
        "sandbox.</p>"
        "<h3>Who it is for</h3><ul><li>Technical leads of newly joined providers about to "
        "deliver payments for the first time</li><li>Delivery teams who want fewer failed "
        "payments and complaints</li></ul>",
        "city": "Shanghai",
        "venue": "Platform Shanghai Innovation Centre, 3rd-floor auditorium",
        "address": "1388 Yishan Road, Caohejing Development Zone, Xuhui District, Shanghai",
        "agenda": [
            ("item", {"time": t, "item": item, "speaker": speaker})
            for t, item, speaker in [
                ("13:30", "Check-in and laptop set-up", ""),
                ("14:00", "Payment products and choosing an integration mode", "Payments team"),
                ("14:40", "Lab: order, payment callback and signature check", "陈思远"),
                ("15:40", "Tea break", ""),
                ("16:00", "Refunds, profit sharing and daily reconciliation", "Payments team"),
                ("17:00", "Questions and group photo", ""),
            ]
        ],
    },
}


def translate_page(page: Page, locale: Locale, fields: dict, user=None) -> Page | None:
    """An English version of `page` with `fields`, published, as the admin's Translate does.

    Parents without an English version get an alias of the original (copy_parents), as the
    admin requires a translated parent. Returns None when the version exists already.
    """
    page = page.specific
    if page.has_translation(locale):
        return None
    version = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(version, name, value)
    version.save_revision(user=user).publish()
    return version


def seed(stdout=None) -> None:
    english, _ = Locale.objects.get_or_create(language_code=ENGLISH)
    original = localisation.default_language()
    home = HomePage.objects.filter(locale__language_code=original).first()
    made = []
    if home is not None and translate_page(home, english, HOME):
        made.append("home page")
    for slug, fields in PAGES.items():
        page = Page.objects.filter(slug=slug, locale__language_code=original).first()
        if page is not None and translate_page(page, english, fields):
            made.append(slug)
    footer = FooterText.objects.filter(locale__language_code=original).first()
    if footer is not None and not footer.has_translation(english):
        version = footer.copy_for_translation(english)
        version.body = FOOTER
        version.save()
        made.append("footer")
    if made and stdout is not None:
        stdout.write(f"Created English versions: {', '.join(made)}.")
