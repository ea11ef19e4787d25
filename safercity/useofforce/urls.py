from django.urls import path

from safercity.useofforce import views

app_name = "useofforce"
urlpatterns = [path("", views.board_page, name="board")]
