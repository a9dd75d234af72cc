"""French bodies of the built-in templates: key → (subject, body, call to action)."""

from __future__ import annotations

BODIES: dict[str, tuple[str, str, str]] = {
    "order_status": (
        "Commande #{{ order_number }} — Colis en route",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} est en route avec "
        "{{ carrier }}, numéro de suivi {{ tracking_number }}. Elle devrait arriver le "
        "{{ eta }}.\n\n{{ cta }}",
        "Suivez-la ici : {{ tracking_url }}",
    ),
    "order_running_late": (
        "Commande #{{ order_number }} — En retard",
        "Bonjour {{ customer_name }},\n\nDésolés : votre commande #{{ order_number }} devait "
        "arriver le {{ promised_on }} et n'est pas encore arrivée. Elle est en route avec "
        "{{ carrier }}, numéro de suivi {{ tracking_number }}. {% if eta %}Le transporteur "
        "l'attend maintenant le {{ eta }}.{% else %}Le transporteur n'a pas encore donné de "
        "nouvelle date de livraison.{% endif %} Suivez-la ici : {{ tracking_url }}"
        "\n\n{{ cta }}",
        "Si elle n'est toujours pas chez vous le {{ resend_on }}, répondez ici et nous vous "
        "renverrons les mêmes articles, sans frais.",
    ),
    "order_not_shipped": (
        "Commande #{{ order_number }} — Pas encore expédiée",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} n'est pas encore "
        "expédiée.\n\n{{ cta }}",
        "Nous vous enverrons le numéro de suivi dès qu'elle quittera notre entrepôt.",
    ),
    "order_delivered": (
        "Commande #{{ order_number }} — Livrée",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} a été livrée le "
        "{{ delivered_on }} par {{ carrier }} (numéro de suivi {{ tracking_number }})."
        "\n\n{{ cta }}",
        "Si vous ne la trouvez pas, répondez ici et une personne s'en occupera.",
    ),
    "order_cancelled": (
        "Commande #{{ order_number }} — Annulée",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} a été annulée le "
        "{{ cancelled_on }} : elle ne sera pas expédiée et ne peut plus être modifiée."
        "\n\n{{ cta }}",
        "Tout montant débité est revenu sur la carte utilisée ; répondez ici si vous ne le "
        "voyez pas sous 10 jours ouvrés.",
    ),
    "greeting_reply": (
        "Comment pouvons-nous vous aider ?",
        "Bonjour {{ customer_name }},\n\nMerci de nous avoir écrit. Que pouvons-nous faire pour "
        "vous ?\n\n{{ cta }}",
        "Répondez avec votre question et, s'il s'agit d'une commande, son numéro.",
    ),
    "ask_order": (
        "De quelle commande s'agit-il ?",
        "Bonjour {{ customer_name }},\n\nDe quelle commande s'agit-il ?\n\n{{ cta }}",
        "Répondez avec le numéro de commande (par exemple 1001).",
    ),
    "order_unknown": (
        "Commande #{{ order_number }} — Vérifiez le numéro",
        "Bonjour {{ customer_name }},\n\nNous ne trouvons pas la commande #{{ order_number }} "
        "sur votre compte.\n\n{{ cta }}",
        "Vérifiez le numéro et répondez-nous avec.",
    ),
    "reship_notice": (
        "Commande #{{ order_number }} — Nous envoyons un remplacement",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} a {{ days_late }} "
        "jours ouvrés de retard : nous renvoyons les mêmes articles à la même adresse, sans "
        "frais : {{ carrier }}, numéro de suivi {{ tracking_number }}.\n\n{{ cta }}",
        "Vous n'avez rien à faire ; si le premier colis arrive, répondez simplement ici.",
    ),
    "refund_offer": (
        "Commande #{{ order_number }} — Proposition de remboursement",
        "Bonjour {{ customer_name }},\n\nNous pouvons vous rembourser {{ amount }} pour la "
        "commande #{{ order_number }} sur la carte utilisée pour le paiement.\n\n{{ cta }}",
        "Répondez {{ confirm_token }} pour confirmer {{ amount }} sur votre {{ card_brand }} "
        "se terminant par {{ last4 }}.",
    ),
    "refund_done": (
        "Commande #{{ order_number }} — Remboursement en cours",
        "Bonjour {{ customer_name }},\n\nNous avons remboursé {{ amount }} pour la commande "
        "#{{ order_number }} sur votre {{ card_brand }} se terminant par {{ last4 }}. Les "
        "banques mettent {{ timeframe }} à l'afficher.\n\n{{ cta }}",
        "S'il n'est pas arrivé d'ici là, répondez à ce message et nous relancerons.",
    ),
    "refund_review": (
        "Commande #{{ order_number }} — Remboursement en vérification",
        "Bonjour {{ customer_name }},\n\nUn remboursement de {{ amount }} pour la commande "
        "#{{ order_number }} doit être vérifié rapidement par notre équipe.\n\n{{ cta }}",
        "Vous n'avez rien à faire ; nous vous donnerons la réponse ici.",
    ),
    "refund_over_balance": (
        "Commande #{{ order_number }} — Votre remboursement",
        "Bonjour {{ customer_name }},\n\nNous ne pouvons pas rembourser {{ amount }} pour la "
        "commande #{{ order_number }} : il ne reste que {{ balance }} à rembourser sur le "
        "paiement.\n\n{{ cta }}",
        "Répondez avec un montant jusqu'à {{ balance }}, ou demandez l'avis d'une personne.",
    ),
    "refund_nothing_left": (
        "Commande #{{ order_number }} — Votre remboursement",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} a déjà été remboursée "
        "en totalité ({{ amount }} sur la carte utilisée) : il ne reste rien à rembourser."
        "\n\n{{ cta }}",
        "Les banques mettent jusqu'à 10 jours ouvrés ; répondez ici s'il n'apparaît pas d'ici là.",
    ),
    "refund_not_charged": (
        "Commande #{{ order_number }} — Votre remboursement",
        "Bonjour {{ customer_name }},\n\nLe paiement de la commande #{{ order_number }} a "
        "seulement été autorisé sur votre carte, jamais débité : il n'y a rien à rembourser."
        "\n\n{{ cta }}",
        "Si vous ne voulez plus la commande, écrivez-nous pour l'annuler et l'autorisation "
        "sera levée.",
    ),
    "cancel_done": (
        "Commande #{{ order_number }} — Annulée",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} est annulée et "
        "{{ amount }} revient sur votre {{ card_brand }} se terminant par {{ last4 }} ; les "
        "banques mettent {{ timeframe }} à l'afficher.\n\n{{ cta }}",
        "Répondez ici si vous souhaitez de l'aide pour choisir autre chose.",
    ),
    "cancel_voided": (
        "Commande #{{ order_number }} — Annulée",
        "Bonjour {{ customer_name }},\n\nVotre commande #{{ order_number }} est annulée. Votre "
        "{{ card_brand }} se terminant par {{ last4 }} n'avait qu'une autorisation : aucun "
        "débit n'apparaîtra.\n\n{{ cta }}",
        "Répondez ici si vous souhaitez de l'aide pour choisir autre chose.",
    ),
    "cancel_not_possible": (
        "Commande #{{ order_number }} — Annulation impossible",
        "Bonjour {{ customer_name }},\n\nNous n'avons pas pu annuler la commande "
        "#{{ order_number }} : elle est déjà expédiée. Vous pouvez la retourner sous "
        "{{ return_window_days }} jours après la livraison.\n\n{{ cta }}",
        "Répondez à ce message une fois la commande reçue et nous organiserons le retour.",
    ),
    "ask_address": (
        "Commande #{{ order_number }} — Nouvelle adresse de livraison",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} n'est pas expédiée, "
        "son adresse peut donc encore changer.\n\n{{ cta }}",
        "Répondez avec la nouvelle adresse complète (rue, ville, code postal, pays).",
    ),
    "address_changed": (
        "Commande #{{ order_number }} — Nouvelle adresse de livraison",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} partira désormais à : "
        "{{ address }}.\n\n{{ cta }}",
        "Si quelque chose est faux dans cette adresse, répondez avant l'expédition.",
    ),
    "address_not_possible": (
        "Commande #{{ order_number }} — Déjà expédiée",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} est déjà partie avec "
        "{{ carrier }}, son adresse ne peut plus changer.\n\n{{ cta }}",
        "Suivez-la avec le numéro de suivi {{ tracking_number }}.",
    ),
    "return_authorised": (
        "Commande #{{ order_number }} — Retour {{ return_number }} accepté",
        "Bonjour {{ customer_name }},\n\nVotre retour {{ return_number }} pour la commande "
        "#{{ order_number }} est accepté. Nous remboursons à réception des articles."
        "\n\n{{ cta }}",
        "Inscrivez {{ return_number }} sur le colis et renvoyez-nous les articles.",
    ),
    "return_outside_window": (
        "Commande #{{ order_number }} — Votre retour",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} a été livrée il y a "
        "{{ days_since_delivery }} jours, et les retours sont acceptés sous "
        "{{ return_window_days }} jours après la livraison.\n\n{{ cta }}",
        "Répondez ici si vous souhaitez qu'une personne l'examine.",
    ),
    "return_not_delivered": (
        "Commande #{{ order_number }} — Pas encore livrée",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} n'est pas encore "
        "livrée : elle est chez {{ carrier }}, numéro de suivi {{ tracking_number }}, prévue "
        "le {{ eta }}. Une fois livrée, vous pourrez la retourner sous "
        "{{ return_window_days }} jours.\n\n{{ cta }}",
        "Répondez-nous après la livraison et nous organiserons le retour.",
    ),
    "return_not_shipped": (
        "Commande #{{ order_number }} — Pas encore expédiée",
        "Bonjour {{ customer_name }},\n\nLa commande #{{ order_number }} n'est pas encore "
        "expédiée, il n'y a donc rien à retourner : elle peut encore être annulée."
        "\n\n{{ cta }}",
        "Pour l'annuler, envoyez-nous un nouveau message : \"annuler la commande "
        '{{ order_number }}".',
    ),
    "password_reset_sent": (
        "Votre lien de réinitialisation du mot de passe",
        "Bonjour {{ customer_name }},\n\nNous avons envoyé un lien de réinitialisation du mot "
        "de passe à {{ email }}, l'adresse de votre compte.\n\n{{ cta }}",
        "Ouvrez-le depuis cette boîte pour choisir un nouveau mot de passe.",
    ),
    "invoice_sent": (
        "Commande #{{ order_number }} — Copie de la facture",
        "Bonjour {{ customer_name }},\n\nNous avons envoyé une copie de la facture de la "
        "commande #{{ order_number }} à {{ email }}, l'adresse de votre compte.\n\n{{ cta }}",
        "Répondez ici s'il vous la faut à un autre nom.",
    ),
    "handoff": (
        "Ticket #{{ ticket_number }} — Une personne va vous répondre",
        "Merci, {{ customer_name }}. Une personne de notre équipe va s'en occuper "
        "(ticket #{{ ticket_number }}).\n\n{{ cta }}",
        "Vous n'avez rien d'autre à faire ; répondez ici pour ajouter des détails.",
    ),
}
