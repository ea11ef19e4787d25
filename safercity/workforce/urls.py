from django.urls import path

from safercity.workforce import employment_views, public_views, views

app_name = "workforce"
public = (
    [
        path("", public_views.report_page, name="report"),
        path("hiring-and-promotion.csv", public_views.report_download, name="csv"),
        path("workforce.csv", public_views.workforce_download, name="workforce_csv"),
    ],
    "workforce_public",
)
urlpatterns = [
    path("", views.home_page, name="home"),
    path("import/", views.import_page, name="import"),
    path("stage/", views.stage_page, name="stage"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
    path("trends/", employment_views.trends_page, name="trends"),
    path("employment/", employment_views.employment_page, name="employment"),
    path("employment/import/", employment_views.records_import_page, name="records_import"),
    path("population/", employment_views.population_page, name="population"),
]
