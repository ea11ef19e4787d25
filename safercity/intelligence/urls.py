from django.urls import path

from safercity.intelligence import exchange_views as desk
from safercity.intelligence import public as public_views
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
    path("requests/", desk.requests_page, name="requests"),
    path("requests/<int:pk>/", desk.request_page, name="request"),
    path("requests/<int:pk>/<str:action>/", desk.request_action, name="request_action"),
    path("bulletins/", desk.bulletins_page, name="bulletins"),
    path("bulletins/<int:pk>/", desk.bulletin_page, name="bulletin"),
    path(
        "bulletins/<int:pk>/feedback/<int:recipient>/",
        desk.bulletin_feedback,
        name="bulletin_feedback",
    ),
    path("overdue/", desk.overdue_page, name="overdue"),
    path("operations/", desk.operations_page, name="operations"),
    path("exchange/", desk.exchange_page, name="exchange"),
    path("received/", desk.received_page, name="received"),
    path("exchange/<uuid:pk>/retry/", desk.exchange_retry, name="exchange_retry"),
    path("operations/<int:pk>/<str:action>/", desk.operation_action, name="operation_action"),
    path("tips/", desk.tips_page, name="tips"),
    path("tips/<int:pk>/", desk.tip_page, name="tip"),
    path("tips/<int:pk>/<str:action>/", desk.tip_action, name="tip_action"),
]

public = (
    [
        path("", public_views.tip_form, name="send"),
        path("follow/", public_views.tip_status, name="status"),
    ],
    "tips",
)

accountability = (
    [path("", public_views.monthly, name="monthly")],
    "intelligence_public",
)
