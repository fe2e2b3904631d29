"""The ``{% url %}`` tag, with the path remembered (``portal.urlcache``).

Loaded as a template builtin after Django's own, so every ``{% url %}`` in the
project uses it; its syntax and behaviour are Django's (``as var``, a missing
route raising ``NoReverseMatch`` unless ``as`` is used)."""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from portal.urlcache import reverse_cached

register = template.Library()


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            match = getattr(request, "resolver_match", None)
            current_app = match.namespace if match else None
        url = ""
        try:
            url = reverse_cached(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
