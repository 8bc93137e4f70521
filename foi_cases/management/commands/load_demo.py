"""Demo data for local use: a user per role and cases built from the seed documents."""

import datetime as dt
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from exemptions.seed import load_all
from foi_cases import demo, workflow
from foi_cases.bank_holidays import calendar_for
from foi_cases.models import Case, LetterSettings, Topic
from foi_cases.permissions import MANAGER, OFFICER, REVIEWER

DEMO_USERS = (
    ("olivia", "Olivia", "Officer", OFFICER),
    ("oscar", "Oscar", "Okafor", OFFICER),
    ("rita", "Rita", "Reviewer", REVIEWER),
    ("maya", "Maya", "Manager", MANAGER),
    ("mark", "Mark", "Mensah", MANAGER),
)


# The one to sign in as first: she has cases in every state, and the journey starts with her.
FIRST_USER = "olivia"
DEFAULT_URL = "http://127.0.0.1:8000/"


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


def server_listening(url: str) -> bool:
    """Whether something accepts connections at `url`'s host and port.

    A bare connection, not a request: the development server logs nothing for it, and it
    listens only after printing its start-up lines.
    """
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Create demo users (and demo cases) for local use. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=DEFAULT_URL,
            help="The address printed for signing in (default: %(default)s).",
        )
        parser.add_argument(
            "--show-users",
            action="store_true",
            help="Only print the demo users, passwords and address; change nothing.",
        )
        parser.add_argument(
            "--wait-for-server",
            type=int,
            default=0,
            metavar="SECONDS",
            help="With --show-users: print once the server answers at --url (up to SECONDS), "
            "so the list comes after the server's own start-up lines.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when DEBUG is off. Demo passwords are public: never on a live system.",
        )

    def handle(self, *args, **options):
        if options["show_users"]:
            deadline = time.monotonic() + options["wait_for_server"]
            while options["wait_for_server"] and time.monotonic() < deadline:
                if server_listening(options["url"]):
                    break
                time.sleep(0.5)
            self._show_users(options["url"])
            return
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "load_demo creates users with public passwords; run it with DEBUG=1."
            )
        self._load(quiet=options["verbosity"] == 0)
        if options["verbosity"]:
            self._show_users(options["url"])

    def _show_users(self, url: str) -> None:
        """The last thing printed: where to go, who to sign in as, and every demo password."""
        first = next(user for user in DEMO_USERS if user[0] == FIRST_USER)
        lines = [
            "",
            "=" * 64,
            f"Open {url} and sign in.",
            f"Start as {first[0]} ({first[3]}), password: {demo_password(first[0])}",
            "",
            "Demo users (local use only: these passwords are public):",
        ]
        lines += [
            f"  {role:<12} {username:<7} password: {demo_password(username)}"
            for username, _first, _last, role in DEMO_USERS
        ]
        lines += ["=" * 64, ""]
        self.stdout.write("\n".join(lines))

    @transaction.atomic
    def _load(self, *, quiet: bool) -> None:
        for username, first, last, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            user.set_password(demo_password(username))
            user.is_staff = role == MANAGER
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            action = "Created" if created else "Reset"
            if not quiet:
                self.stdout.write(f"{action} {role} {username}.")
        load_all()
        demo.seed_register()
        self._letter_settings()
        created = self._cases()
        if not quiet:
            self.stdout.write(f"Demo cases: {created} created, {Case.objects.count()} in total.")

    def _letter_settings(self) -> None:
        row = LetterSettings.load()
        if not row.address:
            # The House of Commons' published FOI contact details, unless the deployment's own
            # are set (AUTHORITY_ADDRESS, AUTHORITY_CONTACT_EMAIL).
            row.address = "\n".join(
                settings.AUTHORITY_ADDRESS
                or ["Freedom of Information Team", "House of Commons", "London", "SW1A 0AA"]
            )
            row.contact_email = settings.AUTHORITY_CONTACT_EMAIL or "foicommons@parliament.uk"
            row.signed_by = LetterSettings.SignedBy.APPROVER
            row.save()

    def _cases(self) -> int:
        """Log each demo case once (matched by title): seeds 001 and 000, and open work."""
        users = {
            u.username: u for u in User.objects.filter(username__in=["olivia", "oscar", "rita"])
        }
        officer, other, reviewer = users["olivia"], users["oscar"], users["rita"]
        topic = {t.slug: t for t in Topic.objects.all()}
        today = timezone.localdate()
        calendar = calendar_for("FOIA")
        created = 0

        def new(title: str, received: dt.datetime, questions: list[str], requester: str):
            nonlocal created
            if Case.objects.filter(title=title).exists():
                return None
            created += 1
            return workflow.log_request(
                actor=officer,
                requester=workflow.RequesterDetails(
                    name=requester, email=f"{requester.split()[0].lower()}@example.net"
                ),
                channel=Case.Channel.WHATDOTHEYKNOW,
                received_at=received,
                regime=Case.Regime.FOIA,
                title=title,
                request_text="\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1)),
                questions=questions,
            )

        def working_days_ago(days: int) -> dt.datetime:
            day = today
            while calendar.working_days_between(day, today) < days:
                day -= dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(9, 30), demo.LONDON)

        case = new(
            "Members security", working_days_ago(15), demo.SEED_001_QUESTIONS, "Sam Requester"
        )
        if case:
            workflow.assign_case(case, actor=officer, assignee=officer)
            workflow.set_topics(
                case, actor=officer, topics=[topic["members-security-support-service"]]
            )
            demo.record_seed_001_decisions(case, officer=officer, reviewer=reviewer)

        case = new(
            "Details of Security Assistance claimed by an MP",
            working_days_ago(12),
            [demo.SEED_000_QUESTION],
            "Jo Writer",
        )
        if case:
            workflow.assign_case(case, actor=officer, assignee=officer)
            workflow.set_topics(
                case, actor=officer, topics=[topic["security-assistance-and-expenses"]]
            )
            workflow.set_restricted(
                case,
                actor=officer,
                restricted=True,
                reason="Concerns a named MP's security arrangements.",
            )

        case = new(
            "Operation Bridger letters to chief constables",
            working_days_ago(2),
            [
                "Please provide the letter sent to all Chief Constables about Operation Bridger "
                "in 2016.",
                "Please provide any annexes to that letter.",
            ],
            "Pat Journalist",
        )
        if case:
            workflow.set_topics(
                case, actor=officer, topics=[topic["police-liaison-operation-bridger"]]
            )

        case = new(
            "Constituency office alarm costs",
            working_days_ago(24),
            ["How much was spent on panic alarms in constituency offices in 2024-25?"],
            "Chris Campaigner",
        )
        if case:
            workflow.assign_case(case, actor=officer, assignee=other)

        # Two requesters whose pieces together locate one (fictional) Member: a mosaic.
        new(
            "Constituency office address",
            working_days_ago(4),
            ["What is the address of the constituency office of the Member for Ashcombe and Wyre?"],
            "Alex Inquirer",
        )
        new(
            "Alarm installation dates",
            working_days_ago(3),
            ["When were the intruder alarms installed at 14 Mill Lane, Ashcombe?"],
            "Bea Asker",
        )

        case = new(
            "Security vetting of MPs' staff",
            working_days_ago(6),
            ["How many MPs' staff were refused security clearance?"],
            "Dee Public",
        )
        if case:
            workflow.assign_case(case, actor=officer, assignee=officer)
            workflow.request_clarification(
                case, actor=officer, on=today, note="Which years does the request cover?"
            )
        return created
