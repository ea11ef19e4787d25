from django.urls import path

from safercity.violence import public as public_views
from safercity.violence import views

app_name = "violence"
urlpatterns = [
    path("", views.groups_page, name="groups"),
    path("groups/<int:pk>/", views.group_page, name="group"),
    path("groups/<int:pk>/status/", views.group_status, name="group_status"),
    path("groups/<int:pk>/add/<str:what>/", views.group_add, name="group_add"),
    path("audits/", views.sessions_page, name="sessions"),
    path("audits/<int:pk>/", views.session_page, name="session"),
    path("reviews/", views.reviews_page, name="reviews"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
    path("interventions/", views.interventions_page, name="interventions"),
    path("evaluation/", views.evaluation_page, name="evaluation"),
    path("evaluation/peers/", views.evaluation_peers, name="evaluation_peers"),
    path("interventions/<int:pk>/", views.intervention_page, name="intervention"),
    path("shooting-reviews/", views.shooting_reviews_page, name="shooting_reviews"),
    path("shooting-reviews/<int:pk>/", views.shooting_review_page, name="shooting_review"),
]


public = ([path("", public_views.quarterly, name="quarterly")], "violence_public")
