"""Wagtail API v2 at /api/v2/: published pages, images and documents, read-only.

Wagtail's stock viewsets answer some junk with a 500: a search with a double quote is an SQLite
FTS5 syntax error (the backend wraps each term in quotes without escaping them), a blank search
crashes the SQLite backend, an offset past 2**63 overflows
SQLite's integers, `find/?id=abc` and a field filter with a value its column cannot hold (a date
that is not a date) raise on the way to the database. Every endpoint here checks its query string
in one place, `check_query_string`, before Wagtail reads it, so junk is a 400 with a JSON
`{"message": …}` on SQLite and PostgreSQL alike (a NUL byte is refused earlier, by
academy.middleware.RefuseNulMiddleware, in the same format).

What is listed: live pages outside any view restriction the caller cannot pass (Wagtail's
default, see wagtail.api.querysets), minus pages past their expiry time that publish_scheduled
has not unpublished yet (the site search hides them too); images and documents outside
collections whose privacy the caller cannot pass (Wagtail's default, get_restricted_collection_ids).
"""

from django.core.exceptions import ValidationError
from django.db import connections
from django.http import QueryDict
from django.utils import timezone
from wagtail.api.v2 import filters
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page

from .params import MAX_BIGINT, parse_int

MAX_INTEGER = MAX_BIGINT
MAX_SEARCH_LENGTH = 255
WHOLE_NUMBER_PARAMETERS = ("offset", "limit", "id", "ancestor_of")
PAGE_OR_ROOT_PARAMETERS = ("child_of", "descendant_of", "translation_of")
SEARCH_OPERATORS = ("and", "or")


def _whole_number(name: str, value: str) -> int:
    number = parse_int(value, minimum=0)
    if number is None:
        raise BadRequestError(f"{name} must be a whole number from 0 to {MAX_INTEGER}")
    return number


def check_query_string(query: QueryDict) -> None:
    """Raise BadRequestError for query parameters the stock viewsets would turn into a 500."""
    for name in WHOLE_NUMBER_PARAMETERS + PAGE_OR_ROOT_PARAMETERS:
        for value in query.getlist(name):
            if not (name in PAGE_OR_ROOT_PARAMETERS and value == "root"):
                _whole_number(name, value)
    for search in query.getlist("search"):
        if not search.strip():
            raise BadRequestError("search must contain at least one word")
        if len(search) > MAX_SEARCH_LENGTH:
            raise BadRequestError(f"search must be at most {MAX_SEARCH_LENGTH} characters long")
        if '"' in search:
            raise BadRequestError('search must not contain double quotes (")')
    for operator in query.getlist("search_operator"):
        if operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator must be 'and' or 'or'")


class FieldsFilter(filters.FieldsFilter):
    """Wagtail's ?field=value filters; a value the field cannot hold is a 400, not a 500."""

    def filter_queryset(self, request, queryset, view):
        try:
            queryset = super().filter_queryset(request, queryset, view)
            self._prepare_values_for_the_database(request, queryset, view)
        except ValidationError as error:
            raise BadRequestError("field filter error: " + " ".join(error.messages)) from error
        except (ValueError, OverflowError) as error:
            raise BadRequestError(f"field filter error: {error}") from error
        return queryset

    @staticmethod
    def _prepare_values_for_the_database(request, queryset, view) -> None:
        """Convert each filter value as the query will, now rather than when it is evaluated.

        A value can parse and still fail on its way to the database: 9999-12-31T23:59:59-14:00
        is a datetime, but SQLite stores UTC and year 10000 overflows.
        """
        connection = connections[queryset.db]
        names = set(view.get_available_fields(queryset.model, db_fields_only=True))
        for name in names & set(request.GET):
            field = queryset.model._meta.get_field(name)
            if not field.is_relation:  # relations and tags were converted by Wagtail already
                value = field.get_prep_value(request.GET[name])
                field.get_db_prep_value(value, connection, prepared=True)


def _with_checked_fields_filter(backends: list) -> list:
    return [FieldsFilter if backend is filters.FieldsFilter else backend for backend in backends]


class CheckedQueryMixin:
    """Checks the query string before the listing, detail or find view reads any of it."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_query_string(request.GET)


class AcademyPagesAPIViewSet(CheckedQueryMixin, PagesAPIViewSet):
    filter_backends = _with_checked_fields_filter(PagesAPIViewSet.filter_backends)

    def get_base_queryset(self):
        # publish_scheduled unpublishes an expired page only when it next runs. Filtered by id:
        # the search backend accepts filters on indexed fields only, and expire_at is not one.
        expired = Page.objects.filter(expire_at__lte=timezone.now()).values("pk")
        return super().get_base_queryset().exclude(id__in=expired)


class AcademyImagesAPIViewSet(CheckedQueryMixin, ImagesAPIViewSet):
    filter_backends = _with_checked_fields_filter(ImagesAPIViewSet.filter_backends)


# Callables returning a queryset of document ids the public API must not list (a course's
# materials: courses/materials.py registers them). The file itself is guarded by its serve view;
# this keeps its title and existence out of the listing too.
_withheld_documents: list = []


def withhold_documents(source) -> None:
    _withheld_documents.append(source)


class AcademyDocumentsAPIViewSet(CheckedQueryMixin, DocumentsAPIViewSet):
    filter_backends = _with_checked_fields_filter(DocumentsAPIViewSet.filter_backends)

    def get_queryset(self):
        queryset = super().get_queryset()
        for source in _withheld_documents:
            queryset = queryset.exclude(pk__in=source())
        return queryset


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", AcademyPagesAPIViewSet)
api_router.register_endpoint("images", AcademyImagesAPIViewSet)
api_router.register_endpoint("documents", AcademyDocumentsAPIViewSet)
