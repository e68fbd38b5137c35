from django.urls import path, re_path

from . import views

app_name = "sheets"

urlpatterns = [
    path("pack/<str:code>.pdf", views.pack_pdf, name="pack"),
    path("poster/ZM-A3.pdf", views.poster_pdf, name="poster"),
    path("<str:code>.pdf", views.sheet_pdf, name="sheet"),
]

# The short addresses sheets' QR codes hold, /s/QH-MZ-001/3 (a trailing slash is
# forgiven); portal/urls.py includes them at the top level, outside this namespace.
short_urlpatterns = [
    re_path(r"^(?P<code>[A-Za-z0-9-]{1,32})/(?P<number>[0-9]{1,9})/?$", views.short_address, name="sheet_short"),
]
