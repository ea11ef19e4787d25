from django.urls import path

from safercity.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.home_page, name="home"),
    path("records/new/", views.submit_page, name="submit"),
    path("records/<int:pk>/", views.record_page, name="record"),
    path("records/<int:pk>/<str:action>/", views.record_action, name="record_action"),
    path("search/", views.search_page, name="search"),
    path("holding/", views.holding_page, name="holding"),
    path("retention/", views.retention_page, name="retention"),
    path("logs/", views.logs_page, name="logs"),
    path("partners/", views.partners_page, name="partners"),
    path("partners/<int:pk>/", views.partner_page, name="partner"),
    path("notices/", views.notices_page, name="notices"),
    path("notices/<int:pk>/delivered/", views.notice_delivered, name="notice_delivered"),
]
