from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("safercity.accountability.urls")),
    path("staff/staffing/", include("safercity.staffing.urls")),
    path("staff/", include("safercity.core.urls")),
    path("demo/", include("safercity.demo.urls")),
    path("admin/", admin.site.urls),
]
