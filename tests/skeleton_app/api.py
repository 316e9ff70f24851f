from ninja import Router

router = Router(tags=["skeleton"])


@router.get("/skeleton/ping", operation_id="skeleton_ping", response={200: dict})
def ping(request):
    return {"pong": True}
