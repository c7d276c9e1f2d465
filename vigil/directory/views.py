"""Directory pages: regions, organisations, exports, suggestions, review, editor, history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.core.permissions import can, public, require
from vigil.core.throttle import throttled

from . import search as directory_search
from . import selectors, services
from .forms import (
    ContactFormSet,
    OfficeForm,
    OfficeFormSet,
    OrganisationForm,
    PublicationFormSet,
    ReviewForm,
    SuggestionForm,
    formset_rows,
)
from .models import Office, Organisation, Region, Suggestion

PAGE_SIZE = 50


# --- regions -------------------------------------------------------------------------------
@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.top_regions())
    return render(request, "directory/index.html", {"regions": regions})


@public
@require_safe
def region(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Region, slug=slug)
    organisations = selectors.region_organisations(place, request.user).prefetch_related("regions")
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    children = place.children.annotate(
        count=Count("organisations", filter=Q(organisations__is_published=True))
    )
    return render(
        request,
        "directory/region.html",
        {
            "region": place,
            "ancestors": place.ancestors(),
            "children": sorted(children, key=lambda r: r.name),
            "page": page,
            "editor": can(request.user, "directory.change_organisation"),
        },
    )


def _download(organisations: Any, name: str, extension: str) -> StreamingHttpResponse:
    """Public entries as a streamed file: CSV (with BOM) or JSON."""
    if extension == "csv":
        rows, content_type = selectors.export_csv(organisations), "text/csv; charset=utf-8"
    else:
        rows, content_type = selectors.export_json(organisations), "application/json; charset=utf-8"
    response = StreamingHttpResponse((chunk.encode() for chunk in rows), content_type=content_type)
    filename = f"vigil-directory-{name}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
@require_safe
def region_export(request: HttpRequest, slug: str, extension: str) -> StreamingHttpResponse:
    place = get_object_or_404(Region, slug=slug)
    return _download(selectors.region_organisations(place), place.slug, extension)


# --- an organisation -----------------------------------------------------------------------
def _organisation_page(
    request: HttpRequest, organisation: Organisation, form: SuggestionForm, status: int = 200
) -> HttpResponse:
    offices = []
    contacts = list(organisation.contacts.all())
    for office in organisation.offices.all():
        offices.append(
            {
                "office": office,
                "address": selectors.address_lines(office),
                "channels": selectors.channels_by_kind(office.channels.all()),
                "contacts": [c for c in contacts if c.office_id == office.pk],
                "has_public_contacts": any(
                    c.is_published for c in contacts if c.office_id == office.pk
                ),
            }
        )
    trails = sorted(([*r.ancestors(), r] for r in organisation.regions.all()), key=len)
    context = {
        "organisation": organisation,
        "trail": trails[-1] if trails else [],
        "regions": [trail[-1] for trail in trails],
        "source_link": organisation.source_url.startswith(("http://", "https://")),
        "offices": offices,
        "loose_contacts": [c for c in contacts if c.office_id is None],
        "json_ld": selectors.json_ld(organisation),
        "last_updated": selectors.month_year(organisation.last_updated),
        "stale": organisation.is_stale(),
        "form": form,
        "editor": can(request.user, "directory.change_organisation", organisation),
    }
    return render(request, "directory/organisation.html", context, status=status)


def _visible_or_404(request: HttpRequest, slug: str) -> Organisation:
    organisation = selectors.organisation_for_page(slug, request.user)
    if organisation is None:
        raise Http404(slug)
    return organisation


@public
@require_safe
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _visible_or_404(request, slug)
    return _organisation_page(request, entry, SuggestionForm())


@public
@throttled("suggestion")
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _visible_or_404(request, slug)
    if request.method != "POST":
        return redirect("directory:organisation", slug=slug)
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, entry, form)
    if not form.is_spam():
        services.suggest_correction(
            entry,
            text=form.cleaned_data["text"],
            contact_email=form.cleaned_data.get("contact_email") or "",
        )
    # A robot sees the same thanks as a person: nothing tells it that it was found out.
    messages.success(
        request, _("Thank you. A directory editor will read your suggestion and check the entry.")
    )
    return HttpResponseRedirect(reverse("directory:organisation", args=[slug]) + "#suggest")


@public
@require_safe
def office_vcard(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    entry = get_object_or_404(Organisation, slug=slug, is_published=True)
    office = get_object_or_404(
        Office.objects.select_related("organisation").prefetch_related("channels"),
        pk=office_id,
        organisation=entry,
    )
    contacts = office.contacts.filter(is_published=True).prefetch_related("channels")
    if not contacts:
        raise Http404("no published contact")
    response = HttpResponse(
        selectors.vcard(office, contacts), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{entry.slug}-{office.pk}.vcf"'
    return response


# --- suggestions: the editors' queue -------------------------------------------------------
@require("directory.view_suggestion")
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("status", Suggestion.Status.OPEN)
    if show not in Suggestion.Status.values:
        show = Suggestion.Status.OPEN
    suggestions = Suggestion.objects.filter(status=show).select_related(
        "organisation", "reviewed_by"
    )
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/review.html",
        {
            "page": page,
            "show": show,
            "statuses": Suggestion.Status.choices,
            "form": ReviewForm(),
        },
    )


@require(
    "directory.change_suggestion",
    get_object=lambda request, pk: get_object_or_404(Suggestion, pk=pk),
)
@require_POST
def review_one(request: HttpRequest, pk: int, obj: Suggestion) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.review_suggestion(
            obj,
            reviewer=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The suggestion is marked as reviewed."))
    else:
        messages.error(request, _("Choose to accept or decline the suggestion."))
    return redirect("directory:review")


# --- the editor ----------------------------------------------------------------------------
def _entry(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def _editor_forms(request: HttpRequest, entry: Organisation | None) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    offices = list(entry.offices.prefetch_related("channels")) if entry else []
    office_qs = entry.offices.all() if entry else Office.objects.none()
    contacts = list(entry.contacts.prefetch_related("channels")) if entry else []
    publications = list(entry.publications.all()) if entry else []
    return {
        "form": OrganisationForm(data, instance=entry),
        "offices": OfficeFormSet(
            data, prefix="offices", initial=[OfficeForm.initial_for(o) for o in offices]
        ),
        "contacts": ContactFormSet(
            data,
            prefix="contacts",
            form_kwargs={"offices": office_qs},
            initial=[
                {
                    "id": c.pk,
                    "name": c.name,
                    "role": c.role,
                    "office": c.office_id,
                    "is_published": c.is_published,
                    "phones": [ch.value for ch in c.channels.all() if ch.kind == "phone"],
                    "emails": [
                        ch.value for ch in c.channels.all() if ch.kind == "email" and ch.value
                    ],
                }
                for c in contacts
            ],
        ),
        "publications": PublicationFormSet(
            data,
            prefix="publications",
            initial=[
                {
                    "id": p.pk,
                    "title": p.title,
                    "frequency": p.frequency,
                    "language": p.language,
                    "description": p.description,
                    "prepared_by": p.prepared_by,
                }
                for p in publications
            ],
        ),
    }


def _save_entry(request: HttpRequest, entry: Organisation | None) -> HttpResponse:
    forms = _editor_forms(request, entry)
    if request.method == "POST" and all(f.is_valid() for f in forms.values()):
        form = forms["form"]
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "name_ru", "name_en", "aliases", "former_names", "mission", "history",
                "activities", "membership", "attribution", "source", "sponsor", "source_url",
                "is_published", "last_updated",
            )
        }  # fmt: skip
        fields["slug"] = data["slug"]
        saved = services.update_entry(
            entry,
            fields=fields,
            regions=data["regions"],
            topics=data["topics"],
            offices=formset_rows(forms["offices"]),
            contacts=formset_rows(forms["contacts"]),
            publications=formset_rows(forms["publications"]),
            mark_verified=data.get("mark_verified", False),
            author=request.user,
            summary=data.get("summary") or "",
        )
        messages.success(request, _("The entry is saved."))
        return redirect("directory:organisation", slug=saved.slug)
    return render(
        request,
        "directory/edit.html",
        {"organisation": entry, **forms},
    )


@require("directory.change_organisation", get_object=_entry)
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str, obj: Organisation) -> HttpResponse:
    return _save_entry(request, obj)


@require("directory.add_organisation")
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    return _save_entry(request, None)


@require("directory.view_revision", get_object=_entry)
@require_safe
def history(request: HttpRequest, slug: str, obj: Organisation) -> HttpResponse:
    return render(
        request,
        "directory/history.html",
        {"organisation": obj, "rows": selectors.revisions_with_diffs(obj)},
    )


# --- search --------------------------------------------------------------------------------
@public
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """One search box over the directory, with region and topic filters (a plain GET form)."""
    text, region_slug, topic_slug = _search_terms(request)
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    results = None
    if text:
        results = directory_search.search(
            text, region=region_slug or None, topic=topic_slug or None, page=page
        )
    hits = results.hits if results else []
    links = selectors.organisation_links(hit.slug for hit in hits)
    regions, topics = selectors.search_filters()
    return render(
        request,
        "directory/search.html",
        {
            "q": text,
            "region_slug": region_slug,
            "topic_slug": topic_slug,
            "regions": regions,
            "topics": topics,
            "results": results,
            "hits": list(zip(links, hits, strict=True)),
            "export_query": request.GET.urlencode() if hits else "",
        },
    )


def _search_terms(request: HttpRequest) -> tuple[str, str, str]:
    """The query, region and topic of a search form, bounded in length."""
    text = request.GET.get("q", "")[: directory_search.MAX_QUERY_CHARS].strip()
    return (
        text,
        request.GET.get("region", "")[:100].strip(),
        request.GET.get("topic", "")[:100].strip(),
    )


@public
@require_safe
def search_export(request: HttpRequest, extension: str) -> StreamingHttpResponse:
    """What the search page finds (every match, not one page) as CSV or JSON."""
    text, region_slug, topic_slug = _search_terms(request)
    if not text:
        organisations = Organisation.objects.none()
    else:
        organisations = directory_search.matching_organisations(
            text, region=region_slug or None, topic=topic_slug or None
        )
    return _download(organisations, "search", extension)
