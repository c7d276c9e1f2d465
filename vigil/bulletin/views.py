"""The bulletin's pages: issues, the side-by-side editor, exchange files, the glossary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.core.forms import add_service_errors
from vigil.core.permissions import can, require

from . import exchange, selectors, services
from .forms import ArticleForm, GlossaryForm, ImportForm, IssueForm, ReviewersForm, SegmentForm
from .models import Article, Issue, Segment


def _issue(request: HttpRequest, issue: int, **kwargs: Any) -> Issue:
    return get_object_or_404(Issue, pk=issue)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- issues --------------------------------------------------------------------------------
@require("bulletin.view_issue")
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    may_add = can(request.user, "bulletin.add_issue")
    form = IssueForm(_posted(request) if may_add else None)
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("bulletin")
        if form.is_valid():
            try:
                issue = services.create_issue(request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The issue is created. Add its articles."))
                return redirect(issue)
        status = 400
    return render(
        request,
        "bulletin/index.html",
        {"issues": selectors.issues(), "form": form if may_add else None},
        status=status,
    )


def _issue_page(
    request: HttpRequest, issue: Issue, status: int = 200, **forms: Form | None
) -> HttpResponse:
    allowed = selectors.can_actions(request.user, issue)
    context: dict[str, Any] = {
        "issue": issue,
        "articles": selectors.articles(issue),
        "progress": selectors.issue_progress(issue),
        "violations": selectors.glossary_violations(issue),
        "import_form": forms.get("import_form") or ImportForm(),
        "can": allowed,
    }
    if allowed["manage"]:
        context["article_form"] = forms.get("article_form") or ArticleForm()
        context["reviewers_form"] = forms.get("reviewers_form") or ReviewersForm(
            initial={"reviewers": list(issue.reviewers.all())}
        )
    return render(request, "bulletin/issue.html", context, status=status)


@require("bulletin.view_issue", get_object=_issue)
@require_safe
def issue_detail(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    return _issue_page(request, obj)


@require("bulletin.change_issue", get_object=_issue)
@require_POST
def add_article(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    form = ArticleForm(request.POST)
    if form.is_valid():
        try:
            article = services.add_article(request.user, obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The article is split into %(count)d segments.")
                % {"count": article.segments.count()},
            )
            return redirect(obj)
    return _issue_page(request, obj, status=400, article_form=form)


@require("bulletin.review_issue", get_object=_issue)
@require_POST
def approve_reviewed(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    result = services.approve_reviewed(request.user, obj)
    messages.success(
        request,
        ngettext(
            "%(count)d reviewed segment is approved.",
            "%(count)d reviewed segments are approved.",
            result.approved,
        )
        % {"count": result.approved},
    )
    if result.own:
        messages.warning(
            request,
            ngettext(
                "%(count)d segment is your own translation: another reviewer must approve it.",
                "%(count)d segments are your own translations: another reviewer must approve them.",
                result.own,
            )
            % {"count": result.own},
        )
    return redirect(obj)


@require("bulletin.change_issue", get_object=_issue)
@require_POST
def set_reviewers(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    form = ReviewersForm(request.POST)
    if form.is_valid():
        try:
            services.set_reviewers(request.user, obj, form.cleaned_data["reviewers"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewers of this issue are saved."))
            return redirect(obj)
    return _issue_page(request, obj, status=400, reviewers_form=form)


# --- the editor ----------------------------------------------------------------------------
def _editor(
    request: HttpRequest,
    issue: Issue,
    article: Article,
    *,
    failed: Segment | None = None,
    form: SegmentForm | None = None,
) -> HttpResponse:
    rows = selectors.editor_rows(article)
    for row in rows:
        row.form = (  # type: ignore[attr-defined]
            form
            if failed is not None and row.segment.pk == failed.pk
            else SegmentForm(prefix=f"s{row.segment.pk}", initial={"target": row.segment.target})
        )
    siblings = list(issue.articles.values_list("pk", flat=True))
    index = siblings.index(article.pk)
    return render(
        request,
        "bulletin/editor.html",
        {
            "issue": issue,
            "article": article,
            "rows": rows,
            "progress": selectors.article_progress(article),
            "can": selectors.can_actions(request.user, issue),
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
        status=400 if failed is not None else 200,
    )


@require("bulletin.view_issue", get_object=_issue)
@require_safe
def editor(request: HttpRequest, issue: int, article: int, obj: Issue) -> HttpResponse:
    return _editor(request, obj, get_object_or_404(Article, pk=article, issue=obj))


ACTIONS = {
    "save": services.save_translation,
    "review": services.review_segment,
    "approve": services.approve_segment,
    "reopen": services.reopen_segment,
}


@require("bulletin.translate_issue", get_object=_issue)
@require_POST
def segment(request: HttpRequest, issue: int, segment: int, obj: Issue) -> HttpResponse:
    """One segment's form: save the Russian text, and review, approve or send back."""
    item = get_object_or_404(
        Segment.objects.select_related("article"), pk=segment, article__issue=obj
    )
    form = SegmentForm(request.POST, prefix=f"s{item.pk}")
    action = request.POST.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    if form.is_valid():
        try:
            # Saving the text first means "approve" approves what the reviewer sees on screen;
            # if they changed it, it is theirs now and the approval is refused.
            item = services.save_translation(request.user, item, form.cleaned_data["target"])
            if action != "save":
                item = ACTIONS[action](request.user, item)  # type: ignore[operator]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = reverse("bulletin:editor", args=[obj.pk, item.article_id])
            return redirect(f"{url}#s{item.pk}")
    return _editor(request, obj, item.article, failed=item, form=form)


