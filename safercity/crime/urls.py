from django.urls import path

from safercity.crime import staff, views

app_name = "crime"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/<str:name>", views.download, name="download"),
]
# Staff pages (/staff/crime/...) have their own namespace.
staff_urls = (
    [
        path("imports/", staff.imports, name="imports"),
        path("imports/<int:pk>/", staff.import_detail, name="import"),
    ],
    "crime_staff",
)
