"""Reading one e-mail: headers, the body as plain text, attachments, and what kind it is.

Never raises on bad mail: whatever cannot be read is noted in `problems` so the import can
explain it. HTML is converted to text and sanitised, never kept to be rendered.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.policy
import email.utils
import html
import mimetypes
import re
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path

import nh3

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
BLOCK_END = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote)\b[^>]*>")
# Executables and archives are refused: they may hide anything, so an officer decides.
BLOCKED_EXTENSIONS = {
    ".exe",
    ".com",
    ".bat",
    ".cmd",
    ".scr",
    ".pif",
    ".msi",
    ".dll",
    ".js",
    ".jse",
    ".vbs",
    ".vbe",
    ".wsf",
    ".ps1",
    ".jar",
    ".apk",
    ".app",
    ".sh",
    ".lnk",
    ".hta",
    ".cpl",
    ".iso",
    ".img",
    ".zip",
    ".rar",
    ".7z",
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".cab",
    ".arj",
    ".docm",
    ".xlsm",
    ".pptm",
}
BLOCKED_TYPES = {
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-executable",
    "application/x-sh",
    "application/java-archive",
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/x-tar",
    "application/gzip",
}
AUTO_SUBJECT = re.compile(
    r"(?i)^\s*(automatic reply|auto[- ]?reply|out of (the )?office|autoreply|abwesenheit)"
)


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def blocked_reason(self) -> str:
        suffix = Path(self.filename.lower()).suffix
        if suffix in BLOCKED_EXTENSIONS or self.content_type.lower() in BLOCKED_TYPES:
            return f"{self.filename} is an executable or archive"
        if self.data[:2] == b"MZ" or self.data[:4] in (b"PK\x03\x04", b"\x7fELF", b"Rar!"):
            if suffix not in {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}:
                return f"{self.filename} is an executable or archive"
        return ""


@dataclass
class ParsedMail:
    message_id: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    to_addresses: list[str] = field(default_factory=list)
    subject: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    date_header: dt.datetime | None = None
    top_received_at: dt.datetime | None = None
    body_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    auto_reply: bool = False
    bounce: bool = False
    bounced_message_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def reply_address(self) -> str:
        return self.reply_to or self.from_address


def html_to_text(markup: str) -> str:
    """Sanitised plain text of an HTML body: tags, scripts and styles dropped, entities read."""
    markup = BLOCK_END.sub("\n", markup)
    cleaned = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style", "head"})
    text = html.unescape(cleaned).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _header(message: Message, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
        return str(value).strip() if value is not None else ""
    except Exception as exc:  # a broken encoded word must not stop the import
        problems.append(f"the {name} header could not be read ({exc})")
        raw = message.get_all(name, failobj=[""])  # type: ignore[arg-type]
        return str(raw[0]).encode("ascii", "replace").decode()


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else None


def _top_received(message: Message) -> dt.datetime | None:
    """The time in the topmost Received header: when the authority's server got the mail."""
    for value in message.get_all("Received", failobj=[]):  # type: ignore[arg-type]
        stamp = str(value).rsplit(";", 1)
        if len(stamp) == 2:
            return _date(" ".join(stamp[1].split()))
    return None


def _text_of(part: Message, problems: list[str]) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset)
    except LookupError:
        problems.append(
            f"unknown character set {charset!r}: read as UTF-8, unreadable bytes marked"
        )
    except UnicodeDecodeError:
        problems.append(f"text not valid {charset}: unreadable bytes marked")
    return payload.decode("utf-8", errors="replace")


def _filename(part: Message, number: int, problems: list[str]) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = Path(name.replace("\\", "/")).name.strip() if name else ""
    name = name.replace("\x00", "")
    return name or f"attachment-{number}{_extension(part.get_content_type())}"


def _extension(content_type: str) -> str:
    return mimetypes.guess_extension(content_type) or ".bin"


def _walk(message: Message, mail: ParsedMail) -> None:
    plain: list[str] = []
    markup: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if content_type in ("message/delivery-status", "text/rfc822-headers"):
            mail.bounce = mail.bounce or content_type == "message/delivery-status"
            text = part.get_payload(decode=True) or str(part.get_payload()).encode()
            if content_type == "text/rfc822-headers":
                mail.bounced_message_ids += MESSAGE_ID.findall(
                    "\n".join(
                        line
                        for line in text.decode("ascii", "replace").splitlines()
                        if line.lower().startswith("message-id")
                    )
                )
            continue
        if disposition != "attachment" and content_type == "text/plain":
            plain.append(_text_of(part, mail.problems))
        elif disposition != "attachment" and content_type == "text/html":
            markup.append(_text_of(part, mail.problems))
        else:
            data = part.get_payload(decode=True)
            if data is None:
                data = str(part.get_payload()).encode("utf-8", "replace")
            number = len(mail.attachments) + 1
            name = _filename(part, number, mail.problems)
            mail.attachments.append(Attachment(name, content_type, data))
    if plain:
        mail.body_text = "\n\n".join(text.strip() for text in plain).strip()
    elif markup:
        mail.body_text = "\n\n".join(html_to_text(text) for text in markup).strip()


