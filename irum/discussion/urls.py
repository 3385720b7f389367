"""Reader accounts and discussions, inside the language prefix (/en/, /ko/; irum.urls)."""

from django.urls import path

from irum.discussion import views

app_name = "discussion"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/register/", views.register, name="register"),
    path("account/sign-in/", views.SignIn.as_view(), name="sign_in"),
    path("account/sign-out/", views.sign_out, name="sign_out"),
    path("account/password/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "account/password/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("account/confirm/<str:token>/", views.verify, name="verify"),
    path("account/confirm-again/", views.resend, name="resend"),
    path("stories/<slug:slug>/comments/", views.story_thread, name="story_thread"),
    path("cases/<str:public_id>/comments/", views.case_thread, name="case_thread"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("comments/<int:pk>/report/", views.flag, name="flag"),
]
