"""The WhatsApp inbox of the demo (`manage.py load_demo`): a simulated platform instead of Meta,
customers identified by their phone number as WhatsApp does, and what they ask."""

from django.utils.translation import gettext_lazy as _

from inbox import simulated_platform
from inbox.channel_registry import ChannelDemo, DemoCustomer, DemoIdentity, DemoPerson


def identity(person: DemoPerson) -> DemoIdentity:
    """A WhatsApp id is the phone number without "+", and WhatsApp vouches for it."""
    return DemoIdentity(external_id=person.phone.lstrip("+"), phone=person.phone, verified=True)


DEMO = ChannelDemo(
    inbox_name=_("WhatsApp customer service"),
    external_id="demo-phone-number-id",
    identity=identity,
    members=("anna", "noor"),
    send=simulated_platform.message_send,
    weight=1.4,
    customers=(
        DemoCustomer(
            external_id="31612345678",
            name="Sanne Bakker",
            language="nl",
            phone="+31612345678",
            verified=True,
            minutes_ago=6,
            messages=("Hoi! Waar blijft mijn bestelling 10234? Hij zou gisteren komen.",),
        ),
        DemoCustomer(
            external_id="4915123456789",
            name="Jonas Weber",
            language="de",
            phone="+4915123456789",
            verified=True,
            minutes_ago=14,
            messages=("Guten Tag, kann ich meine Lieferadresse noch ändern? Bestellung 20871.",),
        ),
    ),
    questions={
        "nl": (
            "Hoi, waar blijft mijn bestelling {order}?",
            "Mijn pakket is beschadigd aangekomen, wat nu?",
            "Kan ik mijn bezorgadres nog wijzigen voor bestelling {order}?",
            "Ik wil graag iets retourneren, hoe werkt dat?",
            "Ik heb geen factuur ontvangen voor bestelling {order}.",
            "Is de blauwe variant weer op voorraad?",
            "Ik zag jullie advertentie, geldt de actie ook in de winkel?",
        ),
        "de": (
            "Hallo, wann kommt meine Bestellung {order}?",
            "Mein Paket ist beschädigt angekommen. Was kann ich tun?",
            "Kann ich die Lieferadresse für Bestellung {order} noch ändern?",
            "Wie funktioniert die Rücksendung?",
            "Ich habe keine Rechnung für Bestellung {order} bekommen.",
            "Ich habe Ihre Anzeige gesehen. Gilt das Angebot auch online?",
        ),
        "en": (
            "Hi, where is my order {order}?",
            "My parcel arrived damaged, what should I do?",
            "Can I still change the delivery address for order {order}?",
            "How do returns work?",
            "I was charged twice for order {order}.",
            "I saw your ad, does the offer apply online too?",
        ),
    },
)
