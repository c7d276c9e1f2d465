"""Case pages: the public list and case page, the letter flow, a member's actions, assignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.core.forms import add_service_errors
from vigil.core.permissions import can, public, require

from . import selectors, services
from .forms import AssignForm, CaseFilterForm, LetterForm
from .models import Case, CaseAssignment, Letter
from .policy import may_act


def _case(request: HttpRequest, slug: str, **kwargs: Any) -> Case:
    case = selectors.case_by_slug(slug)
    if case is None:
        raise Http404
    return case


@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, countries=selectors.published_countries())
    cases = selectors.published_cases(**form.filters())
    return render(request, "cases/index.html", {"form": form, "cases": cases})


def _detail(
    request: HttpRequest, case: Case, assign_form: AssignForm | None = None
) -> HttpResponse:
    groups = (
        selectors.assignable_groups(request.user) if can(request.user, "cases.assign_case") else []
    )
    if assign_form is None and groups:
        assign_form = AssignForm(groups=groups)
    status = 400 if assign_form is not None and assign_form.errors else 200
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "results": selectors.results_achieved(case),
            "decision": may_act(request.user, case) if request.user.is_authenticated else None,
            "assign_form": assign_form,
            "assignments": selectors.assignments_of(case) if groups else [],
            "letters": selectors.letter_count(case),
            "documents": selectors.documents_of(case),
        },
        status=status,
    )


@require("cases.read_case", get_object=_case)
@require_safe
def detail(request: HttpRequest, slug: str, obj: Case) -> HttpResponse:
    return _detail(request, obj)


@require("cases.assign_case", get_object=_case)
@require_POST
def assign(request: HttpRequest, slug: str, obj: Case) -> HttpResponse:
    form = AssignForm(request.POST, groups=selectors.assignable_groups(request.user))
    if form.is_valid():
        group = form.cleaned_data["group"]
        try:
            services.assign_case(request.user, obj, group)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is assigned to %(group)s.") % {"group": group})
            return redirect(obj.get_absolute_url())
    return _detail(request, obj, form)


@require("cases.assign_case", get_object=_case)
@require_POST
def unassign(request: HttpRequest, slug: str, pk: int, obj: Case) -> HttpResponse:
    assignment = get_object_or_404(CaseAssignment.objects.select_related("group"), pk=pk, case=obj)
    services.unassign_case(request.user, assignment)
    messages.success(request, _("The assignment is removed."))
    return redirect(obj.get_absolute_url())


def _not_offered(
    request: HttpRequest, case: Case, reason: str, *, needs_country: bool = False
) -> HttpResponse:
    context = {"case": case, "reason": reason, "needs_country": needs_country}
    return render(request, "cases/not_offered.html", context, status=403)


def _model_letter_changed_language(request: HttpRequest, case: Case) -> bool:
    """Did the writer choose another language while the model letter was still untouched?

    Then the page shows the model letter in the chosen language instead of sending the one in
    the language shown before (a Russian body under an English choice).
    """
    if request.POST.get("switch"):
        return True
    shown = request.POST.get("shown_language", "")
    chosen = request.POST.get("language", "")
    if not shown or chosen == shown:
        return False
    before = selectors.template_for(case, shown)
    typed = request.POST.get("body", "").replace("\r\n", "\n").strip()
    return before is not None and typed == before.body.replace("\r\n", "\n").strip()


def _letter_form(request: HttpRequest, case: Case, language: str, keep: dict[str, Any]) -> Any:
    """The letter form with the model letter in ``language``; ``keep`` is what the writer typed."""
    template = selectors.template_for(case, language)
    officials = list(case.officials.all())
    language = template.language if template else language
    official = keep.get("official") or next(
        (o for o in officials if language in o.language_codes), officials[0] if officials else None
    )
    initial = {
        "official": official,
        "signature": getattr(request.user, "name", ""),
        **{key: value for key, value in keep.items() if value},
        "language": language,
        "subject": template.subject if template else "",
        "body": template.body if template else "",
    }
    return template, LetterForm(case=case, initial=initial)


@require("cases.write_letter", get_object=_case)
@require_http_methods(["GET", "HEAD", "POST"])
def write(request: HttpRequest, slug: str, obj: Case) -> HttpResponse:
    case = obj
    decision = may_act(request.user, case)
    if not decision.allowed:
        return _not_offered(request, case, decision.reason, needs_country=decision.needs_country)
    wanted = request.POST.get("language") or request.GET.get("lang") or get_language() or "ru"
    switched = False
    if request.method == "POST" and _model_letter_changed_language(request, case):
        official_id = request.POST.get("official", "")
        kept = {
            "official": case.officials.filter(pk=int(official_id)).first()
            if official_id.isdigit()
            else None,
            "signature": request.POST.get("signature", ""),
            "sender_address": request.POST.get("sender_address", ""),
            "keep_text": bool(request.POST.get("keep_text")),
        }
        template, form = _letter_form(request, case, wanted, kept)
        switched = True
    elif request.method == "POST":
        template = selectors.template_for(case, wanted)
        form = LetterForm(request.POST, case=case)
        if form.is_valid():
            try:
                return _send(request, case, form)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as refusal:
                return _not_offered(request, case, str(refusal))
    else:
        template, form = _letter_form(request, case, wanted, {})
    if form.is_bound:
        shown_language = request.POST.get("shown_language") or wanted
    else:
        shown_language = form["language"].value()
    chosen = str(getattr(form["official"].value(), "pk", form["official"].value()))
    officials = list(case.officials.all())
    official = next((o for o in officials if str(o.pk) == chosen), None)
    return render(
        request,
        "cases/write.html",
        {
            "case": case,
            "form": form,
            "template": template,
            "decision": decision,
            "languages": [t.language for t in case.templates.all()],
            "has_officials": bool(officials),
            "shown_language": shown_language,
            "switched": switched,
            "salutation": official.salutation_in(shown_language) if official else "",
        },
        status=400 if form.errors else 200,
    )


def _send(request: HttpRequest, case: Case, form: LetterForm) -> HttpResponse:
    draft = form.draft()
    if request.POST.get("send") == "email":
        services.email_letter(request.user, case, draft, subject=form.cleaned_data["subject"])
        messages.success(
            request,
            _("Your letter is on its way to %(name)s. Thank you.")
            % {"name": draft.official.display_name},
        )
        return redirect(case.get_absolute_url())
    _letter, pdf = services.print_letter(request.user, case, draft)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{case.slug}.pdf"'
    return response


@require("cases.view_my_actions")
@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    items = selectors.actions_for(request.user)
    return render(
        request,
        "cases/my_actions.html",
        {
            "offered": [item for item in items if item.decision.allowed],
            "not_offered": [item for item in items if not item.decision.allowed],
            "kept": selectors.kept_letters_of(request.user),
            "needs_country": any(item.decision.needs_country for item in items),
            "in_group": selectors.in_a_group(request.user),
        },
    )


@require("cases.view_my_actions")
@require_POST
def forget_letter(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter, pk=pk, writer=request.user)
    services.forget_letter_text(request.user, letter)
    messages.success(request, _("The copy of your letter is deleted; the letter still counts."))
    return redirect("cases:my_actions")


@require("cases.view_letter_counts")
@require_safe
def letter_counts(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/letter_counts.html", {"rows": selectors.letter_counts()})
