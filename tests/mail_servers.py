"""A real IMAP server (Dovecot) and SMTP server (aiosmtpd delivering into it) for the tests.

Each pytest session writes its own Dovecot configuration under a temporary directory and
listens on free high ports, so concurrent test runs never clash. Any user name logs in with
the one password and gets its own mailbox: mail to requester@example.net lands in the
mailbox of user "requester". Mail to an address at bounce.test is accepted, then a delivery
status notification goes back to the sender, as Postfix sends one; an address at refused.test
is refused at RCPT.
"""

from __future__ import annotations

import email.utils
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "mail-test-password"
BOUNCE_DOMAIN = "bounce.test"
REFUSED_DOMAIN = "refused.test"


def mail_unavailable() -> str:
    if not Path(DOVECOT).exists():
        return "needs Dovecot (Debian package dovecot-imapd)"
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return "needs the aiosmtpd Python package"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _users() -> tuple[str, str, str, str]:
    """(mail user, mail group, login user, internal user) Dovecot may run as here."""
    if os.geteuid() == 0:  # Dovecot refuses mail access as root
        return "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name, "dovenull", "dovecot"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, grp.getgrgid(os.getegid()).gr_name, me, me


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = foi-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
first_valid_uid = 1
mail_uid = {mail_user}
mail_gid = {mail_group}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
# Unix sockets owned by the current user, not the "dovecot" group: runs without root too.
service stats {{
  unix_listener stats-writer {{
    group =
    mode = 0666
  }}
}}
service imap-hibernate {{
  unix_listener imap-hibernate {{
    group =
  }}
}}
service dict {{
  unix_listener dict {{
    group =
  }}
}}
service dict-async {{
  unix_listener dict-async {{
    group =
  }}
}}
namespace inbox {{
  inbox = yes
}}
"""


@dataclass
class MailServers:
    root: Path
    imap_port: int
    smtp_port: int
    password: str = PASSWORD
    host: str = "127.0.0.1"
    user: str = ""  # the FOI mailbox of the current test

    def imap(self, user: str) -> imaplib.IMAP4:
        connection = imaplib.IMAP4(self.host, self.imap_port)
        connection.login(user, self.password)
        return connection

    def deliver(self, user: str, raw: bytes, *, when: float | None = None, folder: str = "INBOX"):
        """Put a message straight into a mailbox, as the server received it at `when`."""
        connection = self.imap(user)
        try:
            connection.create(folder)
            date = imaplib.Time2Internaldate(when if when is not None else time.time())
            status, data = connection.append(folder, None, date, raw)
            assert status == "OK", data
        finally:
            connection.logout()

    def messages(self, user: str, folder: str = "INBOX") -> list[bytes]:
        connection = self.imap(user)
        try:
            status, _ = connection.select(folder, readonly=True)
            if status != "OK":
                return []
            _, data = connection.uid("SEARCH", "ALL")
            out = []
            for uid in data[0].split():
                _, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(bytes(fetched[0][1]))
            return out
        finally:
            connection.logout()

    def empty(self, user: str) -> None:
        shutil.rmtree(self.root / "mail" / user, ignore_errors=True)


def _dsn(original: bytes, sender: str, recipient: str) -> bytes:
    """A delivery status notification for `recipient`, as Postfix writes one."""
    headers = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace")
    boundary = f"dsn-{time.time_ns()}"
    message_id = email.utils.make_msgid(domain="mail.test")
    text = f"""\
From: MAILER-DAEMON@mail.test (Mail Delivery System)
To: {sender}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Message-ID: {message_id}
Date: {email.utils.formatdate(localtime=False)}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be
delivered to one or more recipients.

<{recipient}>: Host or domain name not found

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.test

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.2
Diagnostic-Code: X-Postfix; Host or domain name not found

--{boundary}
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode()


class _Delivery:
    """aiosmtpd handler: stamp a Received header, put each copy in its user's mailbox."""

    def __init__(self, servers: MailServers) -> None:
        self.servers = servers

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.partition("@")[2].lower() == REFUSED_DOMAIN:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        stamp = email.utils.formatdate(localtime=False)
        received = (
            f"Received: from {session.host_name or 'client'} by mail.test with ESMTP; {stamp}\r\n"
        ).encode()
        raw = envelope.original_content or envelope.content
        raw = received + (raw if isinstance(raw, bytes) else raw.encode())
        for recipient in envelope.rcpt_tos:
            local, _, domain = recipient.partition("@")
            if domain.lower() == BOUNCE_DOMAIN:
                sender_local = envelope.mail_from.partition("@")[0]
                self.servers.deliver(sender_local, _dsn(raw, envelope.mail_from, recipient))
            else:
                self.servers.deliver(local.lower(), raw)
        return "250 Message accepted for delivery"


def start_mail_servers() -> tuple[MailServers, object, subprocess.Popen[bytes] | None]:
    from aiosmtpd.controller import Controller

    root = Path(tempfile.mkdtemp(prefix="foi-mail-"))
    mail_user, mail_group, login_user, internal_user = _users()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    root.chmod(0o755)
    shutil.chown(root / "mail", mail_user, mail_group)
    imap_port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(
        DOVECOT_CONF.format(
            root=root,
            port=imap_port,
            password=PASSWORD,
            mail_user=mail_user,
            mail_group=mail_group,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    subprocess.run([DOVECOT, "-c", str(conf)], check=True)
    servers = MailServers(root=root, imap_port=imap_port, smtp_port=free_port())
    deadline = time.monotonic() + 20
    while True:
        try:
            servers.imap("probe").logout()
            break
        except OSError:
            if time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text(errors="replace")
                raise RuntimeError(f"Dovecot did not start:\n{log}") from None
            time.sleep(0.1)
    controller = Controller(_Delivery(servers), hostname="127.0.0.1", port=servers.smtp_port)
    controller.start()
    return servers, controller, None


def stop_mail_servers(servers: MailServers, controller) -> None:
    controller.stop()
    pid_file = servers.root / "run" / "master.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 15)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    shutil.rmtree(servers.root, ignore_errors=True)
