"""The only functions that move an application or a label (views and commands call these).

Each is atomic; a state is written with a conditional UPDATE on the state read, so a double click, two
instructors or a cron run at the same time cannot both win; every transition is logged with who, when,
from, to and a comment. A refusal raises `InvalidTransition` (or `SubmissionRefused`, which lists each
problem) with French messages that may be shown as they are; nothing is written then.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from spro.labels import emails
from spro.labels.attestation import new_reference, render_pdf
from spro.labels.models import (
    Adhesion,
    AgendaItem,
    AnnualReport,
    Application,
    ApplicationLog,
    Attachment,
    Breach,
    Campaign,
    Decision,
    Label,
    LabelLog,
    LabelPolicy,
    Opinion,
)
from spro.labels.policy import Problem
from spro.labels.states import (
    APPLICANT,
    APPLICATION_TRANSITIONS,
    DECIDED_APPLICATION_STATES,
    DECISION_TRANSITIONS,
    LABEL_TRANSITIONS,
    LIVE_LABEL_STATES,
    REGION,
    SYSTEM,
    ApplicationState,
    InvalidTransition,
    LabelState,
    find_transition,
)
from spro.labels.status import refresh_status
from spro.labels.uploads import UploadRefused, check_upload
from spro.labels.validity import initial_validity, renewed_until

A = ApplicationState


class SubmissionRefused(InvalidTransition):
    """The dossier cannot be submitted yet; `problems` lists each reason (field, French message)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


def _check_actor(actor: str, user, structure=None):
    if actor == SYSTEM:
        return
    if user is None or not user.is_authenticated or not user.is_active:
        raise InvalidTransition("Connectez-vous pour agir sur ce dossier.")
    if actor == APPLICANT and not user.is_structure_admin(structure):
        raise InvalidTransition("Seul un administrateur de la structure peut agir sur son dossier.")
    if actor == REGION and not user.is_region_staff:
        raise InvalidTransition("Seuls les agents de la Région instruisent et décident.")


def _move(application: Application, name: str, user, comment: str = "", **updates) -> None:
    transition = find_transition(APPLICATION_TRANSITIONS, name)
    _check_actor(transition.actor, user, application.structure)
    if application.state not in transition.sources:
        raise InvalidTransition(
            f"Le dossier est « {application.get_state_display()} » : "
            f"« {transition.label} » n'est pas possible."
        )
    changed = Application.objects.filter(pk=application.pk, state=application.state).update(
        state=transition.target, **updates
    )
    if not changed:
        raise InvalidTransition("Le dossier a changé entre-temps : rechargez la page.")
    ApplicationLog.objects.create(
        application=application,
        transition=name,
        from_state=application.state,
        to_state=transition.target,
        comment=comment,
        by=user if user is not None and user.is_authenticated else None,
    )
    application.state = transition.target
    for field, value in updates.items():
        setattr(application, field, value)


def move_label(label: Label, name: str, user=None, comment: str = "", **updates) -> None:
    transition = find_transition(LABEL_TRANSITIONS, name)
    _check_actor(transition.actor, user)
    if label.state not in transition.sources:
        raise InvalidTransition(
            f"Le label est « {label.get_state_display()} » : « {transition.label} » impossible."
        )
    if not Label.objects.filter(pk=label.pk, state=label.state).update(state=transition.target, **updates):
        raise InvalidTransition("Le label a changé entre-temps : rechargez la page.")
    LabelLog.objects.create(
        label=label,
        transition=name,
        from_state=label.state,
        to_state=transition.target,
        comment=comment,
        by=user,
    )
    label.state = transition.target
    for field, value in updates.items():
        setattr(label, field, value)


def volets_text(policy, codes) -> str:
    return ", ".join(policy.volets.get(code, code) for code in codes)


# --- the applicant -----------------------------------------------------------------------------------


def prefill(structure, policy=None, volets=(), day: date | None = None) -> dict:
    """Answers spro already knows: the départements of the structure's active sites and, when the
    policy asks it (question "professionnalisation"), the trainings its people followed (attended) in
    the last two years (spro.network.professionalisation)."""
    from spro.network import professionalisation

    answers = {}
    # Remote-only entries (no commune) lie in no département.
    active = structure.sites.filter(is_active=True, commune__isnull=False)
    departements = sorted(set(active.values_list("commune__departement_id", flat=True)))
    if departements:
        answers["territoire"] = departements
    if policy is not None and any(
        q["code"] == professionalisation.QUESTION_CODE for q in policy.questions(volets)
    ):
        text = professionalisation.for_dossier(structure, day or timezone.localdate()).text()
        if text:
            answers[professionalisation.QUESTION_CODE] = text
    return answers


