from django.urls import path

from irum.routes import views

app_name = "routes"
urlpatterns = [
    path("maps/", views.map_page, name="map"),
    path("maps/map.svg", views.map_image, {"fmt": "svg"}, name="image_svg"),
    path("maps/map.png", views.map_image, {"fmt": "png"}, name="image_png"),
    path("maps/table/", views.table_page, name="table"),
    path("maps/public/", views.public_map_page, name="public_map"),
    path("maps/public/table/", views.public_table_page, name="public_table"),
    path("maps/public/map.svg", views.public_map_image, {"fmt": "svg"}, name="public_image_svg"),
    path("maps/public/map.png", views.public_map_image, {"fmt": "png"}, name="public_image_png"),
    # The API serves each caller's scope (see views); the public_ names are the same
    # views with ?public=1 implied by the page that links them.
    path("api/flows.geojson", views.flows_geojson, name="geojson_flows"),
    path("api/routes.geojson", views.routes_geojson, name="geojson_routes"),
]
