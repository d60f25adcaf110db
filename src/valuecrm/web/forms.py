"""Forms check the shape of input only (types, required, choices); the rules are the
models' and actions'. A form's field names are the models', so an action's ValidationError
lands next to the right input."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, exc: ValidationError, *, aliases=None) -> None:
    """Show an action's errors on the form: per field where the form has it, else on top."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        target = aliases.get(name, name)
        if target.endswith("_id"):
            target = target.removesuffix("_id")
        messages = [m for error in errors for m in error.messages]
        form.add_error(target if target in form.fields else None, messages)


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
