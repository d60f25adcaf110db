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
