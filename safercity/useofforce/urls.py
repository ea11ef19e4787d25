from django.urls import path

from safercity.useofforce import complaint_views, views

app_name = "useofforce"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("report/", views.report_page, name="report"),
    path("case/<int:pk>/", views.case_page, name="case"),
    path("complaints/", complaint_views.complaints_page, name="complaints"),
    path("complaints/<int:pk>/", complaint_views.complaint_page, name="complaint"),
]
