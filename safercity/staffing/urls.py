from django.urls import path

from safercity.staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("plans/<uuid:pk>/", views.job_page, name="job"),
]
