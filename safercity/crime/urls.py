from django.urls import path

from safercity.crime import views

app_name = "crime"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/<str:name>", views.download, name="download"),
]
