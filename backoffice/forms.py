"""Forms of the backoffice: the ideas add/change form (the API's writable fields, never the notes,
checked by the API's rules) and the users add/change forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User
from ideas.models import Idea
from ideas.rules import (
    RuleViolation,
    clean_priority,
    clean_stage,
    clean_tags,
    clean_title,
    parse_due_date,
)


class IdeaAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The add/change form: the API's fields minus notes; every value checked by the API's rules."""

    tags = forms.CharField(
        required=False,
        help_text="Comma-separated. Trimmed, lower-cased and de-duplicated on save; at most 20.",
    )

    class Meta:
        model = Idea
        fields = ("user", "title", "stage", "priority", "tags", "due_date")
        help_texts = {"due_date": "Date and time in UTC."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.tags, list):
            self.initial["tags"] = ", ".join(str(tag) for tag in self.instance.tags)

    def _rule(self, name: str, cleaner: Callable[[Any], Any], value: Any) -> Any:
        try:
            return cleaner(value)
        except RuleViolation as violation:
            raise forms.ValidationError(violation.message, code=violation.code) from None

    def clean_title(self) -> str:
        """The API's title rule."""
        return str(self._rule("title", clean_title, self.cleaned_data.get("title") or ""))

    def clean_stage(self) -> str:
        """The API's stage rule."""
        return str(self._rule("stage", clean_stage, self.cleaned_data.get("stage")))

    def clean_priority(self) -> str:
        """The API's priority rule."""
        return str(self._rule("priority", clean_priority, self.cleaned_data.get("priority")))

    def clean_tags(self) -> list[str]:
        """Comma-separated text to the API's normalised tag list."""
        raw = str(self.cleaned_data.get("tags") or "")
        items = [item for item in raw.split(",") if item.strip()]
        return list(self._rule("tags", clean_tags, items))

    def clean_due_date(self) -> Any:
        """The API's due-date rule (timezone-aware, stored in UTC)."""
        return self._rule("due_date", parse_due_date, self.cleaned_data.get("due_date"))


class StaffCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    """The add form: a backoffice account with an e-mail, a name and (usually) a password."""

    class Meta:
        model = User
        fields = ("email", "name", "is_staff")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_staff"].initial = True

    def clean_email(self) -> str:
        """E-mail addresses are stored lower-cased, as `UserManager` and the token sync store them."""
        return str(self.cleaned_data["email"]).strip().lower()


class AccountChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """The change form (most fields are read-only, see `UserAdmin.get_readonly_fields`)."""

    class Meta:
        model = User
        fields = "__all__"
