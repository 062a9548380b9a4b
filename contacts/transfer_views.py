"""Import, export and privacy pages. These handle many customers' data at once (or erase it),
so they are for leads and admins only; an agent gets a 404 like for anything they may not see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditAction
from audit.services import audit_record
from crm import imports
from crm.models import ContactImport, ImportMode
from inbox import access
from kernel.spreadsheet import csv_lines

from . import privacy, selectors

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require_manager(user) -> None:
    if not access.sees_everything(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def contact_import(request):
    _require_manager(request.user)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD_BYTES:
            error = _("Choose a CSV file (at most 50 MB).")
        else:
            try:
                content = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                error = _("The file is not UTF-8 text.")
            else:
                job = imports.contact_import_start(
                    user=request.user, filename=upload.name, content=content, mode=request.POST.get("mode", "")
                )
                return redirect("contact-import-progress", job.pk)
    recent = ContactImport.objects.defer("content").order_by("-id")[:10]
    context = {"error": error, "recent": recent, "modes": ImportMode.choices}
    return render(request, "crm/import.html", context)


@login_required
@require_GET
def contact_import_progress(request, pk: int):
    _require_manager(request.user)
    job = ContactImport.objects.defer("content").filter(pk=pk).first()
    if job is None:
        raise Http404
    template = "crm/_import_progress.html" if request.headers.get("HX-Request") else "crm/import_progress.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def contact_export(request):
    """The filtered contact list (same filters as /contacts/) as CSV, streamed."""
    _require_manager(request.user)
    filters = selectors.ContactFilters.from_query(request.GET)
    contacts = selectors.contact_search(user=request.user, filters=filters)
    lines = csv_lines(imports.contacts_csv_rows(contacts))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    audit_record(actor=request.user, action=AuditAction.EXPORT, label="contacts.csv", query=request.GET.urlencode())
    return response


@login_required
@require_GET
def contact_gdpr_export(request, pk: int):
    _require_manager(request.user)
    contact = access.access_contact_or_survivor(request.user, pk)
    with_files = request.GET.get("format") == "zip"
    body = privacy.contact_gdpr_export(contact=contact, actor=request.user, with_files=with_files)
    extension, content_type = ("zip", "application/zip") if with_files else ("json", "application/json")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.{extension}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contact_erase(request, pk: int):
    """A confirmation step: the lead types ERASE; then the contact is erased."""
    _require_manager(request.user)
    contact = access.access_contact_or_survivor(request.user, pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().upper() != "ERASE":
            error = _("Type ERASE to confirm.")
        else:
            kept = privacy.contact_erase(contact=contact, actor=request.user)
            messages.success(
                request,
                _("Contact erased. %(conversations)d conversations and %(messages)d messages kept as anonymous counts.")
                % kept,
            )
            return redirect("contact-list")
    return render(request, "crm/erase.html", {"contact": contact, "error": error})
