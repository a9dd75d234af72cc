"""German bodies of the built-in templates: key → (subject, body, call to action)."""

from __future__ import annotations

BODIES: dict[str, tuple[str, str, str]] = {
    "order_status": (
        "Bestellung #{{ order_number }} — Versand unterwegs",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} ist mit "
        "{{ carrier }} unterwegs, Sendungsnummer {{ tracking_number }}. Sie sollte am "
        "{{ eta }} ankommen.\n\n{{ cta }}",
        "Hier verfolgen: {{ tracking_url }}",
    ),
    "order_running_late": (
        "Bestellung #{{ order_number }} — Verspätet",
        "Hallo {{ customer_name }},\n\nEs tut uns leid: Ihre Bestellung #{{ order_number }} "
        "sollte am {{ promised_on }} ankommen und ist noch nicht da. Sie ist mit {{ carrier }} "
        "unterwegs, Sendungsnummer {{ tracking_number }}. {% if eta %}Der Versender erwartet "
        "sie jetzt am {{ eta }}.{% else %}Der Versender hat noch keinen neuen Liefertermin "
        "genannt.{% endif %} Hier verfolgen: {{ tracking_url }}\n\n{{ cta }}",
        "Ist sie am {{ resend_on }} noch nicht bei Ihnen, antworten Sie hier, und wir senden "
        "Ihnen dieselben Artikel kostenlos noch einmal.",
    ),
    "order_not_shipped": (
        "Bestellung #{{ order_number }} — Noch nicht versandt",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} ist noch nicht "
        "versandt.\n\n{{ cta }}",
        "Sobald sie unser Lager verlässt, schicken wir Ihnen die Sendungsnummer.",
    ),
    "order_delivered": (
        "Bestellung #{{ order_number }} — Zugestellt",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} wurde am "
        "{{ delivered_on }} von {{ carrier }} zugestellt (Sendungsnummer "
        "{{ tracking_number }}).\n\n{{ cta }}",
        "Wenn Sie sie nicht finden, antworten Sie hier und eine Person kümmert sich darum.",
    ),
    "order_cancelled": (
        "Bestellung #{{ order_number }} — Storniert",
        "Hallo {{ customer_name }},\n\nDie Bestellung #{{ order_number }} wurde am "
        "{{ cancelled_on }} storniert; sie wird nicht versandt und kann nicht mehr geändert "
        "werden.\n\n{{ cta }}",
        "Ein bereits abgebuchter Betrag ging auf Ihre Karte zurück; antworten Sie hier, wenn "
        "Sie ihn nach 10 Werktagen nicht sehen.",
    ),
    "greeting_reply": (
        "Wie können wir helfen?",
        "Hallo {{ customer_name }},\n\ndanke für Ihre Nachricht. Was können wir für Sie tun?\n\n"
        "{{ cta }}",
        "Antworten Sie mit Ihrer Frage und, wenn es um eine Bestellung geht, der "
        "Bestellnummer.",
    ),
    "ask_order": (
        "Um welche Bestellung geht es?",
        "Hallo {{ customer_name }},\n\num welche Bestellung geht es?\n\n{{ cta }}",
        "Antworten Sie mit der Bestellnummer (zum Beispiel 1001).",
    ),
    "order_unknown": (
        "Bestellung #{{ order_number }} — Bitte Nummer prüfen",
        "Hallo {{ customer_name }},\n\nwir finden die Bestellung #{{ order_number }} nicht in "
        "Ihrem Konto.\n\n{{ cta }}",
        "Bitte prüfen Sie die Nummer und antworten Sie damit.",
    ),
    "reship_notice": (
        "Bestellung #{{ order_number }} — Wir senden Ersatz",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} ist "
        "{{ days_late }} Werktage verspätet. Wir senden dieselben Artikel kostenlos noch "
        "einmal an dieselbe Adresse: {{ carrier }}, Sendungsnummer {{ tracking_number }}."
        "\n\n{{ cta }}",
        "Sie müssen nichts tun; falls das erste Paket doch ankommt, antworten Sie einfach hier.",
    ),
    "refund_offer": (
        "Bestellung #{{ order_number }} — Angebot zur Erstattung",
        "Hallo {{ customer_name }},\n\nwir können Ihnen {{ amount }} für die Bestellung "
        "#{{ order_number }} auf die Karte erstatten, mit der Sie bezahlt haben.\n\n{{ cta }}",
        "Antworten Sie {{ confirm_token }}, um {{ amount }} auf Ihre {{ card_brand }} mit "
        "Endziffern {{ last4 }} zu bestätigen.",
    ),
    "refund_done": (
        "Bestellung #{{ order_number }} — Erstattung unterwegs",
        "Hallo {{ customer_name }},\n\nwir haben {{ amount }} für die Bestellung "
        "#{{ order_number }} auf Ihre {{ card_brand }} mit Endziffern {{ last4 }} erstattet. "
        "Banken brauchen {{ timeframe }}, bis sie es anzeigen.\n\n{{ cta }}",
        "Ist es bis dahin nicht angekommen, antworten Sie auf diese Nachricht.",
    ),
    "refund_review": (
        "Bestellung #{{ order_number }} — Erstattung wird geprüft",
        "Hallo {{ customer_name }},\n\neine Erstattung von {{ amount }} für die Bestellung "
        "#{{ order_number }} muss kurz von unserem Team geprüft werden.\n\n{{ cta }}",
        "Sie müssen nichts tun; wir teilen Ihnen das Ergebnis hier mit.",
    ),
    "refund_over_balance": (
        "Bestellung #{{ order_number }} — Zu Ihrer Erstattung",
        "Hallo {{ customer_name }},\n\nwir können für die Bestellung #{{ order_number }} "
        "keine {{ amount }} erstatten: von der Zahlung sind nur noch {{ balance }} "
        "erstattbar.\n\n{{ cta }}",
        "Antworten Sie mit einem Betrag bis {{ balance }} oder bitten Sie um Prüfung durch "
        "eine Person.",
    ),
    "refund_nothing_left": (
        "Bestellung #{{ order_number }} — Zu Ihrer Erstattung",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} wurde bereits "
        "vollständig erstattet ({{ amount }} auf die Karte, mit der Sie bezahlt haben); es "
        "bleibt nichts mehr zu erstatten.\n\n{{ cta }}",
        "Banken brauchen bis zu 10 Werktage; antworten Sie hier, wenn es dann nicht da ist.",
    ),
    "refund_not_charged": (
        "Bestellung #{{ order_number }} — Zu Ihrer Erstattung",
        "Hallo {{ customer_name }},\n\ndie Zahlung für die Bestellung #{{ order_number }} "
        "wurde auf Ihrer Karte nur reserviert, nie abgebucht; es gibt nichts zu erstatten."
        "\n\n{{ cta }}",
        "Wenn Sie die Bestellung nicht mehr möchten, schreiben Sie uns zum Stornieren; dann "
        "wird die Reservierung freigegeben.",
    ),
    "cancel_done": (
        "Bestellung #{{ order_number }} — Storniert",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} ist storniert, und "
        "{{ amount }} gehen zurück auf Ihre {{ card_brand }} mit Endziffern {{ last4 }}; "
        "Banken brauchen {{ timeframe }}.\n\n{{ cta }}",
        "Antworten Sie hier, wenn Sie Hilfe bei der Auswahl von etwas anderem möchten.",
    ),
    "cancel_voided": (
        "Bestellung #{{ order_number }} — Storniert",
        "Hallo {{ customer_name }},\n\nIhre Bestellung #{{ order_number }} ist storniert. Auf "
        "Ihrer {{ card_brand }} mit Endziffern {{ last4 }} war nur eine Reservierung, es wird "
        "also nichts abgebucht.\n\n{{ cta }}",
        "Antworten Sie hier, wenn Sie Hilfe bei der Auswahl von etwas anderem möchten.",
    ),
    "cancel_not_possible": (
        "Bestellung #{{ order_number }} — Stornierung nicht möglich",
        "Hallo {{ customer_name }},\n\nwir konnten die Bestellung #{{ order_number }} nicht "
        "stornieren: sie ist bereits versandt. Sie können sie innerhalb von "
        "{{ return_window_days }} Tagen nach der Zustellung zurücksenden.\n\n{{ cta }}",
        "Antworten Sie auf diese Nachricht, sobald sie angekommen ist, und wir richten die "
        "Rücksendung ein.",
    ),
    "ask_address": (
        "Bestellung #{{ order_number }} — Neue Lieferadresse",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} ist noch nicht "
        "versandt, die Adresse lässt sich also noch ändern.\n\n{{ cta }}",
        "Antworten Sie mit der vollständigen neuen Adresse (Straße, Ort, PLZ, Land).",
    ),
    "address_changed": (
        "Bestellung #{{ order_number }} — Neue Lieferadresse",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} geht jetzt an: "
        "{{ address }}.\n\n{{ cta }}",
        "Stimmt etwas an der Adresse nicht, antworten Sie vor dem Versand.",
    ),
    "address_not_possible": (
        "Bestellung #{{ order_number }} — Bereits versandt",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} ist bereits mit "
        "{{ carrier }} versandt, die Adresse lässt sich nicht mehr ändern.\n\n{{ cta }}",
        "Verfolgen Sie sie mit der Sendungsnummer {{ tracking_number }}.",
    ),
    "return_authorised": (
        "Bestellung #{{ order_number }} — Rücksendung {{ return_number }} genehmigt",
        "Hallo {{ customer_name }},\n\nIhre Rücksendung {{ return_number }} für die Bestellung "
        "#{{ order_number }} ist genehmigt. Wir erstatten, sobald die Artikel bei uns sind."
        "\n\n{{ cta }}",
        "Schreiben Sie {{ return_number }} auf das Paket und senden Sie die Artikel zurück.",
    ),
    "return_outside_window": (
        "Bestellung #{{ order_number }} — Zu Ihrer Rücksendung",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} wurde vor "
        "{{ days_since_delivery }} Tagen zugestellt; Rücksendungen nehmen wir innerhalb von "
        "{{ return_window_days }} Tagen nach Zustellung an.\n\n{{ cta }}",
        "Antworten Sie hier, wenn eine Person es prüfen soll.",
    ),
    "return_not_delivered": (
        "Bestellung #{{ order_number }} — Noch nicht zugestellt",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} ist noch nicht "
        "zugestellt: sie ist bei {{ carrier }}, Sendungsnummer {{ tracking_number }}, "
        "erwartet am {{ eta }}. Nach der Zustellung haben Sie {{ return_window_days }} Tage "
        "für eine Rücksendung.\n\n{{ cta }}",
        "Antworten Sie nach der Zustellung, und wir richten die Rücksendung ein.",
    ),
    "return_not_shipped": (
        "Bestellung #{{ order_number }} — Noch nicht versandt",
        "Hallo {{ customer_name }},\n\ndie Bestellung #{{ order_number }} ist noch nicht "
        "versandt, es gibt also nichts zurückzusenden: sie kann noch storniert werden."
        "\n\n{{ cta }}",
        'Zum Stornieren schreiben Sie uns neu: "Bestellung {{ order_number }} stornieren".',
    ),
    "password_reset_sent": (
        "Ihr Link zum Zurücksetzen des Passworts",
        "Hallo {{ customer_name }},\n\nwir haben einen Link zum Zurücksetzen des Passworts an "
        "{{ email }} geschickt, die Adresse Ihres Kontos.\n\n{{ cta }}",
        "Öffnen Sie ihn in diesem Postfach, um ein neues Passwort zu wählen.",
    ),
    "invoice_sent": (
        "Bestellung #{{ order_number }} — Rechnungskopie",
        "Hallo {{ customer_name }},\n\nwir haben eine Kopie der Rechnung für die Bestellung "
        "#{{ order_number }} an {{ email }} geschickt, die Adresse Ihres Kontos.\n\n{{ cta }}",
        "Antworten Sie hier, wenn sie anders adressiert sein soll.",
    ),
    "handoff": (
        "Ticket #{{ ticket_number }} — Eine Person meldet sich",
        "Danke, {{ customer_name }}. Eine Person aus unserem Team kümmert sich darum "
        "(Ticket #{{ ticket_number }}).\n\n{{ cta }}",
        "Sie müssen nichts weiter tun; antworten Sie hier, wenn Sie etwas ergänzen möchten.",
    ),
}
