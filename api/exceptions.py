"""One error body for every API error: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from triage.services import TransitionError


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    """Field name -> messages; errors not tied to a field are under "non_field_errors"."""
    if isinstance(detail, dict):
        return {str(name): _flatten(value) for name, value in detail.items()}
    return {}


def _code(error: exceptions.APIException) -> str:
    codes = error.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(error, exceptions.ValidationError):
        return "invalid"
    return error.default_code


def _from_django(error: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as an API error: a refused status move is a 409 conflict."""
    if isinstance(error, TransitionError):
        conflict = exceptions.APIException(" ".join(error.messages), code=error.code or "illegal_transition")
        conflict.status_code = status.HTTP_409_CONFLICT
        return conflict
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({name: errors for name, errors in error.message_dict.items()})
    return exceptions.ValidationError({"non_field_errors": error.messages}, code=error.code or "invalid")


def api_exception_handler(exc, context):
    """DRF's handler (it sets Retry-After and WWW-Authenticate), with the body reshaped; service errors
    become 400 (or 409 for a refused status move) instead of a server error."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = _fields(detail) if isinstance(exc, exceptions.ValidationError) else {}
    if fields:
        message = " ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
    else:
        message = " ".join(_flatten(detail))
    code = _code(exc) if isinstance(exc, exceptions.APIException) else "error"
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def error_response(*, status_code: int, code: str, message: str) -> Response:
    """An error in the same shape, for views that answer outside DRF's exception flow."""
    return Response({"error": {"code": code, "message": message, "fields": {}}}, status=status_code)
