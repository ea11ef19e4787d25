from django import template

from safercity.core.words import say

register = template.Library()
register.filter("say", say)