# --- exchange files ------------------------------------------------------------------------
@require("bulletin.translate_issue", get_object=_issue)
@require_safe
def export(request: HttpRequest, issue: int, fmt: str, obj: Issue) -> HttpResponse:
    if fmt not in ("xlf", "po"):
        raise Http404(fmt)
    name = f"bulletin-{obj.year}-{obj.month:02d}-ru"
    if fmt == "po":
        response = HttpResponse(exchange.export_po(obj), content_type="text/x-gettext-translation")
        name += ".po"
    else:
        response = HttpResponse(exchange.export_xliff(obj), content_type="application/xliff+xml")
        name += ".xlf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require("bulletin.translate_issue", get_object=_issue)
@require_POST
def import_file(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.import_translations(request.user, obj, form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(translated)d translated, %(reviewed)d reviewed, "
                    "%(approved)d approved, %(unchanged)d unchanged."
                )
                % {
                    "translated": result.translated,
                    "reviewed": result.reviewed,
                    "approved": result.approved,
                    "unchanged": result.unchanged,
                },
            )
            if result.own:
                messages.warning(
                    request,
                    _("%(count)d segments you translated yourself were not approved.")
                    % {"count": len(result.own)},
                )
            return redirect(obj)
    return _issue_page(request, obj, status=400, import_form=form)


@require("bulletin.view_issue", get_object=_issue)
@require_safe
def russian(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    draft = request.GET.get("draft") == "1"
    return render(
        request,
        "bulletin/russian.html",
        {
            "issue": obj,
            "draft": draft,
            "html": selectors.russian_issue_html(obj, approved_only=not draft),
            "progress": selectors.issue_progress(obj),
        },
    )


# --- glossary ------------------------------------------------------------------------------
@require("bulletin.view_glossaryterm")
@require_http_methods(["GET", "HEAD", "POST"])
def glossary(request: HttpRequest) -> HttpResponse:
    may_add = can(request.user, "bulletin.add_glossaryterm")
    form = GlossaryForm(_posted(request) if may_add else None)
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("bulletin")
        if form.is_valid():
            try:
                services.add_glossary_term(request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The term is added to the glossary."))
                return redirect("bulletin:glossary")
        status = 400
    return render(
        request,
        "bulletin/glossary.html",
        {"terms": selectors.glossary_terms(), "form": form if may_add else None},
        status=status,
    )
