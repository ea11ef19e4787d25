from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from safercity.core.uploads import serve_upload
from safercity.crime import urls as crime_urls
from safercity.emergency import urls as emergency_urls
from safercity.emergency.api import api as emergency_api
from safercity.equity import indicator_urls as equity_indicator_urls
from safercity.equity.api import api as hsds_api
from safercity.equity.api import not_found as hsds_not_found
from safercity.intelligence import urls as intelligence_urls
from safercity.intelligence.exchange_api import api as exchange_api
from safercity.properties import urls as properties_urls
from safercity.service311 import urls as service311_urls
from safercity.service311.api import api as open311_api
from safercity.service311.api import not_found as open311_not_found
from safercity.useofforce import urls as useofforce_urls
from safercity.violence import urls as violence_urls
from safercity.workforce import urls as workforce_urls

urlpatterns = [
    path("", include("safercity.accountability.urls")),
    path("staff/staffing/", include("safercity.staffing.urls")),
    path("staff/311/", include(service311_urls.staff)),
    path("staff/911/", include("safercity.emergency.urls")),
    path("911/", include(emergency_urls.public)),
    path("staff/properties/", include("safercity.properties.urls")),
    path("staff/violence/", include("safercity.violence.urls")),
    path("staff/intelligence/", include("safercity.intelligence.urls")),
    path("staff/use-of-force/", include("safercity.useofforce.urls")),
    path("use-of-force/", include(useofforce_urls.public)),
    path("staff/equity/", include("safercity.workforce.urls")),
    path("staff/services/", include("safercity.equity.urls")),
    path("staff/equity-indicators/", include(equity_indicator_urls.staff)),
    path("equity-indicators/", include("safercity.equity.indicator_urls")),
    path("equity/", include(workforce_urls.public)),
    path("311/", include(service311_urls.public)),
    path("crime/", include("safercity.crime.urls")),
    path("staff/crime/", include(crime_urls.staff_urls)),
    path("landlords/", include(properties_urls.public)),
    path("focused-deterrence/", include(violence_urls.public)),
    path("tips/", include(intelligence_urls.public)),
    path("intelligence-exchange/", include(intelligence_urls.accountability)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("safercity.core.urls")),
    path("demo/", include("safercity.demo.urls")),
    path("api/911/", emergency_api.urls),
    path("api/exchange/v1/", exchange_api.urls),
    path("open311/v2/", open311_api.urls),
    path("api/hsds/", hsds_api.urls),
    re_path(r"^api/hsds/(?P<rest>.*)$", hsds_not_found),
    re_path(r"^open311/v2/(?P<rest>.*)$", open311_not_found),
    path("admin/", admin.site.urls),
]
# Uploads are served by one view, in development and production alike, only as the image type
# their bytes show (see core.uploads); a front proxy may cache them but must not serve the folder.
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_upload))
