from django.urls import path

from safercity.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.home_page, name="home"),
    path("import/", views.import_page, name="import"),
    path("stage/", views.stage_page, name="stage"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
]
