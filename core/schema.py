"""The OpenAPI schema tells the truth (checked by schemathesis in the tests): every operation lists
the error answers it can give, in the one shape core.api gives them, and a paginated list is
documented as the page object it returns."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every API error (core.api.exception_handler)."""

    message = serializers.CharField()
    errors = serializers.JSONField(help_text="{field: [problem, …]} or [problem, …]")
    revision = serializers.IntegerField(
        required=False, help_text="When a refused change was nevertheless kept: the revision to send next."
    )


ERRORS = {
    "400": "The request is not valid: `errors` names each parameter or field and what is wrong.",
    "401": "Not signed in: send `Authorization: Token …`.",
    "403": "Signed in, but this role may not do this (or this object is not theirs to change).",
    "404": "No such object, or not one the caller may see.",
    "409": "Someone else changed it after the revision sent: nothing was overwritten.",
    "429": "Too many requests: slow down.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation_id(self):
        """A page of objects is a list operation (`…_list`), as DRF's generic lists are named."""
        operation_id = super().get_operation_id()
        serializer = self.get_response_serializers()
        if getattr(serializer, "__name__", "").startswith("Paginated") and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_query = bool(self._get_paginator()) or any(
            p.get("in") == "query" for p in self._get_parameters() if isinstance(p, dict)
        )
        if has_body or has_query:
            codes.append("400")
        if has_body or "{" in self.path:
            codes.append("404")
        if has_body and getattr(self.view, "may_conflict", False):
            codes.append("409")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code]["description"] = ERRORS[code]
        return responses


_pages: dict[str, type[serializers.Serializer]] = {}


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one page of `serializer_class` objects, as core.filters.Pagination returns
    it: {count, next, previous, results}."""
    name = f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List"
    if name not in _pages:
        _pages[name] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializer_class(many=True),
                "__module__": __name__,
            },
        )
    return _pages[name]
