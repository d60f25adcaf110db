from django.contrib.auth import views as auth_views
from django.urls import path

from valuecrm.web.views import account, system, workbench

app_name = "web"
urlpatterns = [
    path("", workbench.home, name="home"),
    path("healthz", system.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", account.profile, name="profile"),
    path("profile/tokens/", account.create_token, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", account.revoke_token, name="token_revoke"),
]
