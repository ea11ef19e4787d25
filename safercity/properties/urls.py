from django.urls import path

from safercity.properties import public as public_views
from safercity.properties import views

app_name = "properties"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("landlords/", views.landlords_page, name="landlords"),
    path("landlords/<int:pk>/", views.landlord_page, name="landlord"),
    path("parcels/<str:handle>/", views.parcel_page, name="parcel"),
    path("parcels/<str:handle>/open-case/", views.case_open_view, name="case_open"),
    path("cases/", views.cases_page, name="cases"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/act/", views.case_action, name="case_action"),
    path("scoring/", views.policy_page, name="policy"),
]


public = (
    [
        path("", public_views.page, name="violations"),
        path("violations-by-month.csv", public_views.csv_download, name="csv"),
    ],
    "properties_public",
)
