"""The Instagram inbox of the demo (`manage.py load_demo`): a simulated platform instead of
Meta, customers known by an Instagram-scoped id (no phone number), what they ask in Direct, and
a public comment thread under one of the account's posts."""

from django.utils.translation import gettext_lazy as _

from inbox import simulated_platform
from inbox.channel_registry import ChannelDemo, DemoCustomer, DemoIdentity, DemoPerson

POST = {
    "post_id": "demo-media-1",
    "caption": "Nieuw binnen: de wollen winterjas in vijf kleuren. Welke wordt jouw favoriet?",
    "media_type": "IMAGE",
    "media_product_type": "FEED",
}


def identity(person: DemoPerson) -> DemoIdentity:
    """An Instagram-scoped id: Instagram gives no phone number or email."""
    return DemoIdentity(external_id=f"{1780000000000000 + person.number}")


DEMO = ChannelDemo(
    inbox_name=_("Instagram"),
    external_id="demo-instagram-account",
    config={"login": "facebook"},
    identity=identity,
    members=("anna", "noor"),
    send=simulated_platform.message_send,
    weight=0.8,
    customers=(
        DemoCustomer(
            external_id="1780000000900001",
            name="@sanne.dv",
            language="nl",
            minutes_ago=7,
            messages=("Hoi! Is de wollen jas uit jullie laatste post ook in het groen?",),
        ),
        DemoCustomer(
            external_id="1780000000900002",
            name="@lotte.b",
            language="nl",
            minutes_ago=12,
            messages=("Mijn bestelling is al twee weken onderweg, bel me op 0612345678 aub",),
            post=POST,
        ),
        DemoCustomer(
            external_id="1780000000900003",
            name="@jonas.k",
            language="de",
            minutes_ago=3,
            messages=("Gibt es die Jacke auch in Größe L?",),
            post=POST,
        ),
    ),
    questions={
        "nl": (
            "Is de jas uit jullie story nog leverbaar in maat {size}?",
            "Ik zag jullie reel, hoe valt deze jurk?",
            "Mijn bestelling {order} is nog niet binnen, kunnen jullie kijken?",
            "Hebben jullie een winkel in Utrecht?",
        ),
        "de": (
            "Ist die Jacke aus Ihrer Story noch in Größe {size} lieferbar?",
            "Meine Bestellung {order} ist noch nicht angekommen.",
            "Versenden Sie auch in die Schweiz?",
        ),
        "en": (
            "Is the jacket from your story still available in size {size}?",
            "My order {order} hasn't arrived yet, can you check?",
            "Do you ship to Ireland?",
        ),
    },
)
