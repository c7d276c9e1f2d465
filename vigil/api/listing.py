"""One declaration for every list endpoint: the selector's rows, then the same page.

A list endpoint is a function that returns what its page's selector gives the caller (a
queryset).  :func:`listing` registers it on the router and does the rest, the same way for
every resource: ``modified_since``, the cursor page (:func:`vigil.api.pagination.page`), the
OSDI collection shape in the schema and the answer.  The ETag and ``If-None-Match`` are the
middleware's, for every read.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import osdi
from .pagination import PageQuery, page

#: The parameter the page's own query (cursor, per_page, modified_since) arrives in.
PAGE_PARAMETER = "page_query"

Rows = Callable[..., QuerySet[Any]]


def listing(
    router: Router,
    path: str,
    *,
    name: str,
    item: type[Schema],
    serialise: Callable[[HttpRequest, Any], dict[str, Any]] | None = None,
    serialise_page: Callable[[HttpRequest, list[Any]], list[dict[str, Any]]] | None = None,
    modified: Iterable[str] = (),
    **operation: Any,
) -> Callable[[Rows], Rows]:
    """Register the decorated function as ``GET path``: a page of ``osdi:<name>`` records.

    The function takes the request and its own parameters (path, filters) and returns the
    rows; ``serialise`` makes one record of a row, or ``serialise_page`` the records of a
    whole page at once.  ``modified`` names the timestamps ``modified_since`` compares (any
    of them at or after it keeps a row).  ``operation`` goes to ``router.get`` (``auth``,
    ``tags``...)."""
    fields = tuple(modified)
    if serialise_page is not None:
        records = serialise_page
    elif serialise is not None:
        one = serialise

        def records(request: HttpRequest, rows: list[Any]) -> list[dict[str, Any]]:
            return [one(request, row) for row in rows]
    else:
        raise TypeError("give serialise or serialise_page")

    def decorator(rows_of: Rows) -> Rows:
        own = inspect.signature(rows_of, eval_str=True)
        page_parameter = inspect.Parameter(
            PAGE_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=Query[PageQuery]
        )

        @functools.wraps(rows_of)
        def endpoint(request: HttpRequest, **params: Any) -> dict[str, Any]:
            query: PageQuery = params.pop(PAGE_PARAMETER)
            return page(
                request, rows_of(request, **params), query, embedded=f"osdi:{name}",
                serialise=lambda rows: records(request, rows), modified=fields,
            )  # fmt: skip

        # django-ninja reads the parameters from the signature: the function's own, then the
        # page's.
        endpoint.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[*own.parameters.values(), page_parameter],
            return_annotation=dict[str, Any],
        )
        router.get(path, response=osdi.collection(name, item), by_alias=True, **operation)(endpoint)
        return rows_of

    return decorator
