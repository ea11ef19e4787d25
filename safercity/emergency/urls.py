from django.urls import path

from safercity.emergency import board, report

app_name = "emergency"
urlpatterns = [
    path("board/", board.board, name="board"),
    path("nena/", report.nena_report, name="nena"),
]
