from django.urls import path

from safercity.demo import views

app_name = "demo"
urlpatterns = [path("calibration/", views.calibration, name="calibration")]
