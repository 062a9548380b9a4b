"""A knowledge base of a web shop (eight topics in nl/de/en) and a labelled evaluation set.

Each evaluation question names the topic it must get, or None when the bot must NOT answer
(off-topic, complaints, things no entry covers). Used by tests/automation/test_faq.py and
bench/faq_bot.py.
"""

KNOWLEDGE = {
    "hours": {
        "nl": ("Wij zijn bereikbaar op werkdagen van 9:00 tot 17:30.", [
            "Wat zijn jullie openingstijden?", "Wanneer zijn jullie open?", "Hoe laat gaan jullie dicht?",
            "Zijn jullie op zaterdag open?", "Tot hoe laat is de klantenservice bereikbaar?"]),
        "de": ("Wir sind werktags von 9:00 bis 17:30 Uhr erreichbar.", [
            "Was sind Ihre Öffnungszeiten?", "Wann haben Sie geöffnet?", "Bis wann ist der Kundenservice erreichbar?",
            "Haben Sie am Samstag offen?", "Wann macht ihr zu?"]),
        "en": ("We are available on weekdays from 9:00 to 17:30.", [
            "What are your opening hours?", "When are you open?", "What time do you close?",
            "Are you open on Saturday?", "Until when is customer service available?"]),
    },
    "delivery_time": {
        "nl": ("Bestellingen op werkdagen voor 22:00 worden de volgende dag bezorgd.", [
            "Hoe lang duurt de levering?", "Wanneer wordt mijn bestelling bezorgd?", "Wat is de levertijd?",
            "Hoe snel leveren jullie?", "Bezorgen jullie ook de volgende dag?"]),
        "de": ("Bestellungen werktags vor 22:00 Uhr werden am nächsten Tag geliefert.", [
            "Wie lange dauert die Lieferung?", "Wann wird meine Bestellung geliefert?", "Wie ist die Lieferzeit?",
            "Wie schnell liefern Sie?", "Liefern Sie am nächsten Tag?"]),
        "en": ("Orders placed on weekdays before 22:00 are delivered the next day.", [
            "How long does delivery take?", "When will my order be delivered?", "What is the delivery time?",
            "How fast do you deliver?", "Do you offer next day delivery?"]),
    },
    "shipping_costs": {
        "nl": ("Verzending is gratis vanaf 20 euro, daaronder 3,95 euro.", [
            "Wat zijn de verzendkosten?", "Is verzending gratis?", "Hoeveel kost het verzenden?",
            "Moet ik betalen voor de bezorging?"]),
        "de": ("Der Versand ist ab 20 Euro kostenlos, darunter kostet er 3,95 Euro.", [
            "Wie hoch sind die Versandkosten?", "Ist der Versand kostenlos?", "Was kostet der Versand?",
            "Muss ich für die Lieferung bezahlen?"]),
        "en": ("Shipping is free from 20 euros, below that it costs 3.95 euros.", [
            "What are the shipping costs?", "Is shipping free?", "How much does shipping cost?",
            "Do I have to pay for delivery?"]),
    },
    "returns": {
        "nl": ("Je kunt een artikel binnen 30 dagen gratis retourneren via je account.", [
            "Hoe kan ik iets retourneren?", "Kan ik mijn bestelling terugsturen?", "Wat is de retourtermijn?",
            "Hoe werkt retourneren?", "Ik wil een artikel terugsturen"]),
        "de": ("Sie können Artikel innerhalb von 30 Tagen kostenlos über Ihr Konto zurücksenden.", [
            "Wie kann ich etwas zurücksenden?", "Kann ich meine Bestellung zurückschicken?",
            "Wie lange habe ich Rückgaberecht?",
            "Wie funktioniert die Rücksendung?", "Ich möchte einen Artikel retournieren"]),
        "en": ("You can return an item free of charge within 30 days from your account.", [
            "How can I return something?", "Can I send my order back?", "What is the return period?",
            "How do returns work?", "I want to return an item"]),
    },
    "tracking": {
        "nl": ("Je vindt de track-and-trace-code in de verzendbevestiging die we je mailden.", [
            "Waar is mijn pakket?", "Hoe kan ik mijn bestelling volgen?", "Waar vind ik de track en trace?",
            "Ik heb geen track en trace code ontvangen"]),
        "de": ("Die Sendungsnummer finden Sie in der Versandbestätigung, die wir Ihnen gemailt haben.", [
            "Wo ist mein Paket?", "Wie kann ich meine Bestellung verfolgen?", "Wo finde ich die Sendungsverfolgung?",
            "Ich habe keine Sendungsnummer bekommen"]),
        "en": ("You will find the tracking code in the shipping confirmation we emailed you.", [
            "Where is my package?", "How can I track my order?", "Where do I find the tracking code?",
            "I did not receive a tracking number"]),
    },
    "payment": {
        "nl": ("Je kunt betalen met iDEAL, creditcard, PayPal of achteraf met Klarna.", [
            "Welke betaalmethodes hebben jullie?", "Kan ik betalen met PayPal?", "Kan ik achteraf betalen?",
            "Hoe kan ik betalen?"]),
        "de": ("Sie können mit Kreditkarte, PayPal, Sofort oder auf Rechnung mit Klarna bezahlen.", [
            "Welche Zahlungsmethoden gibt es?", "Kann ich mit PayPal bezahlen?", "Kann ich auf Rechnung kaufen?",
            "Wie kann ich bezahlen?"]),
        "en": ("You can pay by credit card, PayPal, iDEAL or later with Klarna.", [
            "Which payment methods do you accept?", "Can I pay with PayPal?", "Can I pay later?",
            "How can I pay?"]),
    },
    "password": {
        "nl": ("Klik bij het inloggen op 'Wachtwoord vergeten' en volg de link in de e-mail.", [
            "Ik ben mijn wachtwoord vergeten", "Hoe reset ik mijn wachtwoord?", "Ik kan niet inloggen",
            "Hoe verander ik mijn wachtwoord?"]),
        "de": ("Klicken Sie bei der Anmeldung auf 'Passwort vergessen' und folgen Sie dem Link in der E-Mail.", [
            "Ich habe mein Passwort vergessen", "Wie setze ich mein Passwort zurück?", "Ich kann mich nicht anmelden",
            "Wie ändere ich mein Passwort?"]),
        "en": ("Click 'Forgot password' when logging in and follow the link in the email.", [
            "I forgot my password", "How do I reset my password?", "I cannot log in",
            "How do I change my password?"]),
    },
    "store": {
        "nl": ("Onze winkel zit aan de Kalverstraat 1 in Amsterdam.", [
            "Hebben jullie een fysieke winkel?", "Waar is jullie winkel?", "Wat is het adres van de winkel?",
            "Kan ik langskomen in de winkel?"]),
        "de": ("Unser Geschäft ist in der Kalverstraat 1 in Amsterdam.", [
            "Haben Sie ein Ladengeschäft?", "Wo ist Ihr Geschäft?", "Wie ist die Adresse des Ladens?",
            "Kann ich im Laden vorbeikommen?"]),
        "en": ("Our store is at Kalverstraat 1 in Amsterdam.", [
            "Do you have a physical store?", "Where is your shop?", "What is the address of the store?",
            "Can I visit your store?"]),
    },
}  # fmt: skip

