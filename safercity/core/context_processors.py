from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safercity.core.models import City
from safercity.core.roles import roles_of


def city(request: HttpRequest) -> dict[str, Any]:
    current = City.objects.filter(name=settings.SAFERCITY_CITY_NAME).first()
    return {
        "city_name": settings.SAFERCITY_CITY_NAME,
        "city_is_demo": bool(current and current.is_demo),
        "map_tiles": settings.SAFERCITY_MAP_TILES,
        "map_attribution": settings.SAFERCITY_MAP_ATTRIBUTION,
        "staff_roles": sorted(role.label for role in roles_of(request.user)),
    }
