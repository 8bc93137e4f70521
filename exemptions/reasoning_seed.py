"""Seed paragraphs for the reasoning-template library.

Pure data, with no Django imports. Each template is a starting point for a case officer, who must
adapt it to the request and the evidence: a template never replaces a reasoned, case-by-case
decision (DOMAIN.md 3.4 and 4.1).

Placeholders are written in double square brackets, e.g. ``[[authority_name]]``. The renderer
substitutes only the names in ``PLACEHOLDERS`` and leaves everything else as literal text, so no
template code can run. A single-bracket marker such as ``[insert web address]`` is a drafting
note for the officer, not a placeholder.

``exemption_code`` is a ``CatalogueEntry.code`` from ``exemptions.catalogue``; ``provisions``
lists the limbs or NCND provisions the paragraph relies on; ``topic_slug`` is "" when the
paragraph suits any topic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from exemptions.catalogue import MP_SECURITY_NCND_BUNDLE

TemplateKind = Literal["harm", "pit_for_disclosure", "pit_for_maintaining", "ncnd", "answer"]

TEMPLATE_KINDS: tuple[str, ...] = (
    "harm",
    "pit_for_disclosure",
    "pit_for_maintaining",
    "ncnd",
    "answer",
)

# The field of a decision each kind of paragraph is written for: a paragraph on the public
# interest goes to the public interest reasons, never to "why the exemption applies".
TARGET_FOR_KIND: dict[str, str] = {
    "harm": "reasoning",
    "ncnd": "reasoning",
    "pit_for_disclosure": "pit_summary",
    "pit_for_maintaining": "pit_summary",
    "answer": "answer_text",
}

PLACEHOLDERS: tuple[str, ...] = (
    "reference",
    "received_date",
    "authority_name",
    "question_text",
    "provision",
    "topic",
)

TOPIC_SLUGS: tuple[str, ...] = (
    "security-assistance-and-expenses",
    "constituency-office-and-home-security",
    "members-security-support-service",
    "police-liaison-operation-bridger",
    "staff-vetting",
    "cyber-security",
    "threats-and-incidents",
)


@dataclass(frozen=True)
class ReasoningTemplate:
    exemption_code: str
    topic_slug: str  # "" for any topic
    title: str
    kind: TemplateKind
    text: str
    provisions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_EXPENSES = "security-assistance-and-expenses"
_MSSS = "members-security-support-service"
_BRIDGER = "police-liaison-operation-bridger"
_OFFICES = "constituency-office-and-home-security"

REASONING_TEMPLATES: tuple[ReasoningTemplate, ...] = (
    # --- s31 law enforcement: security assistance and expenses --------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_EXPENSES,
        title="Law enforcement harm: security measures funded for individual Members",
        kind="harm",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "[[authority_name]] considers that the information you requested about [[topic]] is "
            "exempt under [[provision]] of the Freedom of Information Act 2000, because its "
            "disclosure would be likely to prejudice the prevention or detection of crime and "
            "the apprehension or prosecution of offenders. Details of the security measures "
            "funded for a particular Member, such as what was installed, where, when and at what "
            "cost, would show whether that Member has needed additional protection and what form "
            "it takes. Read alongside information already in the public domain, this would help "
            "a person intent on harming a Member, their family or staff to identify weak points, "
            "or to infer where protection is absent, and to plan accordingly. Disclosure under "
            "the Act is in effect disclosure to the world, so we have considered the use that "
            "anyone might make of the information, not only the requester. The police advise "
            "that detail of this kind would be of practical value to someone planning an offence "
            "against a Member; the risk is real and significant rather than remote."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_EXPENSES,
        title="Public interest in disclosure: spending on Members' security",
        kind="pit_for_disclosure",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "We recognise the public interest in openness about how public money is spent on "
            "the security of Members of Parliament. Security costs are met from public funds, "
            "and people are entitled to be confident that the arrangements are necessary, "
            "properly authorised and good value for money. Disclosure would also inform public "
            "debate about the threats faced by elected representatives and about the support "
            "provided in response."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_EXPENSES,
        title="Public interest in maintaining the exemption: spending on Members' security",
        kind="pit_for_maintaining",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "There is a very strong public interest in preventing crime against Members of "
            "Parliament, their families and staff, and in not weakening security measures put "
            "in place on police advice. Members must be able to carry out their parliamentary "
            "and constituency work without fear of attack, and the public has its own interest "
            "in a democratic process that is not distorted by intimidation. Accountability for "
            "the spending is provided by published aggregate figures and by the approval "
            "process that applies to security costs, without revealing the arrangements for any "
            "individual. Having weighed these considerations, [[authority_name]] has concluded "
            "that the public interest in maintaining the exemption outweighs the public interest "
            "in disclosure."
        ),
    ),
    # --- s31 law enforcement: Members' Security Support Service -------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_MSSS,
        title="Law enforcement harm: operation and reach of the security support service",
        kind="harm",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "Information about the detailed working of the Members' Security Support Service, "
            "such as the extent of its monitoring, the volume and type of referrals, its response "
            "arrangements or how it prioritises cases, would show where its attention is "
            "concentrated and, by implication, where it is not. A person intending to harass, "
            "threaten or harm a Member could use that knowledge to change their behaviour and "
            "avoid detection, or to single out Members they judged less well protected. "
            "[[authority_name]] therefore considers that disclosure would be likely to prejudice "
            "the prevention and detection of crime, including harassment, threatening and "
            "malicious communications, and the apprehension and prosecution of those "
            "responsible, and that the information is exempt under [[provision]]."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_MSSS,
        title="Public interest in disclosure: effectiveness of the security support service",
        kind="pit_for_disclosure",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "The safety of elected representatives is a matter of wide public concern. There is "
            "a public interest in understanding how well the service works, how it is resourced "
            "and how [[authority_name]] co-operates with the police to protect Members, their "
            "staff and members of the public who deal with them. Disclosure could provide "
            "reassurance that threats are taken seriously and would inform debate about the "
            "abuse of people in public life."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_MSSS,
        title="Public interest in maintaining the exemption: security support service",
        kind="pit_for_maintaining",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "The public interest lies strongly in preserving the effectiveness of a service whose "
            "purpose is to prevent crime against Members. Figures or operational details that "
            "reveal how far the service reaches, or where its limits lie, would help those "
            "trying to evade it, and the consequence could be serious harm to individuals. The "
            "general interest in understanding the service is met in part by information "
            "already in the public domain about its purpose and overall resourcing. On balance, "
            "[[authority_name]] has concluded that the public interest in maintaining the "
            "exemption outweighs the public interest in disclosure."
        ),
    ),
    # --- s31 law enforcement: police liaison and Operation Bridger ----------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_BRIDGER,
        title="Law enforcement harm: police liaison and Operation Bridger",
        kind="harm",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "Operation Bridger is the national policing arrangement through which local forces "
            "give Members security advice and a point of contact. Information about how it "
            "operates in a particular area, which Members have been assessed or visited, the "
            "outcome of any assessment or the police resources deployed would be likely to "
            "reveal patterns of protection and gaps in coverage. That would assist anyone "
            "planning an offence against a Member and would be likely to prejudice the "
            "prevention or detection of crime and the apprehension or prosecution of "
            "offenders. The arrangement also depends on Members and their staff sharing "
            "information with the police in confidence; disclosure would make them less willing "
            "to do so. [[authority_name]] therefore considers the information exempt under "
            "[[provision]]."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_BRIDGER,
        title="Public interest in disclosure: police liaison arrangements",
        kind="pit_for_disclosure",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "There is a public interest in knowing how the police and [[authority_name]] work "
            "together to protect Members, and whether arrangements introduced nationally are "
            "delivered consistently and effectively. Given the gravity of past attacks on "
            "Members, the public has a legitimate interest in understanding the response and "
            "in being able to judge whether it is adequate."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug=_BRIDGER,
        title="Public interest in maintaining the exemption: police liaison arrangements",
        kind="pit_for_maintaining",
        provisions=("s31(1)(a)", "s31(1)(b)"),
        text=(
            "The public interest in the safety of Members, their families and staff, and in the "
            "effective investigation of offences against them, is very strong. Operational "
            "detail about police liaison would be of most value to those intent on causing harm, "
            "and once released it cannot be limited to the requester. The arrangement relies on "
            "trust that information shared with the police will not be made public. Policing is "
            "also subject to other forms of scrutiny, including independent inspection and the "
            "accountability of chief officers. We have concluded that the public interest in "
            "maintaining the exemption outweighs the public interest in disclosure."
        ),
    ),
    # --- s31(3) NCND ------------------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s31",
        topic_slug="",
        title="Neither confirm nor deny: law enforcement",
        kind="ncnd",
        provisions=("s31(3)",),
        text=(
            "[[authority_name]] can neither confirm nor deny whether it holds information "
            "within the scope of your request. Section 31(3) of the Act removes the duty to "
            "confirm or deny where doing so would, or would be likely to, prejudice any of the "
            "law enforcement matters listed in section 31(1), including the prevention or "
            "detection of crime. Saying whether or not information is held would itself show "
            "whether particular arrangements or incidents exist, which is the kind of "
            "information an offender could use. We give this response to all requests of this "
            "type, whether or not information is held, so that nothing can be inferred from "
            "it. Section 31(3) is qualified and we have considered the public interest in "
            "confirming or denying. There is a general interest in openness, but it is "
            "outweighed by the public interest in not revealing anything that would help a "
            "person avoid detection or target an individual."
        ),
    ),
    # --- s38 health and safety -----------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s38",
        topic_slug="",
        title="Health and safety harm: protection of Members, families and staff",
        kind="harm",
        provisions=("s38(1)(a)", "s38(1)(b)"),
        text=(
            "[[authority_name]] considers that disclosure of the information requested would be "
            "likely to endanger the physical and mental health and the safety of individuals, "
            "and that it is exempt under [[provision]]. Members of Parliament, their families "
            "and their staff face a high level of threat, and some have been attacked. "
            "Information that shows how, where or when people are protected, or where "
            "protection is absent, would help someone intent on causing harm to choose a target "
            "or a method. Knowing that such details were public would also add to the anxiety "
            "and distress already felt by people who receive threats or abuse, which is itself "
            "a danger to their mental health."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s38",
        topic_slug=_OFFICES,
        title="Health and safety harm: security at constituency offices and homes",
        kind="harm",
        provisions=("s38(1)(b)",),
        text=(
            "Details of the security measures at a Member's constituency office or home, such as "
            "the type of equipment, its location, the date it was fitted or its cost, would "
            "reveal how well protected that building and the people in it are. The same "
            "information would show, by comparison, which offices and homes have less "
            "protection. Constituency offices are open to the public and are staffed by people "
            "who are not public figures; homes are shared with family members. [[authority_name]] "
            "considers that disclosure would be likely to endanger the safety of those "
            "individuals and that the information is exempt under [[provision]]."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s38",
        topic_slug="",
        title="Public interest in disclosure: health and safety",
        kind="pit_for_disclosure",
        provisions=("s38(1)(a)", "s38(1)(b)"),
        text=(
            "We accept that there is a public interest in openness about the measures taken to "
            "keep Members and those who work with them safe, and about the use of public money "
            "for that purpose. Disclosure could help the public judge whether the measures are "
            "adequate and proportionate, and would contribute to debate about the safety of "
            "people in public life."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s38",
        topic_slug="",
        title="Public interest in maintaining the exemption: health and safety",
        kind="pit_for_maintaining",
        provisions=("s38(1)(a)", "s38(1)(b)"),
        text=(
            "The public interest in protecting individuals from physical harm, and from the "
            "psychological effects of threats and harassment, is very strong, and it is the "
            "interest this exemption exists to protect. Where disclosure would be likely to "
            "endanger someone's safety, only a compelling public interest could justify it, and "
            "we have not identified one here. The wider interest in transparency is met in part "
            "by information already in the public domain, including aggregate figures. "
            "[[authority_name]] has therefore concluded that the public interest in maintaining "
            "the exemption outweighs the public interest in disclosure."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s38",
        topic_slug="",
        title="Neither confirm nor deny: health and safety",
        kind="ncnd",
        provisions=("s38(2)",),
        text=(
            "[[authority_name]] can neither confirm nor deny whether it holds information "
            "within the scope of your request. Section 38(2) of the Act removes the duty to "
            "confirm or deny where doing so would, or would be likely to, endanger the physical "
            "or mental health or the safety of any individual. Confirming that information is "
            "held, or that it is not, would itself reveal whether particular security "
            "arrangements exist for a named person. We give this response consistently to "
            "requests of this kind, whether or not information is held, so that no inference "
            "can be drawn from it. Section 38(2) is qualified and we have considered the public "
            "interest in confirming or denying. There is a general interest in openness, but it "
            "is outweighed by the strong public interest in not revealing anything that would "
            "help someone work out who is, or is not, protected."
        ),
    ),
    # --- s24 national security ---------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s24",
        topic_slug="",
        title="National security: why exemption is required",
        kind="harm",
        provisions=("s24(1)",),
        text=(
            "[[authority_name]] considers that exemption from disclosure is required for the "
            "purpose of safeguarding national security, and that the information is therefore "
            "exempt under [[provision]]. Members of Parliament are at risk from terrorism and "
            "other hostile activity, and attacks on them strike at the working of Parliament "
            "itself. The information requested, on its own or pieced together with other "
            "material in the public domain, would give insight into protective arrangements "
            "that those planning such an attack would find useful. 'Required' in this context "
            "means reasonably necessary; it is not necessary to show that harm would certainly "
            "follow from disclosure."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s24",
        topic_slug="",
        title="Public interest in disclosure: national security",
        kind="pit_for_disclosure",
        provisions=("s24(1)",),
        text=(
            "There is a public interest in transparency about the measures taken to protect "
            "Parliament and its Members from serious threats, and in public understanding of "
            "how those threats are assessed and met. Openness can increase public confidence "
            "that security arrangements are proportionate and that public money is spent "
            "appropriately."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s24",
        topic_slug="",
        title="Public interest in maintaining the exemption: national security",
        kind="pit_for_maintaining",
        provisions=("s24(1)",),
        text=(
            "There is a very weighty public interest in safeguarding national security, and in "
            "not assisting those who would attack Members of Parliament or disrupt the democratic "
            "process. Information that could help a hostile actor build a picture of protective "
            "arrangements carries a risk that cannot be reversed once the information is "
            "released. [[authority_name]] has concluded that the public interest in maintaining "
            "the exemption outweighs the public interest in disclosure."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s24",
        topic_slug="",
        title="Neither confirm nor deny: national security",
        kind="ncnd",
        provisions=("s24(2)",),
        text=(
            "[[authority_name]] neither confirms nor denies whether it holds the information you "
            "have requested. Under section 24(2) of the Act the duty to confirm or deny does not "
            "arise where exemption from that duty is required for the purpose of safeguarding "
            "national security. Confirming or denying would, over a series of requests, allow "
            "a picture to be built up of where protective measures are and are not in place. We "
            "give this response whether or not information is held. Section 24(2) is qualified "
            "and we have considered the public interest in confirming or denying; the public "
            "interest in safeguarding national security outweighs the general interest in "
            "openness."
        ),
    ),
    # --- s23(5) with s24(2) ------------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s23",
        topic_slug="",
        title="Neither confirm nor deny: security bodies and national security, cited together",
        kind="ncnd",
        provisions=("s23(5)", "s24(2)"),
        text=(
            "[[authority_name]] neither confirms nor denies whether it holds the information you "
            "have requested, relying on sections 23(5) and 24(2) of the Act. Section 23(5) "
            "removes the duty to confirm or deny where doing so would reveal information "
            "supplied by, or relating to, any of the security bodies listed in section 23(3). "
            "Section 24(2) removes the duty where that is required to safeguard national "
            "security. The two provisions are cited together so that our response does not "
            "indicate whether any security body is, or is not, involved, and the citation "
            "should not be read as suggesting that information is held. We give this response "
            "whether or not information is held. Section 23(5) is "
            "absolute. Section 24(2) is qualified; we have considered the public interest in "
            "confirming or denying and concluded that the public interest in safeguarding "
            "national security outweighs it."
        ),
    ),
    # --- MP security NCND bundle ------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s24",
        topic_slug="",
        title="Neither confirm nor deny: request about a named Member's security arrangements",
        kind="ncnd",
        provisions=MP_SECURITY_NCND_BUNDLE,
        text=(
            "Your request asks about the security arrangements of a named Member. "
            "[[authority_name]] neither confirms nor denies whether it holds this information, "
            "relying on sections 24(2), 31(3), 38(2) and 40(5B) of the Act. Saying whether or "
            "not information is held would reveal whether that Member has needed, sought or "
            "received particular protection; that would be likely to endanger their safety and "
            "that of their family and staff, to prejudice the prevention of crime against them "
            "and, in the national security context, to assist those who would do them harm. It "
            "would also disclose personal data about the Member in breach of the data "
            "protection principles. We respond in the same way to every request of this kind, "
            "whether or not information is held. Where the provisions are qualified we have "
            "considered the public interest in confirming or denying and concluded that it is "
            "outweighed by the public interest in protecting the individuals concerned."
        ),
    ),
    # --- s40 personal information --------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s40",
        topic_slug="",
        title="Personal data: names of staff working on security matters",
        kind="harm",
        provisions=("s40(2)/s40(3A)(a)",),
        text=(
            "Part of the information you requested is the names and other identifying details of "
            "staff who work on security matters. This is their personal data. Disclosure under "
            "the Act is in effect disclosure to the world, and it would be lawful only if it met "
            "a condition in Article 6(1) of the UK GDPR, in practice the legitimate interests "
            "condition. We accept that there is a legitimate interest in accountability, but "
            "that interest is met by identifying the teams and the senior officers responsible. "
            "The staff concerned would not expect their names to be published and, given the "
            "nature of their work, disclosure could expose them to unwanted approaches, "
            "harassment or risk to their safety. Disclosure would therefore contravene the "
            "first data protection principle, and the information is exempt under section 40(2) "
            "of the Act because the first condition in section 40(3A)(a) is met. This is an "
            "absolute exemption, so no public interest test is required."
        ),
    ),
    ReasoningTemplate(
        exemption_code="FOIA-s40",
        topic_slug="",
        title="Neither confirm nor deny: personal data of a third party",
        kind="ncnd",
        provisions=("s40(5B)",),
        text=(
            "[[authority_name]] neither confirms nor denies whether it holds the information you "
            "have requested. Confirming or denying would itself disclose personal data about an "
            "identifiable individual, namely whether particular matters concerning them are "
            "recorded. That would not be fair or lawful and would contravene the data "
            "protection principles, so under section 40(5B) of the Act the duty to confirm or "
            "deny does not arise. We give this response whether or not information is held."
        ),
    ),
    # --- s21 pointer ---------------------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s21",
        topic_slug="",
        title="Information already reasonably accessible",
        kind="answer",
        provisions=("s21(1)",),
        text=(
            "Some of the information you asked for is already reasonably accessible to you, "
            "because [[authority_name]] publishes it. You can find it here: "
            "[insert web address]. Under section 21 of the Act, information that is reasonably "
            "accessible to the applicant by other means is exempt from the duty to provide it "
            "in response to a request. This is an absolute exemption, so no public interest "
            "test applies. We have given the link above so that you can go straight to the "
            "information."
        ),
    ),
    # --- s12 cost limit ------------------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s12",
        topic_slug="",
        title="Cost limit refusal with advice on narrowing the request",
        kind="answer",
        provisions=("s12(1)",),
        text=(
            "You asked: [[question_text]]. [[authority_name]] estimates that the cost of "
            "complying with your request, received on [[received_date]], would exceed the "
            "appropriate limit set by the Freedom of Information and Data Protection "
            "(Appropriate Limit and Fees) Regulations 2004. The limit is £600 for the bodies "
            "listed in Part I of Schedule 1 to the Act, which include the Houses of Parliament, "
            "and £450 for other public authorities; staff time is charged at £25 an hour, which "
            "is 24 or 18 hours of work. Only the time needed to establish whether the "
            "information is held and to locate, retrieve and extract it can be counted. Our "
            "estimate is: [insert breakdown]. Section 12 of the Act therefore means we are not "
            "obliged to comply with the request. Under section 16 we are required to offer "
            "advice and assistance: you may be able to bring a request within the limit by "
            "narrowing it, for example to a shorter period or to a single category of "
            "information. Please quote reference [[reference]] if you make a new request. A "
            "narrower request will be considered afresh and some information may still be "
            "exempt."
        ),
    ),
    # --- s14(1) vexatious ----------------------------------------------------------------------
    ReasoningTemplate(
        exemption_code="FOIA-s14(1)",
        topic_slug="",
        title="Vexatious request refusal",
        kind="answer",
        provisions=("s14(1)",),
        text=(
            "[[authority_name]] has concluded that your request of [[received_date]] "
            "(reference [[reference]]) is vexatious within the meaning of section 14(1) of the "
            "Act, so we are not obliged to comply with it. This is a decision about the "
            "request, not about you. In reaching it we considered the burden that complying "
            "would place on the authority and its staff, the purpose and value of the request, "
            "and its context and history, including [insert specific factors]. Taken together, "
            "we consider that the request would cause a disproportionate or unjustified level "
            "of disruption, irritation or distress. Section 14(1) does not involve a public "
            "interest test. This notice is given under section 17(5) of the Act."
        ),
    ),
)


def as_dicts() -> list[dict[str, object]]:
    """The templates as plain dictionaries, e.g. for a data migration."""
    return [template.as_dict() for template in REASONING_TEMPLATES]
