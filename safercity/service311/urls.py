from django.urls import path

from safercity.service311 import catalog_page, console, residents

staff = (
    [
        path("", console.queue_page, name="queue"),
        path("catalog/", catalog_page.catalog_page, name="catalog"),
        path("requests/<int:pk>/", console.detail_page, name="detail"),
        path("requests/<int:pk>/status/", console.change_status, name="status"),
        path("requests/<int:pk>/note/", console.add_note, name="note"),
        path("requests/<int:pk>/assign/", console.assign, name="assign"),
        path("requests/<int:pk>/merge/", console.merge, name="merge"),
        path("requests/<int:pk>/photo/", console.photo, name="photo"),
        path("requests/<int:pk>/media/", console.review_media, name="review_media"),
    ],
    "service311_staff",
)

public = (
    [
        path("", residents.start, name="start"),
        path("report/<path:service_code>/", residents.report, name="report"),
        path("requests/<str:token>/", residents.status, name="status"),
        path("requests/<uuid:token>/photo/", residents.photo, name="photo"),
        path("find/", residents.find, name="find"),
        path("map/neighborhoods.geojson", residents.neighborhoods_geojson, name="map"),
        path("map/streets.geojson", residents.streets_geojson, name="streets"),
        path("map/nearest.json", residents.nearest_json, name="nearest"),
    ],
    "service311",
)
