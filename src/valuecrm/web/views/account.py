"""The profile page: who I am, and my API tokens (created once, listed, revoked)."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.org.actions import create_api_token, revoke_api_token
from valuecrm.org.models import ApiToken
from valuecrm.web.forms import apply_errors
from valuecrm.web.htmx import render_page


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, required=False,
                           help_text=_("Say what will use it, e.g. “BI nightly sync”."))
    expires_on = forms.DateField(label=_("Valid until"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Empty: never expires."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, required=False,
                              initial=ApiToken.Scope.WRITE,
                              help_text=_("Give reporting and sync programs a read-only token."))

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the whole chosen day, in the site's time zone.
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _render(request, form, *, new_key=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    context = {"form": form, "tokens": tokens, "new_key": new_key, "now": timezone.now()}
    return render_page(request, "web/profile.html", context, status=status)


@login_required
def profile(request):
    return _render(request, TokenForm())


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _record, key = create_api_token(
                actor=request.user, user=request.user, name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                scope=form.cleaned_data["scope"] or ApiToken.Scope.WRITE,
            )
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"expires_at": "expires_on"})
        else:
            return _render(request, TokenForm(), new_key=key)
    return _render(request, form, status=422)


@login_required
@require_POST
def revoke_token(request, pk: int):
    try:
        revoke_api_token(actor=request.user, token_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return _render(request, TokenForm())
