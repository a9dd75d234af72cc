"""Spanish bodies of the built-in templates: key → (subject, body, call to action)."""

from __future__ import annotations

BODIES: dict[str, tuple[str, str, str]] = {
    "order_status": (
        "Pedido #{{ order_number }} — Envío en camino",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} está en camino con "
        "{{ carrier }}, número de seguimiento {{ tracking_number }}. Debería llegar el "
        "{{ eta }}.\n\n{{ cta }}",
        "Síguelo aquí: {{ tracking_url }}",
    ),
    "order_running_late": (
        "Pedido #{{ order_number }} — Con retraso",
        "Hola {{ customer_name }}:\n\nLo sentimos: tu pedido #{{ order_number }} debía llegar "
        "el {{ promised_on }} y todavía no ha llegado. Está en camino con {{ carrier }}, "
        "número de seguimiento {{ tracking_number }}. {% if eta %}El transportista ahora lo "
        "espera el {{ eta }}.{% else %}El transportista aún no ha dado una nueva fecha de "
        "entrega.{% endif %} Síguelo aquí: {{ tracking_url }}\n\n{{ cta }}",
        "Si el {{ resend_on }} todavía no lo tienes, respóndenos aquí y te enviaremos los "
        "mismos artículos de nuevo, sin coste.",
    ),
    "order_not_shipped": (
        "Pedido #{{ order_number }} — Aún no enviado",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} todavía no ha salido."
        "\n\n{{ cta }}",
        "Te enviaremos el número de seguimiento en cuanto salga de nuestro almacén.",
    ),
    "order_delivered": (
        "Pedido #{{ order_number }} — Entregado",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} se entregó el "
        "{{ delivered_on }} con {{ carrier }} (número de seguimiento {{ tracking_number }})."
        "\n\n{{ cta }}",
        "Si no lo encuentras, responde aquí y una persona lo revisará.",
    ),
    "order_cancelled": (
        "Pedido #{{ order_number }} — Cancelado",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} se canceló el "
        "{{ cancelled_on }}, así que no se enviará y ya no se puede modificar.\n\n{{ cta }}",
        "Cualquier importe cobrado volvió a la tarjeta con la que pagaste; responde aquí si "
        "no lo ves en 10 días hábiles.",
    ),
    "greeting_reply": (
        "¿En qué podemos ayudarte?",
        "Hola {{ customer_name }}:\n\ngracias por escribirnos. ¿En qué podemos ayudarte?\n\n"
        "{{ cta }}",
        "Responde con tu pregunta y, si es sobre un pedido, el número de pedido.",
    ),
    "ask_order": (
        "¿De qué pedido se trata?",
        "Hola {{ customer_name }}:\n\n¿De qué pedido se trata?\n\n{{ cta }}",
        "Responde con el número de pedido (por ejemplo 1001).",
    ),
    "order_unknown": (
        "Pedido #{{ order_number }} — Revisa el número",
        "Hola {{ customer_name }}:\n\nNo encontramos el pedido #{{ order_number }} en tu "
        "cuenta.\n\n{{ cta }}",
        "Revisa el número y respóndenos con él.",
    ),
    "reship_notice": (
        "Pedido #{{ order_number }} — Te enviamos un reemplazo",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} lleva {{ days_late }} "
        "días hábiles de retraso, así que te enviamos los mismos artículos a la misma "
        "dirección, sin coste: {{ carrier }}, número de seguimiento {{ tracking_number }}."
        "\n\n{{ cta }}",
        "No tienes que hacer nada; si llega el primer paquete, respóndenos aquí.",
    ),
    "refund_offer": (
        "Pedido #{{ order_number }} — Oferta de reembolso",
        "Hola {{ customer_name }}:\n\nPodemos reembolsarte {{ amount }} del pedido "
        "#{{ order_number }} en la tarjeta con la que pagaste.\n\n{{ cta }}",
        "Responde {{ confirm_token }} para confirmar {{ amount }} en tu {{ card_brand }} "
        "terminada en {{ last4 }}.",
    ),
    "refund_done": (
        "Pedido #{{ order_number }} — Reembolso en camino",
        "Hola {{ customer_name }}:\n\nHemos reembolsado {{ amount }} del pedido "
        "#{{ order_number }} en tu {{ card_brand }} terminada en {{ last4 }}. El banco tarda "
        "{{ timeframe }} en mostrarlo.\n\n{{ cta }}",
        "Si para entonces no ha llegado, responde a este mensaje y lo reclamaremos.",
    ),
    "refund_review": (
        "Pedido #{{ order_number }} — Reembolso en revisión",
        "Hola {{ customer_name }}:\n\nUn reembolso de {{ amount }} del pedido "
        "#{{ order_number }} necesita una revisión rápida de nuestro equipo.\n\n{{ cta }}",
        "No tienes que hacer nada; te diremos el resultado aquí.",
    ),
    "refund_over_balance": (
        "Pedido #{{ order_number }} — Sobre tu reembolso",
        "Hola {{ customer_name }}:\n\nNo podemos reembolsar {{ amount }} del pedido "
        "#{{ order_number }}: solo quedan {{ balance }} por reembolsar de lo pagado."
        "\n\n{{ cta }}",
        "Responde con un importe de hasta {{ balance }}, o pide que lo revise una persona.",
    ),
    "refund_nothing_left": (
        "Pedido #{{ order_number }} — Sobre tu reembolso",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} ya se reembolsó por "
        "completo ({{ amount }} en la tarjeta con la que pagaste), así que no queda nada por "
        "reembolsar.\n\n{{ cta }}",
        "El banco tarda hasta 10 días hábiles en mostrarlo; responde aquí si para entonces "
        "no aparece.",
    ),
    "refund_not_charged": (
        "Pedido #{{ order_number }} — Sobre tu reembolso",
        "Hola {{ customer_name }}:\n\nEl pago del pedido #{{ order_number }} solo se "
        "autorizó en tu tarjeta, nunca se cobró, así que no hay nada que reembolsar."
        "\n\n{{ cta }}",
        "Si ya no quieres el pedido, escríbenos para cancelarlo y se liberará la retención.",
    ),
    "cancel_done": (
        "Pedido #{{ order_number }} — Cancelado",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} está cancelado y "
        "{{ amount }} vuelve a tu {{ card_brand }} terminada en {{ last4 }}; el banco tarda "
        "{{ timeframe }} en mostrarlo.\n\n{{ cta }}",
        "Responde aquí si quieres ayuda para elegir otra cosa.",
    ),
    "cancel_voided": (
        "Pedido #{{ order_number }} — Cancelado",
        "Hola {{ customer_name }}:\n\nTu pedido #{{ order_number }} está cancelado. En tu "
        "{{ card_brand }} terminada en {{ last4 }} solo había una autorización, así que no "
        "verás ningún cargo.\n\n{{ cta }}",
        "Responde aquí si quieres ayuda para elegir otra cosa.",
    ),
    "cancel_not_possible": (
        "Pedido #{{ order_number }} — No se puede cancelar",
        "Hola {{ customer_name }}:\n\nNo pudimos cancelar el pedido #{{ order_number }}: ya "
        "se ha enviado. Puedes devolverlo en los {{ return_window_days }} días siguientes a la "
        "entrega.\n\n{{ cta }}",
        "Respóndenos cuando haya llegado y prepararemos la devolución.",
    ),
    "ask_address": (
        "Pedido #{{ order_number }} — Nueva dirección de entrega",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} no se ha enviado, así que "
        "aún podemos cambiar su dirección.\n\n{{ cta }}",
        "Responde con la nueva dirección completa (calle, ciudad, código postal, país).",
    ),
    "address_changed": (
        "Pedido #{{ order_number }} — Nueva dirección de entrega",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} irá ahora a: "
        "{{ address }}.\n\n{{ cta }}",
        "Si algo de esa dirección está mal, responde antes del envío y lo corregiremos.",
    ),
    "address_not_possible": (
        "Pedido #{{ order_number }} — Ya enviado",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} ya salió con "
        "{{ carrier }}, así que su dirección ya no se puede cambiar.\n\n{{ cta }}",
        "Síguelo con el número de seguimiento {{ tracking_number }}.",
    ),
    "return_authorised": (
        "Pedido #{{ order_number }} — Devolución {{ return_number }} aprobada",
        "Hola {{ customer_name }}:\n\nTu devolución {{ return_number }} del pedido "
        "#{{ order_number }} está aprobada. Reembolsamos cuando recibamos los artículos."
        "\n\n{{ cta }}",
        "Escribe {{ return_number }} en el paquete y envíanos los artículos.",
    ),
    "return_outside_window": (
        "Pedido #{{ order_number }} — Sobre tu devolución",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} se entregó hace "
        "{{ days_since_delivery }} días, y las devoluciones se aceptan en los "
        "{{ return_window_days }} días siguientes a la entrega.\n\n{{ cta }}",
        "Responde aquí si quieres que lo revise una persona.",
    ),
    "return_not_delivered": (
        "Pedido #{{ order_number }} — Aún no entregado",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} aún no se ha entregado: "
        "está con {{ carrier }}, número de seguimiento {{ tracking_number }}, previsto para el "
        "{{ eta }}. Cuando llegue, puedes devolverlo en {{ return_window_days }} días."
        "\n\n{{ cta }}",
        "Respóndenos cuando llegue y prepararemos la devolución.",
    ),
    "return_not_shipped": (
        "Pedido #{{ order_number }} — Aún no enviado",
        "Hola {{ customer_name }}:\n\nEl pedido #{{ order_number }} aún no se ha enviado, así "
        "que no hay nada que devolver: todavía se puede cancelar.\n\n{{ cta }}",
        'Para cancelarlo, envíanos un mensaje nuevo: "cancelar pedido {{ order_number }}".',
    ),
    "password_reset_sent": (
        "Tu enlace para restablecer la contraseña",
        "Hola {{ customer_name }}:\n\nHemos enviado un enlace para restablecer la contraseña "
        "a {{ email }}, la dirección de tu cuenta.\n\n{{ cta }}",
        "Ábrelo desde ese buzón para elegir una contraseña nueva.",
    ),
    "invoice_sent": (
        "Pedido #{{ order_number }} — Copia de la factura",
        "Hola {{ customer_name }}:\n\nHemos enviado una copia de la factura del pedido "
        "#{{ order_number }} a {{ email }}, la dirección de tu cuenta.\n\n{{ cta }}",
        "Responde aquí si la necesitas a otro nombre.",
    ),
    "handoff": (
        "Ticket #{{ ticket_number }} — Una persona te responderá",
        "Gracias, {{ customer_name }}. Una persona de nuestro equipo seguirá con esto "
        "(ticket #{{ ticket_number }}).\n\n{{ cta }}",
        "No tienes que hacer nada más; responde aquí si quieres añadir detalles.",
    ),
}
