from django.urls import path

from safercity.useofforce import views

app_name = "useofforce"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("report/", views.report_page, name="report"),
    path("case/<int:pk>/", views.case_page, name="case"),
]
