from django.urls import path

from safercity.staffing import patrol_views, views

app_name = "staffing"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("plans/<uuid:pk>/", views.job_page, name="job"),
    path("patrol/", patrol_views.patrol_page, name="patrol"),
    path("patrol/build/", patrol_views.workload_build_page, name="patrol_build"),
    path("patrol/defects.csv", patrol_views.defects_csv, name="patrol_defects"),
    path("patrol/model/", patrol_views.model_page, name="patrol_model"),
    path("patrol/rosters/", patrol_views.rosters_page, name="rosters"),
    path("patrol/units/", patrol_views.units_page, name="units"),
    path("patrol/units/<int:pk>/", patrol_views.units_page, name="unit"),
    path("patrol/scenarios/", patrol_views.scenarios_page, name="scenarios"),
    path("patrol/scenarios/compare/", patrol_views.compare_page, name="compare"),
    path("patrol/scenarios/<int:pk>/", patrol_views.scenario_page, name="scenario"),
    path("patrol/scenarios/<int:pk>/report/", patrol_views.scenario_report, name="scenario_report"),
    path("patrol/scenarios/<int:pk>.csv", patrol_views.scenario_csv, name="scenario_csv"),
]