@transaction.atomic
def start_application(
    structure, volets, user, region_code: str | None = None, renewal_of=None
) -> Application:
    """A new draft for `volets` under the policy in force, pre-filled from the directory."""
    region_code = region_code or settings.SPRO_REGION
    _check_actor(APPLICANT, user, structure)
    policy_row = LabelPolicy.objects.in_force(region_code)
    policy = policy_row.policy
    volets = list(dict.fromkeys(volets))
    unknown = [v for v in volets if v not in policy.volets]
    if not volets or unknown:
        raise InvalidTransition(
            f"Choisissez un ou plusieurs volets parmi : {volets_text(policy, policy.volets)}."
        )
    if Application.objects.filter(structure=structure).exclude(state__in=DECIDED_APPLICATION_STATES).exists():
        raise InvalidTransition("La structure a déjà un dossier en cours : reprenez-le.")
    application = Application.objects.create(
        structure=structure,
        region_code=region_code,
        policy=policy_row,
        volets=volets,
        answers=prefill(structure, policy, volets),
        renewal_of=renewal_of,
        created_by=user,
    )
    ApplicationLog.objects.create(
        application=application, transition="creer", from_state=A.DRAFT, to_state=A.DRAFT, by=user
    )
    return application


def _editable_items(application: Application) -> set[str] | None:
    """None: everything is editable (draft); a set: only these items (complement asked)."""
    if application.state == A.DRAFT:
        return None
    if application.state == A.COMPLEMENT_ASKED:
        return set(application.requested_items)
    raise InvalidTransition("Le dossier est déposé : il ne se modifie plus, sauf complément demandé.")


def _check_answer(question: dict, value, policy) -> str | None:
    kind = question["type"]
    if value in (None, "", []):
        return None
    if kind in ("text", "long-text") and not isinstance(value, str):
        return "un texte est attendu"
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return "un nombre entier positif est attendu"
    if kind == "boolean" and not isinstance(value, bool):
        return "oui ou non est attendu"
    if kind == "kind" and value not in policy.kinds:
        return "choisissez une nature dans la liste"
    if kind == "departements" and (
        not isinstance(value, list) or not all(isinstance(v, str) and 2 <= len(v) <= 3 for v in value)
    ):
        return "une liste de codes de départements est attendue"
    if kind == "table" and (not isinstance(value, list) or not all(isinstance(r, list) for r in value)):
        return "un tableau (liste de lignes) est attendu"
    return None


@transaction.atomic
def save_answers(application: Application, answers: dict, user) -> None:
    """Save (part of) the answers of a draft, or of the items a complement request reopened."""
    _check_actor(APPLICANT, user, application.structure)
    application = Application.objects.select_for_update().get(pk=application.pk)
    allowed = _editable_items(application)
    policy = application.policy.policy
    questions = {q["code"]: q for q in policy.questions(application.volets)}
    for code, value in answers.items():
        if code not in questions:
            raise InvalidTransition(f"Question « {code} » inconnue pour ce dossier.")
        if allowed is not None and code not in allowed:
            raise InvalidTransition(f"« {questions[code]['label']} » n'a pas été rouvert par la Région.")
        error = _check_answer(questions[code], value, policy)
        if error:
            raise InvalidTransition(f"« {questions[code]['label']} » : {error}.")
    Application.objects.filter(pk=application.pk).update(answers={**application.answers, **answers})


@transaction.atomic
def attach(application: Application, code: str, uploaded, user) -> Attachment:
    """Join a document (checked on its content and size); a refused file writes nothing."""
    _check_actor(APPLICANT, user, application.structure)
    application = Application.objects.select_for_update().get(pk=application.pk)
    allowed = _editable_items(application)
    policy = application.policy.policy
    expected = {a["code"]: a for a in policy.attachments(application.volets)}
    if code not in expected:
        raise UploadRefused(f"Pièce « {code} » inconnue pour ce dossier.")
    if allowed is not None and code not in allowed:
        raise UploadRefused(f"« {expected[code]['label']} » n'a pas été rouvert par la Région.")
    kind, digest = check_upload(uploaded, policy.uploads)
    return Attachment.objects.create(
        application=application,
        code=code,
        file=uploaded,
        original_name=uploaded.name[-200:],
        kind=kind,
        size=uploaded.size,
        sha256=digest,
        uploaded_by=user,
    )


