from django.urls import path

from safercity.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/<slug:slug>/", views.commitment_detail, name="commitment"),
]
