from django import template

register = template.Library()


@register.filter
def is_mine(comment, user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and comment.author_id == user.pk)
