"""The demo's mail page (leads and admins, demo inboxes only): simulate an incoming email,
read the replies the demo wrote as files."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from inbox import access

from .demo_mail import demo_email_inboxes, demo_email_simulate, demo_mail_list, demo_mail_read


class SimulateForm(forms.Form):
    inbox = forms.ModelChoiceField(label=gettext_lazy("Inbox"), queryset=demo_email_inboxes(), empty_label=None)
    sender = forms.EmailField(label=gettext_lazy("From (address)"), initial="customer@example.test")
    name = forms.CharField(label=gettext_lazy("From (name)"), required=False, max_length=100)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    in_reply_to = forms.CharField(
        label=gettext_lazy("In reply to (Message-ID, optional)"), required=False, max_length=255
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inbox"].queryset = demo_email_inboxes()


def _require_lead_and_demo(user):
    if not access.sees_everything(user) or not demo_email_inboxes().exists():
        raise Http404  # what you may not use does not exist for you


@login_required
@require_http_methods(["GET", "POST"])
def demo_mail(request):
    _require_lead_and_demo(request.user)
    form = SimulateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = demo_email_simulate(
            data["inbox"],
            sender=data["sender"],
            name=data["name"],
            subject=data["subject"],
            text=data["text"],
            in_reply_to=data["in_reply_to"].strip(),
        )
        if outcome == "message":
            messages.success(request, _("The email arrived in %(inbox)s.") % {"inbox": data["inbox"].name})
        else:
            messages.warning(
                request, _("The email was stored but not shown as a message (%(outcome)s).") % {"outcome": outcome}
            )
        return redirect("email-demo-mail")
    return render(request, "channels_email/demo_mail.html", {"form": form, "mails": demo_mail_list()})


@login_required
@require_GET
def demo_mail_view(request, file: str, index: int):
    _require_lead_and_demo(request.user)
    mail = demo_mail_read(file, index)
    if mail is None:
        raise Http404
    return render(request, "channels_email/demo_mail_view.html", {"mail": mail})
