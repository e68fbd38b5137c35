from django.urls import path

from . import views

app_name = "sheets"

urlpatterns = [
    path("pack/<str:code>.pdf", views.pack_pdf, name="pack"),
    path("poster/ZM-A3.pdf", views.poster_pdf, name="poster"),
    path("<str:code>.pdf", views.sheet_pdf, name="sheet"),
]
