from django.urls import path

from safercity.useofforce import complaint_views, public_views, settings_views, views

app_name = "useofforce"
# Public pages (/use-of-force/...) have their own namespace.
public = (
    [
        path("", public_views.dashboard_page, name="dashboard"),
        path("data/", public_views.data_page, name="data"),
        path("data/use-of-force.csv", public_views.dataset_download, name="dataset"),
        path("policy/<int:pk>/", public_views.policy_page, name="policy"),
        path("schemas/<str:name>", public_views.schema_download, name="schema"),
    ],
    "useofforce_public",
)
urlpatterns = [
    path("", views.board_page, name="board"),
    path("report/", views.report_page, name="report"),
    path("case/<int:pk>/", views.case_page, name="case"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("exports/", settings_views.exports_page, name="exports"),
    path("complaints/", complaint_views.complaints_page, name="complaints"),
    path("complaints/<int:pk>/", complaint_views.complaint_page, name="complaint"),
]
