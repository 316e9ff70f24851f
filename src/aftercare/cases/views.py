"""Pages of raised items: the branch's list, the supervisor's queue, one item and its moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.cases import actions, queries
from aftercare.cases.forms import InformForm, ItemFilterForm, NoteForm, SolutionForm
from aftercare.cases.models import State
from aftercare.errors import DomainError
from aftercare.formfields import filter_status, user_tz

DESK = "customers.view_customer"

# The moves a page may make: URL action → (form, action, button label, success message).
MOVES = {
    "research": (NoteForm, actions.start_research, _("Start research"),
                 _("Research started.")),
    "escalate": (NoteForm, actions.escalate, _("Escalate to the supervisor"),
                 _("Escalated to the supervisor.")),
    "solve": (SolutionForm, actions.record_solution, _("Record solution"),
              _("Solution recorded; tell the customer today (DS-5).")),
    "inform": (InformForm, actions.inform_customer, _("Customer informed"),
               _("The customer was told; the item is closed.")),
}  # fmt: skip


def is_supervisor(user) -> bool:
    """Who sees the escalation queue and solves what was escalated (DS-4, DS-5)."""
    return user.has_perm(queries.SOLVE_ESCALATED)


def _item(request, pk: int):
    return get_object_or_404(queries.visible_items(request.user), pk=pk)


def allowed_moves(item, user) -> list[str]:
    """Moves the transition map allows from the item's state; solving an escalated item is
    the supervisor's, so advisors are not offered it."""
    moves = []
    for name, (sources, _target) in actions.TRANSITIONS.items():
        if name not in MOVES or item.state not in sources:
            continue
        if name == "solve" and item.state == State.ESCALATED and not is_supervisor(user):
            continue
        moves.append(name)
    return moves


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def item_list(request):
    form = ItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = queries.filtered_items(request.user, filters, user_tz(request.user))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "show_queue": is_supervisor(request.user),
    }
    return render(request, "cases/list.html", context, status=filter_status(form))


@login_required
@require_GET
def queue(request):
    """Escalated items waiting for the supervisor's solution, oldest first."""
    if not is_supervisor(request.user):
        raise PermissionDenied
    items = queries.escalation_queue(request.user)
    return render(request, "cases/queue.html", {"items": items, "now": timezone.now()})


def _render_detail(request, item, bound=None, error=None, status=200):
    forms = {name: MOVES[name][0]() for name in allowed_moves(item, request.user)}
    if bound is not None and bound[0] in forms:  # keep what was typed, with its errors
        forms[bound[0]] = bound[1]
    moves = [{"name": name, "form": form, "label": MOVES[name][2]} for name, form in forms.items()]
    context = {
        "item": item,
        "events": item.events.select_related("by", "call"),
        "moves": moves,
        "error": error,
        "waiting_for_supervisor": item.state == State.ESCALATED and not is_supervisor(request.user),
    }
    return render(request, "cases/detail.html", context, status=status)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def detail(request, pk: int):
    return _render_detail(request, _item(request, pk))


@login_required
@permission_required(DESK, raise_exception=True)
@require_POST
def move(request, pk: int, action: str):
    if action not in MOVES:
        raise Http404
    item = _item(request, pk)
    form_class, act, _label, done = MOVES[action]
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(request, item, bound=(action, form))
    try:
        act(item, by=request.user, **form.arguments())
    except DomainError as error:
        for field, errors in error.fields.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, str(message))
        item.refresh_from_db()
        return _render_detail(
            request, item, bound=(action, form), error=error.message, status=error.status
        )
    messages.success(request, str(done))
    return redirect("cases:detail", pk=item.pk)
