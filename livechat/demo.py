"""The live-chat inbox of the demo (`manage.py load_demo`): the widget on the demo page
(/livechat/demo/) talks to it for real, so no simulated platform; visitors who typed their
details, and what they ask."""

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ChannelDemo, DemoCustomer, DemoIdentity, DemoPerson


def identity(person: DemoPerson) -> DemoIdentity:
    """A visitor id of the widget, and the email address some visitors type in."""
    return DemoIdentity(external_id=f"demo-visitor-{person.number}", email=person.email if person.number % 2 else "")


DEMO = ChannelDemo(
    inbox_name=_("Website chat"),
    identity=identity,
    members=("anna", "ben"),
    config={"allowed_origins": []},
    weight=1.2,
    customers=(
        DemoCustomer(
            external_id="demo-visitor-live-1",
            name="Lena Schmidt",
            language="de",
            phone="+49 151 98765432",
            minutes_ago=1,
            messages=("Hallo, wann öffnet der Laden morgen?",),
        ),
        DemoCustomer(
            external_id="demo-visitor-live-2",
            name="Daan Jansen",
            language="nl",
            phone="06-12345678",
            minutes_ago=9,
            messages=("Ik heb ook via WhatsApp geschreven, zelfde vraag.", "Kan ik morgen nog ophalen?"),
        ),
        DemoCustomer(
            external_id="demo-visitor-live-3",
            name="Grace Miller",
            language="en",
            email="grace.miller@example.com",
            minutes_ago=3,
            messages=("Do you ship to Belgium?", "And how long does it take?"),
        ),
    ),
    questions={
        "nl": (
            "Wat zijn jullie openingstijden?",
            "Kan ik betalen met iDEAL?",
            "Ik kan niet inloggen op mijn account.",
            "Hoe lang duurt de levering naar {city}?",
            "De kortingscode werkt niet bij het afrekenen.",
            "Kunnen jullie een offerte maken voor 50 stuks voor ons kantoor?",
        ),
        "de": (
            "Wie sind Ihre Öffnungszeiten?",
            "Kann ich per Rechnung bezahlen?",
            "Ich kann mich nicht in mein Konto einloggen.",
            "Der Gutscheincode funktioniert an der Kasse nicht.",
            "Machen Sie uns ein Angebot für 50 Stück für unser Büro?",
        ),
        "en": (
            "What are your opening hours?",
            "Can I pay with PayPal?",
            "I can't log in to my account.",
            "The discount code doesn't work at checkout.",
            "How long does delivery to {city} take?",
            "Could you make us an offer for 50 pieces for our office?",
        ),
    },
)
