"""Building e-mail for the mail tests: WhatDoTheyKnow requests, replies and bad mail."""

from __future__ import annotations

import email.utils
from email.message import EmailMessage

WDTK_FOOTER = """
-------------------------------------------------------------------

Please use this email address for all replies to this request:
{address}

Is {authority} the wrong address for Freedom of Information requests?
If so, please contact us using this form:
https://www.whatdotheyknow.com/change_request/new

Disclaimer: This message and any reply that you make will be published on the internet.
-------------------------------------------------------------------
"""


def wdtk_request(
    *,
    to: str,
    number: int = 1234,
    name: str = "Jane Doe",
    date: str = "Mon, 30 Jun 2025 09:00:00 +0100",
    attachment: bytes | None = b"%PDF-1.4 a map of the site",
) -> EmailMessage:
    address = f"request-{number}-abcd{number}@whatdotheyknow.com"
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = to
    message["Subject"] = "Freedom of Information request - Council car parks"
    message["Date"] = date
    message["Message-ID"] = email.utils.make_msgid(domain="whatdotheyknow.com")
    message.set_content(
        "Dear House of Commons,\n\nPlease send me:\n\n1. The number of car parks you own.\n"
        "2. The income from each car park in 2024.\n\nYours faithfully,\n\n"
        f"{name}\n" + WDTK_FOOTER.format(address=address, authority="House of Commons")
    )
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="site-map.pdf"
        )
    return message


def plain_mail(
    *,
    to: str,
    sender: str = "Sam Sender <sam.sender@example.net>",
    subject: str = "Information request",
    body: str = "Please tell me how many staff work in the press office.",
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate()
    message["Message-ID"] = email.utils.make_msgid(domain="example.net")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message
