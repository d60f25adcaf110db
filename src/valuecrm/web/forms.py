"""Forms check the shape of input only (types, required, choices); the rules are the
models' and actions'. A form's field names are the models', so an action's ValidationError
lands next to the right input."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, exc: ValidationError, *, aliases=None,
                 rows=None) -> None:
    """Show an action's errors on the form: per field where the form has it, else on top.

    `rows` maps a list the action takes ("variants") to the `Rows` showing it: an error
    named "variants.1.message" lands on that row's field."""
    aliases, rows = aliases or {}, rows or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        messages = [m for error in errors for m in error.messages]
        head, _dot, rest = name.partition(".")
        if head in rows:
            rows[head].show_error(rest, messages)
            continue
        target = aliases.get(name, name)
        if target.endswith("_id"):
            target = target.removesuffix("_id")
        form.add_error(target if target in form.fields else None, messages)


class Rows(forms.BaseFormSet):
    """Repeated rows of one form (a campaign's variants, an initiative's metrics). Rows
    left blank are ignored; `legend` and `help` head them on the page."""

    legend = ""
    help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.errors_above: list[str] = []

    def _construct_form(self, i, **kwargs):
        # Any row may stay blank, pre-filled ones too (the variant names A and B).
        return super()._construct_form(i, empty_permitted=True, **kwargs)

    def filled(self) -> list[forms.Form]:
        """The rows someone filled in, in order (the action numbers its errors by them)."""
        return [f for f in self.forms if f.has_changed()]

    def row_for(self, key: str) -> forms.Form | None:
        """The row an error named `key` belongs to: by default its position among the
        filled rows."""
        filled = self.filled()
        return filled[int(key)] if key.isdigit() and int(key) < len(filled) else None

    def show_error(self, name: str, messages: list[str]) -> None:
        key, _dot, field = name.partition(".")
        row = self.row_for(key) if key else None
        if row is None:
            self.errors_above.extend(messages)
            return
        row.add_error(field if field in row.fields else None, messages)


class ActionForm(forms.ModelForm):
    """A ModelForm that checks shape only: the action runs the model's rules and saves.

    Foreign-key choices are limited to what the user may see (`limit_choices`), and
    `values()` gives the action its data with foreign keys as `<name>_id`.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = self.limit_choices(name, field.queryset)

    def limit_choices(self, name, queryset):
        from valuecrm.org.queries import visible_users

        if name == "owner":
            return visible_users(self.user)
        return queryset.model._default_manager.visible_to(self.user)

    def _post_clean(self):
        # Model validation happens once, inside the action (core.records calls full_clean).
        pass

    def extras(self) -> dict:
        """Keywords the update action takes besides the field changes (a reason)."""
        return {}

    def values(self) -> dict:
        data = {}
        for name in self._meta.fields:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            model_field = self._meta.model._meta.get_field(name)
            if model_field.many_to_one:
                data[model_field.attname] = value.pk if value is not None else None
            elif value is None and not model_field.null:
                data[name] = model_field.get_default()
            else:
                data[name] = value
        return data
