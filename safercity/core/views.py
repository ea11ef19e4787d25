from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.core.navigation import tools_for
from safercity.core.roles import Role, roles_of


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    return render(
        request,
        "core/staff_home.html",
        {
            "roles": sorted(roles, key=lambda r: r.label),
            "tools": tools_for(request.user),
            "is_admin": Role.ADMINISTRATOR in roles,
        },
    )
