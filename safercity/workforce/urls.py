from django.urls import path

from safercity.workforce import public_views, views

app_name = "workforce"
public = (
    [
        path("", public_views.report_page, name="report"),
        path("hiring-and-promotion.csv", public_views.report_download, name="csv"),
    ],
    "workforce_public",
)
urlpatterns = [
    path("", views.home_page, name="home"),
    path("import/", views.import_page, name="import"),
    path("stage/", views.stage_page, name="stage"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
]