def submission_problems(application: Application, day: date) -> list[Problem]:
    """Every reason the dossier cannot be submitted on `day` (empty: it can)."""
    policy = application.policy.policy
    answers = application.answers
    problems = list(
        policy.exclusions_for(
            application.volets, answers.get("nature", ""), application.structure.network.code, answers
        )
    )
    for question in policy.questions(application.volets):
        if question.get("required") and answers.get(question["code"]) in (None, "", [], False):
            problems.append(Problem(question["code"], f"Répondez à « {question['label']} »."))
    joined = set(application.attachments.values_list("code", flat=True))
    for item in policy.attachments(application.volets):
        if item.get("required") and item["code"] not in joined:
            problems.append(Problem(item["code"], f"Joignez la pièce « {item['label']} »."))
    limit = (policy.document.get("territory") or {}).get("max_departements")
    if limit and len(application.departements) > limit:
        problems.append(
            Problem(
                "territoire",
                f"Une candidature couvre au plus {limit} département{'s' if limit > 1 else ''} : "
                f"celle-ci en couvre {len(application.departements)}. "
                "Déposez une candidature par département.",
            )
        )
    if policy.uses_campaigns:
        Campaign.objects.ensure(application.region_code, policy, day)
    if policy.uses_campaigns and campaign_for(application, day) is None:
        upcoming = Campaign.objects.filter(region_code=application.region_code, opens_on__gt=day).first()
        after = f" La prochaine ouvre le {upcoming.opens_on:%d/%m/%Y}." if upcoming else ""
        problems.append(
            Problem("campagne", f"Aucune campagne de candidature n'est ouverte aujourd'hui.{after}")
        )
    return problems


def campaign_for(application: Application, day: date):
    return Campaign.objects.open_on(application.region_code, day).first()


@transaction.atomic
def submit(application: Application, user, day: date | None = None) -> None:
    day = day or timezone.localdate()
    _check_actor(APPLICANT, user, application.structure)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != A.DRAFT:
        raise InvalidTransition("Ce dossier a déjà été déposé.")
    problems = submission_problems(locked, day)
    if problems:
        raise SubmissionRefused(problems)
    campaign = campaign_for(locked, day)
    _move(locked, "deposer", user, submitted_at=timezone.now(), campaign=campaign)
    application.state, application.submitted_at, application.campaign = (
        locked.state,
        locked.submitted_at,
        campaign,
    )
    policy = locked.policy.policy
    emails.send(
        "deposee",
        emails.region_addresses(),
        {"application": locked, "volets": volets_text(policy, locked.volets)},
    )


# --- the Région --------------------------------------------------------------------------------------


@transaction.atomic
def start_instruction(application: Application, user) -> None:
    _move(application, "instruire", user)


@transaction.atomic
def request_complement(application: Application, user, comment: str, items: list[str]) -> None:
    """Ask for more; the dossier reopens to the applicant for the `items` asked only."""
    policy = application.policy.policy
    known = {q["code"]: q["label"] for q in policy.questions(application.volets)}
    known.update({a["code"]: a["label"] for a in policy.attachments(application.volets)})
    if not comment.strip():
        raise InvalidTransition("Expliquez au candidat ce qui manque.")
    if not items or any(item not in known for item in items):
        raise InvalidTransition("Choisissez les questions ou les pièces à compléter dans la liste.")
    _move(application, "demander-complement", user, comment=comment.strip(), requested_items=list(items))
    emails.send(
        "complement",
        emails.structure_addresses(application.structure),
        {"application": application, "comment": comment.strip(), "items": ", ".join(known[i] for i in items)},
    )


@transaction.atomic
def complete(application: Application, user, comment: str = "") -> None:
    """The applicant sends back what was asked."""
    answers = application.answers
    joined = set(application.attachments.values_list("code", flat=True))
    policy = application.policy.policy
    questions = {q["code"]: q for q in policy.questions(application.volets)}
    missing = [
        item
        for item in application.requested_items
        if (item in questions and answers.get(item) in (None, "", []))
        or (item not in questions and item not in joined)
    ]
    if missing:
        raise InvalidTransition("Complétez d'abord chacun des éléments demandés par la Région.")
    _move(application, "completer", user, comment=comment, requested_items=[])


