from django.urls import path

from safercity.equity import referral_views, views

app_name = "equity"
urlpatterns = [
    path("", views.directory_page, name="directory"),
    path("new/", views.service_new_page, name="service_new"),
    path("organizations/new/", views.organization_new_page, name="organization_new"),
    path("providers/", views.providers_page, name="providers"),
    path("import/", views.import_page, name="import"),
    path("referrals/", referral_views.referrals_page, name="referrals"),
    path("referrals/new/", referral_views.referral_new_page, name="referral_new"),
    path("referrals/<int:pk>/", referral_views.referral_page, name="referral"),
    path("<str:pk>/", views.service_page, name="service"),
]
