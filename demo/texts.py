"""What the demo's people write, in Dutch, German and English: agents' answers, customers'
follow-ups and thanks, the bot, surveys, names and phone numbers. Channel-specific questions
come from each channel's `ChannelDemo`."""

import random
import re

TEXTS = {
    "detail": {
        "nl": ["Mijn postcode is 1012 AB.", "Het gaat om de zwarte, maat M.", "Ik heb al twee keer gebeld."],
        "de": [
            "Meine Postleitzahl ist 10115.",
            "Es geht um die schwarze, Größe M.",
            "Ich habe schon zweimal angerufen.",
        ],
        "en": ["My postcode is SW1A 1AA.", "It's the black one, size M.", "I already called twice."],
    },
    "answer": {
        "nl": [
            "Dank voor je bericht! Ik heb het nagekeken: je pakket is onderweg en komt morgen aan.",
            "Vervelend om te horen. Ik stuur je vandaag nog een nieuw exemplaar, je hoeft niets terug te sturen.",
            "Dat kan zeker. Ik heb het adres aangepast, je krijgt zo een bevestiging per mail.",
            "Retourneren kan binnen 30 dagen via het retourlabel in je account. Je geld staat binnen 5 dagen terug.",
            "Ik zie de dubbele afschrijving. Die heb ik teruggeboekt, binnen 3 werkdagen staat het op je rekening.",
            "Goede vraag! Die is vanaf volgende week weer op voorraad; zal ik je een seintje geven?",
        ],
        "de": [
            "Danke für Ihre Nachricht! Ihr Paket ist unterwegs und kommt morgen an.",
            "Das tut mir leid. Ich schicke Ihnen heute noch Ersatz, Sie müssen nichts zurücksenden.",
            "Gern, ich habe die Adresse geändert. Sie erhalten gleich eine Bestätigung per E-Mail.",
            "Rücksendungen sind 30 Tage lang über das Etikett in Ihrem Konto möglich.",
            "Ich sehe die doppelte Abbuchung und habe sie erstattet; in 3 Werktagen ist das Geld zurück.",
        ],
        "en": [
            "Thanks for your message! Your parcel is on its way and arrives tomorrow.",
            "Sorry to hear that. I'm sending a replacement today, no need to send anything back.",
            "Sure, I've changed the address. You'll get a confirmation email shortly.",
            "Returns are free within 30 days with the label in your account.",
            "I can see the double charge and have refunded it; it'll be back within 3 working days.",
        ],
    },
    "follow_up": {
        "nl": [
            "En kan ik dan ook nog iets bijbestellen?",
            "Krijg ik daar een track & trace van?",
            "Hoe lang duurt dat ongeveer?",
        ],
        "de": [
            "Bekomme ich dafür eine Sendungsnummer?",
            "Wie lange dauert das ungefähr?",
            "Kann ich noch etwas dazubestellen?",
        ],
        "en": ["Will I get a tracking number?", "How long will that take?", "Can I add something to the order?"],
    },
    "thanks": {
        "nl": ["Top, bedankt voor de snelle hulp!", "Super, dank je wel!", "Fijn, helemaal goed zo.", "Oké, dank je."],
        "de": ["Super, vielen Dank für die schnelle Hilfe!", "Perfekt, danke!", "Alles klar, danke schön."],
        "en": ["Great, thanks for the quick help!", "Perfect, thank you!", "Okay, thanks."],
    },
    "reopen": {
        "nl": ["Het is helaas nog steeds niet opgelost, erg vervelend.", "Het pakket is toch niet aangekomen."],
        "de": [
            "Leider ist das Problem immer noch nicht gelöst, sehr ärgerlich.",
            "Das Paket ist doch nicht angekommen.",
        ],
        "en": ["Unfortunately it's still not fixed, really annoying.", "The parcel never arrived after all."],
    },
    "bot_away": {
        "nl": ["Bedankt voor je bericht! We zijn nu gesloten; morgen vanaf 9:00 helpen we je graag verder."],
        "de": ["Danke für Ihre Nachricht! Wir sind gerade nicht erreichbar und melden uns ab 9:00 Uhr."],
        "en": ["Thanks for your message! We're closed right now and will get back to you from 9:00."],
    },
    "bot_answer": {
        "nl": ["Je bestelling volg je via 'Mijn bestellingen'. Liever een medewerker? Typ 'medewerker'."],
        "de": [
            "Ihre Bestellung finden Sie unter 'Meine Bestellungen'. Lieber ein Mensch? Schreiben Sie 'Mitarbeiter'."
        ],
        "en": ["You can follow your order under 'My orders' in your account. Need a person? Type 'agent'."],
    },
    "survey_csat": {
        "nl": ["Bedankt voor je contact! Hoe tevreden ben je over onze hulp? Kies een score van 1 tot 5."],
        "de": ["Danke für Ihre Nachricht! Wie zufrieden sind Sie mit unserer Hilfe? Wählen Sie 1 bis 5."],
        "en": ["Thank you for contacting us! How satisfied are you with our help? Choose a score from 1 to 5."],
    },
    "survey_nps": {
        "nl": ["Hoe waarschijnlijk is het dat je ons aanbeveelt aan vrienden? Kies een score van 0 tot 10."],
        "de": ["Wie wahrscheinlich empfehlen Sie uns weiter? Wählen Sie 0 bis 10."],
        "en": ["How likely are you to recommend us to a friend? Choose a score from 0 to 10."],
    },
}
COMMENTS = {
    "good": {
        "nl": ["Snel en vriendelijk geholpen!", "Heel fijn contact."],
        "de": ["Schnelle und freundliche Hilfe!", "Sehr nett."],
        "en": ["Quick and friendly help!", "Lovely service."],
    },
    "bad": {
        "nl": ["Duurde veel te lang.", "Ik moest alles twee keer uitleggen."],
        "de": ["Hat viel zu lange gedauert.", "Ich musste alles zweimal erklären."],
        "en": ["Took far too long.", "I had to explain everything twice."],
    },
}
NAMES = {
    "nl": (["Sanne", "Daan", "Emma", "Lucas", "Julia", "Fleur", "Tim", "Noor", "Bram", "Lotte", "Jesse", "Anouk"],
           ["de Vries", "Jansen", "Bakker", "Visser", "van Dijk", "Meijer", "de Boer", "Mulder", "Smit", "Peeters"]),
    "de": (["Jonas", "Lena", "Max", "Hannah", "Paul", "Mia", "Felix", "Laura", "Leon", "Sophie"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch"]),
    "en": (["Oliver", "Grace", "Harry", "Amelia", "Jack", "Isla", "George", "Ava", "Noah", "Emily"],
           ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Hughes"]),
}  # fmt: skip
PHONE_BASE = {"nl": ("+316", 10000000), "de": ("+49151", 20000000), "en": ("+447700", 900000)}
CITIES = ["Amsterdam", "Utrecht", "Antwerpen", "Köln", "Berlin", "London"]
SIZES = ["S", "M", "L", "XL"]
# A question's words (regular expressions) -> the tag an agent gives it (first match), else a
# topic at random.
TAG_WORDS = [
    (r"beschadigd|beschädigt|damaged|vervelend|ärgerlich|disappointing|verwijderd", "complaint"),
    (r"retour|rücksend|return", "returns"),
    (r"factuur|rechnung|charged|ideal|paypal|bezahlen|kortingscode|gutschein|discount", "payment"),
    (r"inloggen|einloggen|log in|account|konto", "account"),
    (r"advertentie|anzeige|\bad\b|actie|angebot|offer", "lead"),
    (r"maat|größe|size|voorraad|variant", "product"),
    (r"leveren|liefern|deliver|levering|bezorg|lieferadresse|ship", "delivery"),
    (r"bestelling|bestellung|order", "order"),
]


def pick(category: str, language: str, rng: random.Random) -> str:
    texts = TEXTS[category]
    return rng.choice(texts.get(language) or texts["en"])


def fill(template: str, rng: random.Random) -> str:
    """A channel's question with its {order}, {size} and {city} filled in."""
    return template.format(order=rng.randint(10000, 99999), size=rng.choice(SIZES), city=rng.choice(CITIES))


def tags_for(question: str, rng: random.Random) -> list[str]:
    lowered = question.lower()
    for words, tag in TAG_WORDS:
        if re.search(words, lowered):
            return [tag] if rng.random() < 0.85 else []
    return [rng.choice(["order", "delivery", "product"])] if rng.random() < 0.5 else []


def signed(text: str, agent) -> str:
    """Agents sign with their first name, as webcare teams often do."""
    return f"{text} ^{agent.first_name or agent.get_username()}"


def survey_score(kind: str, rng: random.Random) -> int:
    if kind == "csat":
        return rng.choices([5, 4, 3, 2, 1], [48, 30, 10, 7, 5])[0]
    return rng.choices(range(11), [2, 1, 1, 2, 2, 3, 5, 9, 16, 27, 32])[0]


def survey_comment(kind: str, score: int, language: str, rng: random.Random) -> str:
    good = score >= (4 if kind == "csat" else 8)
    texts = COMMENTS["good" if good else "bad"]
    return rng.choice(texts.get(language) or texts["en"])


def name(language: str, rng: random.Random) -> tuple[str, str]:
    firsts, lasts = NAMES.get(language) or NAMES["en"]
    return rng.choice(firsts), rng.choice(lasts)


def phone(language: str, number: int) -> str:
    """A mobile number in E.164, unique per person number (UK: Ofcom's range for drama)."""
    prefix, base = PHONE_BASE.get(language, PHONE_BASE["en"])
    return f"{prefix}{base + number}"
