"""The email inbox of the demo (`manage.py load_demo`): replies go through the channel's own
Sender to the file backend (every email a file under MEDIA_ROOT/demo-mail, nothing leaves the
machine), customers are known by their address, and what they ask."""

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ChannelDemo, DemoCustomer, DemoIdentity, DemoPerson

DEMO_ADDRESS = "support@webcare-demo.test"


def identity(person: DemoPerson) -> DemoIdentity:
    """The sender's address: it is how an email customer is known (and reached again)."""
    address = person.email or f"customer{person.number}@example.test"
    return DemoIdentity(external_id=address.lower(), email=address.lower(), verified=True)


DEMO = ChannelDemo(
    inbox_name=_("Support mail"),
    external_id=DEMO_ADDRESS,
    config={"address": DEMO_ADDRESS, "company": "Webcare Demo", "smtp_backend": "file"},
    identity=identity,
    members=("anna", "noor"),
    send=None,  # the file backend needs no network
    weight=0.6,
    customers=(
        DemoCustomer(
            external_id="p.jansen@bedrijf.example",
            name="Pieter Jansen",
            language="nl",
            minutes_ago=50,
            messages=(
                "Goedemiddag, kunnen jullie de factuur van bestelling 10877 opnieuw sturen? Ik kan hem niet vinden.",
            ),
        ),
    ),
    questions={
        "nl": (
            "Kunnen jullie de factuur van bestelling {order} opnieuw sturen?",
            "Ik wil graag een offerte voor 20 stuks voor ons kantoor.",
            "Mijn retour van bestelling {order} is nog niet terugbetaald.",
        ),
        "de": (
            "Können Sie mir die Rechnung zu Bestellung {order} noch einmal senden?",
            "Wir hätten gern ein Angebot für 20 Stück für unser Büro.",
            "Meine Rücksendung zu Bestellung {order} wurde noch nicht erstattet.",
        ),
        "en": (
            "Could you send the invoice for order {order} again?",
            "We would like a quote for 20 pieces for our office.",
            "My return of order {order} has not been refunded yet.",
        ),
    },
)
