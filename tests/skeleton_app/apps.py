from aftercare.apps import SUPERVISION, AftercareApp, MenuEntry, NextStep, TickStep, UrlMount


def _board_url(obligation, user) -> str:
    return "/skeleton/"


class SkeletonConfig(AftercareApp):
    name = "tests.skeleton_app"
    label = "skeleton"
    verbose_name = "Skeleton"

    urls = (UrlMount("skeleton/", "tests.skeleton_app.urls"),)
    api_router = "tests.skeleton_app.api.router"
    tick_steps = (TickStep("tests.skeleton_app.tick.run", order=55),)
    menu = (
        MenuEntry("skeleton:board", "Skeleton board", None, 25),
        MenuEntry("skeleton:board", "Skeleton figures", None, 15, SUPERVISION),
    )
    role_permissions = {"engineer": ["skeleton.view_board"]}
    next_steps = {"SK-1": NextStep("Open the board", _board_url)}
    demo_loader = "tests.skeleton_app.demo.load"
    demo_remover = "tests.skeleton_app.demo.remove"