@transaction.atomic
def record_check(application: Application, user, criterion: str, met: bool | None, comment: str = "") -> None:
    """The instructor's verdict and comment on one criterion of the policy."""
    _check_actor(REGION, user)
    codes = {c["code"] for c in application.policy.policy.criteria(application.volets)}
    if criterion not in codes:
        raise InvalidTransition(f"Critère « {criterion} » inconnu pour ce dossier.")
    if application.state not in (A.INSTRUCTION, A.COMPLETED, A.COMPLEMENT_ASKED):
        raise InvalidTransition("La grille se remplit pendant l'instruction.")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    checklist = {**locked.checklist, criterion: {"met": met, "comment": comment, "by": user.pk}}
    Application.objects.filter(pk=application.pk).update(checklist=checklist)
    application.checklist = checklist


@transaction.atomic
def give_opinion(application: Application, session, value: str, user, reasoning: str = "") -> Opinion:
    """Record a committee's opinion on the dossier (the first one moves it to « avis rendu »)."""
    _check_actor(REGION, user)
    if value not in Opinion.Value.values:
        raise InvalidTransition("Choisissez un avis dans la liste.")
    if session.committee.region_code != application.region_code:
        raise InvalidTransition("Cette instance n'est pas celle de la Région du dossier.")
    if application.state == A.OPINION_GIVEN:
        if application.opinions.filter(session=session).exists():
            raise InvalidTransition("Cette séance a déjà rendu son avis sur ce dossier.")
    else:
        _move(application, "rendre-avis", user, comment=f"{session} : {Opinion.Value(value).label}")
    AgendaItem.objects.get_or_create(session=session, application=application, defaults={"added_by": user})
    return Opinion.objects.create(
        session=session, application=application, value=value, reasoning=reasoning, given_by=user
    )


