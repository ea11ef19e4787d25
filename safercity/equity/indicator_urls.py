from django.urls import path

from safercity.equity import indicator_views

app_name = "equity_indicators"
urlpatterns = [
    path("", indicator_views.report_page, name="report"),
    path("indicators.csv", indicator_views.report_csv, name="csv"),
]
staff = (
    [
        path("", indicator_views.import_page, name="import"),
        path("compute/", indicator_views.compute_page, name="compute"),
    ],
    "equity_indicators_staff",
)
