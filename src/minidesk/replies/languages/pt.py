"""Portuguese bodies of the built-in templates: key → (subject, body, call to action)."""

from __future__ import annotations

BODIES: dict[str, tuple[str, str, str]] = {
    "order_status": (
        "Encomenda #{{ order_number }} — Envio a caminho",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} está a caminho com "
        "{{ carrier }}, número de seguimento {{ tracking_number }}. Deve chegar {{ eta }}."
        "\n\n{{ cta }}",
        "Acompanhe aqui: {{ tracking_url }}",
    ),
    "order_running_late": (
        "Encomenda #{{ order_number }} — Com atraso",
        "Olá {{ customer_name }},\n\nLamentamos: a entrega da sua encomenda "
        "#{{ order_number }} estava prevista para {{ promised_on }}, e ainda não chegou. "
        "Está a caminho com {{ carrier }}, número de seguimento {{ tracking_number }}. "
        "{% if eta %}A transportadora prevê agora a entrega para {{ eta }}.{% else %}"
        "A transportadora ainda não indicou uma nova data de entrega.{% endif %} "
        "Acompanhe aqui: {{ tracking_url }}\n\n{{ cta }}",
        "Se até {{ resend_on }}, não a tiver recebido, responda aqui e enviamos-lhe os mesmos "
        "artigos de novo, sem custos.",
    ),
    "order_not_shipped": (
        "Encomenda #{{ order_number }} — Ainda não enviada",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} ainda não foi "
        "enviada.\n\n{{ cta }}",
        "Enviamos o número de seguimento assim que sair do nosso armazém.",
    ),
    "order_delivered": (
        "Encomenda #{{ order_number }} — Entregue",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} foi entregue "
        "{{ delivered_on }} pela {{ carrier }} (número de seguimento {{ tracking_number }})."
        "\n\n{{ cta }}",
        "Se não a encontrar, responda aqui e uma pessoa vai verificar.",
    ),
    "order_cancelled": (
        "Encomenda #{{ order_number }} — Cancelada",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} foi cancelada "
        "{{ cancelled_on }}, por isso não será enviada e já não pode ser alterada.\n\n{{ cta }}",
        "Qualquer valor cobrado voltou para o cartão com que pagou; responda aqui se não o "
        "vir em 10 dias úteis.",
    ),
    "greeting_reply": (
        "Como podemos ajudar?",
        "Olá {{ customer_name }},\n\nObrigado pela sua mensagem. Em que podemos ajudar?\n\n"
        "{{ cta }}",
        "Responda com a sua pergunta e, se for sobre uma encomenda, o número da encomenda.",
    ),
    "ask_order": (
        "De que encomenda se trata?",
        "Olá {{ customer_name }},\n\nDe que encomenda se trata?\n\n{{ cta }}",
        "Responda com o número da encomenda (por exemplo 1001).",
    ),
    "order_unknown": (
        "Encomenda #{{ order_number }} — Verifique o número",
        "Olá {{ customer_name }},\n\nNão encontrámos a encomenda #{{ order_number }} na sua "
        "conta.\n\n{{ cta }}",
        "Verifique o número e responda com ele.",
    ),
    "reship_notice": (
        "Encomenda #{{ order_number }} — Vamos enviar uma substituição",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} está "
        "{{ days_late }} dias úteis atrasada, por isso vamos enviar os mesmos artigos para a "
        "mesma morada, sem custos: {{ carrier }}, número de seguimento {{ tracking_number }}."
        "\n\n{{ cta }}",
        "Não precisa de fazer nada; se o primeiro pacote chegar, responda aqui.",
    ),
    "refund_offer": (
        "Encomenda #{{ order_number }} — Proposta de reembolso",
        "Olá {{ customer_name }},\n\nPodemos reembolsar {{ amount }} da encomenda "
        "#{{ order_number }} no cartão com que pagou.\n\n{{ cta }}",
        "Responda {{ confirm_token }} para confirmar {{ amount }} no seu {{ card_brand }} "
        "terminado em {{ last4 }}.",
    ),
    "refund_done": (
        "Encomenda #{{ order_number }} — Reembolso a caminho",
        "Olá {{ customer_name }},\n\nReembolsámos {{ amount }} da encomenda "
        "#{{ order_number }} no seu {{ card_brand }} terminado em {{ last4 }}. O banco demora "
        "{{ timeframe }} a mostrá-lo.\n\n{{ cta }}",
        "Se até lá não tiver chegado, responda a esta mensagem e vamos verificar.",
    ),
    "refund_review": (
        "Encomenda #{{ order_number }} — Reembolso em análise",
        "Olá {{ customer_name }},\n\nUm reembolso de {{ amount }} da encomenda "
        "#{{ order_number }} precisa de uma análise rápida da nossa equipa.\n\n{{ cta }}",
        "Não precisa de fazer nada; damos-lhe a resposta aqui.",
    ),
    "refund_over_balance": (
        "Encomenda #{{ order_number }} — Sobre o seu reembolso",
        "Olá {{ customer_name }},\n\nNão podemos reembolsar {{ amount }} da encomenda "
        "#{{ order_number }}: só restam {{ balance }} por reembolsar do que foi pago."
        "\n\n{{ cta }}",
        "Responda com um valor até {{ balance }}, ou peça que uma pessoa analise.",
    ),
    "refund_nothing_left": (
        "Encomenda #{{ order_number }} — Sobre o seu reembolso",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} já foi reembolsada na "
        "totalidade ({{ amount }} no cartão com que pagou), por isso não resta nada por "
        "reembolsar.\n\n{{ cta }}",
        "O banco demora até 10 dias úteis; responda aqui se até lá não aparecer.",
    ),
    "refund_not_charged": (
        "Encomenda #{{ order_number }} — Sobre o seu reembolso",
        "Olá {{ customer_name }},\n\nO pagamento da encomenda #{{ order_number }} foi apenas "
        "autorizado no seu cartão, nunca cobrado, por isso não há nada a reembolsar."
        "\n\n{{ cta }}",
        "Se já não quiser a encomenda, escreva-nos para a cancelar e a cativação é libertada.",
    ),
    "cancel_done": (
        "Encomenda #{{ order_number }} — Cancelada",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} está cancelada e "
        "{{ amount }} volta para o seu {{ card_brand }} terminado em {{ last4 }}; o banco "
        "demora {{ timeframe }} a mostrá-lo.\n\n{{ cta }}",
        "Responda aqui se quiser ajuda para escolher outra coisa.",
    ),
    "cancel_voided": (
        "Encomenda #{{ order_number }} — Cancelada",
        "Olá {{ customer_name }},\n\nA sua encomenda #{{ order_number }} está cancelada. No seu "
        "{{ card_brand }} terminado em {{ last4 }} havia apenas uma autorização, por isso não "
        "verá nenhuma cobrança.\n\n{{ cta }}",
        "Responda aqui se quiser ajuda para escolher outra coisa.",
    ),
    "cancel_not_possible": (
        "Encomenda #{{ order_number }} — Cancelamento impossível",
        "Olá {{ customer_name }},\n\nNão conseguimos cancelar a encomenda #{{ order_number }}: "
        "já foi enviada. Pode devolvê-la nos {{ return_window_days }} dias seguintes à "
        "entrega.\n\n{{ cta }}",
        "Responda a esta mensagem quando ela chegar e preparamos a devolução.",
    ),
    "ask_address": (
        "Encomenda #{{ order_number }} — Nova morada de entrega",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} ainda não foi enviada, por "
        "isso a morada ainda pode mudar.\n\n{{ cta }}",
        "Responda com a nova morada completa (rua, cidade, código postal, país).",
    ),
    "address_changed": (
        "Encomenda #{{ order_number }} — Nova morada de entrega",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} vai agora para: "
        "{{ address }}.\n\n{{ cta }}",
        "Se algo nesta morada estiver errado, responda antes do envio e corrigimos.",
    ),
    "address_not_possible": (
        "Encomenda #{{ order_number }} — Já enviada",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} já saiu com "
        "{{ carrier }}, por isso a morada já não pode mudar.\n\n{{ cta }}",
        "Acompanhe-a com o número de seguimento {{ tracking_number }}.",
    ),
    "return_authorised": (
        "Encomenda #{{ order_number }} — Devolução {{ return_number }} aprovada",
        "Olá {{ customer_name }},\n\nA sua devolução {{ return_number }} da encomenda "
        "#{{ order_number }} está aprovada. Reembolsamos quando os artigos chegarem."
        "\n\n{{ cta }}",
        "Escreva {{ return_number }} no pacote e envie-nos os artigos.",
    ),
    "return_outside_window": (
        "Encomenda #{{ order_number }} — Sobre a sua devolução",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} foi entregue há "
        "{{ days_since_delivery }} dias, e as devoluções são aceites nos "
        "{{ return_window_days }} dias seguintes à entrega.\n\n{{ cta }}",
        "Responda aqui se quiser que uma pessoa analise.",
    ),
    "return_not_delivered": (
        "Encomenda #{{ order_number }} — Ainda não entregue",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} ainda não foi entregue: "
        "está com {{ carrier }}, número de seguimento {{ tracking_number }}, prevista para "
        "{{ eta }}. Quando chegar, pode devolvê-la em {{ return_window_days }} dias."
        "\n\n{{ cta }}",
        "Responda-nos quando chegar e preparamos a devolução.",
    ),
    "return_not_shipped": (
        "Encomenda #{{ order_number }} — Ainda não enviada",
        "Olá {{ customer_name }},\n\nA encomenda #{{ order_number }} ainda não foi enviada, por "
        "isso não há nada a devolver: ainda pode ser cancelada.\n\n{{ cta }}",
        'Para a cancelar, envie-nos uma nova mensagem: "cancelar encomenda {{ order_number }}".',
    ),
    "password_reset_sent": (
        "A sua ligação para redefinir a palavra-passe",
        "Olá {{ customer_name }},\n\nEnviámos uma ligação para redefinir a palavra-passe para "
        "{{ email }}, o endereço da sua conta.\n\n{{ cta }}",
        "Abra-a nessa caixa de correio para escolher uma nova palavra-passe.",
    ),
    "invoice_sent": (
        "Encomenda #{{ order_number }} — Cópia da fatura",
        "Olá {{ customer_name }},\n\nEnviámos uma cópia da fatura da encomenda "
        "#{{ order_number }} para {{ email }}, o endereço da sua conta.\n\n{{ cta }}",
        "Responda aqui se precisar dela em outro nome.",
    ),
    "handoff": (
        "Ticket #{{ ticket_number }} — Uma pessoa vai responder",
        "Obrigado, {{ customer_name }}. Uma pessoa da nossa equipa vai tratar disto "
        "(ticket #{{ ticket_number }}).\n\n{{ cta }}",
        "Não precisa de fazer mais nada; responda aqui se quiser acrescentar detalhes.",
    ),
}