@transaction.atomic
def decide(
    application: Application, outcome: str, user, reasoning: str = "", day: date | None = None
) -> Decision:
    """The decision; a granted label gets its validity from the policy, an attestation and an e-mail."""
    day = day or timezone.localdate()
    if outcome not in DECISION_TRANSITIONS:
        raise InvalidTransition("Choisissez : accordé, refusé ou ajourné.")
    if outcome != Decision.Outcome.GRANTED and not reasoning.strip():
        raise InvalidTransition("Motivez un refus ou un ajournement.")
    policy = application.policy.policy
    _move(application, DECISION_TRANSITIONS[outcome], user, comment=reasoning, decided_at=timezone.now())
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        decided_on=day,
        decided_by_body=policy.document["instruction"]["decided_by"],
        reasoning=reasoning,
        recorded_by=user,
        notified_at=timezone.now(),
    )
    label = None
    previous = application.renewal_of
    if outcome == Decision.Outcome.GRANTED:
        decision.attestation_reference = new_reference(application.region_code, day.year)
        decision.save(update_fields=["attestation_reference"])
        valid_from, valid_until = initial_validity(policy.validity, day, application.campaign)
        label = Label.objects.create(
            structure=application.structure,
            region_code=application.region_code,
            decision=decision,
            policy=application.policy,
            volets=application.volets,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        LabelLog.objects.create(
            label=label,
            transition="accorder",
            from_state="",
            to_state=label.state,
            by=user,
            comment=reasoning,
        )
    if previous is not None and previous.state in LIVE_LABEL_STATES and outcome != Decision.Outcome.POSTPONED:
        move_label(
            previous,
            "expirer",
            comment="Remplacé par le label renouvelé." if label else "Renouvellement refusé.",
            valid_until=previous.valid_until or day,
            ended_on=day,
            end_reason="Renouvellement accordé." if label else "Renouvellement refusé.",
        )
    refresh_status(
        application.structure, user=user, reason=f"Décision : {decision.get_outcome_display()}", day=day
    )
    context = {"application": application, "decision": decision, "label": label}
    attachments = []
    if label is not None:
        check_url = emails.attestation_url(decision.attestation_reference)
        context.update({"volets": volets_text(policy, label.volets), "check_url": check_url})
        attachments = [
            (
                f"attestation-{decision.attestation_reference}.pdf",
                render_pdf(label, check_url),
                "application/pdf",
            )
        ]
    emails.send("decision", emails.structure_addresses(application.structure), context, attachments)
    return decision


@transaction.atomic
def withdraw(label: Label, user, reason: str, day: date | None = None) -> None:
    """The Région withdraws a label, with a reason."""
    day = day or timezone.localdate()
    if not reason.strip():
        raise InvalidTransition("Indiquez le motif du retrait.")
    move_label(label, "retirer", user, comment=reason.strip(), ended_on=day, end_reason=reason.strip())
    refresh_status(label.structure, user=user, reason=f"Label retiré : {reason.strip()}", day=day)
    policy = label.policy.policy
    emails.send(
        "fin_label",
        emails.structure_addresses(label.structure),
        {"label": label, "volets": volets_text(policy, label.volets)},
    )


@transaction.atomic
def confirm_renewal(label: Label, user, comment: str, day: date | None = None) -> None:
    """The Région renews a label whose obligations were flagged as unmet (its decision, logged)."""
    day = day or timezone.localdate()
    if label.decision_requested_on is None:
        raise InvalidTransition("Aucune décision n'est demandée pour ce label.")
    if not comment.strip():
        raise InvalidTransition("Indiquez pourquoi le label est reconduit.")
    validity = label.policy.policy.validity
    move_label(
        label,
        "confirmer-reconduction",
        user,
        comment=comment.strip(),
        renewals=label.renewals + 1,
        valid_until=renewed_until(validity, label.valid_until),
        decision_requested_on=None,
    )
    refresh_status(label.structure, user=user, reason="Reconduction décidée par la Région", day=day)


@transaction.atomic
def send_formal_notice(label: Label, user, description: str, sent_on: date) -> Breach:
    """Record a mise en demeure sent by registered letter (Centre: unheeded for two months, it ends
    the convention)."""
    _check_actor(REGION, user)
    if not description.strip():
        raise InvalidTransition("Indiquez l'obligation en cause.")
    if label.state not in (LabelState.ACTIVE, LabelState.RENEWED, LabelState.TO_RENEW):
        raise InvalidTransition("Ce label a déjà pris fin.")
    return Breach.objects.create(
        label=label,
        kind=Breach.Kind.FORMAL_NOTICE,
        description=description.strip(),
        recorded_on=sent_on,
        notice_sent_on=sent_on,
        recorded_by=user,
    )


@transaction.atomic
def remedy(breach: Breach, user, on: date) -> None:
    _check_actor(REGION, user)
    if not Breach.objects.filter(pk=breach.pk, remedied_on__isnull=True).update(remedied_on=on):
        raise InvalidTransition("Ce manquement est déjà levé.")
    breach.remedied_on = on
    LabelLog.objects.create(
        label=breach.label,
        transition="lever-manquement",
        from_state=breach.label.state,
        to_state=breach.label.state,
        comment=f"{breach.get_kind_display()} levée le {on:%d/%m/%Y} : {breach.description}",
        by=user,
    )


@transaction.atomic
def submit_report(report: AnnualReport, answers: dict, user) -> None:
    """The structure's administrator signs and submits the annual report."""
    _check_actor(APPLICANT, user, report.label.structure)
    policy = report.label.policy.policy
    for volet, question in policy.report_questions(report.label.volets):
        key = f"{volet}.{question['code']}"
        if question.get("required") and answers.get(key) in (None, "", []):
            raise InvalidTransition(f"Répondez à « {question['label']} ».")
    if not AnnualReport.objects.filter(pk=report.pk, submitted_at__isnull=True).update(
        answers=answers, submitted_at=timezone.now(), submitted_by=user
    ):
        raise InvalidTransition("Ce bilan a déjà été remis.")
    report.refresh_from_db()
    for breach in report.label.breaches.filter(kind=Breach.Kind.REPORT, remedied_on__isnull=True):
        breach.remedied_on = timezone.localdate()
        breach.save(update_fields=["remedied_on"])


@transaction.atomic
def adhere(
    charter, structure, user, signatory_name: str, signatory_function: str, signed_on: date, document=None
):
    """A déclaration d'adhésion: an uploaded signed document, or accepted in spro by an administrator."""
    _check_actor(APPLICANT, user, structure)
    if not signatory_name.strip() or not signatory_function.strip():
        raise InvalidTransition("Indiquez le nom et la fonction de la personne qui signe pour la structure.")
    if Adhesion.objects.filter(charter=charter, structure=structure).exists():
        raise InvalidTransition("La structure a déjà signé cette version de la charte.")
    return Adhesion.objects.create(
        charter=charter,
        structure=structure,
        signatory_name=signatory_name.strip(),
        signatory_function=signatory_function.strip(),
        signed_on=signed_on,
        document=document or "",
        accepted_by=None if document else user,
    )
