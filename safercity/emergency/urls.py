from django.urls import path

from safercity.emergency import board, callbacks, report

app_name = "emergency"
urlpatterns = [
    path("board/", board.board, name="board"),
    path("nena/", report.nena_report, name="nena"),
    path("callbacks/", callbacks.worklist, name="callbacks"),
    path("callbacks/<int:pk>/", callbacks.record, name="callback"),
    path("callbacks/<int:pk>/claim/", callbacks.claim, name="callback_claim"),
]