def parse(raw: bytes) -> ParsedMail:
    """Read a message; what could not be read is listed in `problems`."""
    mail = ParsedMail()
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    problems = mail.problems
    if message.defects:
        problems += [f"malformed message: {type(d).__name__}" for d in message.defects[:3]]
    found = MESSAGE_ID.findall(_header(message, "Message-ID", problems))
    mail.message_id = found[0] if found else ""
    name, address = email.utils.parseaddr(_decoded(_header(message, "From", problems)))
    mail.from_name, mail.from_address = name.strip(), address.strip().lower()
    mail.reply_to = email.utils.parseaddr(_header(message, "Reply-To", problems))[1].lower()
    mail.to_addresses = [
        a.lower() for _, a in email.utils.getaddresses([_header(message, "To", problems)]) if a
    ]
    mail.subject = " ".join(_decoded(_header(message, "Subject", problems)).split())[:998]
    mail.in_reply_to = " ".join(MESSAGE_ID.findall(_header(message, "In-Reply-To", problems)))
    mail.references = MESSAGE_ID.findall(_header(message, "References", problems))
    mail.date_header = _date(_header(message, "Date", problems))
    mail.top_received_at = _top_received(message)
    try:
        _walk(message, mail)
    except Exception as exc:
        problems.append(f"the message structure could not be read ({type(exc).__name__})")
        mail.body_text = raw.decode("utf-8", "replace").split("\n\n", 1)[-1][:100_000]
    _classify(message, mail)
    _drop_nul(mail)
    return mail


def _drop_nul(mail: ParsedMail) -> None:
    """PostgreSQL text cannot hold NUL characters; they carry nothing a reader needs."""
    for name in (
        "message_id",
        "from_name",
        "from_address",
        "reply_to",
        "subject",
        "in_reply_to",
        "body_text",
    ):
        value = getattr(mail, name)
        if "\x00" in value:
            setattr(mail, name, value.replace("\x00", ""))
    mail.to_addresses = [a.replace("\x00", "") for a in mail.to_addresses]
    mail.references = [r.replace("\x00", "") for r in mail.references]


def _decoded(value: str) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, UnicodeDecodeError, ValueError, email.errors.HeaderParseError):
        return value


def _classify(message: Message, mail: ParsedMail) -> None:
    content_type = message.get_content_type()
    report_type = (message.get_param("report-type") or "") if content_type else ""
    sender = mail.from_address.split("@")[0].lower()
    if content_type == "multipart/report" and str(report_type).lower() == "delivery-status":
        mail.bounce = True
    elif sender in ("mailer-daemon", "postmaster") and mail.subject.lower().startswith(
        ("undeliver", "delivery status", "returned mail", "mail delivery failed")
    ):
        mail.bounce = True
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    mail.auto_reply = not mail.bounce and (
        auto not in ("", "no")
        or precedence in ("auto_reply", "bulk", "junk")
        or any(message.get(h) for h in ("X-Autoreply", "X-Autorespond"))
        or bool(AUTO_SUBJECT.match(mail.subject))
    )


def msg_to_eml(data: bytes) -> bytes:
    """An Outlook .msg file as an RFC 5322 message (with its transport headers if it kept them)."""
    import extract_msg

    with tempfile.NamedTemporaryFile(suffix=".msg") as handle:
        handle.write(data)
        handle.flush()
        msg = extract_msg.openMsg(handle.name)
        try:
            converted: EmailMessage = msg.asEmailMessage()
            transport = getattr(msg, "headerText", "") or ""
            received = [line for line in _unfold(transport) if line.lower().startswith("received:")]
            out = converted.as_bytes(policy=email.policy.SMTP)
            if received and b"\nReceived:" not in out and not out.startswith(b"Received:"):
                out = ("\r\n".join(received[:1]) + "\r\n").encode("utf-8", "replace") + out
            return out
        finally:
            msg.close()


def _unfold(headers: str) -> list[str]:
    lines: list[str] = []
    for line in headers.splitlines():
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += " " + line.strip()
        elif line.strip():
            lines.append(line.strip())
    return lines
