"""A lesson's media, outside the language prefixes (a file is the same in every language)."""

from django.urls import path

from . import views_media

urlpatterns = [
    path("<int:lesson_id>/<str:block_id>/file", views_media.media_file, name="lesson_media_file"),
    path(
        "<int:lesson_id>/<str:block_id>/poster",
        views_media.media_poster,
        name="lesson_media_poster",
    ),
    path(
        "<int:lesson_id>/<str:block_id>/captions/<str:language>.vtt",
        views_media.media_captions,
        name="lesson_media_captions",
    ),
    path(
        "<int:lesson_id>/<str:block_id>/position",
        views_media.save_position,
        name="lesson_media_position",
    ),
]
