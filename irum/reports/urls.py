from django.urls import path

from irum.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.figures_page, name="figures"),
    path("public/", views.public_figures_page, name="public"),
]
