"""Open311 GeoReport v2 at /open311/v2/, in XML and JSON.

Every view returns plain data and names the document it belongs in; one switch in
`create_response` writes it as JSON or as the spec's XML. Errors use the spec's format
(<errors><error><code/><description/></error></errors>) in the format that was asked for.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Query, Schema, Status, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile

from safercity.core.inputs import xml_safe
from safercity.service311 import feedcache
from safercity.service311.models import RequestNote, Service, ServiceRequest
from safercity.service311.selectors import (
    MAX_PAGE_SIZE,
    RequestQuery,
    parse_w3c,
    request_by_id,
    requests_search,
)
from safercity.service311.services import (
    NewRequest,
    Open311Error,
    api_actor,
    rate_limited,
    request_create,
)

Format = Literal["json", "xml"]
SPEC = "http://wiki.open311.org/GeoReport_v2"
# XML children of lists inside a document: <attributes><attribute>...</attribute></attributes>
SINGULAR = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}


def w3c(moment: datetime | None) -> str | None:
    """W3C datetime in the city's zone, with its offset: 2010-04-14T06:37:38-05:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _xml_value(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_value(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        name = SINGULAR.get(element.tag, "item")
        for child in value:
            _xml_value(ET.SubElement(element, name), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_safe(str(value))  # rows stored before the door checked them


def to_xml(root: str, item: str | None, data: Any) -> bytes:
    element = ET.Element(root)
    if item is not None and isinstance(data, list):
        for entry in data:
            _xml_value(ET.SubElement(element, item), entry)
    else:
        _xml_value(element, data)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def asks_for_xml(request: HttpRequest) -> bool:
    return request.path.rstrip("/").endswith(".xml")


class Open311Api(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        status = temporal_response.status_code if temporal_response else status or 200
        root, item = getattr(request, "open311_document", ("response", None))
        if asks_for_xml(request):
            content, kind = to_xml(root, item, data), "text/xml; charset=utf-8"
        else:
            content = json.dumps(data, ensure_ascii=False).encode()
            kind = "application/json; charset=utf-8"
        response = temporal_response or HttpResponse(status=status)
        response.content = content
        response["Content-Type"] = kind
        return response

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Every answer also comes as XML (the .xml form of each path), and any operation
        can refuse a malformed request with 400: say both in the schema."""
        schema = super().get_openapi_schema(*args, **kwargs)
        error_list = {"$ref": "#/components/schemas/Error"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # Status codes as strings, as OpenAPI has them: ninja's own are integers, and
                # 400 and "400" side by side are one key twice in the JSON (which YAML
                # parsers, Swagger UI's among them, refuse).
                responses = {
                    str(code): answer for code, answer in operation.get("responses", {}).items()
                }
                operation["responses"] = responses
                responses.setdefault(
                    "400",
                    {
                        "description": "Bad Request",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": error_list}}
                        },
                    },
                )
                for answer in responses.values():
                    content = answer.setdefault("content", {})
                    content.setdefault("text/xml", {"schema": {"type": "string"}})
        return schema


api = Open311Api(
    title="SaferCity Open311 GeoReport v2",
    version="2",
    description="St. Louis 311 service requests. Errors: a list of {code, description}.",
    urls_namespace="open311",
    docs_url="/docs",
    # Deep links put a link inside each operation's toggle button, a control nested in a
    # control that screen readers cannot reach (axe's nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
)


def document(request: HttpRequest, root: str, item: str | None = None) -> None:
    request.open311_document = (root, item)  # type: ignore[attr-defined]


def errors(request: HttpRequest, status: int, description: str) -> HttpResponse:
    document(request, "errors", "error")
    return api.create_response(
        request, [{"code": status, "description": description}], status=status
    )


@api.exception_handler(Open311Error)
def on_open311_error(request: HttpRequest, error: Open311Error) -> HttpResponse:
    return errors(request, error.status, error.description)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    for problem in error.errors:
        where = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {problem.get('msg', 'invalid')}")
    return errors(request, 400, "; ".join(problems) or "invalid request")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return errors(request, 413, f"the request is too large (fields at most {limit:,} bytes)")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    # A valid key whose scopes do not cover this call.
    return errors(request, 403, str(error) or "this api_key may not do that")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return errors(request, error.status_code, str(error))


def check_jurisdiction(jurisdiction_id: str | None) -> None:
    if jurisdiction_id and jurisdiction_id != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, f"jurisdiction_id {jurisdiction_id} not found")


class Error(Schema):
    code: int
    description: str


class ServiceOut(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


def service_out(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code,
        "service_name": service.service_name,
        "description": service.description,
        "metadata": bool(service.attributes.exists()),
        "type": service.type,
        "keywords": service.keywords,
        "group": service.group,
    }


@api.get("/discovery.{format}", response={200: dict[str, Any]}, summary="Service discovery")
def discovery(request: HttpRequest, format: Format) -> dict[str, Any]:
    document(request, "discovery")
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    changed = Service.objects.order_by("-id").values_list("id", flat=True).first()
    return {
        "changeset": w3c(timezone.now().replace(microsecond=0)) if changed else None,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": w3c(timezone.now().replace(microsecond=0)),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


@api.get(
    "/services.{format}",
    response={200: list[ServiceOut], 404: list[Error]},
    summary="GET Service List",
)
def services(
    request: HttpRequest, format: Format, jurisdiction_id: str | None = None
) -> list[dict[str, Any]]:
    document(request, "services", "service")
    check_jurisdiction(jurisdiction_id)
    found = Service.objects.filter(active=True).prefetch_related("attributes")
    return [service_out(s) for s in found]


class ValueOut(Schema):
    key: str
    name: str


class AttributeOut(Schema):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[ValueOut]


class ServiceDefinitionOut(Schema):
    service_code: str
    attributes: list[AttributeOut]


@api.get(
    # Real codes contain "/" ("Injured/Sick Animal"): the path converter takes them whole
    # (clients send it as / or %2F); the format is whatever follows the last dot.
    "/services/{path:service_code}.{format}",
    response={200: ServiceDefinitionOut, 400: list[Error], 404: list[Error]},
    summary="GET Service Definition",
)
def service_definition(
    request: HttpRequest, service_code: str, format: Format, jurisdiction_id: str | None = None
) -> dict[str, Any]:
    document(request, "service_definition")
    check_jurisdiction(jurisdiction_id)
    service = Service.objects.filter(service_code=service_code, active=True).first()
    if service is None:
        raise Open311Error(404, f"service_code {service_code} not found")
    return {
        "service_code": service.service_code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in a.values],
            }
            for a in service.attributes.all()
        ],
    }


class RequestIn(Schema):
    """Form fields of POST Service Request. Attributes come as attribute[CODE]=value
    (attribute[CODE][]=value for a multivaluelist)."""

    api_key: str = ""
    service_code: str = ""
    jurisdiction_id: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""


class CreatedOut(Schema):
    service_request_id: str
    service_notice: str
    account_id: str | None


def _attributes(request: HttpRequest) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for key in request.POST:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute[") : key.index("]")]
        values = request.POST.getlist(key)
        given[code] = values if key.endswith("[]") or len(values) > 1 else values[0]
    return given


@api.post(
    "/requests.{format}",
    response={
        201: list[CreatedOut],
        400: list[Error],
        403: list[Error],
        404: list[Error],
        413: list[Error],
        429: list[Error],
    },
    summary="POST Service Request",
)
def create_request(
    request: HttpRequest,
    format: Format,
    data: Form[RequestIn],
    media: UploadedFile | None = File(None),  # type: ignore[type-arg]  # noqa: B008
) -> Status:  # type: ignore[type-arg]
    document(request, "service_requests", "request")
    check_jurisdiction(data.jurisdiction_id)
    if rate_limited(request, data.api_key):
        raise Open311Error(429, "Too many requests from this client; try again in a minute.")
    actor = api_actor(data.api_key)
    if not data.service_code:
        raise Open311Error(400, "service_code is required")
    created = request_create(
        actor=actor,
        new=NewRequest(
            service_code=data.service_code,
            lat=data.lat,
            long=data.long,
            address_string=data.address_string,
            address_id=data.address_id,
            attributes=_attributes(request),
            description=data.description,
            email=data.email,
            device_id=data.device_id,
            account_id=data.account_id,
            first_name=data.first_name,
            last_name=data.last_name,
            phone=data.phone,
            media_url=data.media_url,
        ),
        media=media,
    )
    return Status(
        201,
        [
            {
                "service_request_id": created.service_request_id,
                "service_notice": created.service.service_notice,
                "account_id": created.account_id or None,
            }
        ],
    )


class TokenOut(Schema):
    service_request_id: str
    token: str


@api.get(
    "/tokens/{token}.{format}",
    response={200: list[TokenOut], 404: list[Error]},
    summary="GET service_request_id from a token",
)
def token(
    request: HttpRequest, token: str, format: Format, jurisdiction_id: str | None = None
) -> list[dict[str, Any]]:
    document(request, "service_requests", "request")
    check_jurisdiction(jurisdiction_id)
    found = (
        ServiceRequest.objects.filter(token=token).only("id", "token").first()
        if _is_uuid(token)
        else None
    )
    if found is None:
        raise Open311Error(404, f"token {token} not found")
    return [{"service_request_id": str(found.pk), "token": str(found.token)}]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class NoteOut(Schema):
    datetime: str
    kind: str
    status: str | None
    text: str


class RequestOut(Schema):
    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    extended_attributes: dict[str, Any] | None = None


# What a public request shows, read as plain values: a page of 1,000 requests then costs no
# model instances, and the service's own fields come from one small lookup.
ROW_FIELDS = (
    "id", "status", "status_notes", "service_id", "description", "requested_datetime",
    "updated_datetime", "expected_datetime", "address_string", "address_id", "zipcode", "lat",
    "long", "media_url", "media", "media_review", "parent_id",
)  # fmt: skip


def _services(ids: set[int]) -> dict[int, dict[str, Any]]:
    found = Service.objects.filter(pk__in=ids).select_related("department")
    return {
        service.pk: {
            "service_name": service.service_name,
            "service_code": service.service_code,
            "agency_responsible": service.department.name,
            "service_notice": service.service_notice or None,
        }
        for service in found
    }


def _extensions(ids: list[int], parents: dict[int, int | None]) -> dict[int, dict[str, Any]]:
    """The public history, duplicates and parent of each request (the `extensions` option)."""
    extra: dict[int, dict[str, Any]] = {
        pk: {
            "parent_service_request_id": str(parents[pk]) if parents[pk] else None,
            "duplicates": [],
            "notes": [],
        }
        for pk in ids
    }
    duplicates = ServiceRequest.objects.filter(parent_id__in=ids).order_by(
        "-requested_datetime", "id"
    )
    for parent_id, child in duplicates.values_list("parent_id", "id"):
        extra[parent_id]["duplicates"].append(str(child))
    for note in RequestNote.objects.filter(request_id__in=ids, public=True):
        extra[note.request_id]["notes"].append(_note_out(note))
    return extra


def requests_out(
    http: HttpRequest, found: Any, *, extensions: bool = False
) -> list[dict[str, Any]]:
    """Requests as the spec's fields, in the order `found` (a query set) gives them."""
    rows = list(found.values(*ROW_FIELDS))
    services = _services({row["service_id"] for row in rows})
    extra = (
        _extensions([r["id"] for r in rows], {r["id"]: r["parent_id"] for r in rows})
        if extensions
        else {}
    )
    zone = timezone.get_current_timezone()

    def when(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None

    out = []
    for row in rows:
        media = ""
        if row["media_review"] == ServiceRequest.MediaReview.APPROVED:  # published by an agent
            media = row["media_url"] or (
                http.build_absolute_uri(default_storage.url(row["media"])) if row["media"] else ""
            )
        item: dict[str, Any] = {
            "service_request_id": str(row["id"]),
            "status": row["status"],
            "status_notes": row["status_notes"] or None,
            **services[row["service_id"]],
            "description": row["description"] or None,
            "requested_datetime": when(row["requested_datetime"]),
            "updated_datetime": when(row["updated_datetime"]),
            "expected_datetime": when(row["expected_datetime"]),
            "address": row["address_string"] or None,
            "address_id": str(row["address_id"]) if row["address_id"] else None,
            "zipcode": row["zipcode"] or None,
            "lat": row["lat"],
            "long": row["long"],
            "media_url": media or None,
        }
        # In the schema's field order, as before (clients diff these documents).
        item["extended_attributes"] = extra[row["id"]] if extensions else None
        out.append({key: item[key] for key in RequestOut.model_fields})
    return out


def _note_out(note: RequestNote) -> dict[str, Any]:
    return {
        "datetime": w3c(note.at),
        "kind": note.kind,
        "status": note.status or None,
        "text": note.text,
    }


class RequestFilters(Schema):
    service_request_id: str | None = None
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None
    jurisdiction_id: str | None = None
    updated_after: str | None = None
    updated_before: str | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    extensions: bool = False


def _csv(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _when(text: str | None, name: str) -> datetime | None:
    return parse_w3c(text, name) if text else None


@api.get(
    "/requests.{format}",
    response={200: list[RequestOut], 400: list[Error], 404: list[Error]},
    summary="GET Service Requests",
)
def list_requests(
    request: HttpRequest, format: Format, filters: Query[RequestFilters]
) -> list[dict[str, Any]]:
    document(request, "service_requests", "request")
    key = feedcache.feed_key(request)
    if hit := feedcache.cached(key):
        return hit  # type: ignore[return-value]
    check_jurisdiction(filters.jurisdiction_id)
    query = RequestQuery(
        service_request_ids=_csv(filters.service_request_id),
        service_codes=_csv(filters.service_code),
        start=_when(filters.start_date, "start_date"),
        end=_when(filters.end_date, "end_date"),
        statuses=_csv(filters.status) or None,
        updated_after=_when(filters.updated_after, "updated_after"),
        updated_before=_when(filters.updated_before, "updated_before"),
        page=filters.page,
        page_size=filters.page_size,
    )
    found = requests_out(request, requests_search(query), extensions=filters.extensions)
    # Already in the documented shape: answer without validating a thousand rows again.
    response = api.create_response(request, found)
    feedcache.keep(key, response)
    return response  # type: ignore[return-value]


@api.get(
    "/requests/{service_request_id}.{format}",
    response={200: list[RequestOut], 404: list[Error]},
    summary="GET Service Request",
)
def one_request(
    request: HttpRequest,
    service_request_id: str,
    format: Format,
    jurisdiction_id: str | None = None,
    extensions: bool = False,
) -> list[dict[str, Any]]:
    document(request, "service_requests", "request")
    check_jurisdiction(jurisdiction_id)
    found = ServiceRequest.objects.filter(pk=request_by_id(service_request_id).pk)
    return requests_out(request, found, extensions=extensions)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /open311/v2/ answers in the spec's error format."""
    return errors(request, 404, f"no such Open311 resource: {request.path}")
