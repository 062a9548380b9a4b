from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .access import require_manager


@login_required
def settings_home(request):
    require_manager(request.user)
    return redirect("/settings/inboxes/")
