"""The inbox's search box: GET /inbox/search/?q= answers an HTML fragment (HTMX swaps it in)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import search


@login_required
@require_GET
def search_results(request):
    results = search.search(user=request.user, query=request.GET.get("q", ""))
    return render(request, "inbox/_search_results.html", {"results": results})
