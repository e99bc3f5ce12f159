from django.urls import path

from kaffebro.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.all_seekers, name="all"),
    path("<slug:chart>.csv", views.all_seekers_csv, name="all_csv"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<slug:chart>.csv", views.caseload_csv, name="caseload_csv"),
    path("mine/", views.mine, name="mine"),
    path("mine/<slug:chart>.csv", views.mine_csv, name="mine_csv"),
    path("impact/", views.impact, name="impact"),
]
