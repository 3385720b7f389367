"""The public site's addresses, inside the language prefix (/en/, /ko/; see irum.urls)."""

from django.urls import path

from irum.public import views
from irum.routes import views as route_views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("stories/", views.story_list, name="stories"),
    path("stories/<slug:slug>/", views.story_detail, name="story"),
    path("stories/preview/<int:pk>/", views.story_preview, name="story_preview"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<str:public_id>/", views.case_detail, name="case"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("figures/", views.figures, name="figures"),
    # The public map in the reader's language (it is also at /maps/public/, in the
    # language the browser asks for).
    path("map/", route_views.public_map_page, name="map"),
    path("map/table/", route_views.public_table_page, name="map_table"),
]
