from django.urls import path

from safercity.emergency import (
    board,
    callbacks,
    crisis,
    dispatcher,
    report,
    setup,
    workstation,
)

app_name = "emergency"
# Public pages (/911/...) have their own namespace.
public = (
    [path("crisis-response/", crisis.public_page, name="crisis")],
    "emergency_public",
)
urlpatterns = [
    path("", workstation.desk, name="desk"),
    path("desk/poll/", workstation.poll, name="desk_poll"),
    path("desk/positions/<int:pk>/sign-in/", workstation.sign_in, name="desk_sign_in"),
    path("desk/sign-out/", workstation.sign_out, name="desk_sign_out"),
    path("desk/state/", workstation.set_state, name="desk_state"),
    path("desk/calls/<int:pk>/answer/", workstation.answer, name="desk_answer"),
    path("desk/calls/<int:pk>/triage/", workstation.triage, name="desk_triage"),
    path("desk/calls/<int:pk>/incident/", workstation.incident, name="desk_incident"),
    path("desk/calls/<int:pk>/transfer/", workstation.transfer, name="desk_transfer"),
    path("desk/calls/<int:pk>/release/", workstation.release, name="desk_release"),
    path("dispatch/", dispatcher.page, name="dispatch"),
    path("dispatch/board/", dispatcher.board, name="dispatch_board"),
    path("dispatch/map.geojson", dispatcher.map_data, name="dispatch_map"),
    path("dispatch/incidents/<int:pk>/send/", dispatcher.send, name="dispatch_send"),
    path("dispatch/incidents/<int:pk>/cancel/", dispatcher.cancel, name="dispatch_cancel"),
    path("dispatch/assignments/<int:pk>/status/", dispatcher.progress, name="dispatch_progress"),
    path("dispatch/assignments/<int:pk>/take-off/", dispatcher.take_off, name="dispatch_take_off"),
    path("dispatch/assignments/<int:pk>/reassign/", dispatcher.reassign, name="dispatch_reassign"),
    path("dispatch/units/<int:pk>/service/", dispatcher.service, name="dispatch_service"),
    path("crisis/", crisis.worklist, name="crisis"),
    path("crisis/<int:pk>/", crisis.record, name="crisis_record"),
    path("setup/", setup.page, name="setup"),
    path("setup/positions/", setup.position, name="setup_position_new"),
    path("setup/positions/<int:pk>/", setup.position, name="setup_position"),
    path("setup/units/", setup.unit, name="setup_unit_new"),
    path("setup/units/<int:pk>/", setup.unit, name="setup_unit"),
    path("board/", board.board, name="board"),
    path("board/alerts/<int:pk>/acknowledge/", board.acknowledge, name="board_ack"),
    path("board/calls/<int:pk>/partner/", board.to_partner, name="board_partner"),
    path("nena/", report.nena_report, name="nena"),
    path("callbacks/", callbacks.worklist, name="callbacks"),
    path("callbacks/<int:pk>/", callbacks.record, name="callback"),
    path("callbacks/<int:pk>/claim/", callbacks.claim, name="callback_claim"),
]
