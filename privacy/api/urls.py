"""Privacy routes (included under `/api/v1/`); both slash styles, no redirect.

`users/me` is the account itself: its profile view comes from `accounts`, its DELETE (erasure of
everything) from here.
"""

from django.urls import URLPattern, re_path

from privacy.api.views import AccountView, UserExportView

urlpatterns: list[URLPattern] = [
    re_path(r"^users/me/?$", AccountView.as_view(), name="users-me"),
    re_path(r"^users/me/export/?$", UserExportView.as_view(), name="users-me-export"),
]
