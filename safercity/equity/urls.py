from django.urls import path

from safercity.equity import views

app_name = "equity"
urlpatterns = [
    path("", views.directory_page, name="directory"),
    path("new/", views.service_new_page, name="service_new"),
    path("organizations/new/", views.organization_new_page, name="organization_new"),
    path("providers/", views.providers_page, name="providers"),
    path("import/", views.import_page, name="import"),
    path("<str:pk>/", views.service_page, name="service"),
]