# (question, expected topic or None = must not answer)
EVALUATION = [
    # Dutch
    ("Hoe laat zijn jullie open vandaag?", "hours"),
    ("openingstijden klantenservice", "hours"),
    ("Zijn jullie zondag geopend?", "hours"),
    ("Hoelang duurt het voordat mijn pakket wordt geleverd?", "delivery_time"),
    ("wanneer komt mijn bestelling binnen", "delivery_time"),
    ("Wat kost verzending naar België?", "shipping_costs"),
    ("Zijn er verzendkosten?", "shipping_costs"),
    ("Ik wil mijn schoenen retourneren, hoe doe ik dat?", "returns"),
    ("Binnen hoeveel dagen kan ik terugsturen?", "returns"),
    ("Hoe volg ik mijn pakket?", "tracking"),
    ("Waar blijft mijn pakketje?", "tracking"),
    ("Kan ik met creditcard betalen?", "payment"),
    ("Welke betaalmogelijkheden zijn er?", "payment"),
    ("wachtwoord vergeten wat nu", "password"),
    ("Waar zit jullie winkel?", "store"),
    ("Mijn pakket is beschadigd aangekomen en ik ben boos", None),
    ("Hebben jullie deze jas ook in maat XL?", None),
    ("Ik wil een klacht indienen over een medewerker", None),
    ("Kunnen jullie mijn factuur aanpassen naar mijn bedrijfsnaam?", None),
    ("Hallo", None),
    ("Het weer is mooi vandaag", None),
    ("Mijn kortingscode werkt niet", None),
    # German
    ("Wann öffnen Sie morgen?", "hours"),
    ("Öffnungszeiten am Wochenende?", "hours"),
    ("Wie lange dauert der Versand nach Österreich?", "delivery_time"),
    ("Wann kommt meine Lieferung an?", "delivery_time"),
    ("Was kostet die Lieferung?", "shipping_costs"),
    ("Versandkosten Deutschland", "shipping_costs"),
    ("Wie schicke ich einen Artikel zurück?", "returns"),
    ("Kann ich die Ware zurückgeben?", "returns"),
    ("Wo ist meine Sendung?", "tracking"),
    ("Sendungsverfolgung Bestellung", "tracking"),
    ("Kann ich mit Kreditkarte zahlen?", "payment"),
    ("Passwort vergessen, was tun?", "password"),
    ("Wo befindet sich Ihr Laden?", "store"),
    ("Meine Lieferung ist kaputt angekommen, ich bin sehr enttäuscht", None),
    ("Haben Sie diesen Pullover auch in Blau?", None),
    ("Ich möchte mich über Ihren Service beschweren", None),
    ("Können Sie meine Rechnungsadresse ändern?", None),
    ("Guten Tag", None),
    ("Mein Gutschein funktioniert nicht", None),
    ("Sind Ihre Produkte vegan?", None),
    # English
    ("What time do you open tomorrow?", "hours"),
    ("Are you open on Sundays?", "hours"),
    ("How many days until my order arrives?", "delivery_time"),
    ("When will my package be delivered?", "delivery_time"),
    ("How much are delivery costs?", "shipping_costs"),
    ("Is delivery free of charge?", "shipping_costs"),
    ("How do I send back an item?", "returns"),
    ("Can I return my shoes?", "returns"),
    ("Where is my parcel?", "tracking"),
    ("How do I track my package?", "tracking"),
    ("Do you accept credit cards?", "payment"),
    ("What payment options do you have?", "payment"),
    ("I forgot my password, help", "password"),
    ("Where is your store located?", "store"),
    ("My order arrived broken and I am very angry", None),
    ("Do you have this jacket in size XL?", None),
    ("I want to file a complaint about your service", None),
    ("Can you change the name on my invoice?", None),
    ("Hi there", None),
    ("My discount code does not work", None),
    ("Are your products sustainable?", None),
    ("Do you sell gift cards?", None),
]
