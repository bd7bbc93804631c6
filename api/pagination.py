"""Keyset ("cursor") pagination that stays right while rows are being inserted.

DRF's CursorPagination keeps only the first ordering field in the cursor and an offset for ties, so rows
inserted with the same value (mentions posted in the same second) shift the offset and a page can repeat
or skip a row. Here the cursor holds the whole key of the last row sent (e.g. posted_at and id), and the
next page is everything strictly after it: a row inserted anywhere never moves the rows still to come.
"""

import base64
import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import Q
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"


def _plain_key_value(value) -> bool:
    """A value a cursor may hold: text (dates), or a whole number that fits a bigint column."""
    if isinstance(value, bool):
        return False
    return isinstance(value, str) or (isinstance(value, int) and -(2**63) <= value < 2**63)


class KeysetPagination(BasePagination):
    """Pages ordered by `ordering` (fields with "-" for descending; the last one unique, e.g. id).

    The response is {"next": url or null, "results": [...]}. A client follows `next` until it is null.
    """

    ordering: tuple[str, ...] = ("-posted_at", "-id")
    page_size = 50
    max_page_size = 200

    def _page_size(self, request) -> int:
        raw = request.query_params.get(PAGE_SIZE_PARAM)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {PAGE_SIZE_PARAM: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def _decode(self, raw: str) -> list:
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
        except (ValueError, TypeError):
            values = None
        if (
            not isinstance(values, list)
            or len(values) != len(self.ordering)
            or not all(_plain_key_value(value) for value in values)
        ):
            raise exceptions.ValidationError({CURSOR_PARAM: ["This cursor is not one the API gave out."]})
        return values

    @staticmethod
    def _encode(values: list) -> str:
        text = json.dumps([value.isoformat() if isinstance(value, datetime) else value for value in values])
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def _after(self, values: list) -> Q:
        """Rows strictly after the key: (a, b) > (x, y) as a < x OR (a = x AND b < y) for descending."""
        condition = Q()
        equal = Q()
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            lookup = "lt" if field.startswith("-") else "gt"
            condition |= equal & Q(**{f"{name}__{lookup}": value})
            equal &= Q(**{name: value})
        return condition

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self._page_size(request)
        queryset = queryset.order_by(*self.ordering)
        raw = request.query_params.get(CURSOR_PARAM)
        try:
            if raw:
                queryset = queryset.filter(self._after(self._decode(raw)))
            rows = list(queryset[: size + 1])
        except (ValueError, TypeError, DjangoValidationError, DataError):
            # A tampered cursor whose values do not fit the fields (text for an id, a bad date).
            raise exceptions.ValidationError(
                {CURSOR_PARAM: ["This cursor is not one the API gave out."]}
            ) from None
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last_key = [self._value(rows[-1], field) for field in self.ordering] if rows else None
        return rows

    @staticmethod
    def _value(row, field: str):
        return getattr(row, field.lstrip("-"))

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last_key is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, self._encode(self.last_key))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page; null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "The cursor from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
