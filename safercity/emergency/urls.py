from django.urls import path

from safercity.emergency import board

app_name = "emergency"
urlpatterns = [path("board/", board.board, name="board")]
