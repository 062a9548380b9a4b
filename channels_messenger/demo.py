"""The Messenger inbox of the demo (`manage.py load_demo`): a simulated platform instead of Meta,
customers known by a page-scoped id (no phone number), and what they ask."""

from django.utils.translation import gettext_lazy as _

from inbox import simulated_platform
from inbox.channel_registry import ChannelDemo, DemoCustomer, DemoIdentity, DemoPerson


def identity(person: DemoPerson) -> DemoIdentity:
    """A page-scoped id: Messenger gives no phone number or email."""
    return DemoIdentity(external_id=f"{7300000000000000 + person.number}")


DEMO = ChannelDemo(
    inbox_name=_("Facebook Page"),
    external_id="demo-page-id",
    identity=identity,
    members=("ben", "noor"),
    send=simulated_platform.message_send,
    weight=1.0,
    customers=(
        DemoCustomer(
            external_id="7300000000900001",
            name="Emma Visser",
            language="nl",
            minutes_ago=4,
            messages=("Hallo, hebben jullie deze jas ook in maat M?",),
        ),
        DemoCustomer(
            external_id="7300000000900002",
            name="Oliver Smith",
            language="en",
            minutes_ago=22,
            messages=("Hi, I was charged twice for order 5531.", "Can you refund one of them please?"),
        ),
    ),
    questions={
        "nl": (
            "Ik zag jullie advertentie, is deze actie nog geldig?",
            "Hebben jullie deze jas ook in maat {size}?",
            "Waarom is mijn reactie onder jullie bericht verwijderd?",
            "Mijn bestelling {order} is nog steeds niet verzonden, erg vervelend.",
            "Leveren jullie ook in België?",
        ),
        "de": (
            "Ich habe Ihre Anzeige gesehen, gilt das Angebot noch?",
            "Gibt es die Jacke auch in Größe {size}?",
            "Meine Bestellung {order} wurde immer noch nicht verschickt, sehr ärgerlich.",
            "Liefern Sie auch nach Österreich?",
        ),
        "en": (
            "I saw your ad, is the offer still on?",
            "Do you have this jacket in size {size}?",
            "My order {order} still hasn't shipped, really disappointing.",
            "Do you deliver to the UK?",
        ),
    },
)
